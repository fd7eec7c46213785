"""verify for the split layout: each component checked against the role it really gets (pure).

In the combined layout every component's calls are evaluated against the one EKS role; in the split layout
(:mod:`byoc_iam.blueprint.layout`) the control plane and VPC resource controller get the cluster role, kubelet
the node role, the VPC CNI the node role (or its own with ``--cni-role``) and each controller its own role, so
each component's required calls are evaluated against that role's policies only. With Pod Identity the
session carries the ``eks-cluster-name`` session tag (EKS user guide "Pod Identity session tags"), which the
cluster-scoped policies read as ``aws:PrincipalTag/eks-cluster-name``. The combined role's IMDS finding
(controller permissions on the node role) does not apply: the node role carries no controller policy, which
:func:`byoc_iam.verify.layout.prove_layout` proves.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.layout import components as component_roles
from byoc_iam.blueprint.layout import layout_data
from byoc_iam.model.role import RoleSpec
from byoc_iam.verify.evaluator import Evaluator
from byoc_iam.verify.permissions import check_component
from byoc_iam.verify.policies import role_policies
from byoc_iam.verify.report import ComponentResult
from byoc_iam.verify.requirements import Target, components


@dataclass(frozen=True)
class SplitComponent:
    """One component's result against the role it gets (``kind``, ``role_name``)."""

    kind: str
    role_name: str
    result: ComponentResult

    @property
    def ok(self) -> bool:
        return self.result.status != "failed"

    def to_dict(self) -> dict[str, Any]:
        return {"role_kind": self.kind, "role_name": self.role_name, "component": self.result.model_dump(mode="json")}


def _context(inputs: BlueprintInputs, kind: str, target: Target) -> dict[str, str | list[str]]:
    workloads = {"cni", *(c["kind"] for c in layout_data()["controllers"])}
    if inputs.identity == "pod-identity" and kind in workloads:
        tag = layout_data()["pod_identity"]["session_tag"]
        return {f"aws:PrincipalTag/{tag}": target.cluster}
    return {}


def verify_split(
    inputs: BlueprintInputs, specs: dict[str, RoleSpec], target: Target, features: set[str] | None = None
) -> list[SplitComponent]:
    """Every component's calls against its own role's policies (``specs``: member kind → RoleSpec, rendered
    or read live). Raises ``KeyError`` when a component's role is missing from ``specs``."""
    where = component_roles(inputs)
    out: list[SplitComponent] = []
    for comp in components():
        kind = where[comp.id]
        spec = specs[kind]
        arn = f"arn:{target.partition}:iam::{target.account}:role{spec.path}{spec.role_name}"
        base: dict[str, str | list[str]] = {
            "aws:PrincipalArn": arn,
            "aws:PrincipalAccount": target.account,
            "aws:PrincipalType": "AssumedRole",
            "aws:RequestedRegion": target.region,
            "aws:SecureTransport": "true",
            **_context(inputs, kind, target),
        }
        session = f"arn:{target.partition}:sts::{target.account}:assumed-role/{spec.role_name}/byoc-iam-verify"
        ev = Evaluator(principal=session, base_context=base, account=target.account)
        result = check_component(comp, role_policies(spec), ev, target, frozenset(features or ()), False)
        out.append(SplitComponent(kind, spec.role_name, result))
    return out


__all__ = ["SplitComponent", "verify_split"]
