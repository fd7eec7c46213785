"""link-cluster: DescribeCluster → the OIDC issuer → a plan that ensures the IAM OIDC provider and points the
role's trust policy at it. Thumbprint: ``--thumbprint``, else the issuer's TLS chain when reachable, else none
(IAM no longer needs a thumbprint for OIDC providers such as EKS's whose certificates chain to a root CA it
trusts; the API accepts an empty list)."""

from __future__ import annotations

import hashlib
import re
import socket
import ssl
import urllib.parse
from collections.abc import Callable

from byoc_iam.aws.apply import ApplyOutcome, converge
from byoc_iam.aws.read import cluster_issuer, read_live
from byoc_iam.aws.session import AwsContext
from byoc_iam.errors import AwsError, UsageError
from byoc_iam.model.arn import is_placeholder_provider, oidc_provider_arn
from byoc_iam.plan import Change, Plan, plan_link
from byoc_iam.plan.trust import oidc_provider_arns

THUMBPRINT = re.compile(r"^[0-9a-fA-F]{40}$")
TLS_TIMEOUT = 5.0


def sha1_thumbprint(der: bytes) -> str:
    """The thumbprint IAM expects: SHA-1 of a DER certificate, lowercase hex."""
    return hashlib.sha1(der, usedforsecurity=False).hexdigest()


def tls_thumbprint(
    issuer_url: str, timeout: float = TLS_TIMEOUT, *, port: int = 443, cafile: str | None = None
) -> str | None:
    """The thumbprint AWS documents for an OIDC provider: SHA-1 of the last certificate the issuer's host
    sends (the top intermediate CA, as ``openssl s_client -showcerts`` shows it), over a connection whose
    chain verified. None when that cannot be had (host unreachable, verification failed, no chain API)."""
    host = urllib.parse.urlsplit(issuer_url if "://" in issuer_url else f"https://{issuer_url}").hostname
    if not host:
        return None
    context = ssl.create_default_context(cafile=cafile)
    try:
        with (
            socket.create_connection((host, port), timeout=timeout) as sock,
            context.wrap_socket(sock, server_hostname=host) as tls,
        ):
            # public from Python 3.13; the same method of the underlying _ssl object since 3.10
            chain_fn = getattr(tls, "get_unverified_chain", None) or getattr(
                getattr(tls, "_sslobj", None), "get_unverified_chain", None
            )
            chain = chain_fn() if chain_fn is not None else None
            if not chain:
                return None
            last = chain[-1]
            der = last if isinstance(last, bytes) else last.public_bytes(ssl._ssl.ENCODING_DER)  # type: ignore[attr-defined]
            return sha1_thumbprint(der)
    except (OSError, ValueError, AttributeError):
        return None


def link_plan(
    ctx: AwsContext,
    cluster: str,
    role_name: str,
    *,
    thumbprints: tuple[str, ...] = (),
    adopt: bool = False,
) -> tuple[Plan, list[str]]:
    """The link-cluster plan, and notes for people (how the thumbprint was chosen)."""
    for t in thumbprints:
        if not THUMBPRINT.match(t):
            raise UsageError(f"--thumbprint {t}: must be 40 hexadecimal characters (a SHA-1)")
    notes: list[str] = []
    issuer = cluster_issuer(ctx, cluster)
    account, partition = ctx.account_id(), ctx.partition
    arn = oidc_provider_arn(partition, account, issuer)
    chosen = tuple(thumbprints)
    if not chosen:
        computed = None if ctx.sandbox else tls_thumbprint(issuer)
        if computed:
            chosen = (computed,)
            notes.append(f"OIDC provider thumbprint {computed} (from the issuer's TLS chain)")
        else:
            notes.append(
                "no OIDC provider thumbprint: IAM no longer needs one for EKS issuers (pass --thumbprint to set one)"
            )
    live = read_live(ctx, role_name)
    others: list[str] = []
    if live.role is not None:
        others = [a for a in oidc_provider_arns(live.role.fields["trust_policy"]) if not is_placeholder_provider(a)]
    if live.role is None:
        raise UsageError(f"role {role_name} does not exist: run `byoc-iam apply` first")
    live = read_live(ctx, role_name, oidc_arns=tuple(sorted({arn, *others})))
    plan = plan_link(live, issuer_url=issuer, account=account, partition=partition, thumbprints=chosen, adopt=adopt)
    return plan, notes


def link_cluster(
    ctx: AwsContext,
    cluster: str,
    role_name: str,
    plan: Plan,
    *,
    thumbprints: tuple[str, ...] = (),
    adopt: bool = False,
    allow_trust_widening: bool = False,
    on_change: Callable[[Change], None] | None = None,
) -> ApplyOutcome:
    """Execute a link-cluster plan through the shared converge loop (a provider that appears meanwhile, or
    whose CreateOpenIDConnectProvider answer was lost, is planned again), then read the live trust and the
    provider back: success only when the trust federates exactly the cluster's provider as planned and the
    provider exists (AwsError otherwise, so nothing reports "Linked" that did not happen)."""
    outcome = converge(
        ctx,
        plan,
        lambda: link_plan(ctx, cluster, role_name, thumbprints=thumbprints, adopt=adopt)[0],
        allow_trust_widening=allow_trust_widening,
        on_change=on_change,
        what=f"link-cluster --cluster {cluster}",
    )
    check_linked(ctx, cluster, role_name)
    return outcome


def check_linked(ctx: AwsContext, cluster: str, role_name: str) -> None:
    """Read back: the role's live trust names the cluster's OIDC provider (and no placeholder), that provider
    exists with the STS client id, and nothing is left to link. AwsError with what is missing otherwise."""
    issuer = cluster_issuer(ctx, cluster)
    arn = oidc_provider_arn(ctx.partition, ctx.account_id(), issuer)
    live = read_live(ctx, role_name, oidc_arns=(arn,))
    hint = f"run `byoc-iam link-cluster --cluster {cluster}` again"
    if live.role is None:
        raise AwsError(f"role {role_name} disappeared while linking it; {hint}")
    federated = oidc_provider_arns(live.role.fields["trust_policy"])
    provider = live.oidc_providers.get(arn)
    if arn not in federated or any(is_placeholder_provider(a) for a in federated):
        raise AwsError(f"the live trust policy of {role_name} does not name {arn} yet; {hint}")
    if provider is None or "sts.amazonaws.com" not in provider.client_ids:
        raise AwsError(f"the OIDC provider {arn} is missing or lacks the sts.amazonaws.com client id; {hint}")
    again = plan_link(live, issuer_url=issuer, account=ctx.account_id(), partition=ctx.partition, adopt=True)
    if any(c.action == "iam:UpdateAssumeRolePolicy" for c in again.changes):
        raise AwsError(f"the live trust policy of {role_name} differs from the linked one; {hint}")
