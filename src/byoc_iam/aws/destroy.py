"""destroy: find everything byoc-iam owns for a role (through the role, and by tag and name for what an
interrupted destroy left behind), remove it through the shared converge loop, and read back that it is gone."""

from __future__ import annotations

from collections.abc import Callable

from byoc_iam.aws.apply import ApplyOutcome, converge
from byoc_iam.aws.read import read_live
from byoc_iam.aws.session import AwsContext
from byoc_iam.errors import AwsError
from byoc_iam.plan import Change, LiveState, Plan, plan_destroy
from byoc_iam.plan.diff import is_placeholder_provider, leftover_policy
from byoc_iam.plan.trust import oidc_provider_arns


def _named_policies(ctx: AwsContext, role_name: str) -> tuple[str, ...]:
    """ARNs of the account's customer-managed policies named ``<role name>-...`` (ListPolicies, Scope=Local:
    it has no resource-level permission and returns no tags; their tags are read by :func:`read_live`)."""
    prefix = f"{role_name}-"
    listed = ctx.paginate("iam:ListPolicies", "Policies", Scope="Local")
    return tuple(sorted(str(p["Arn"]) for p in listed if str(p.get("PolicyName", "")).startswith(prefix)))


def read_owned(ctx: AwsContext, role_name: str, *, keep_oidc_provider: bool = False) -> LiveState:
    """The live state destroy plans against: the role, its attached policies, the OIDC providers its trust
    federates (unless kept), and the policies named for the role (leftovers of an interrupted destroy)."""
    live = read_live(ctx, role_name)
    oidc: tuple[str, ...] = ()
    if live.role is not None and not keep_oidc_provider:
        trust = live.role.fields["trust_policy"]
        oidc = tuple(a for a in oidc_provider_arns(trust) if not is_placeholder_provider(a))
    named = _named_policies(ctx, role_name)
    if not oidc and not set(named) - set(live.policies):
        return live
    return read_live(ctx, role_name, policy_arns=named, oidc_arns=oidc)


def plan_for(ctx: AwsContext, role_name: str, *, adopt: bool = False, keep_oidc_provider: bool = False) -> Plan:
    live = read_owned(ctx, role_name, keep_oidc_provider=keep_oidc_provider)
    return plan_destroy(live, adopt=adopt, delete_oidc_provider=not keep_oidc_provider)


def destroy(
    ctx: AwsContext,
    plan: Plan,
    *,
    adopt: bool = False,
    keep_oidc_provider: bool = False,
    on_change: Callable[[Change], None] | None = None,
) -> ApplyOutcome:
    """Execute a destroy plan through :func:`converge`, then read back: the role and every leftover policy
    must be gone (AwsError naming what is left otherwise)."""
    role_name = plan.role_name
    outcome = converge(
        ctx,
        plan,
        lambda: plan_for(ctx, role_name, adopt=adopt, keep_oidc_provider=keep_oidc_provider),
        on_change=on_change,
        what="destroy",
    )
    left = read_owned(ctx, role_name, keep_oidc_provider=True)
    remaining = [role_name] if left.role is not None else []
    remaining += [arn for arn, pol in sorted(left.policies.items()) if leftover_policy(role_name, pol)]
    deleted = {c.target for c in outcome.applied if c.action == "iam:DeleteOpenIDConnectProvider"}
    if deleted:
        remaining += sorted(read_live(ctx, role_name, oidc_arns=tuple(sorted(deleted))).oidc_providers)
    if remaining:
        raise AwsError(f"destroy did not remove {', '.join(remaining)}; run `byoc-iam destroy` again")
    return outcome
