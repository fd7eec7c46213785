"""diff(desired, live) → an ordered :class:`Plan` (pure: no I/O, the same inputs give the same plan).

``plan_apply`` is a composition of the small planners of :mod:`byoc_iam.plan.planners` (role, customer-managed
policies, attachments, inline policies, tags, OIDC provider); every change is one named AWS write whose phase
and order come from the table in :mod:`byoc_iam.plan.changes`.
"""

from __future__ import annotations

from byoc_iam.model import RoleSpec
from byoc_iam.model import arn as arns
from byoc_iam.model.arn import is_placeholder_provider
from byoc_iam.plan import trust as trustmod
from byoc_iam.plan.changes import ORDER, change, ordered
from byoc_iam.plan.model import Change, Plan
from byoc_iam.plan.planners import (
    APPLY_PLANNERS,
    MAX_POLICY_VERSIONS,
    STS_CLIENT_ID,
    Part,
    Target,
    attachment,
    customer_policy_arns,
    delete_inline,
    delete_version,
    desired_tags,
    linked_trust,
    ownership,
    provider_changes,
    same,
    trust_change,
)
from byoc_iam.plan.quotas import ATTACHED_DEFAULT
from byoc_iam.plan.state import LivePolicy, LiveState, owned

__all__ = [
    "MAX_POLICY_VERSIONS",
    "ORDER",
    "STS_CLIENT_ID",
    "apply_scope",
    "customer_policy_arns",
    "desired_tags",
    "is_placeholder_provider",
    "leftover_policy",
    "linked_trust",
    "plan_apply",
    "plan_destroy",
    "plan_link",
]


def apply_scope(spec: RoleSpec, account: str, partition: str) -> dict[str, list[str]]:
    """What to read to plan ``spec``: its customer-managed policies and the OIDC providers its trust names."""
    return {
        "policy_arns": sorted(customer_policy_arns(spec, account, partition).values()),
        "oidc_arns": [a for a in trustmod.oidc_provider_arns(spec.trust_policy) if not is_placeholder_provider(a)],
    }


def plan_apply(
    desired: RoleSpec,
    live: LiveState,
    *,
    account: str,
    partition: str = "aws",
    adopt: bool = False,
    notes: tuple[str, ...] = (),
    max_attached: int = ATTACHED_DEFAULT,
) -> Plan:
    """The changes that make the live role (and its customer-managed policies) equal to ``desired``; what
    IAM's quotas would refuse is a refusal (``max_attached``: the account's attached-policies quota)."""
    target = Target(desired, live, account, partition, adopt, max_attached)
    part = Part(notes=list(notes))
    for planner in APPLY_PLANNERS:
        part += planner(target)
    role_arn = live.role.arn if live.role else arns.role_arn(partition, account, desired.role_name, desired.path)
    return Plan(
        command="apply",
        role_name=desired.role_name,
        fingerprint=live.fingerprint(),
        changes=ordered(part.changes),
        scope=apply_scope(desired, account, partition),
        refusals=tuple(dict.fromkeys(part.refusals)),
        notes=tuple(part.notes),
        adopt=adopt,
        role_arn=role_arn,
        desired=desired.model_dump(mode="json"),
        account=account,
    )


def _plan(
    command: str, live: LiveState, part: Part, scope: dict[str, list[str]], adopt: bool, role_arn: str, account: str
) -> Plan:
    """A destroy or link-cluster plan: the changes in execution order, against ``live``'s fingerprint."""
    return Plan(
        command,
        live.role_name,
        live.fingerprint(),
        ordered(part.changes),
        scope,
        tuple(part.refusals),
        tuple(part.notes),
        adopt,
        role_arn,
        account=account,
    )


def leftover_policy(role_name: str, policy: LivePolicy) -> bool:
    """Whether a customer-managed policy is one byoc-iam created for ``role_name`` that nothing uses any more:
    owned (tag), named ``<role name>-...`` (the blueprint's ``<role>-<Policy>``) and attached to nothing. An
    interrupted destroy leaves such policies after detaching them; destroy finds them by this rule."""
    return owned(policy.tags) and policy.name.startswith(f"{role_name}-") and policy.attachment_count == 0


def _delete_policy(policy: LivePolicy) -> list[Change]:
    versions = [delete_version(policy.arn, v, destroy=True) for v in policy.versions if v != policy.default_version_id]
    params = {"PolicyArn": policy.arn}
    return [*versions, change("delete policy", "-", "customer-managed policy", policy.arn, params, policy.document)]


