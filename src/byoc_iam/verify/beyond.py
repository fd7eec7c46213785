"""What the role grants beyond the blueprint: AWS managed policies it does not attach, Allow statements none of
its controller policies has, and trust principals it does not name (another principal type, service, OIDC
provider, or service account). Pure; the blueprint is ``data/blueprints`` and ``data/controllers``."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import cache
from typing import Any

from byoc_iam import data as knowledge
from byoc_iam.model import PolicyDocument, Statement
from byoc_iam.verify.policies import LabelledPolicy
from byoc_iam.verify.trust import providers

_BLUEPRINT = "byoc-eks-role"


def _blueprint_file() -> dict[str, Any]:
    """``data/blueprints/byoc-eks-role.json`` read raw (verify's start-up path: no pydantic, no renderer; the
    file's model is ``blueprint/data.BlueprintFile``, the controllers' ``ControllerFile``, held to them by
    ``tests/test_data_files.py``)."""
    return knowledge.raw("blueprint", _BLUEPRINT)


@cache
def _blueprint_statements(partition: str) -> frozenset[str]:
    """The semantic keys of the statements of the blueprint's controller policies in ``partition``."""
    keys: set[str] = set()
    for name in _blueprint_file()["controllers"]:
        ctl = knowledge.raw("controller", name)
        if partition in ctl["partitions"]:
            doc = PolicyDocument.from_dict(knowledge.fill_partition(ctl["policy"], partition))
            keys.update(s.semantic_key() for s in doc.statements)
    return frozenset(keys)


def beyond_policies(
    policies: Sequence[LabelledPolicy],
    partition: str,
    unread: Sequence[str] = (),
    *,
    blueprint_keys: frozenset[str] | None = None,
    managed_names: Sequence[str] | None = None,
) -> list[tuple[str, str]]:
    """(policy label, what it grants beyond the blueprint) for each policy that does (a Deny, or a statement of
    the blueprint's controller policies, does not). ``unread``: AWS managed policy ARNs without a document.
    ``blueprint_keys``/``managed_names``: another blueprint's statements (semantic keys) and AWS managed policy
    names (default: the EKS role's)."""
    names = _blueprint_file()["aws_managed_policies"] if managed_names is None else managed_names
    managed = {n.lower() for n in names}
    known = _blueprint_statements(partition) if blueprint_keys is None else blueprint_keys
    out = [
        (arn.rsplit("/", 1)[-1], f"the AWS managed policy {arn} is attached (not evaluated: no document offline)")
        for arn in unread
    ]
    for p in policies:
        if p.kind == "aws-managed":
            if p.name.lower() not in managed:
                out.append((p.label, f"the AWS managed policy {p.name} is attached"))
            continue
        extra = [
            f"#{i}{f' ({s.sid})' if s.sid else ''}"
            for i, s in enumerate(p.document.statements)
            if s.effect == "Allow" and s.semantic_key() not in known
        ]
        if extra:
            out.append((p.label, f"{p.label} has Allow statement(s) {', '.join(extra)} that no blueprint policy has"))
    return out


def beyond_trust(trust: PolicyDocument, services: Sequence[str], accounts: Sequence[str]) -> list[tuple[str, str]]:
    """One line per trust statement that admits a principal the blueprint does not (services: the intended
    service principals; accounts: the intended IRSA service accounts ``namespace:name``)."""
    subs = {f"system:serviceaccount:{sa}" for sa in accounts}
    out: list[tuple[str, str]] = []
    for i, st in enumerate(trust.statements):
        if st.effect != "Allow":
            continue
        where = f"trust statement #{i}{f' ({st.sid})' if st.sid else ''}"
        for problem in _admits(st, set(services), subs):
            out.append(("trust", f"{where} admits {problem}"))
    return out + more_providers(trust)


def more_providers(trust: PolicyDocument) -> list[tuple[str, str]]:
    """The blueprint federates one cluster's OIDC provider: a trust whose Allow statements name more than one
    admits every other cluster's service accounts of the same names (one line naming them all)."""
    found = providers(trust)
    if len(found) < 2:
        return []
    names = ", ".join(found)
    return [("trust", f"the trust admits {len(found)} OIDC providers ({names}) where the blueprint federates one")]


def _admits(st: Statement, services: set[str], subs: set[str]) -> list[str]:
    if st.not_principal is not None:
        return ["everyone not listed in NotPrincipal"]
    if not isinstance(st.principal, dict):
        return [f"the principal {st.principal!r}"]
    out: list[str] = []
    for kind, values in st.principal.items():
        for value in values:
            if kind == "Service" and value not in services:
                out.append(f"the service {value}")
            elif kind == "Federated" and ":oidc-provider/" not in value:
                out.append(f"the federated principal {value}")
            elif kind not in ("Service", "Federated"):
                out.append(f"the {kind} principal {value}")
    if any(":oidc-provider/" in v for v in st.principal.get("Federated", ())):
        out += extra_subjects(st, subs)
    return out


# operators that bound a single-valued ``sub`` to the values they list, exactly (not ...IgnoreCase, not IfExists)
_BOUNDING = ("StringEquals", "StringLike", "ForAnyValue:StringEquals", "ForAnyValue:StringLike")


def extra_subjects(st: Statement, subs: Collection[str]) -> list[str]:
    """Service accounts the statement's ``sub`` condition admits beyond the subjects ``subs`` (all of them when no
    condition bounds it), one phrase each."""
    found: list[str] = []
    bounded = False
    for op, keys in st.condition.items():
        for key, values in keys.items():
            if not key.lower().endswith(":sub"):
                continue
            if op in _BOUNDING:
                bounded = True
                found += [v for v in values if v not in subs]
    if not bounded:
        return ["any service account of the cluster (no sub condition)"]
    return [f"the service account {v}" for v in found]
