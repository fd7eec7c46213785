"""Trust-policy helpers: who a trust policy admits, and retargeting its OIDC statements at a cluster."""

from __future__ import annotations

import json
from typing import Any

from byoc_iam.model import PolicyDocument
from byoc_iam.model import arn as arns

issuer_host = arns.provider_name  # issuer URL → provider name (kept for callers of plan.trust)
provider_arn = arns.oidc_provider_arn  # (partition, account, issuer URL) → provider ARN


def admitted(trust: dict[str, Any]) -> set[str]:
    """One line per (principal, conditions) an Allow statement admits; a Deny counts as its own entry.

    A principal present in ``new`` but not in ``old`` (or a Deny present in ``old`` only) widens the trust.
    """
    out: set[str] = set()
    doc = PolicyDocument.from_dict(trust)
    for stmt in doc.statements:
        canon = stmt.canonical()
        cond = json.dumps(canon.get("Condition", {}), sort_keys=True, separators=(",", ":"))
        actions = ",".join(sorted(a.lower() for a in stmt.actions))
        if stmt.effect == "Deny":
            out.add(f"deny {json.dumps(canon, sort_keys=True)}")
            continue
        if stmt.not_principal is not None:
            out.add(f"NotPrincipal {json.dumps(canon.get('NotPrincipal'), sort_keys=True)} [{actions}] {cond}")
        principal = stmt.principal
        if principal is None:
            continue
        if principal == "*":
            out.add(f"* [{actions}] {cond}")
            continue
        assert isinstance(principal, dict)
        for ptype, values in principal.items():
            for value in values:
                out.add(f"{ptype} {value} [{actions}]" + (f" when {cond}" if cond != "{}" else ""))
    return out


def widening(old: dict[str, Any] | None, new: dict[str, Any]) -> list[str]:
    """What ``new`` admits that ``old`` did not (principals, and Deny statements it drops)."""
    if old is None:
        return []
    before, after = admitted(old), admitted(new)
    added = sorted(a for a in after - before if not a.startswith("deny "))
    dropped = sorted(a for a in before - after if a.startswith("deny "))
    return added + [f"drops a Deny: {d.removeprefix('deny ')}" for d in dropped]


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
