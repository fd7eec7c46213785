"""The small planners ``plan_apply`` is composed of, one per kind of thing IAM holds for the role (pure).

Each takes the :class:`Target` (desired RoleSpec, live state, account, partition, adopt) and returns a
:class:`Part`: its changes (named AWS writes, phase from :mod:`byoc_iam.plan.changes`), its refusals
(ownership) and notes for people.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.model import arn as arns
from byoc_iam.model.arn import is_placeholder_provider
from byoc_iam.plan import trust as trustmod
from byoc_iam.plan.changes import change
from byoc_iam.plan.model import Change
from byoc_iam.plan.quotas import ATTACHED_DEFAULT, quota_problems
from byoc_iam.plan.state import OWNER_TAG, LiveOidcProvider, LivePolicy, LiveState, owned, tag_value

MAX_POLICY_VERSIONS = 5  # IAM: versions per managed policy
STS_CLIENT_ID = "sts.amazonaws.com"
PLACEHOLDER_NOTE = (
    "the trust policy names the OIDC provider placeholder: once the EKS cluster exists, "
    "run `byoc-iam link-cluster --cluster NAME`"
)


@dataclass
class Part:
    """What one planner contributes."""

    changes: list[Change] = field(default_factory=list)
    refusals: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def __iadd__(self, other: Part) -> Part:
        self.changes += other.changes
        self.refusals += other.refusals
        self.notes += other.notes
        return self


@dataclass(frozen=True)
class Target:
    """The inputs every apply planner reads."""

    desired: RoleSpec
    live: LiveState
    account: str
    partition: str
    adopt: bool
    max_attached: int = ATTACHED_DEFAULT

    @property
    def name(self) -> str:
        return self.desired.role_name

    @property
    def fields(self) -> dict[str, Any]:
        """The live role's RoleSpec fields (empty ones for a role to create)."""
        return self.live.role.fields if self.live.role else {"tags": {}, "inline_policies": {}}


def as_json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"))


def same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return PolicyDocument.from_dict(a).semantically_equal(PolicyDocument.from_dict(b))


def tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
    return [{"Key": k, "Value": v} for k, v in sorted(tags.items())]


def desired_tags(spec: RoleSpec) -> dict[str, str]:
    return {**spec.tags, **OWNER_TAG}


def customer_policy_arns(spec: RoleSpec, account: str, partition: str) -> dict[str, str]:
    """name → ARN of each customer-managed policy (an ARN listed in managed_policy_arns wins, for its path)."""
    listed = {arn.rsplit("/", 1)[-1]: arn for arn in spec.managed_policy_arns if arn.split(":")[4] != "aws"}
    return {
        name: listed.get(name, arns.policy_arn(partition, account, name, spec.path))
        for name in spec.customer_managed_policies
    }


def ownership(kind: str, name: str, tags: dict[str, str], adopt: bool) -> list[str]:
    if owned(tags) or adopt:
        return []
    return [
        f"{kind} {name} exists and is not managed by byoc-iam (no tag {next(iter(OWNER_TAG))}); "
        "pass --adopt to take it over"
    ]


def attachment(symbol: str, role_name: str, arn: str) -> Change:
    """Attach (``+``) or detach (``-``) a managed policy."""
    name = "attach policy" if symbol == "+" else "detach policy"
    before, after = (None, arn) if symbol == "+" else (arn, None)
    params = {"RoleName": role_name, "PolicyArn": arn}
    return change(name, symbol, "managed policy attachment", arn, params, before, after)


def delete_inline(role_name: str, policy_name: str, doc: dict[str, Any]) -> Change:
    params = {"RoleName": role_name, "PolicyName": policy_name}
    return change("delete inline policy", "-", "inline policy", policy_name, params, doc, None)


def delete_version(arn: str, version: str, *, destroy: bool = False) -> Change:
    """Delete a non-default policy version: to make room for a new one, or (``destroy``) before DeletePolicy."""
    params = {"PolicyArn": arn, "VersionId": version}
    name = "delete policy version" if destroy else "make room for a policy version"
    return change(name, "-", "policy version", f"{arn} {version}", params)


