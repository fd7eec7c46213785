"""Trust-policy helpers: who a trust policy admits, and retargeting its OIDC statements at a cluster."""

from __future__ import annotations

import json
from typing import Any

from byoc_iam.model import PolicyDocument
from byoc_iam.model import arn as arns
from byoc_iam.model.policy import ConditionBlock, Statement
from byoc_iam.plan.model import Plan
from byoc_iam.servicecatalog import glob_covers, globs_intersect

issuer_host = arns.provider_name  # issuer URL → provider name (kept for callers of plan.trust)
provider_arn = arns.oidc_provider_arn  # (partition, account, issuer URL) → provider ARN


def admitted(trust: dict[str, Any]) -> set[str]:
    """One line per (principal, actions, conditions) an Allow statement admits; a Deny counts as its own entry
    (a readable summary of a trust policy; the guard is :func:`guard_trust`)."""
    out: set[str] = set()
    for stmt in PolicyDocument.from_dict(trust).statements:
        if stmt.effect == "Deny":
            out.add(f"deny {stmt.semantic_key()}")
            continue
        out.update(_describe(stmt))
    return out


def _describe(stmt: Statement) -> list[str]:
    """``<type> <principal> [actions] when {conditions}`` for each principal an Allow statement names."""
    canon = stmt.canonical()
    cond = json.dumps(canon.get("Condition", {}), sort_keys=True, separators=(",", ":"))
    when = f" when {cond}" if cond != "{}" else ""
    verbs = ("NotAction " if stmt.not_action is not None else "") + ",".join(sorted(a.lower() for a in stmt.actions))
    if stmt.not_principal is not None:
        return [f"NotPrincipal {json.dumps(canon.get('NotPrincipal'), sort_keys=True)} [{verbs}]{when}"]
    principal = stmt.principal
    if principal is None:
        return [f"(no principal) [{verbs}]{when}"]
    if principal == "*":
        return [f"* [{verbs}]{when}"]
    assert isinstance(principal, dict)
    return [f"{ptype} {value} [{verbs}]{when}" for ptype, values in principal.items() for value in values]


# Operators whose values are ORed: dropping a value narrows what they match. For the negated ones (values are
# all excluded) adding a value narrows. Any other operator (Bool, Null, numeric, date, set operators, IfExists)
# must keep exactly its values: the guard does not reason about them and fails closed.
_OR_OPERATORS = frozenset(
    o.lower()
    for o in (
        "StringEquals",
        "StringEqualsIgnoreCase",
        "StringLike",
        "ArnEquals",
        "ArnLike",
        "IpAddress",
    )
)
_NOR_OPERATORS = frozenset(
    o.lower()
    for o in (
        "StringNotEquals",
        "StringNotEqualsIgnoreCase",
        "StringNotLike",
        "ArnNotEquals",
        "ArnNotLike",
        "NotIpAddress",
    )
)


def _conditions_cover(old: ConditionBlock, new: ConditionBlock) -> bool:
    """Whether ``new``'s condition is at least as strict as ``old``'s: every (operator, key) of ``old`` is in
    ``new`` with a subset of its values (a superset for negated operators, the same values for the rest).
    Keys added in ``new`` only narrow (the keys of a condition block are ANDed)."""
    new_index = {(op.lower(), key.lower()): set(values) for op, keys in new.items() for key, values in keys.items()}
    for op, keys in old.items():
        for key, values in keys.items():
            mine = new_index.get((op.lower(), key.lower()))
            if mine is None:
                return False
            theirs = set(values)
            if op.lower() in _OR_OPERATORS:
                ok = mine <= theirs
            elif op.lower() in _NOR_OPERATORS:
                ok = mine >= theirs
            else:
                ok = mine == theirs
            if not ok:
                return False
    return True


