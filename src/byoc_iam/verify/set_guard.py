"""What verify checks of the role set's storage and cross-account roles besides their calls (pure): the role's
identity policies as IAM evaluates them (AWS managed ones too), its permissions boundary, what it grants beyond its
blueprint, and its trust policy as written admitting only its intended principals.

The pieces are the EKS role's (:func:`byoc_iam.verify.checks.verify_role`): AWS managed documents from the caller
(read live) or the packaged snapshot (:func:`byoc_iam.verify.policies.role_policies`), and one it cannot read fails
closed; an AWS managed boundary from the snapshot; grants beyond the blueprint by
:func:`byoc_iam.verify.beyond.beyond_policies`, here against the member's rendered RoleSpec.

The trust, as written: every Allow statement names only the role's intended principals (IAM User Guide, "IAM JSON
policy elements: Principal"), and an ``sts:ExternalId`` condition pins exactly one value with ``StringEquals``
(IAM User Guide, "Access to AWS accounts owned by third parties": a list admits every value in it).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Any

from byoc_iam.model import PolicyDocument, RoleSpec, Statement
from byoc_iam.verify import beyond
from byoc_iam.verify.policies import LabelledPolicy, catalog_document_or_none, role_policies, unknown_managed

EXTERNAL_ID = "sts:externalid"


@dataclass(frozen=True)
class Attached:
    """The role's identity policies with a document (``policies``), the AWS managed ones without (``unread``), and
    its permissions boundary (``boundary_arn``; ``boundary`` None when it has none or its document is unknown)."""

    policies: tuple[LabelledPolicy, ...]
    unread: tuple[str, ...]
    boundary_arn: str | None
    boundary: PolicyDocument | None

    def identity(self) -> list[dict[str, Any]]:
        """The documents of :attr:`policies` as dicts (for :mod:`byoc_iam.verify.unknown`)."""
        return [p.document.to_dict() for p in self.policies]

    def problems(self) -> list[tuple[str, str]]:
        """``(id, description)`` of what cannot be evaluated: each unread managed policy, an unknown boundary."""
        out = [
            (f"unverified:{arn}", f"the AWS managed policy {arn} is attached and cannot be evaluated (no document)")
            for arn in self.unread
        ]
        if self.boundary_arn and self.boundary is None:
            out.append(
                (
                    f"unverified:{self.boundary_arn}",
                    f"the permissions boundary {self.boundary_arn} cannot be evaluated (no document)",
                )
            )
        return out


def attached(
    spec: RoleSpec,
    managed_docs: Mapping[str, PolicyDocument] | None = None,
    boundary: PolicyDocument | None = None,
) -> Attached:
    """The role's policies as :func:`byoc_iam.verify.checks.verify_role` resolves them: ``managed_docs`` (read
    live) or the packaged snapshot; ``boundary`` (read live) or, for an AWS managed boundary, the snapshot's."""
    policies = role_policies(spec, managed_docs, skip_unknown=True)
    if spec.permissions_boundary and boundary is None:
        boundary = catalog_document_or_none(spec.permissions_boundary)
    return Attached(
        tuple(policies), tuple(unknown_managed(spec, managed_docs)), spec.permissions_boundary or None, boundary
    )


def beyond_blueprint(found: Attached, blueprint: RoleSpec, partition: str) -> list[tuple[str, str]]:
    """``(id, description)`` per grant beyond ``blueprint`` (the member's rendered RoleSpec): an AWS managed policy
    it does not attach, an Allow statement none of its policies has, an unread managed policy."""
    known = frozenset(s.semantic_key() for d in role_policies(blueprint, skip_unknown=True) for s in d.document)
    lines = beyond.beyond_policies(
        found.policies,
        partition,
        found.unread,
        blueprint_keys=known,
        managed_names=[a.rsplit("/", 1)[-1] for a in blueprint.managed_policy_arns],
    )
    return [(f"beyond:{label}", what) for label, what in lines]


def _principals(st: Statement) -> list[tuple[str, str]]:
    if not isinstance(st.principal, dict):
        return [("*", str(st.principal))]
    return [(kind, value) for kind, values in st.principal.items() for value in values]


def trust_structure(
    trust: PolicyDocument,
    intended: Mapping[str, Sequence[str]],
    *,
    subjects: Sequence[str] | None = None,
    external_id: str | None = None,
) -> list[tuple[str, str]]:
    """``(id, description)`` per way the trust as written admits more than ``intended`` (principal type →
    the values allowed, ``fnmatch`` patterns: ``{"AWS": [zilliz]}``, ``{"Federated": ["arn:aws:iam::<account>:
    oidc-provider/*"]}``): a NotPrincipal, a principal not listed, more than one OIDC
    provider, a ``sub`` beyond ``subjects`` (or none) for an OIDC provider, and with ``external_id`` a statement
    that does not pin ``sts:ExternalId`` to exactly that one value with ``StringEquals``."""
    out: list[tuple[str, str]] = []
    for i, st in enumerate(trust.statements):
        if st.effect != "Allow":
            continue
        where = f"trust statement #{i}{f' ({st.sid})' if st.sid else ''}"
        if st.not_principal is not None:
            out.append((f"trust-structure:{i}", f"{where} admits everyone not listed in NotPrincipal"))
            continue
        for kind, value in _principals(st):
            if not any(fnmatchcase(value, pattern) for pattern in intended.get(kind, ())):
                out.append((f"trust-structure:{i}:{value}", f"{where} admits the {kind} principal {value}"))
        if subjects is not None and any(k == "Federated" for k, _ in _principals(st)):
            out += [(f"trust-structure:{i}:sub", f"{where} admits {w}") for w in beyond.extra_subjects(st, subjects)]
        if external_id is not None:
            out += [(f"trust-structure:{i}:external-id", f"{where} {w}") for w in _external_id(st, external_id)]
    return out + [("trust-structure:providers", what) for _, what in beyond.more_providers(trust)]


def _external_id(st: Statement, external_id: str) -> list[str]:
    """What is wrong with the statement's ``sts:ExternalId`` condition ([] when it pins exactly ``external_id``)."""
    pinned: list[list[str]] = []
    ops: list[str] = []
    for op, keys in st.condition.items():
        for key, values in keys.items():
            if key.lower() == EXTERNAL_ID:
                if op == "StringEquals":
                    pinned.append(list(values))
                else:
                    ops.append(op)
    if ops:
        return [f"compares sts:ExternalId with {', '.join(ops)}, not StringEquals"]
    if not pinned:
        return ["does not require sts:ExternalId"]
    admitted = {v for vs in pinned for v in vs}
    if any(len(vs) != 1 for vs in pinned) or admitted != {external_id}:
        return [f"admits sts:ExternalId values {sorted(admitted)}: exactly one, the External ID, is intended"]
    return []
