"""verify for the split layout: each component checked against the role it really gets (pure).

In the combined layout every component's calls are evaluated against the one EKS role; in the split layout
(:mod:`byoc_iam.blueprint.layout`) the control plane and VPC resource controller get the cluster role, kubelet
the node role, the VPC CNI the node role (or its own with ``--cni-role``) and each controller its own role, so
each component's required calls are evaluated against that role's policies only. With Pod Identity the
session carries the ``eks-cluster-name`` session tag (EKS user guide "Pod Identity session tags"), which the
cluster-scoped policies read as ``aws:PrincipalTag/eks-cluster-name``, and the EBS CSI driver is checked as
deployed with ``--k8s-tag-cluster-id`` (its requirements' ``settings``): the cluster-scoped policy keys on the
``ebs.csi.aws.com/cluster-name`` tag that setting adds to every volume and snapshot. The combined role's IMDS finding
(controller permissions on the node role) does not apply: the node role carries no controller policy, which
:func:`byoc_iam.verify.layout.prove_layout` proves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.layout import components as component_roles
from byoc_iam.blueprint.layout import layout_data
from byoc_iam.model import PolicyDocument
from byoc_iam.model.role import RoleSpec
from byoc_iam.verify.checks import role_session
from byoc_iam.verify.permissions import check_component
from byoc_iam.verify.policies import catalog_document_or_none, role_policies
from byoc_iam.verify.report import ComponentResult
from byoc_iam.verify.requirements import Target, components


@dataclass(frozen=True)
class SplitComponent:
    """One component's result against the role it gets (``kind``, ``role_name``), the component ``settings`` it was
    checked with, and the role's permissions boundary when it could not be evaluated (then it fails: no call can be
    proven allowed, as in plain verify)."""

    kind: str
    role_name: str
    result: ComponentResult
    settings: tuple[str, ...] = ()
    boundary_not_evaluated: str | None = None

    @property
    def ok(self) -> bool:
        return self.result.status != "failed" and self.boundary_not_evaluated is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "role_kind": self.kind,
            "role_name": self.role_name,
            "settings": list(self.settings),
            "boundary_not_evaluated": self.boundary_not_evaluated,
            "component": self.result.model_dump(mode="json"),
        }


def _context(inputs: BlueprintInputs, kind: str, target: Target) -> dict[str, str | list[str]]:
    if inputs.identity == "pod-identity" and kind in workload_kinds():
        tag = layout_data()["pod_identity"]["session_tag"]
        return {f"aws:PrincipalTag/{tag}": target.cluster}
    return {}


def workload_kinds() -> set[str]:
    """The member kinds a pod assumes (IRSA or Pod Identity): the CNI role and the controller roles."""
    return {"cni", *(c["kind"] for c in layout_data()["controllers"])}


def settings(inputs: BlueprintInputs, component_id: str) -> frozenset[str]:
    """The component settings the layout's identity needs (``split-layout.json`` ``pod_identity.settings``): with
    Pod Identity, EBS CSI's ``k8s-tag-cluster-id``, without which the cluster-scoped policy denies its calls."""
    if inputs.identity != "pod-identity":
        return frozenset()
    return frozenset(layout_data()["pod_identity"].get("settings", {}).get(component_id, ()))


def verify_split(
    inputs: BlueprintInputs,
    specs: dict[str, RoleSpec],
    target: Target,
    features: set[str] | None = None,
    boundaries: dict[str, PolicyDocument] | None = None,
    managed_docs: dict[str, PolicyDocument] | None = None,
) -> list[SplitComponent]:
    """Every component's calls against its own role's policies (``specs``: member kind → RoleSpec, rendered
    or read live), within its permissions boundary (``boundaries``: boundary ARN → document, e.g. read live;
    else AWS managed boundaries from the catalog), as deployed with the settings the identity needs
    (:func:`settings`); ``managed_docs``: AWS managed policy documents read live (else the packaged snapshot).
    Raises ``KeyError`` when a component's role is missing from ``specs``."""
    where = component_roles(inputs)
    out: list[SplitComponent] = []
    for comp in components():
        kind = where[comp.id]
        spec = specs[kind]
        arn = f"arn:{target.partition}:iam::{target.account}:role{spec.path}{spec.role_name}"
        boundary = _boundary(spec, boundaries or {})
        ev, _, _ = role_session(spec, target, arn, boundary, _context(inputs, kind, target))
        chosen = settings(inputs, comp.id)
        deployed = comp.configured(chosen)
        result = check_component(
            deployed, role_policies(spec, managed_docs), ev, target, frozenset(features or ()), False
        )
        unevaluated = spec.permissions_boundary if spec.permissions_boundary and boundary is None else None
        out.append(SplitComponent(kind, spec.role_name, result, tuple(sorted(chosen)), unevaluated))
    return out


def _boundary(spec: RoleSpec, known: dict[str, PolicyDocument]) -> PolicyDocument | None:
    if not spec.permissions_boundary:
        return None
    return known.get(spec.permissions_boundary) or catalog_document_or_none(spec.permissions_boundary)


__all__ = ["SplitComponent", "settings", "verify_split", "workload_kinds"]
