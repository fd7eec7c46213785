"""diff(desired, live) → an ordered :class:`Plan` (pure: no I/O, the same inputs give the same plan)."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.model import arn as arns
from byoc_iam.model.arn import is_placeholder_provider
from byoc_iam.plan import trust as trustmod
from byoc_iam.plan.model import (
    PHASE_CREATE,
    PHASE_DELETE_POLICY,
    PHASE_DELETE_ROLE,
    PHASE_PROVIDER,
    PHASE_ROLE,
    Change,
    Plan,
)
from byoc_iam.plan.state import OWNER_TAG, LiveOidcProvider, LivePolicy, LiveState, owned, tag_value

MAX_POLICY_VERSIONS = 5
STS_CLIENT_ID = "sts.amazonaws.com"


def _json(doc: dict[str, Any]) -> str:
    return json.dumps(doc, separators=(",", ":"))


def _same(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return PolicyDocument.from_dict(a).semantically_equal(PolicyDocument.from_dict(b))


def _tag_list(tags: dict[str, str]) -> list[dict[str, str]]:
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


def apply_scope(spec: RoleSpec, account: str, partition: str) -> dict[str, list[str]]:
    """What to read to plan ``spec``: its customer-managed policies and the OIDC providers its trust names."""
    return {
        "policy_arns": sorted(customer_policy_arns(spec, account, partition).values()),
        "oidc_arns": [a for a in trustmod.oidc_provider_arns(spec.trust_policy) if not is_placeholder_provider(a)],
    }


def _ownership(kind: str, name: str, tags: dict[str, str], adopt: bool) -> list[str]:
    if owned(tags) or adopt:
        return []
    return [
        f"{kind} {name} exists and is not managed by byoc-iam (no tag {next(iter(OWNER_TAG))}); "
        "pass --adopt to take it over"
    ]


def _attachment(symbol: str, role_name: str, arn: str) -> Change:
    """Attach (``+``) or detach (``-``) a managed policy."""
    action = "iam:AttachRolePolicy" if symbol == "+" else "iam:DetachRolePolicy"
    before, after = (None, arn) if symbol == "+" else (arn, None)
    params = {"RoleName": role_name, "PolicyArn": arn}
    return Change(symbol, "managed policy attachment", arn, action, params, PHASE_ROLE, before, after)


def _delete_inline(role_name: str, policy_name: str, doc: dict[str, Any]) -> Change:
    params = {"RoleName": role_name, "PolicyName": policy_name}
    return Change("-", "inline policy", policy_name, "iam:DeleteRolePolicy", params, PHASE_ROLE, doc, None)


def _delete_version(arn: str, version: str, phase: int) -> Change:
    params = {"PolicyArn": arn, "VersionId": version}
    return Change("-", "policy version", f"{arn} {version}", "iam:DeletePolicyVersion", params, phase)


def _owner_tag(action: str, arn_param: str, arn: str, phase: int) -> Change:
    """Tag a policy or OIDC provider as byoc-iam's (``--adopt``)."""
    params = {arn_param: arn, "Tags": _tag_list(OWNER_TAG)}
    return Change("~", "tag", arn, action, params, phase, None, dict(OWNER_TAG))


def _policy_changes(
    name: str, arn: str, doc: dict[str, Any], live: LivePolicy | None, adopt: bool
) -> tuple[list[Change], list[str]]:
    """Create a customer-managed policy, or a new default version of it (making room under IAM's 5)."""
    if live is None:
        params = {
            "PolicyName": name,
            "Path": arn.split(":policy", 1)[1].rsplit("/", 1)[0] + "/",
            "PolicyDocument": _json(doc),
            "Tags": _tag_list(OWNER_TAG),
        }
        return [Change("+", "customer-managed policy", arn, "iam:CreatePolicy", params, PHASE_CREATE, None, doc)], []
    changes: list[Change] = []
    refusals: list[str] = []
    if not _same(live.document, doc):
        refusals += _ownership("policy", arn, live.tags, adopt)
        if len(live.versions) >= MAX_POLICY_VERSIONS:
            oldest = next(v for v in live.versions if v != live.default_version_id)
            changes.append(_delete_version(arn, oldest, PHASE_CREATE))
        changes.append(
            Change(
                "~",
                "customer-managed policy",
                arn,
                "iam:CreatePolicyVersion",
                {"PolicyArn": arn, "PolicyDocument": _json(doc), "SetAsDefault": True},
                PHASE_ROLE,
                live.document,
                doc,
            )
        )
    if not owned(live.tags) and adopt:
        changes.append(_owner_tag("iam:TagPolicy", "PolicyArn", arn, PHASE_CREATE))
    return changes, refusals


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


