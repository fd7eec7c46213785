"""The split layout of the BYOC EKS role (issue 15): the combined role's parts on their own roles (pure).

``--layout split`` replaces the one EKS role of the set with: a cluster role (``eks.amazonaws.com``:
AmazonEKSClusterPolicy, AmazonEKSVPCResourceController), a node role (``ec2.amazonaws.com``:
AmazonEKSWorkerNodePolicy, AmazonEC2ContainerRegistryReadOnly and AmazonEKS_CNI_Policy, unless ``--cni-role``
puts the CNI on its own role trusted by ``kube-system:aws-node``) and one role per controller (AWS Load Balancer
Controller, EBS CSI driver, cluster autoscaler) whose trust admits only that controller's service account.

``--identity irsa`` trusts the cluster's OIDC provider (``sts:AssumeRoleWithWebIdentity``, ``aud`` and ``sub``
pinned; the literal placeholder until link-cluster). ``--identity pod-identity`` trusts ``pods.eks.amazonaws.com``
with ``sts:AssumeRole`` and ``sts:TagSession``, limited by ``aws:SourceAccount`` and ``aws:SourceArn`` (the
cluster), and each role carries the Pod Identity association to create; where upstream publishes a
cluster-scoped policy (EBS CSI, keyed on ``aws:PrincipalTag/eks-cluster-name``), that policy is used.
Sources: EKS user guide "Amazon EKS cluster IAM role", "Amazon EKS node IAM role", "Configure the Amazon VPC CNI
plugin to use IRSA", "Create IAM role for EKS Pod Identity"; the data is ``data/blueprints/split-layout.json``
and ``data/controllers/aws-ebs-csi-driver-cluster-scoped.json``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from byoc_iam import data as knowledge
from byoc_iam.blueprint import data
from byoc_iam.blueprint.inputs import BlueprintInputs
from byoc_iam.blueprint.render import managed_policy_arns, oidc_provider, oidc_provider_arn
from byoc_iam.model import arn
from byoc_iam.model.role import RoleSpec

CLUSTER_PREFIX_FALLBACK = "*"


@dataclass(frozen=True)
class Chart:
    """A Helm chart and the path of its service account's annotations in the chart's values."""

    name: str
    repo: str
    annotations_path: tuple[str, ...]


@dataclass(frozen=True)
class Association:
    """An EKS Pod Identity association to create: the cluster's service account ``namespace:name`` → the role."""

    cluster_name: str | None
    namespace: str
    service_account: str


@dataclass(frozen=True)
class LayoutRole:
    """One role of the split layout, before :mod:`byoc_iam.blueprint.roleset` makes it a set member."""

    kind: str
    spec: RoleSpec
    trust_mode: str
    links_cluster: bool
    console_label: str
    service_account: str | None = None
    chart: Chart | None = None
    association: Association | None = None


@cache
def layout_data() -> dict[str, Any]:
    """``data/blueprints/split-layout.json`` as parsed JSON."""
    return knowledge.raw("layout", "split-layout")


@cache
def variant_policy(name: str, partition: str) -> dict[str, Any]:
    """A controller-variant's policy (``data/controllers/<name>.json``), its ``arn:aws:`` written in ``partition``."""
    import json

    text = json.dumps(knowledge.raw("controller-variant", name)["policy"])
    result: dict[str, Any] = json.loads(text.replace('"arn:aws:', f'"arn:{partition}:'))
    return result


def controller_kinds() -> tuple[str, ...]:
    """The member kinds of the controller roles: ``lbc``, ``ebs-csi``, ``cluster-autoscaler``."""
    return tuple(c["kind"] for c in layout_data()["controllers"])


def _name(inputs: BlueprintInputs, suffix: str) -> str:
    return f"{inputs.name_prefix}-{suffix}"


def role_spec(
    inputs: BlueprintInputs,
    name: str,
    description: str,
    trust: dict[str, Any],
    policies: dict[str, Any],
    managed: list[str],
) -> RoleSpec:
    """A role of the set: ``policies`` inline or customer-managed as ``inputs`` places them, ``managed`` the AWS
    managed policy ARNs; path, boundary, session length and tags from ``inputs``."""
    inline = policies if inputs.policy_placement == "inline" else {}
    customer = policies if inputs.policy_placement == "managed" else {}
    return RoleSpec(
        role_name=name,
        path=inputs.path,
        description=description,
        max_session_duration=inputs.max_session_duration,
        permissions_boundary=inputs.permissions_boundary,
        trust_policy=trust,
        managed_policy_arns=managed,
        inline_policies=inline,
        customer_managed_policies=customer,
        tags=dict(inputs.tags),
    )


