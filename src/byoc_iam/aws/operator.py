"""The list of AWS calls byoc-iam makes (``data/operator/calls.json``) and the operator policy built from it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import Field

from byoc_iam.data import load
from byoc_iam.data.datafile import DataFile

COMMANDS = ("plan", "apply", "link-cluster", "destroy")  # the lifecycle: operator-policy's default
# catalog: the --from-aws reads of catalog show/diff/refresh; verify: the reads of verify --live
ALL_COMMANDS = (*COMMANDS, "catalog", "verify")
# resource types in statement order; writes are scoped tighter (own-policy, eks-oidc-provider) than reads
RESOURCE_ORDER = (
    "role",
    "eks-service-linked-role",
    "policy",
    "own-policy",
    "aws-managed-policy",
    "oidc-provider",
    "eks-oidc-provider",
    "cluster",
    "podidentityassociation",
    "*",
)


# The EKS service-linked roles (path under /aws-service-role/ and name) whose existence verify --live reads for
# the cross-account role (IAM user guide, "Using service-linked roles for Amazon EKS").
EKS_SERVICE_LINKED_ROLES = (
    "eks.amazonaws.com/AWSServiceRoleForAmazonEKS",
    "eks-nodegroup.amazonaws.com/AWSServiceRoleForAmazonEKSNodegroup",
)


@dataclass(frozen=True)
class ApiCall:
    """One AWS API call: ``iam:GetRole``, its access level and the resource type it is scoped to."""

    action: str
    access: str  # "read" | "write"
    # role, eks-service-linked-role, policy, own-policy, aws-managed-policy, (eks-)oidc-provider, cluster, *
    resources: tuple[str, ...]
    commands: tuple[str, ...]
    needs_permission: bool = True
    sid: str = ""
    condition: dict[str, Any] | None = None
    layout: str | None = None  # only for this layout ("pod-identity": the split layout with EKS Pod Identity)
    resource_commands: dict[str, tuple[str, ...]] = field(default_factory=dict)  # a resource only these need

    def resources_for(self, commands: tuple[str, ...]) -> tuple[str, ...]:
        """The resource types ``commands`` need this call on (a type in ``resource_commands`` only for those)."""
        only = self.resource_commands
        return tuple(r for r in self.resources if r not in only or set(only[r]) & set(commands))

    @property
    def service(self) -> str:
        return self.action.split(":", 1)[0]

    @property
    def operation(self) -> str:
        return self.action.split(":", 1)[1]


class CallEntry(DataFile):
    action: str = Field(pattern=r"^[a-z0-9-]+:[A-Za-z0-9]+$")
    access: Literal["read", "write"]
    resource: str | list[str]
    commands: list[str] = Field(min_length=1)
    needs_permission: bool = True
    sid: str = ""
    condition: dict[str, Any] | None = None
    layout: Literal["pod-identity"] | None = None
    resource_commands: dict[str, list[str]] = {}
    note: str | None = None


class CallsFile(DataFile):
    """``data/operator/calls.json``: every AWS call byoc-iam makes."""

    KIND: ClassVar[str] = "operator-calls"
    description: str
    calls: list[CallEntry]


@cache
def calls() -> dict[str, ApiCall]:
    """Every call the code makes (lifecycle, demo, catalog --from-aws), by action name."""
    out: dict[str, ApiCall] = {}
    for item in load(CallsFile, "calls").calls:
        call = ApiCall(
            action=item.action,
            access=item.access,
            resources=tuple(item.resource) if isinstance(item.resource, list) else (item.resource,),
            commands=tuple(item.commands),
            needs_permission=item.needs_permission,
            sid=item.sid,
            condition=item.condition,
            layout=item.layout,
            resource_commands={k: tuple(v) for k, v in item.resource_commands.items()},
        )
        out[call.action] = call
    return out


def is_write(action: str) -> bool:
    """Whether a call changes something (known calls from the data, others by their verb)."""
    known = calls().get(action)
    if known is not None:
        return known.access == "write"
    op = action.split(":", 1)[-1]
    return not op.startswith(("Get", "List", "Describe", "Simulate", "Head"))


def blueprint_policy_arns(*, partition: str, account: str, role_name: str, role_path: str = "/") -> list[str]:
    """The exact ARNs of the policies the blueprint attaches: its AWS managed policies, and the
    customer-managed ``<role>-<Policy>`` of each controller under the role's path (``--policy-placement
    managed``; blueprint/render.py names them so)."""
    from byoc_iam.blueprint import data

    bp = data.blueprint()
    aws = [f"arn:{partition}:iam::aws:policy/{name}" for name in bp.aws_managed_policies]
    own = [
        f"arn:{partition}:iam::{account}:policy{role_path}{role_name}-{data.controller(c).policy_name}"
        for c in bp.controllers
    ]
    return aws + own


def _fill(value: Any, subs: dict[str, Any]) -> Any:
    """A condition template with ``{name}`` placeholders filled: a whole-string placeholder may become a list."""
    if isinstance(value, dict):
        return {k: _fill(v, subs) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, subs) for v in value]
    if isinstance(value, str):
        if value.startswith("{") and value.endswith("}") and value[1:-1] in subs:
            return subs[value[1:-1]]
        for name, sub in subs.items():
            if isinstance(sub, str):
                value = value.replace("{" + name + "}", sub)
    return value


def operator_policy(
    commands: tuple[str, ...] = COMMANDS,
    *,
    account: str,
    partition: str = "aws",
    region: str = "*",
    role_name: str = "zilliz-byoc-eks-role",
    role_path: str = "/",
    cluster: str = "*",
    custom_issuer: bool = False,
    layout: str | None = None,
    policy_arns: list[str] | None = None,
    workload_roles: list[str] | None = None,
    own_policy_glob: str = "*",
) -> dict[str, Any]:
    """The least-privilege identity policy for whoever runs ``commands``: one statement per resource type, and
    one per conditioned call (attach/detach only the blueprint's exact policy ARNs). ``account`` must be a
    12-digit account id (ValueError otherwise: a ``*`` account would let the operator act in any account).
    ``custom_issuer``: OIDC provider writes on any provider (``--allow-custom-issuer`` issuers are not
    ``oidc.eks.*``) instead of EKS issuers only. ``layout="pod-identity"`` adds the EKS Pod Identity association
    calls (creates only with byoc-iam's ownership tag), and ``iam:PassRole`` on ``workload_roles`` (the role ARNs
    the associations name) only to ``pods.eks.amazonaws.com``; otherwise nothing grants ``iam:PassRole``.
    ``policy_arns``: the exact policy ARNs attach/detach may name (default: the combined role's,
    :func:`blueprint_policy_arns`); ``own_policy_glob``: the names of the customer-managed policies it may create
    and delete under the path (a set's ``<prefix>-*``)."""
    if not (len(account) == 12 and account.isascii() and account.isdigit()):
        raise ValueError(f"account must be a 12-digit AWS account id, not {account!r}")
    iam = f"arn:{partition}:iam::{account}"
    arns: dict[str, Any] = {
        "role": f"{iam}:role{role_path}{role_name}",
        "eks-service-linked-role": [f"{iam}:role/aws-service-role/{path}" for path in EKS_SERVICE_LINKED_ROLES],
        "policy": f"{iam}:policy/*",
        "aws-managed-policy": f"arn:{partition}:iam::aws:policy/*",
        "own-policy": f"{iam}:policy{role_path}{own_policy_glob}",
        "oidc-provider": f"{iam}:oidc-provider/*",
        "eks-oidc-provider": f"{iam}:oidc-provider/{'*' if custom_issuer else 'oidc.eks.*'}",
        "cluster": f"arn:{partition}:eks:{region}:{account}:cluster/{cluster}",
        "podidentityassociation": f"arn:{partition}:eks:{region}:{account}:podidentityassociation/{cluster}/*",
        "workload-role": workload_roles or [],
        "*": "*",
    }
    subs: dict[str, Any] = {
        "partition": partition,
        "account": account,
        "role_path": role_path,
        "blueprint_policy_arns": policy_arns
        or blueprint_policy_arns(partition=partition, account=account, role_name=role_name, role_path=role_path),
    }
    grouped: dict[str, set[str]] = {}
    conditional: list[dict[str, Any]] = []
    for call in calls().values():
        if not (call.needs_permission and set(call.commands) & set(commands)) or call.layout not in (None, layout):
            continue
        if call.condition:
            resources = _flat([arns[r] for r in call.resources])
            if not resources:
                continue
            conditional.append(
                {
                    "Sid": call.sid or call.operation,
                    "Effect": "Allow",
                    "Action": [call.action],
                    "Resource": resources[0] if len(resources) == 1 else resources,
                    "Condition": _fill(call.condition, subs),
                }
            )
            continue
        for resource in call.resources_for(commands):
            grouped.setdefault(resource, set()).add(call.action)
    return {"Version": "2012-10-17", "Statement": _grouped_statements(grouped, arns) + conditional}


SIDS = {
    "role": "ByocRole",
    "eks-service-linked-role": "ReadEksServiceLinkedRoles",
    "policy": "ByocPolicies",
    "aws-managed-policy": "ReadAwsManagedPolicies",
    "own-policy": "ByocOwnPolicies",
    "oidc-provider": "ReadOidcProviders",
    "eks-oidc-provider": "ByocOidcProvider",
    "cluster": "EksCluster",
    "podidentityassociation": "ByocPodIdentityAssociations",
}


def _flat(values: list[Any]) -> list[str]:
    return [str(x) for v in values for x in (v if isinstance(v, list) else [v])]


def _grouped_statements(grouped: dict[str, set[str]], arns: dict[str, Any]) -> list[dict[str, Any]]:
    statements: list[dict[str, Any]] = []
    for resource in RESOURCE_ORDER:
        if resource in grouped:
            stmt: dict[str, Any] = {"Effect": "Allow", "Action": sorted(grouped[resource]), "Resource": arns[resource]}
            if resource in SIDS:
                stmt = {"Sid": SIDS[resource], **stmt}
            statements.append(stmt)
    return statements