def _trust_change(role_name: str, old: dict[str, Any] | None, new: dict[str, Any]) -> Change:
    wider = trustmod.widening(old, new)
    security = ("admits new principal(s): " + "; ".join(wider)) if wider else ""
    return Change(
        "~",
        "trust policy",
        role_name,
        "iam:UpdateAssumeRolePolicy",
        {"RoleName": role_name, "PolicyDocument": _json(new)},
        PHASE_ROLE,
        old,
        new,
        security,
    )


def plan_apply(
    desired: RoleSpec,
    live: LiveState,
    *,
    account: str,
    partition: str = "aws",
    adopt: bool = False,
    notes: tuple[str, ...] = (),
) -> Plan:
    """The changes that make the live role (and its customer-managed policies) equal to ``desired``."""
    name = desired.role_name
    changes: list[Change] = []
    refusals: list[str] = []
    extra_notes = list(notes)
    tags = desired_tags(desired)
    cmp_arns = customer_policy_arns(desired, account, partition)
    want_attached = set(desired.managed_policy_arns) | set(cmp_arns.values())
    role_arn = arns.role_arn(partition, account, name, desired.path)

    for pname, arn in sorted(cmp_arns.items()):
        pol_changes, pol_refusals = _policy_changes(
            pname, arn, desired.customer_managed_policies[pname], live.policies.get(arn), adopt
        )
        changes += pol_changes
        refusals += pol_refusals

    role = live.role
    if role is None:
        params: dict[str, Any] = {
            "RoleName": name,
            "Path": desired.path,
            "AssumeRolePolicyDocument": _json(desired.trust_policy),
            "Description": desired.description,
            "MaxSessionDuration": desired.max_session_duration,
            "Tags": _tag_list(tags),
        }
        if desired.permissions_boundary:
            params["PermissionsBoundary"] = desired.permissions_boundary
        changes.append(Change("+", "role", name, "iam:CreateRole", params, PHASE_CREATE, None, desired.trust_policy))
        live_fields: dict[str, Any] = {"tags": {}, "inline_policies": {}}
        attached: set[str] = set()
    else:
        role_arn = role.arn
        live_fields = role.fields
        attached = set(role.attached_arns)
        refusals += _ownership("role", name, role.tags, adopt)
        if live_fields.get("path", "/") != desired.path:
            extra_notes.append(
                f"the live role's path is {live_fields.get('path')} but {desired.path} is wanted; "
                "IAM cannot change a role's path (destroy and apply again to move it)"
            )
        if (
            live_fields.get("description", "") != desired.description
            or live_fields.get("max_session_duration") != desired.max_session_duration
        ):
            changes.append(
                Change(
                    "~",
                    "role settings",
                    name,
                    "iam:UpdateRole",
                    {
                        "RoleName": name,
                        "Description": desired.description,
                        "MaxSessionDuration": desired.max_session_duration,
                    },
                    PHASE_ROLE,
                    {
                        "Description": live_fields.get("description", ""),
                        "MaxSessionDuration": live_fields.get("max_session_duration"),
                    },
                    {"Description": desired.description, "MaxSessionDuration": desired.max_session_duration},
                )
            )
        old_pb, new_pb = live_fields.get("permissions_boundary"), desired.permissions_boundary
        if old_pb != new_pb:
            if new_pb:
                changes.append(
                    Change(
                        "~",
                        "permissions boundary",
                        name,
                        "iam:PutRolePermissionsBoundary",
                        {"RoleName": name, "PermissionsBoundary": new_pb},
                        PHASE_ROLE,
                        old_pb,
                        new_pb,
                    )
                )
            else:
                changes.append(
                    Change(
                        "-",
                        "permissions boundary",
                        name,
                        "iam:DeleteRolePermissionsBoundary",
                        {"RoleName": name},
                        PHASE_ROLE,
                        old_pb,
                        None,
                        "removes the permissions boundary",
                    )
                )
        want_trust = linked_trust(desired.trust_policy, live_fields["trust_policy"])
        if want_trust is not desired.trust_policy and _same(live_fields["trust_policy"], want_trust):
            extra_notes.append("the trust policy stays linked to the cluster's OIDC provider (link-cluster)")
        if not _same(live_fields["trust_policy"], want_trust):
            changes.append(_trust_change(name, live_fields["trust_policy"], want_trust))

    changes += [_attachment("+", name, arn) for arn in sorted(want_attached - attached)]
    changes += [_attachment("-", name, arn) for arn in sorted(attached - want_attached)]

    live_inline: dict[str, dict[str, Any]] = live_fields.get("inline_policies", {})
    for pname, doc in sorted(desired.inline_policies.items()):
        old = live_inline.get(pname)
        if old is None or not _same(old, doc):
            changes.append(
                Change(
                    "+" if old is None else "~",
                    "inline policy",
                    pname,
                    "iam:PutRolePolicy",
                    {"RoleName": name, "PolicyName": pname, "PolicyDocument": _json(doc)},
                    PHASE_ROLE,
                    old,
                    doc,
                )
            )
    for pname in sorted(set(live_inline) - set(desired.inline_policies)):
        changes.append(_delete_inline(name, pname, live_inline[pname]))

    if role is not None:
        live_tags: dict[str, str] = live_fields.get("tags", {})
        # IAM matches role tag keys case-insensitively: TagRole overwrites a key spelt in another case, and
        # untagging that spelling would remove the tag just set (the ownership tag included)
        to_set = {k: v for k, v in tags.items() if tag_value(live_tags, k) != v}
        if to_set:
            changes.append(
                Change(
                    "~",
                    "tags",
                    name,
                    "iam:TagRole",
                    {"RoleName": name, "Tags": _tag_list(to_set)},
                    PHASE_ROLE,
                    {k: tag_value(live_tags, k) for k in to_set},
                    to_set,
                )
            )
        wanted_keys = {k.lower() for k in tags}
        to_unset = sorted(k for k in live_tags if k.lower() not in wanted_keys)
        if to_unset:
            changes.append(
                Change(
                    "-",
                    "tags",
                    name,
                    "iam:UntagRole",
                    {"RoleName": name, "TagKeys": to_unset},
                    PHASE_ROLE,
                    {k: live_tags[k] for k in to_unset},
                    None,
                )
            )

    for arn in trustmod.oidc_provider_arns(desired.trust_policy):
        if is_placeholder_provider(arn):
            if role is None or linked_trust(desired.trust_policy, live_fields["trust_policy"]) is desired.trust_policy:
                extra_notes.append(
                    "the trust policy names the OIDC provider placeholder: once the EKS cluster exists, "
                    "run `byoc-iam link-cluster --cluster NAME`"
                )
            break
        provider_changes, provider_refusals = _provider_changes(
            arn, arns.issuer_url(arns.provider_name(arn)), live.oidc_providers.get(arn), (), adopt
        )
        changes += provider_changes
        refusals += provider_refusals
    return Plan(
        command="apply",
        role_name=name,
        fingerprint=live.fingerprint(),
        changes=tuple(_ordered(changes)),
        scope=apply_scope(desired, account, partition),
        refusals=tuple(dict.fromkeys(refusals)),
        notes=tuple(extra_notes),
        adopt=adopt,
        role_arn=role_arn,
        desired=desired.model_dump(mode="json"),
        account=account,
    )


