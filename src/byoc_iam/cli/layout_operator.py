"""``operator-policy --layout split``: the operator policy scoped to the split layout's roles (from
``--name-prefix``), the exact policy ARNs they attach, and with ``--identity pod-identity`` the Pod Identity
association calls and ``iam:PassRole`` of the workload roles to ``pods.eks.amazonaws.com`` only."""

from __future__ import annotations

from typing import Any


def layout_policy_scope(
    *, account: str, partition: str, prefix: str, path: str, identity: str
) -> tuple[list[str], list[str], list[str]]:
    """``(role ARNs, exact policy ARNs, workload role ARNs)`` of the split layout for ``prefix``: every role it may
    create (the CNI role included), the AWS managed policies it attaches and the ``<role>-<Policy>`` customer-managed
    policies of ``--policy-placement managed``; the workload roles are those a pod assumes."""
    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.model import arn as arns
    from byoc_iam.plan import customer_policy_arns
    from byoc_iam.verify.split import workload_kinds

    inputs = BlueprintInputs(
        account_id=account,
        partition=partition,
        layout="split",
        identity=identity,
        name_prefix=prefix,
        path=path,
        cni_role=True,
        policy_placement="managed",
    )
    roles = render_role_set(inputs)
    role_arns = [arns.role_arn(partition, account, m.name, path) for m in roles]
    policies: list[str] = []
    for m in roles:
        policies += [*m.spec.managed_policy_arns, *customer_policy_arns(m.spec, account, partition).values()]
    workload = [arns.role_arn(partition, account, m.name, path) for m in roles if m.kind in workload_kinds()]
    return role_arns, sorted(set(policies)), workload


def layout_operator_policy(
    commands: tuple[str, ...],
    *,
    account: str,
    partition: str,
    region: str,
    prefix: str,
    path: str,
    cluster: str,
    identity: str,
    custom_issuer: bool,
    other_roles: list[str] | None = None,
) -> dict[str, Any]:
    """The operator policy of the split layout (see the module docstring); ``other_roles``: the set's other role
    ARNs (storage, cross-account) the role statement also covers."""
    from byoc_iam.aws.operator import operator_policy
    from byoc_iam.cli.roleset import operator_roles

    role_arns, policy_arns, workload = layout_policy_scope(
        account=account, partition=partition, prefix=prefix, path=path, identity=identity
    )
    policy = operator_policy(
        commands,
        partition=partition,
        account=account,
        region=region,
        role_name=f"{prefix}-eks-role",
        role_path=path,
        cluster=cluster,
        custom_issuer=custom_issuer,
        layout="pod-identity" if identity == "pod-identity" else None,
        policy_arns=policy_arns,
        workload_roles=workload,
        own_policy_glob=f"{prefix}-*",
    )
    return operator_roles(policy, [*(other_roles or []), *role_arns])