def owner_tag(name: str, arn_param: str, arn: str) -> Change:
    """Tag a policy or OIDC provider as byoc-iam's (``--adopt``)."""
    return change(name, "~", "tag", arn, {arn_param: arn, "Tags": tag_list(OWNER_TAG)}, None, dict(OWNER_TAG))


def trust_change(
    role_name: str, old: dict[str, Any] | None, new: dict[str, Any], *, linking_to: str | None = None
) -> Change:
    """``UpdateAssumeRolePolicy``, marked by the one trust guard (:func:`byoc_iam.plan.trust.guard_trust`)."""
    params = {"RoleName": role_name, "PolicyDocument": as_json(new)}
    security = trustmod.guard_trust(old, new, linking_to=linking_to)
    return change("update trust policy", "~", "trust policy", role_name, params, old, new, security)


# -- the apply planners ----------------------------------------------------------------------------------------


def _one_policy(name: str, arn: str, doc: dict[str, Any], live: LivePolicy | None, adopt: bool) -> Part:
    """Create a customer-managed policy, or a new default version of it (making room under IAM's 5)."""
    part = Part()
    if live is None:
        path = arn.split(":policy", 1)[1].rsplit("/", 1)[0] + "/"
        params: dict[str, Any] = {
            "PolicyName": name,
            "Path": path,
            "PolicyDocument": as_json(doc),
            "Tags": tag_list(OWNER_TAG),
        }
        part.changes.append(change("create policy", "+", "customer-managed policy", arn, params, None, doc))
        return part
    if not same(live.document, doc):
        part.refusals += ownership("policy", arn, live.tags, adopt)
        if len(live.versions) >= MAX_POLICY_VERSIONS:
            oldest = next(v for v in live.versions if v != live.default_version_id)
            part.changes.append(delete_version(arn, oldest))
        params = {"PolicyArn": arn, "PolicyDocument": as_json(doc), "SetAsDefault": True}
        part.changes.append(
            change("new policy version", "~", "customer-managed policy", arn, params, live.document, doc)
        )
    if not owned(live.tags) and adopt:
        part.changes.append(owner_tag("tag policy", "PolicyArn", arn))
    return part


def plan_policies(t: Target) -> Part:
    """The role's customer-managed policies."""
    part = Part()
    for name, arn in sorted(customer_policy_arns(t.desired, t.account, t.partition).items()):
        part += _one_policy(name, arn, t.desired.customer_managed_policies[name], t.live.policies.get(arn), t.adopt)
    return part


def _create_role(t: Target) -> Change:
    d = t.desired
    params: dict[str, Any] = {
        "RoleName": d.role_name,
        "Path": d.path,
        "AssumeRolePolicyDocument": as_json(d.trust_policy),
        "Description": d.description,
        "MaxSessionDuration": d.max_session_duration,
        "Tags": tag_list(desired_tags(d)),
    }
    if d.permissions_boundary:
        params["PermissionsBoundary"] = d.permissions_boundary
    return change("create role", "+", "role", d.role_name, params, None, d.trust_policy)


def _role_settings(t: Target) -> list[Change]:
    d, live = t.desired, t.fields
    if live.get("description", "") == d.description and live.get("max_session_duration") == d.max_session_duration:
        return []
    after = {"Description": d.description, "MaxSessionDuration": d.max_session_duration}
    before = {"Description": live.get("description", ""), "MaxSessionDuration": live.get("max_session_duration")}
    return [change("update role settings", "~", "role settings", t.name, {"RoleName": t.name, **after}, before, after)]


