"""The BYOC role set: inputs → the ordered, named roles Zilliz Cloud BYOC needs in one AWS account (pure).

Zilliz's console asks for three roles: the EKS role (:func:`byoc_iam.blueprint.render_role`), the storage
role (Milvus's access to its data bucket through IRSA) and the cross-account role (Zilliz's control plane
builds the cluster). :func:`render_role_set` returns the chosen ones as a :class:`RoleSet`: members in
*apply order* — the roles others refer to first, the cross-account role (the one that lets Zilliz in) last —
so a failure half-way is repaired by applying again, and :meth:`RoleSet.destroy_order` revokes Zilliz's
access first. A later layout (issue 15: cluster, node and per-controller roles) adds members of other kinds
to the same value; the lifecycle loops over members and never needs to know which kind it handles.

Knowledge is data: ``data/blueprints/storage-role.json`` and ``data/blueprints/cross-account-role.json``
(written from Zilliz's Terraform ``modules/aws_byoc/aws_iam`` and Zilliz's BYOC docs; each lists where it
differs from them under ``explain``).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, fields
from functools import cache
from typing import Any

from byoc_iam import data as knowledge
from byoc_iam.blueprint import data
from byoc_iam.blueprint.inputs import BlueprintInputs
from byoc_iam.blueprint.layout import LayoutRole, passed_role_arns, role_spec, split_roles
from byoc_iam.blueprint.render import oidc_provider, oidc_provider_arn, render_role
from byoc_iam.blueprint.set_rules import ROLE_KINDS
from byoc_iam.model.role import RoleSpec

EKS_CONSOLE_LABEL = "EKS settings → IAM role ARN"


@dataclass(frozen=True)
class RoleSetMember(LayoutRole):
    """One role of the set.

    ``kind`` names its blueprint (``eks``, ``storage``, ``cross-account``); ``trust_mode`` is what lint holds
    its trust to (``placeholder`` or ``resolved``); ``links_cluster`` says link-cluster retargets its trust to
    the cluster's OIDC provider; ``console_label`` is where its ARN goes in the Zilliz Cloud console. A split
    layout's workload roles (:mod:`byoc_iam.blueprint.layout`) also name their ``service_account``
    (``namespace:name``), the Helm ``chart`` to annotate and, with Pod Identity, the ``association`` to create.
    Its fields are :class:`byoc_iam.blueprint.layout.LayoutRole`'s."""

    @property
    def name(self) -> str:
        return self.spec.role_name

    def arn(self, partition: str, account: str) -> str:
        return f"arn:{partition}:iam::{account}:role{self.spec.path}{self.spec.role_name}"


@dataclass(frozen=True)
class RoleSet:
    """The roles of one account, in apply order."""

    members: tuple[RoleSetMember, ...]

    def __iter__(self) -> Iterator[RoleSetMember]:
        return iter(self.members)

    def __len__(self) -> int:
        return len(self.members)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(m.kind for m in self.members)

    def get(self, kind: str) -> RoleSetMember | None:
        return next((m for m in self.members if m.kind == kind), None)

    def destroy_order(self) -> tuple[RoleSetMember, ...]:
        """Reverse apply order: the cross-account role (Zilliz's access) goes first."""
        return tuple(reversed(self.members))

    def linked(self) -> tuple[RoleSetMember, ...]:
        """The members whose trust federates the cluster's OIDC provider (link-cluster rewrites them together)."""
        return tuple(m for m in self.members if m.links_cluster)


@dataclass(frozen=True)
class Blueprint:
    """One role blueprint of the set, as its data file has it (templates with ``${token}``s)."""

    name: str
    kind: str
    defaults: dict[str, Any]
    raw: dict[str, Any]

    @property
    def explain(self) -> tuple[str, ...]:
        return tuple(self.raw.get("explain", ()))

    @property
    def console(self) -> dict[str, str]:
        return dict(self.raw["console"])


@cache
def blueprint(name: str) -> Blueprint:
    """``storage-role`` or ``cross-account-role`` from ``data/blueprints``."""
    raw = knowledge.raw("role-blueprint", name)
    return Blueprint(name=raw["name"], kind=raw["kind"], defaults=dict(raw["defaults"]), raw=raw)


