"""destroy of the split layout: the cluster's IAM OIDC provider that byoc-iam created (link-cluster tags it
``byoc-iam:managed-by``) once no role of the layout federates it any more, whatever the identity mode at destroy
time (after a switch to EKS Pod Identity no role's trust names the provider, so no role's destroy removes it).

The provider is found through the cluster (eks:DescribeCluster: its OIDC issuer; the provider's ARN is
``arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>``, IAM user guide "Create an OpenID Connect
(OIDC) identity provider in IAM"). A provider byoc-iam did not create, or one a role still federates, is kept.
"""

from __future__ import annotations

from dataclasses import dataclass

from byoc_iam.aws.read import cluster_issuer, read_oidc_provider, read_role
from byoc_iam.aws.session import AwsCallError, AwsContext
from byoc_iam.errors import AwsError
from byoc_iam.model.arn import oidc_provider_arn
from byoc_iam.plan.model import PHASE_DELETE_ROLE, Change
from byoc_iam.plan.state import owned
from byoc_iam.plan.trust import oidc_provider_arns


@dataclass(frozen=True)
class ProviderRemoval:
    """The delete to make (None: nothing) and the notes saying what is kept and why."""

    change: Change | None
    notes: tuple[str, ...] = ()


def plan_provider_removal(ctx: AwsContext, cluster: str, role_names: list[str]) -> ProviderRemoval:
    """Whether to delete ``cluster``'s OIDC provider: it exists, byoc-iam owns it and none of ``role_names`` (the
    roles that may federate it: every role of the layouts) still does. A missing cluster is a note (the provider
    cannot be identified without its issuer)."""
    try:
        issuer = cluster_issuer(ctx, cluster)
    except AwsCallError as exc:
        if exc.code != "ResourceNotFoundException":
            raise
        return ProviderRemoval(
            None, (f"cluster {cluster} not found: an OIDC provider link-cluster made for it, if any, is kept",)
        )
    except AwsError:  # no issuer yet: no provider to find
        return ProviderRemoval(None)
    arn = oidc_provider_arn(ctx.partition, ctx.account_id(), issuer)
    provider = read_oidc_provider(ctx, arn)
    if provider is None:
        return ProviderRemoval(None)
    if not owned(provider.tags):
        return ProviderRemoval(None, (f"keeping OIDC provider {arn}: byoc-iam did not create it",))
    users = [n for n in role_names if _federates(ctx, n, arn)]
    if users:
        return ProviderRemoval(None, (f"keeping OIDC provider {arn}: role {', '.join(users)} still federates it",))
    params = {"OpenIDConnectProviderArn": arn}
    return ProviderRemoval(
        Change("-", "OIDC provider", arn, "iam:DeleteOpenIDConnectProvider", params, PHASE_DELETE_ROLE, arn)
    )


def _federates(ctx: AwsContext, role_name: str, arn: str) -> bool:
    spec = read_role(ctx, role_name)
    return spec is not None and arn in oidc_provider_arns(spec.trust_policy)


def remove_provider(ctx: AwsContext, change: Change) -> None:
    """Delete the provider (already gone is the goal reached), then read back that it is gone (AwsError if not)."""
    try:
        ctx.call(change.action, **change.params)
    except AwsCallError as exc:
        if exc.code != "NoSuchEntity":
            raise
    if read_oidc_provider(ctx, change.target) is not None:
        raise AwsError(f"destroy did not remove {change.target}; run `byoc-iam destroy` again")


__all__ = ["ProviderRemoval", "plan_provider_removal", "remove_provider"]