def _principals_cover(old: Statement, new: Statement) -> bool:
    """Whether every principal ``new`` names is named by ``old`` (``*`` covers all). NotPrincipal: only the
    same NotPrincipal (fail closed)."""
    if new.not_principal is not None or old.not_principal is not None:
        return new.not_principal == old.not_principal and new.principal == old.principal
    if old.principal == "*":
        return True
    if new.principal is None or old.principal is None:
        return new.principal == old.principal
    if new.principal == "*":
        return False
    assert isinstance(old.principal, dict) and isinstance(new.principal, dict)
    for ptype, values in new.principal.items():
        granted = set(old.principal.get(ptype, ()))
        if "*" in granted:
            continue
        if not set(values) <= granted:
            return False
    return True


def _actions_cover(old: Statement, new: Statement) -> bool:
    """Whether every action ``new`` allows is allowed by ``old`` (case-insensitive IAM wildcards).
    ``NotAction`` in ``new`` is covered only by a ``NotAction`` of ``old`` excluding no more, or by ``*``."""
    if old.action is not None and any(a == "*" for a in old.action):
        return True
    if new.not_action is not None:
        return old.not_action is not None and {a.lower() for a in old.not_action} <= {a.lower() for a in new.not_action}
    wanted = new.action or ()
    if old.not_action is not None:
        return all(not globs_intersect(x, a, ignore_case=True) for a in wanted for x in old.not_action)
    return all(any(glob_covers(x, a, ignore_case=True) for x in old.action or ()) for a in wanted)


def _covers(old: Statement, new: Statement) -> bool:
    """Whether Allow statement ``old`` admits everything Allow statement ``new`` admits (sound: ``True`` only
    when principals, actions, resources and conditions each are at most as broad)."""
    return (
        old.effect == "Allow"
        and old.resource == new.resource
        and old.not_resource == new.not_resource
        and _principals_cover(old, new)
        and _actions_cover(old, new)
        and _conditions_cover(old.condition, new.condition)
    )