def service_trust(inputs: BlueprintInputs, service: str, sid: str) -> dict[str, Any]:
    """``sts:AssumeRole`` for one AWS service (``eks`` or ``ec2``), as the partition names it."""
    principal = data.partitions()[inputs.resolved_partition].service_principals[service]
    statement = {"Sid": sid, "Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}
    return {"Version": "2012-10-17", "Statement": [statement]}


def irsa_trust(inputs: BlueprintInputs, service_account: str) -> dict[str, Any]:
    """One web-identity statement admitting only ``service_account`` (``aud`` and ``sub`` StringEquals)."""
    part = data.partitions()[inputs.resolved_partition]
    provider = oidc_provider(inputs)
    condition = {
        "StringEquals": {
            f"{provider}:aud": part.sts_audience,
            f"{provider}:sub": f"system:serviceaccount:{service_account}",
        }
    }
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": oidc_provider_arn(inputs)},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def cluster_arn(inputs: BlueprintInputs) -> str:
    """The cluster's ARN, with ``*`` for the region when not given and for the name when ``--cluster-name`` is
    not given (then any cluster of the account: the association still names one cluster)."""
    name = inputs.cluster_name or CLUSTER_PREFIX_FALLBACK
    return f"arn:{inputs.resolved_partition}:eks:{inputs.region or '*'}:{inputs.account_id}:cluster/{name}"


def pod_identity_trust(inputs: BlueprintInputs) -> dict[str, Any]:
    """``pods.eks.amazonaws.com`` may ``sts:AssumeRole`` and ``sts:TagSession`` for this account's cluster
    (``aws:SourceAccount`` StringEquals, ``aws:SourceArn`` ArnLike) — the EKS user guide's Pod Identity trust."""
    pod = layout_data()["pod_identity"]
    statement = {
        "Sid": "EKSPodIdentity",
        "Effect": "Allow",
        "Principal": {"Service": pod["service"]},
        "Action": list(pod["actions"]),
        "Condition": {
            "StringEquals": {"aws:SourceAccount": inputs.account_id},
            "ArnLike": {"aws:SourceArn": cluster_arn(inputs)},
        },
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def _workload_trust(inputs: BlueprintInputs, service_account: str) -> tuple[dict[str, Any], str, bool]:
    """``(trust, trust mode, links_cluster)`` of a role a pod assumes."""
    if inputs.identity == "pod-identity":
        return pod_identity_trust(inputs), "resolved", False
    return irsa_trust(inputs, service_account), inputs.resolved_trust_mode, True


def _association(inputs: BlueprintInputs, service_account: str) -> Association | None:
    if inputs.identity != "pod-identity":
        return None
    namespace, _, name = service_account.partition(":")
    return Association(inputs.cluster_name, namespace, name)


def _chart(raw: dict[str, Any]) -> Chart:
    return Chart(raw["name"], raw["repo"], tuple(raw["annotations_path"]))


def _managed(inputs: BlueprintInputs, names: list[str]) -> list[str]:
    wanted = {arn.policy_arn(inputs.resolved_partition, "aws", n) for n in names}
    return [a for a in managed_policy_arns(inputs.resolved_partition) if a in wanted]


def service_roles(inputs: BlueprintInputs) -> list[LayoutRole]:
    """The cluster role and the node role (without the CNI policy when ``--cni-role``)."""
    out = []
    for kind in ("cluster", "node"):
        raw = layout_data()[kind]
        names = [n for n in raw["aws_managed_policies"] if not (kind == "node" and inputs.cni_role and "CNI" in n)]
        trust = service_trust(inputs, raw["service"], raw["sid"])
        spec = role_spec(inputs, _name(inputs, raw["suffix"]), raw["description"], trust, {}, _managed(inputs, names))
        out.append(LayoutRole(kind, spec, "resolved", False, raw["console_label"]))
    return out


def cni_role(inputs: BlueprintInputs) -> LayoutRole:
    """The VPC CNI's own role (``kube-system:aws-node``), AmazonEKS_CNI_Policy only."""
    raw = layout_data()["cni"]
    sa = raw["service_account"]
    trust, mode, links = _workload_trust(inputs, sa)
    spec = role_spec(
        inputs,
        _name(inputs, raw["suffix"]),
        raw["description"],
        trust,
        {},
        _managed(inputs, raw["aws_managed_policies"]),
    )
    return LayoutRole(
        "cni", spec, mode, links, raw["console_label"], sa, _chart(raw["chart"]), _association(inputs, sa)
    )


def controller_policy(inputs: BlueprintInputs, controller: str) -> tuple[str, dict[str, Any]]:
    """``(policy name, document)`` of a controller role: the pinned policy, or with Pod Identity the upstream
    cluster-scoped variant where one exists."""
    variant = layout_data()["pod_identity"]["variants"].get(controller)
    if inputs.identity == "pod-identity" and variant:
        raw = knowledge.raw("controller-variant", variant)
        return raw["policy_name"], variant_policy(variant, inputs.resolved_partition)
    return data.controller(controller).policy_name, data.controller_policy(
        controller, inputs.resolved_partition
    ).to_dict()


def controller_role(inputs: BlueprintInputs, entry: dict[str, Any]) -> LayoutRole:
    """One controller's role: its policy, trusted by its service account only."""
    ctl = data.controller(entry["controller"])
    name = _name(inputs, entry["suffix"])
    policy_name, policy = controller_policy(inputs, ctl.name)
    placed = policy_name if inputs.policy_placement == "inline" else f"{name}-{policy_name}"
    trust, mode, links = _workload_trust(inputs, ctl.service_account)
    description = f"{ctl.title} role (split layout, rendered by byoc-iam)"
    spec = role_spec(inputs, name, description, trust, {placed: policy}, [])
    label = f"{ctl.title} role ARN ({ctl.service_account})"
    sa = ctl.service_account
    return LayoutRole(entry["kind"], spec, mode, links, label, sa, _chart(entry["chart"]), _association(inputs, sa))


def components(inputs: BlueprintInputs) -> dict[str, str]:
    """Which member kind each verify component (``data/requirements``) gets its credentials from in the split
    layout: ``{component id: member kind}`` (the VPC CNI: the node role, or its own with ``--cni-role``)."""
    raw = layout_data()
    out = {c: "cluster" for c in raw["cluster"]["components"]}
    out.update({c: "node" for c in raw["node"]["components"]})
    if inputs.cni_role:
        out.update({c: "cni" for c in raw["cni"]["components"]})
    for entry in raw["controllers"]:
        out.update({c: entry["kind"] for c in entry["components"]})
    return out


def split_names(prefix: str) -> list[tuple[str, str]]:
    """``(kind, role name)`` of every role the split layout may create, in apply order (the CNI role included:
    destroy looks for it whether or not ``--cni-role`` was used)."""
    raw = layout_data()
    out = [(k, f"{prefix}-{raw[k]['suffix']}") for k in ("cluster", "node", "cni")]
    return out + [(c["kind"], f"{prefix}-{c['suffix']}") for c in raw["controllers"]]


def passed_role_arns(inputs: BlueprintInputs) -> list[str]:
    """The roles Zilliz's control plane passes to EKS in the split layout: the cluster role (CreateCluster) and the
    node role (CreateNodegroup), nothing else (EKS user guide "Amazon EKS cluster IAM role", "Amazon EKS node IAM
    role": both passed with ``iam:PassedToService`` ``eks.amazonaws.com``)."""
    raw = layout_data()
    return [
        arn.role_arn(inputs.resolved_partition, inputs.account_id, _name(inputs, raw[k]["suffix"]), inputs.path)
        for k in ("cluster", "node")
    ]


def split_roles(inputs: BlueprintInputs) -> list[LayoutRole]:
    """The split layout's roles in apply order: cluster, node, [cni], lbc, ebs-csi, cluster-autoscaler."""
    out = service_roles(inputs)
    if inputs.cni_role:
        out.append(cni_role(inputs))
    out.extend(controller_role(inputs, entry) for entry in layout_data()["controllers"])
    return out


__all__ = [
    "Association",
    "Chart",
    "LayoutRole",
    "cluster_arn",
    "components",
    "controller_kinds",
    "irsa_trust",
    "passed_role_arns",
    "pod_identity_trust",
    "split_names",
    "split_roles",
]