ORDER = [
    "iam:CreateOpenIDConnectProvider",
    "iam:AddClientIDToOpenIDConnectProvider",
    "iam:UpdateOpenIDConnectProviderThumbprint",
    "iam:TagOpenIDConnectProvider",
    "iam:CreateRole",
    "iam:DeletePolicyVersion",
    "iam:CreatePolicy",
    "iam:TagPolicy",
    "iam:UpdateAssumeRolePolicy",
    "iam:UpdateRole",
    "iam:PutRolePermissionsBoundary",
    "iam:DeleteRolePermissionsBoundary",
    "iam:CreatePolicyVersion",
    "iam:AttachRolePolicy",
    "iam:DetachRolePolicy",
    "iam:PutRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:TagRole",
    "iam:UntagRole",
    "iam:DeletePolicy",
    "iam:DeleteRole",
    "iam:DeleteOpenIDConnectProvider",
]


def _ordered(changes: list[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (c.phase, ORDER.index(c.action), c.target, json.dumps(c.params)))


def _plan(
    command: str,
    live: LiveState,
    changes: list[Change],
    scope: dict[str, list[str]],
    refusals: list[str],
    notes: list[str],
    adopt: bool,
    role_arn: str,
    account: str,
) -> Plan:
    """A destroy or link-cluster plan: the changes in execution order, against ``live``'s fingerprint."""
    return Plan(
        command,
        live.role_name,
        live.fingerprint(),
        tuple(_ordered(changes)),
        scope,
        tuple(refusals),
        tuple(notes),
        adopt,
        role_arn,
        account=account,
    )


def plan_destroy(live: LiveState, *, adopt: bool = False, delete_oidc_provider: bool = True) -> Plan:
    """Remove what byoc-iam owns: inline policies and attachments, its own customer-managed policies (when no
    other entity uses them), the role, and the OIDC provider byoc-iam created for it.

    IAM cannot delete a role that still has policies, so every inline policy is deleted and every managed
    policy detached, including ones someone else added to byoc-iam's role: each is a ``-`` line of the plan
    (shown before confirmation). Policies and OIDC providers byoc-iam does not own are detached from the role
    but never deleted; a role byoc-iam does not own is refused unless ``adopt``."""
    role = live.role
    name = live.role_name
    changes: list[Change] = []
    refusals: list[str] = []
    notes: list[str] = []
    scope = {"policy_arns": sorted(live.policies), "oidc_arns": sorted(live.oidc_providers)}
    if role is None:
        return Plan("destroy", name, live.fingerprint(), (), scope, notes=(f"role {name} does not exist",))
    refusals += _ownership("role", name, role.tags, adopt)
    for pname, doc in sorted(role.fields.get("inline_policies", {}).items()):
        changes.append(_delete_inline(name, pname, doc))
    for arn in role.attached_arns:
        changes.append(_attachment("-", name, arn))
        pol = live.policies.get(arn)
        if pol is None:
            continue
        if not owned(pol.tags):
            notes.append(f"keeping {arn}: it is not managed by byoc-iam")
        elif pol.attachment_count > 1:
            notes.append(f"keeping {arn}: other roles, users or groups still use it")
        else:
            changes += [
                _delete_version(arn, version, PHASE_DELETE_POLICY)
                for version in pol.versions
                if version != pol.default_version_id
            ]
            changes.append(
                Change(
                    "-",
                    "customer-managed policy",
                    arn,
                    "iam:DeletePolicy",
                    {"PolicyArn": arn},
                    PHASE_DELETE_ROLE,
                    pol.document,
                    None,
                )
            )
    changes.append(
        Change(
            "-",
            "role",
            name,
            "iam:DeleteRole",
            {"RoleName": name},
            PHASE_DELETE_ROLE,
            role.fields.get("trust_policy"),
            None,
        )
    )
    for arn, provider in sorted(live.oidc_providers.items()):
        if not delete_oidc_provider:
            break
        if owned(provider.tags):
            # deleted before the role (IAM allows it): found through the role's trust, so a destroy that fails
            # after this still finds the rest when run again, while one that deleted the role first could not
            changes.append(
                Change(
                    "-",
                    "OIDC provider",
                    arn,
                    "iam:DeleteOpenIDConnectProvider",
                    {"OpenIDConnectProviderArn": arn},
                    PHASE_ROLE,
                    provider.url,
                    None,
                )
            )
            notes.append(
                f"deleting {arn} (byoc-iam created it): any other IRSA role of that cluster that trusts it stops "
                "working; pass --keep-oidc-provider to keep it"
            )
        else:
            notes.append(f"keeping {arn}: byoc-iam did not create it")
    return _plan("destroy", live, changes, scope, refusals, notes, adopt, role.arn, role.arn.split(":")[4])


def _provider_changes(
    arn: str, issuer_url: str, provider: LiveOidcProvider | None, want_thumbs: tuple[str, ...], adopt: bool
) -> tuple[list[Change], list[str]]:
    """Ensure the IAM OIDC provider for ``issuer_url``: create it (tagged), or add the client id / thumbprints
    it lacks (only to a provider byoc-iam owns, or with ``adopt``, which also tags it)."""
    changes: list[Change] = []
    refusals: list[str] = []
    if provider is None:
        params: dict[str, Any] = {
            "Url": arns.issuer_url(arns.provider_name(issuer_url)),
            "ClientIDList": [STS_CLIENT_ID],
            "Tags": _tag_list(OWNER_TAG),
        }
        if want_thumbs:
            params["ThumbprintList"] = list(want_thumbs)
        changes.append(
            Change(
                "+",
                "OIDC provider",
                arn,
                "iam:CreateOpenIDConnectProvider",
                params,
                PHASE_PROVIDER,
                None,
                {"url": params["Url"], "client_ids": [STS_CLIENT_ID], "thumbprints": want_thumbs},
            )
        )
    else:
        provider_changes: list[Change] = []
        if STS_CLIENT_ID not in provider.client_ids:
            provider_changes.append(
                Change(
                    "~",
                    "OIDC provider client id",
                    arn,
                    "iam:AddClientIDToOpenIDConnectProvider",
                    {"OpenIDConnectProviderArn": arn, "ClientID": STS_CLIENT_ID},
                    PHASE_PROVIDER,
                    list(provider.client_ids),
                    STS_CLIENT_ID,
                )
            )
        if want_thumbs and not set(want_thumbs) <= set(provider.thumbprints):
            provider_changes.append(
                Change(
                    "~",
                    "OIDC provider thumbprints",
                    arn,
                    "iam:UpdateOpenIDConnectProviderThumbprint",
                    {"OpenIDConnectProviderArn": arn, "ThumbprintList": list(want_thumbs)},
                    PHASE_PROVIDER,
                    list(provider.thumbprints),
                    list(want_thumbs),
                )
            )
        if provider_changes:
            refusals += _ownership("OIDC provider", arn, provider.tags, adopt)
        changes += provider_changes
        if provider_changes and adopt and not owned(provider.tags):
            changes.append(_owner_tag("iam:TagOpenIDConnectProvider", "OpenIDConnectProviderArn", arn, PHASE_PROVIDER))
    return changes, refusals


def plan_link(
    live: LiveState,
    *,
    issuer_url: str,
    account: str,
    partition: str = "aws",
    thumbprints: tuple[str, ...] = (),
    adopt: bool = False,
) -> Plan:
    """Ensure the cluster's IAM OIDC provider and point the role's trust policy at it."""
    role = live.role
    name = live.role_name
    arn = trustmod.provider_arn(partition, account, issuer_url)
    changes: list[Change] = []
    refusals: list[str] = []
    notes: list[str] = []
    provider: LiveOidcProvider | None = live.oidc_providers.get(arn)
    want_thumbs = tuple(sorted(t.lower() for t in thumbprints))
    provider_changes, provider_refusals = _provider_changes(arn, issuer_url, provider, want_thumbs, adopt)
    changes += provider_changes
    refusals += provider_refusals
    if role is None:
        notes.append(f"role {name} does not exist: run `byoc-iam apply` first")
    else:
        refusals += _ownership("role", name, role.tags, adopt)
        old = role.fields["trust_policy"]
        new = trustmod.retarget_oidc(old, arn)
        if not trustmod.oidc_provider_arns(old):
            notes.append(f"the trust policy of {name} federates no OIDC provider; nothing to link")
        elif not _same(old, new):
            change = _trust_change(name, old, new)
            risks = trustmod.link_risks(new, arn)
            if risks:
                # retargeting is link-cluster's purpose; making an edited or over-broad trust live is not
                change = replace(change, security=f"{trustmod.LINK_RISK}: " + "; ".join(risks))
            changes.append(change)
    scope = {"policy_arns": [], "oidc_arns": sorted({arn, *(live.oidc_providers)})}
    return _plan("link-cluster", live, changes, scope, refusals, notes, adopt, role.arn if role else "", account)