def _boundary(t: Target) -> list[Change]:
    """Set or remove the permissions boundary. Removing one lifts a limit on what the role may do: marked
    security-relevant as that (not as trust widening), so ``--yes`` needs ``--allow-boundary-removal``."""
    old, new = t.fields.get("permissions_boundary"), t.desired.permissions_boundary
    if old == new:
        return []
    if new:
        params = {"RoleName": t.name, "PermissionsBoundary": new}
        return [change("set permissions boundary", "~", "permissions boundary", t.name, params, old, new)]
    return [
        change(
            "remove permissions boundary",
            "-",
            "permissions boundary",
            t.name,
            {"RoleName": t.name},
            old,
            None,
            BOUNDARY_REMOVAL,
        )
    ]


BOUNDARY_REMOVAL = "removes the permissions boundary (the role's permissions are no longer capped by it)"


def linked_trust(desired: dict[str, Any], live: dict[str, Any]) -> dict[str, Any]:
    """``desired`` as link-cluster would have linked it: a placeholder-mode trust policy, applied to a role
    whose trust already federates exactly one real OIDC provider, keeps that provider (else ``desired``)."""
    wanted = trustmod.oidc_provider_arns(desired)
    real = [a for a in trustmod.oidc_provider_arns(live) if not is_placeholder_provider(a)]
    # only an EKS cluster's issuer counts as linked: any other provider in the live trust is drift to repair
    if (
        wanted
        and all(is_placeholder_provider(a) for a in wanted)
        and len(real) == 1
        and trustmod.is_eks_issuer_provider(real[0])
    ):
        return trustmod.retarget_oidc(desired, real[0])
    return desired


def plan_role(t: Target) -> Part:
    """Create the role, or bring an existing one's settings, boundary and trust policy to ``desired``."""
    part = Part()
    role = t.live.role
    if role is None:
        part.changes.append(_create_role(t))
        return part
    part.refusals += ownership("role", t.name, role.tags, t.adopt)
    if t.fields.get("path", "/") != t.desired.path:
        part.notes.append(
            f"the live role's path is {t.fields.get('path')} but {t.desired.path} is wanted; "
            "IAM cannot change a role's path (destroy and apply again to move it)"
        )
    part.changes += _role_settings(t) + _boundary(t)
    live_trust = t.fields["trust_policy"]
    want = linked_trust(t.desired.trust_policy, live_trust)
    if not same(live_trust, want):
        part.changes.append(trust_change(t.name, live_trust, want))
    elif want is not t.desired.trust_policy:
        part.notes.append("the trust policy stays linked to the cluster's OIDC provider (link-cluster)")
    return part


def plan_attachments(t: Target) -> Part:
    """Attach what ``desired`` names (AWS managed and its customer-managed policies), detach the rest."""
    want = set(t.desired.managed_policy_arns) | set(customer_policy_arns(t.desired, t.account, t.partition).values())
    have = set(t.live.role.attached_arns) if t.live.role else set()
    return Part(
        [attachment("+", t.name, arn) for arn in sorted(want - have)]
        + [attachment("-", t.name, arn) for arn in sorted(have - want)]
    )


def plan_inline(t: Target) -> Part:
    """Put the inline policies that are new or differ; delete the ones ``desired`` lacks."""
    part = Part()
    live: dict[str, dict[str, Any]] = t.fields.get("inline_policies", {})
    for name, doc in sorted(t.desired.inline_policies.items()):
        old = live.get(name)
        if old is None or not same(old, doc):
            params = {"RoleName": t.name, "PolicyName": name, "PolicyDocument": as_json(doc)}
            part.changes.append(
                change("put inline policy", "+" if old is None else "~", "inline policy", name, params, old, doc)
            )
    part.changes += [
        delete_inline(t.name, name, live[name]) for name in sorted(set(live) - set(t.desired.inline_policies))
    ]
    return part