def widening(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What ``new`` admits that ``old`` did not: each Allow statement of ``new`` that no Allow statement of
    ``old`` covers (a new principal, a new action, ``Action`` → ``NotAction``, a weaker or dropped condition),
    and each Deny of ``old`` that ``new`` drops. Sound, not complete: an edit it cannot prove narrower is
    reported (fail closed). Reordering and Sids are not changes. ``old`` None (a new role): nothing to widen."""
    if old is None:
        return []
    before, after = PolicyDocument.from_dict(old).statements, PolicyDocument.from_dict(new).statements
    olds = [s for s in before if s.effect == "Allow"]
    out: list[str] = []
    for stmt in after:
        if stmt.effect == "Allow" and not any(_covers(o, stmt) for o in olds):
            out += [d for d in _describe(stmt) if d not in out]
    kept = {s.semantic_key() for s in after if s.effect == "Deny"}
    for stmt in before:
        if stmt.effect == "Deny" and stmt.semantic_key() not in kept:
            out.append(f"drops a Deny: {stmt.semantic_key()}")
    return sorted(out)


WIDENING = "admits new principal(s)"
LINKING = "links the trust to the cluster's OIDC provider (what link-cluster is for)"


def guard_trust(old: dict[str, Any] | None, new: dict[str, Any], *, linking_to: str | None = None) -> str:
    """THE trust guard: every path that writes a trust policy (apply, its re-plan after EntityAlreadyExists,
    link-cluster, saved plans) marks its change with this; a non-empty answer needs ``--allow-trust-widening``.

    ``old`` is the live trust (None when the role is created), ``new`` the trust to write. ``linking_to`` is
    the OIDC provider ARN link-cluster retargets to: retargeting is that command's purpose, so the baseline is
    ``old`` retargeted, and the linked trust must also admit nothing beyond AWS services and service accounts
    of that provider pinned by ``StringEquals`` (:func:`link_risks`); a clean link is marked :data:`LINKING`
    (visible, needs no flag). Returns "" (not wider) or one line saying why. Two checks, either marks: the
    statement-coverage rule (:func:`widening`: fast, names what is new, fail closed on what it cannot
    cover), then, for what the rule accepts, the SMT prover (:func:`byoc_iam.compare.compare_policies`):
    a request NEW admits and OLD does not, or a comparison it cannot decide exactly, marks the change too."""
    if linking_to is not None:
        base = retarget_oidc(old, linking_to) if old is not None else None
        reasons = widening(base, new) + link_risks(new, linking_to)
        if not reasons and base is not None:
            reasons = _proved(base, new)
        return f"{LINK_RISK}: " + "; ".join(dict.fromkeys(reasons)) if reasons else LINKING
    wider = widening(old, new)
    if not wider and old is not None:
        wider = _proved(old, new)
    return f"{WIDENING}: " + "; ".join(wider) if wider else ""


def _proved(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """[] when the prover shows NEW admits nothing OLD does not, exactly; else one reason (fail closed)."""
    from byoc_iam.compare import Undecided, compare_policies
    from byoc_iam.model.policy import PolicyParseError

    try:
        result = compare_policies(PolicyDocument.from_dict(old), PolicyDocument.from_dict(new), "trust")
    except (Undecided, PolicyParseError, ValueError) as exc:
        return [f"the prover could not compare the trusts ({exc})"]
    if result.new_access and result.counterexample is not None:
        req = result.counterexample
        return [f"admits {req['principal']} to {req['action']} (proved by byoc-iam compare)"]
    if result.approximate:
        return [f"the prover's answer is approximate ({result.approximate})"]
    return []


def oidc_provider_arns(trust: dict[str, Any]) -> list[str]:
    """The OIDC provider ARNs a trust policy federates (placeholders included)."""
    out: set[str] = set()
    for stmt in PolicyDocument.from_dict(trust).statements:
        if isinstance(stmt.principal, dict):
            out.update(v for v in stmt.principal.get("Federated", ()) if arns.is_oidc_provider_arn(v))
    return sorted(out)


def retarget_oidc(trust: dict[str, Any], new_provider_arn: str) -> dict[str, Any]:
    """The trust policy with every federated OIDC provider (a placeholder or another cluster's issuer)
    replaced by ``new_provider_arn``, and the condition keys ``<old issuer>:sub``/``:aud`` renamed to match.

    Only statements federating an ``oidc-provider/`` ARN change; everything else is kept as written.
    """
    if not arns.is_oidc_provider_arn(new_provider_arn):
        raise ValueError(f"not an OIDC provider ARN: {new_provider_arn}")
    new_host = arns.provider_name(new_provider_arn)
    doc: dict[str, Any] = json.loads(json.dumps(trust))
    statements = doc.get("Statement", [])
    for stmt in statements if isinstance(statements, list) else [statements]:
        principal = stmt.get("Principal")
        if not isinstance(principal, dict) or "Federated" not in principal:
            continue
        fed = principal["Federated"]
        values = fed if isinstance(fed, list) else [fed]
        old_hosts = [arns.provider_name(v) for v in values if arns.is_oidc_provider_arn(v)]
        if not old_hosts:
            continue
        new_values = [new_provider_arn if arns.is_oidc_provider_arn(v) else v for v in values]
        deduped = list(dict.fromkeys(new_values))
        principal["Federated"] = deduped if isinstance(fed, list) or len(deduped) > 1 else deduped[0]
        for op, keys in (stmt.get("Condition") or {}).items():
            renamed: dict[str, Any] = {}
            for key, value in keys.items():
                prefix, sep, rest = key.rpartition(":")
                renamed[f"{new_host}:{rest}" if sep and prefix in old_hosts else key] = value
            stmt["Condition"][op] = renamed
    return doc


# the note of a link-cluster plan for a role whose trust names no OIDC provider (nothing changes, nothing is linked)
NOTHING_TO_LINK = "federates no OIDC provider; nothing to link"
LINK_RISK = "link-cluster would make this trust admit more than named service accounts"


def is_eks_issuer_provider(arn: str) -> bool:
    """Whether an OIDC provider ARN names an EKS cluster issuer (``oidc.eks.<region>.amazonaws.com/id/...``)."""
    return arns.is_oidc_provider_arn(arn) and arns.eks_issuer(arn) is not None


def link_risks(trust: dict[str, Any], provider: str) -> list[str]:
    """What a trust policy linked to ``provider`` admits beyond AWS service principals and service accounts
    of that provider pinned by ``StringEquals`` on ``<issuer>:sub`` and ``:aud`` (no wildcard ``sub`` match).

    link-cluster keeps the rest of the trust as it is; this says when that rest (or an edited OIDC statement)
    would let anyone else in once the provider is real, so the change is not made silently."""
    host = arns.provider_name(provider).lower() if arns.is_oidc_provider_arn(provider) else ""
    risks: list[str] = []
    for i, stmt in enumerate(PolicyDocument.from_dict(trust).statements):
        if stmt.effect != "Allow":
            continue
        where = f"statement {stmt.sid or i}"
        if stmt.not_principal is not None:
            risks.append(f"{where}: NotPrincipal")
        principal = stmt.principal
        if principal is None:
            continue
        if principal == "*":
            risks.append(f"{where}: Principal *")
            continue
        assert isinstance(principal, dict)
        for ptype, values in principal.items():
            for value in values:
                if ptype == "Service":
                    continue
                if ptype != "Federated" or value != provider:
                    risks.append(f"{where}: {ptype} {value}")
                    continue
                risks += [f"{where}: {r}" for r in _oidc_condition_risks(stmt.condition or {}, host)]
    return risks


def _oidc_condition_risks(condition: dict[str, dict[str, tuple[str, ...]]], host: str) -> list[str]:
    """Why an OIDC statement's condition does not pin one audience and exact service accounts."""
    risks: list[str] = []
    pinned: dict[str, tuple[str, ...]] = {}
    for op, keys in condition.items():
        for key, values in keys.items():
            name = key.lower()
            if not name.startswith(host + ":"):
                continue
            claim = name.rsplit(":", 1)[1]
            if op == "StringEquals":
                pinned[claim] = values
            elif claim in ("sub", "aud"):
                risks.append(f"{op} on {key}")
    if not pinned.get("sub"):
        risks.append(f"no StringEquals on {host}:sub (any service account of the cluster)")
    elif any(("*" in v or "?" in v) for v in pinned["sub"]):
        risks.append(f"a wildcard in {host}:sub")
    if not pinned.get("aud"):
        risks.append(f"no StringEquals on {host}:aud")
    return risks


def unapproved(plan: Plan, *, allow_trust_widening: bool, allow_boundary_removal: bool = False) -> str:
    """Why ``plan`` may not run unattended (``--yes``) with these flags, or "": a trust change the guard
    marked needs ``--allow-trust-widening``; removing the permissions boundary needs ``--allow-boundary-removal``.
    The same check runs on a plan made again while applying (EntityAlreadyExists), which nobody has seen."""
    review = "`byoc-iam plan`" if plan.command == "apply" else f"`byoc-iam {plan.command} --dry-run`"
    for change in plan.security_changes:
        if change.kind == "trust policy" and change.security != LINKING and not allow_trust_widening:
            return (
                f"the plan widens the trust policy of {plan.role_name} ({change.security}); "
                f"review it ({review}) and pass --allow-trust-widening to apply it"
            )
        if change.kind == "permissions boundary" and not allow_boundary_removal:
            return (
                f"the plan removes the permissions boundary of {plan.role_name} ({change.before}); "
                f"review it ({review}) and pass --allow-boundary-removal to apply it"
            )
        if change.kind not in ("trust policy", "permissions boundary"):
            return f"the plan has a security-relevant change the guard does not know ({change.kind}); plan again"
    return ""
