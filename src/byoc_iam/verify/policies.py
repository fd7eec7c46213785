"""Which of the role's policies serves which component: the role's identity policies, labelled as people know
them, and the ones meant for each component of the requirements catalog. Pure (AWS managed documents come from
the caller or the packaged catalog)."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from functools import cache, cached_property
from typing import TYPE_CHECKING, Literal

from byoc_iam.errors import UsageError
from byoc_iam.model import PolicyDocument
from byoc_iam.model.record import record
from byoc_iam.verify.requirements import Component

if TYPE_CHECKING:
    from byoc_iam.model import RoleSpec

PolicyKind = Literal["aws-managed", "inline", "customer-managed", "trust"]


@record(frozen=True, kw_only=False)
class LabelledPolicy:
    """One of the role's policies with the name people know it by (``label`` is unique within the role)."""

    label: str
    kind: PolicyKind
    name: str
    document: PolicyDocument

    @cached_property
    def granted(self) -> frozenset[str]:
        """The actions (lower case) the document's statements list in Action (computed once per policy)."""
        return frozenset(a.lower() for s in self.document.statements for a in (s.action or ()))


def role_policies(
    spec: RoleSpec, managed_docs: Mapping[str, PolicyDocument] | None = None, *, skip_unknown: bool = False
) -> list[LabelledPolicy]:
    """The role's identity policies, labelled: AWS managed (documents from ``managed_docs`` or the catalog;
    UsageError when neither has one, unless ``skip_unknown`` leaves it out), inline (``inline:<name>``),
    customer-managed (``customer-managed:<name>``)."""
    out: list[LabelledPolicy] = []
    for arn in spec.managed_policy_arns:
        name = arn.rsplit("/", 1)[-1]
        doc = (managed_docs or {}).get(arn) or catalog_document_or_none(arn)
        if doc is None and skip_unknown:
            continue
        if doc is None:
            doc = catalog_document(arn)
        out.append(LabelledPolicy(label=name, kind="aws-managed", name=name, document=doc))
    for name, doc in spec.inline().items():
        out.append(LabelledPolicy(label=f"inline:{name}", kind="inline", name=name, document=doc))
    for name, doc in spec.customer_managed().items():
        out.append(LabelledPolicy(label=f"customer-managed:{name}", kind="customer-managed", name=name, document=doc))
    return out


def catalog_document(arn: str) -> PolicyDocument:
    """The packaged catalog's document of an AWS managed policy, in the ARN's partition; UsageError if unknown."""
    doc = catalog_document_or_none(arn)
    if doc is None:
        raise UsageError(f"no document for managed policy {arn} in the catalog (use --live to read it from AWS)")
    return doc


def _in_partition(document: PolicyDocument, arn: str) -> PolicyDocument:
    partition = arn.split(":")[1]
    if partition == "aws":
        return document
    text = json.dumps(document.to_dict()).replace('"arn:aws:', f'"arn:{partition}:')
    return PolicyDocument.from_json(text)


def unknown_managed(spec: RoleSpec, managed_docs: Mapping[str, PolicyDocument] | None = None) -> list[str]:
    """The role's AWS managed policy ARNs with no document in ``managed_docs`` or the packaged catalog."""
    return [
        arn
        for arn in spec.managed_policy_arns
        if (managed_docs or {}).get(arn) is None and catalog_document_or_none(arn) is None
    ]


@cache
def catalog_document_or_none(arn: str) -> PolicyDocument | None:
    """:func:`catalog_document`, or None when the catalog has no document for ``arn`` (cached per ARN; read from
    the snapshot alone, ``managed.catalog.snapshot_document``)."""
    from byoc_iam.managed.catalog import snapshot_document

    found = snapshot_document(arn)
    return None if found is None else _in_partition(PolicyDocument.from_dict(found), arn)


def own_policies(component: Component, policies: Sequence[LabelledPolicy]) -> list[LabelledPolicy]:
    """The policies meant for ``component``: its AWS managed policies and its controller's policy (found by the
    blueprint's policy name, a name hint, or an action only that controller's policy grants)."""
    attr = component.policies
    out = [p for p in policies if p.kind == "aws-managed" and p.name in attr.managed]
    if not attr.controller:
        return out
    names = {_norm(h) for h in attr.name_hints}
    names.add(_norm(_controller_policy_name(attr.controller)))
    signature = {a.lower() for a in attr.signature_actions}
    for p in policies:
        if p.kind == "aws-managed":
            continue
        norm = _norm(p.name)
        if any(n and n in norm for n in names) or signature & p.granted:
            out.append(p)
    return out


def _controller_policy_name(name: str) -> str:
    """The blueprint's policy name of a controller ('' when the blueprint does not know it: hints still apply).
    Read raw from ``data/controllers/<name>.json`` (verify's start-up path; the file's model is
    ``blueprint/files.ControllerFile``, held to it by ``tests/test_data_files.py``)."""
    from byoc_iam import data as knowledge

    if name not in knowledge.names("controller"):
        return ""
    value = knowledge.raw("controller", name).get("policy_name")
    return value if isinstance(value, str) else ""


def meant_for(comp: Component, own: Sequence[LabelledPolicy]) -> str:
    """The policies meant for ``comp``, saying which are missing from the role."""
    have = {p.name for p in own if p.kind == "aws-managed"}
    parts = [name if name in have else f"{name}: not attached" for name in comp.policies.managed]
    if comp.policies.controller:
        found = [p.label for p in own if p.kind != "aws-managed"]
        parts += found or [f"the {comp.name} policy: not found in the role"]
    return "; ".join(parts)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())
