"""The OIDC federation an IRSA trust relies on: the provider must be in the role's own account (AWS STS looks
the provider up there: IAM User Guide, "Create a role for OpenID Connect federation"), exist, list the STS
audience in its client IDs (the token's ``aud`` must be one of them), and be the cluster's issuer. Pure: the
live facts are read by :mod:`byoc_iam.aws.read` and passed in."""

from __future__ import annotations

from collections.abc import Mapping

from byoc_iam.model.arn import eks_issuer
from byoc_iam.model.record import field, record
from byoc_iam.verify.report import FederationResult


@record(frozen=True, kw_only=False)
class ProviderFacts:
    """What IAM says about one OIDC provider: its issuer URL (without ``https://``) and client IDs."""

    url: str
    client_ids: tuple[str, ...]


@record(frozen=True, kw_only=False)
class Federation:
    """Facts read from AWS: ``providers`` by ARN (None: read and absent), the cluster's issuer (``--cluster``)."""

    providers: Mapping[str, ProviderFacts | None] = field(default_factory=dict)
    cluster: str | None = None
    cluster_issuer: str | None = None


def arn_account(arn: str) -> str:
    """The account field of an ARN ('' when it has none)."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" else ""


def _host(url: str) -> str:
    return url.removeprefix("https://").removeprefix("http://").rstrip("/")


def check_provider(
    provider: str,
    role_account: str,
    audience: str,
    facts: Federation | None,
    *,
    account_known: bool = True,
    region: str | None = None,
) -> FederationResult:
    """Everything that must hold for AssumeRoleWithWebIdentity through ``provider`` to work (offline: the
    account, when the role's account is known, and the region of an EKS provider, when the cluster's ``region``
    is given: an EKS cluster's tokens carry the issuer ``oidc.eks.<its region>.amazonaws.com/id/<ID>`` and STS
    accepts them only through the provider of that issuer)."""
    problems: list[str] = []
    checked = ["account"] if account_known else []
    owner = arn_account(provider)
    if account_known and owner != role_account:
        problems.append(
            f"the trust names the OIDC provider of account {owner or '?'} ({provider}); STS requires the provider "
            f"in the role's own account {role_account}"
        )
    eks = eks_issuer(provider)
    if region is not None and eks is not None:
        checked.append("region")
        if eks.region != region:
            problems.append(
                f"the trust names the OIDC provider of an EKS cluster in {eks.region} ({provider}), but the "
                f"cluster is in {region}: its tokens' issuer is oidc.eks.{region}.{eks.suffix}/id/..., which this "
                "provider does not match"
            )
    if facts is not None and owner == role_account:
        checked.append("exists")
        found = facts.providers.get(provider)
        if found is None:
            problems.append(f"OIDC provider {provider} does not exist in account {role_account}")
        else:
            checked.append("audience")
            if audience not in found.client_ids:
                shown = ", ".join(found.client_ids) or "none"
                problems.append(f"OIDC provider {provider} does not list {audience} in its client IDs ({shown})")
            if facts.cluster_issuer is not None:
                checked.append("issuer")
                if _host(found.url) != _host(facts.cluster_issuer):
                    problems.append(
                        f"OIDC provider {provider} is for issuer {_host(found.url)}, but cluster {facts.cluster}'s "
                        f"issuer is {_host(facts.cluster_issuer)}"
                    )
    return FederationResult(provider=provider, checked=checked, passed=not problems, problems=problems)