def plan_tags(t: Target) -> Part:
    """Tag and untag an existing role (CreateRole tags a new one)."""
    if t.live.role is None:
        return Part()
    tags = desired_tags(t.desired)
    live: dict[str, str] = t.fields.get("tags", {})
    part = Part()
    # IAM matches role tag keys case-insensitively: TagRole overwrites a key spelt in another case, and
    # untagging that spelling would remove the tag just set (the ownership tag included)
    to_set = {k: v for k, v in tags.items() if tag_value(live, k) != v}
    if to_set:
        params = {"RoleName": t.name, "Tags": tag_list(to_set)}
        before = {k: tag_value(live, k) for k in to_set}
        part.changes.append(change("tag role", "~", "tags", t.name, params, before, to_set))
    wanted = {k.lower() for k in tags}
    to_unset = sorted(k for k in live if k.lower() not in wanted)
    if to_unset:
        params = {"RoleName": t.name, "TagKeys": to_unset}
        part.changes.append(change("untag role", "-", "tags", t.name, params, {k: live[k] for k in to_unset}, None))
    return part


def plan_providers(t: Target) -> Part:
    """The OIDC providers the desired trust federates (a placeholder gets a note to run link-cluster)."""
    part = Part()
    for arn in trustmod.oidc_provider_arns(t.desired.trust_policy):
        if is_placeholder_provider(arn):
            role = t.live.role
            if role is None or linked_trust(t.desired.trust_policy, t.fields["trust_policy"]) is t.desired.trust_policy:
                part.notes.append(PLACEHOLDER_NOTE)
            break
        issuer = arns.issuer_url(arns.provider_name(arn))
        part += provider_changes(arn, issuer, t.live.oidc_providers.get(arn), (), t.adopt)
    return part


def provider_changes(
    arn: str, issuer_url: str, provider: LiveOidcProvider | None, want_thumbs: tuple[str, ...], adopt: bool
) -> Part:
    """Ensure the IAM OIDC provider for ``issuer_url``: create it (tagged), or add the client id / thumbprints
    it lacks (only to a provider byoc-iam owns, or with ``adopt``, which also tags it)."""
    if provider is None:
        params: dict[str, Any] = {
            "Url": arns.issuer_url(arns.provider_name(issuer_url)),
            "ClientIDList": [STS_CLIENT_ID],
            "Tags": tag_list(OWNER_TAG),
        }
        if want_thumbs:
            params["ThumbprintList"] = list(want_thumbs)
        after = {"url": params["Url"], "client_ids": [STS_CLIENT_ID], "thumbprints": want_thumbs}
        return Part([change("create OIDC provider", "+", "OIDC provider", arn, params, None, after)])
    part = Part()
    if STS_CLIENT_ID not in provider.client_ids:
        params = {"OpenIDConnectProviderArn": arn, "ClientID": STS_CLIENT_ID}
        before = list(provider.client_ids)
        name = "add OIDC client id"
        part.changes.append(change(name, "~", "OIDC provider client id", arn, params, before, STS_CLIENT_ID))
    if want_thumbs and not set(want_thumbs) <= set(provider.thumbprints):
        params = {"OpenIDConnectProviderArn": arn, "ThumbprintList": list(want_thumbs)}
        before_t, after_t = list(provider.thumbprints), list(want_thumbs)
        name = "set OIDC thumbprints"
        part.changes.append(change(name, "~", "OIDC provider thumbprints", arn, params, before_t, after_t))
    if part.changes:
        part.refusals += ownership("OIDC provider", arn, provider.tags, adopt)
        if adopt and not owned(provider.tags):
            part.changes.append(owner_tag("tag OIDC provider", "OpenIDConnectProviderArn", arn))
    return part


def plan_quotas(t: Target) -> Part:
    """IAM's quotas, before any write: what IAM would refuse becomes a refusal of the plan."""
    want = set(t.desired.managed_policy_arns) | set(customer_policy_arns(t.desired, t.account, t.partition).values())
    tags = len({k.lower() for k in desired_tags(t.desired)})
    return Part(refusals=quota_problems(t.desired, len(want), tags, max_attached=t.max_attached))


APPLY_PLANNERS = (plan_quotas, plan_policies, plan_role, plan_attachments, plan_inline, plan_tags, plan_providers)