def _destroy_policies(live: LiveState, attached: tuple[str, ...]) -> Part:
    """Detach every attached policy; delete the ones byoc-iam owns that nobody else uses, and leftovers."""
    part = Part()
    for arn in attached:
        part.changes.append(attachment("-", live.role_name, arn))
        pol = live.policies.get(arn)
        if pol is None:
            continue
        if not owned(pol.tags):
            part.notes.append(f"keeping {arn}: it is not managed by byoc-iam")
        elif pol.attachment_count > 1:
            part.notes.append(f"keeping {arn}: other roles, users or groups still use it")
        else:
            part.changes += _delete_policy(pol)
    for arn, pol in sorted(live.policies.items()):
        if arn not in attached and leftover_policy(live.role_name, pol):
            part.changes += _delete_policy(pol)
    return part


def _destroy_providers(live: LiveState, delete: bool) -> Part:
    part = Part()
    for arn, provider in sorted(live.oidc_providers.items()):
        if not delete:
            break
        if owned(provider.tags):
            # deleted while the role still exists (IAM allows it): found through the role's trust, so a destroy
            # that fails after this still finds the rest when run again
            params = {"OpenIDConnectProviderArn": arn}
            part.changes.append(change("delete OIDC provider", "-", "OIDC provider", arn, params, provider.url, None))
            part.notes.append(
                f"deleting {arn} (byoc-iam created it): any other IRSA role of that cluster that trusts it stops "
                "working; pass --keep-oidc-provider to keep it"
            )
        else:
            part.notes.append(f"keeping {arn}: byoc-iam did not create it")
    return part


def plan_destroy(live: LiveState, *, adopt: bool = False, delete_oidc_provider: bool = True) -> Plan:
    """Remove what byoc-iam owns: inline policies and attachments, its own customer-managed policies (when no
    other entity uses them, including leftovers of an interrupted destroy, see :func:`leftover_policy`), the
    OIDC provider byoc-iam created for it, and the role last.

    IAM cannot delete a role that still has policies, so every inline policy is deleted and every managed
    policy detached, including ones someone else added to byoc-iam's role: each is a ``-`` line of the plan
    (shown before confirmation). Policies and OIDC providers byoc-iam does not own are detached from the role
    but never deleted; a role byoc-iam does not own is refused unless ``adopt``."""
    role = live.role
    name = live.role_name
    scope = {"policy_arns": sorted(live.policies), "oidc_arns": sorted(live.oidc_providers)}
    if role is None:
        part = _destroy_policies(live, ())
        if not part.changes:
            return Plan("destroy", name, live.fingerprint(), (), scope, notes=(f"role {name} does not exist",))
        part.notes.append(f"role {name} does not exist; deleting what an interrupted destroy left behind")
        return _plan("destroy", live, part, scope, adopt, "", "")
    part = Part(refusals=ownership("role", name, role.tags, adopt))
    part.changes += [delete_inline(name, p, doc) for p, doc in sorted(role.fields.get("inline_policies", {}).items())]
    part += _destroy_policies(live, role.attached_arns)
    part.changes.append(change("delete role", "-", "role", name, {"RoleName": name}, role.fields.get("trust_policy")))
    part += _destroy_providers(live, delete_oidc_provider)
    return _plan("destroy", live, part, scope, adopt, role.arn, role.arn.split(":")[4])


def plan_link(
    live: LiveState,
    *,
    issuer_url: str,
    account: str,
    partition: str = "aws",
    thumbprints: tuple[str, ...] = (),
    adopt: bool = False,
) -> Plan:
    """Ensure the cluster's IAM OIDC provider and point the role's trust policy at it (the change marked by
    the trust guard in link mode: what the linked trust admits beyond services and pinned service accounts)."""
    role = live.role
    name = live.role_name
    arn = trustmod.provider_arn(partition, account, issuer_url)
    want_thumbs = tuple(sorted(t.lower() for t in thumbprints))
    part = provider_changes(arn, issuer_url, live.oidc_providers.get(arn), want_thumbs, adopt)
    if role is None:
        part.notes.append(f"role {name} does not exist: run `byoc-iam apply` first")
    else:
        part.refusals += ownership("role", name, role.tags, adopt)
        old = role.fields["trust_policy"]
        new = trustmod.retarget_oidc(old, arn)
        if not trustmod.oidc_provider_arns(old):
            part.notes.append(f"the trust policy of {name} {trustmod.NOTHING_TO_LINK}")
        elif not same(old, new):
            part.changes.append(trust_change(name, old, new, linking_to=arn))
    scope = {"policy_arns": [], "oidc_arns": sorted({arn, *(live.oidc_providers)})}
    return _plan("link-cluster", live, part, scope, adopt, role.arn if role else "", account)