def fill(value: Any, tokens: dict[str, str]) -> Any:
    """``value`` with every ``${token}`` of ``tokens`` replaced (strings inside lists and objects too)."""
    if isinstance(value, str):
        for key, text in tokens.items():
            value = value.replace("${" + key + "}", text)
        return value
    if isinstance(value, list):
        return [fill(v, tokens) for v in value]
    if isinstance(value, dict):
        return {fill(k, tokens): fill(v, tokens) for k, v in value.items()}
    return value


def role_name(inputs: BlueprintInputs, kind: str) -> str:
    """The role's name: the EKS role's own setting, else ``<name prefix>-<blueprint suffix>``."""
    if kind == "eks":
        return inputs.role_name
    return f"{inputs.name_prefix}-{blueprint(_file(kind)).defaults['role_name_suffix']}"


def _file(kind: str) -> str:
    return f"{kind}-role"


def _policy_name(inputs: BlueprintInputs, name: str, role: str) -> str:
    return name if inputs.policy_placement == "inline" else f"{role}-{name}"


def storage_subjects(inputs: BlueprintInputs) -> tuple[list[str], bool]:
    """The storage trust's ``sub`` values and whether they are wildcards (``StringLike``)."""
    bp = blueprint("storage-role")
    accounts = list(inputs.storage_service_accounts or bp.defaults["service_accounts"])
    if inputs.storage_wildcard_subjects:
        accounts = list(bp.raw["wildcard_subjects"]["patterns"]) + [
            a for a in inputs.storage_service_accounts if a not in bp.raw["wildcard_subjects"]["patterns"]
        ]
    return [f"system:serviceaccount:{a}" for a in dict.fromkeys(accounts)], inputs.storage_wildcard_subjects


def storage_trust(inputs: BlueprintInputs) -> dict[str, Any]:
    """One web-identity statement: ``aud`` pinned with StringEquals; ``sub`` exact, or StringLike patterns."""
    part = data.partitions()[inputs.resolved_partition]
    provider = oidc_provider(inputs)
    subjects, wildcard = storage_subjects(inputs)
    sub: str | list[str] = subjects[0] if len(subjects) == 1 else subjects
    condition: dict[str, Any] = {"StringEquals": {f"{provider}:aud": part.sts_audience}}
    if wildcard:
        condition["StringLike"] = {f"{provider}:sub": sub}
    else:
        condition["StringEquals"][f"{provider}:sub"] = sub
    statement = {
        "Sid": "MilvusServiceAccounts",
        "Effect": "Allow",
        "Principal": {"Federated": oidc_provider_arn(inputs)},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": condition,
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def storage_role(inputs: BlueprintInputs) -> RoleSpec:
    """The storage role: S3 on the one bucket (+ KMS on the bucket's key), trusted by Milvus's service accounts."""
    bp = blueprint("storage-role")
    name = role_name(inputs, "storage")
    tokens = {"partition": inputs.resolved_partition, "bucket": inputs.bucket or ""}
    policies = {_policy_name(inputs, bp.raw["policy_name"], name): fill(bp.raw["policy"], tokens)}
    if inputs.bucket_kms_key_arn:
        kms = fill(bp.raw["kms_policy"], {**tokens, "kms_key_arn": inputs.bucket_kms_key_arn})
        policies[_policy_name(inputs, bp.raw["kms_policy_name"], name)] = kms
    return _spec(inputs, name, bp.defaults["description"], storage_trust(inputs), policies)


def cross_account_trust(inputs: BlueprintInputs) -> dict[str, Any]:
    """Zilliz's control-plane role may assume (and tag the session, set the source identity) with the
    external id; nothing else may."""
    bp = blueprint("cross-account-role").raw
    statement = {
        "Sid": "ZillizControlPlane",
        "Effect": "Allow",
        "Principal": {"AWS": bp["zilliz_principal"]},
        "Action": list(bp["trust_actions"]),
        "Condition": {"StringEquals": {"sts:ExternalId": inputs.external_id or ""}},
    }
    return {"Version": "2012-10-17", "Statement": [statement]}


def cross_account_tokens(inputs: BlueprintInputs) -> dict[str, str]:
    bp = blueprint("cross-account-role").raw
    return {
        "partition": inputs.resolved_partition,
        "account": inputs.account_id,
        "region": inputs.region or "*",
        "role_prefix": inputs.name_prefix,
        "eks_role_name": inputs.role_name,
        "bucket": inputs.bucket or "",
        "vendor_key": bp["vendor_tag"]["key"],
        "vendor": bp["vendor_tag"]["value"],
        "cluster_prefix": bp["cluster_prefix"],
    }


def cross_account_role(inputs: BlueprintInputs) -> RoleSpec:
    """The cross-account role: Zilliz's control plane creates and manages the EKS cluster, node groups,
    launch templates and OIDC provider, and updates the EKS and storage roles' trust."""
    bp = blueprint("cross-account-role")
    name = role_name(inputs, "cross-account")
    policy = fill(bp.raw["policy"], cross_account_tokens(inputs))
    if inputs.layout == "split":
        _pass_only_split_roles(policy, inputs)
    policies = {_policy_name(inputs, bp.raw["policy_name"], name): policy}
    return _spec(inputs, name, bp.defaults["description"], cross_account_trust(inputs), policies)


PASS_ROLE_SID = "IAMPassRoleToEKS"
READ_ROLE_SID = "IAMReadEKSRole"


def _pass_only_split_roles(policy: dict[str, Any], inputs: BlueprintInputs) -> None:
    """In the split layout Zilliz's control plane passes exactly the cluster and node roles to EKS: the PassRole
    statement names those two ARNs instead of every role of the prefix (the controller, storage and cross-account
    roles are never passed), and the read statement names them in the (absent) combined EKS role's place."""
    passed = passed_role_arns(inputs)
    eks_role = f"arn:{inputs.resolved_partition}:iam::{inputs.account_id}:role/{inputs.role_name}"
    for stmt in policy["Statement"]:
        if stmt.get("Sid") == PASS_ROLE_SID:
            stmt["Resource"] = passed
        elif stmt.get("Sid") == READ_ROLE_SID:  # reads the roles it passes, in the EKS role's place
            stmt["Resource"] = [*passed, *(r for r in stmt["Resource"] if r != eks_role)]


def _spec(
    inputs: BlueprintInputs, name: str, description: str, trust: dict[str, Any], policies: dict[str, Any]
) -> RoleSpec:
    """A set role with no AWS managed policies (:func:`byoc_iam.blueprint.layout.role_spec`)."""
    return role_spec(inputs, name, description, trust, policies, [])


def render_member(inputs: BlueprintInputs, kind: str) -> RoleSetMember:
    """One member of the set, by kind."""
    mode = inputs.resolved_trust_mode
    if kind == "eks":
        return RoleSetMember("eks", render_role(inputs), mode, True, EKS_CONSOLE_LABEL)
    if kind == "storage":
        label = blueprint("storage-role").console["label"]
        return RoleSetMember("storage", storage_role(inputs), mode, True, label)
    if kind == "cross-account":
        label = blueprint("cross-account-role").console["label"]
        return RoleSetMember("cross-account", cross_account_role(inputs), "resolved", False, label)
    raise ValueError(f"unknown role kind {kind!r} (one of {', '.join(ROLE_KINDS)})")


def render_role_set(inputs: BlueprintInputs) -> RoleSet:
    """The roles ``inputs.roles`` selects, in apply order (eks, storage, cross-account); with ``--layout split``
    the EKS role is replaced by the split layout's roles (cluster, node, [cni], one per controller)."""
    members: list[RoleSetMember] = []
    for kind in ROLE_KINDS:
        if kind not in inputs.roles:
            continue
        if kind == "eks" and inputs.layout == "split":
            members.extend(RoleSetMember(*(getattr(r, f.name) for f in fields(r))) for r in split_roles(inputs))
        else:
            members.append(render_member(inputs, kind))
    return RoleSet(tuple(members))


def explain(kinds: tuple[str, ...]) -> list[tuple[str, str]]:
    """``(kind, note)``: where byoc-iam's storage and cross-account blueprints differ from Zilliz's docs and
    Terraform, and why."""
    return [(kind, note) for kind in kinds if kind != "eks" for note in blueprint(_file(kind)).explain]


__all__ = [
    "EKS_CONSOLE_LABEL",
    "RoleSet",
    "RoleSetMember",
    "cross_account_role",
    "explain",
    "fill",
    "render_member",
    "render_role_set",
    "role_name",
    "storage_role",
]
