"""render_role: BlueprintInputs → RoleSpec for the BYOC EKS role (pure, no I/O).

Every function takes ``BlueprintInputs`` or render's pydantic-free ``PlainInputs`` alike; :func:`render_plain`
builds the role as a ``PlainRoleSpec`` (no pydantic imported: ``render``'s start-up path, issue 18),
:func:`render_role` as a ``RoleSpec``, from the same fields (:func:`role_fields`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from byoc_iam.blueprint import data
from byoc_iam.model import arn
from byoc_iam.model.policy import PolicyDocument
from byoc_iam.model.role_plain import PlainRoleSpec

if TYPE_CHECKING:
    from typing import TypeAlias

    from byoc_iam.blueprint.fast_inputs import PlainInputs
    from byoc_iam.blueprint.inputs import BlueprintInputs
    from byoc_iam.model.role import RoleSpec

    Inputs: TypeAlias = BlueprintInputs | PlainInputs


def service_accounts(inputs: Inputs) -> tuple[str, ...]:
    """The IRSA service accounts the role trusts: the controllers', then the extras (duplicates dropped)."""
    out: list[str] = [data.controller(name).service_account for name in data.blueprint().controllers]
    for sa in inputs.service_accounts:
        if sa not in out:
            out.append(sa)
    return tuple(out)


def oidc_provider(inputs: Inputs) -> str:
    """The provider name used in the Federated ARN and condition keys (the literal placeholder by default)."""
    issuer = inputs.issuer
    return issuer.provider if issuer else data.blueprint().placeholder_issuer


def oidc_provider_arn(inputs: Inputs) -> str:
    return arn.oidc_provider_arn(inputs.resolved_partition, inputs.account_id, oidc_provider(inputs))


def trust_policy(inputs: Inputs) -> dict[str, Any]:
    """The trust policy: AssumeRole for the EKS/EC2/node-group services, AssumeRoleWithWebIdentity for IRSA."""
    bp = data.blueprint()
    part = data.partitions()[inputs.resolved_partition]
    statements: list[dict[str, Any]] = []
    for service, sid in bp.service_statements:
        stmt: dict[str, Any] = {"Sid": sid} if sid else {}
        stmt.update(
            {"Effect": "Allow", "Principal": {"Service": part.service_principals[service]}, "Action": "sts:AssumeRole"}
        )
        statements.append(stmt)
    provider = oidc_provider(inputs)
    federated = oidc_provider_arn(inputs)
    subjects = [f"system:serviceaccount:{sa}" for sa in service_accounts(inputs)]

    def web_identity(sub: str | list[str]) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Principal": {"Federated": federated},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{provider}:aud": part.sts_audience, f"{provider}:sub": sub}},
        }

    if inputs.compact_trust:
        statements.append(web_identity(subjects))
    else:
        statements.extend(web_identity(sub) for sub in subjects)
    return {"Version": "2012-10-17", "Statement": statements}


def managed_policy_arns(partition: str) -> list[str]:
    return [arn.policy_arn(partition, "aws", name) for name in data.blueprint().aws_managed_policies]


def controller_policy_name(inputs: Inputs, controller: str) -> str:
    """Inline: the controller's policy name; managed: prefixed with the role name (unique in the account)."""
    name = data.controller(controller).policy_name
    return name if inputs.policy_placement == "inline" else f"{inputs.role_name}-{name}"


def role_fields(inputs: Inputs) -> dict[str, Any]:
    """The RoleSpec fields of the BYOC EKS role for these inputs, in the RoleSpec's order."""
    partition = inputs.resolved_partition
    policies = {
        controller_policy_name(inputs, name): data.controller_policy(name, partition).to_dict()
        for name in data.blueprint().controllers
    }
    return {
        "role_name": inputs.role_name,
        "path": inputs.path,
        "description": inputs.description,
        "max_session_duration": inputs.max_session_duration,
        "permissions_boundary": inputs.permissions_boundary,
        "trust_policy": PolicyDocument.from_dict(trust_policy(inputs)).to_dict(),
        "managed_policy_arns": managed_policy_arns(partition),
        "inline_policies": policies if inputs.policy_placement == "inline" else {},
        "customer_managed_policies": policies if inputs.policy_placement == "managed" else {},
        "tags": dict(inputs.tags),
    }


def render_role(inputs: Inputs) -> RoleSpec:
    """The RoleSpec of the BYOC EKS role for these inputs.

    Built without validation (``model_construct``: no pydantic schema on render's start-up path, issue 18): the
    inputs are validated and the policies are our packaged ones, in canonical form; the trust policy is put in
    canonical form here, as validation would. ``tests/render/test_plain_path.py`` holds the result equal to
    the validated RoleSpec."""
    from byoc_iam.model.role import RoleSpec

    return RoleSpec.model_construct(**role_fields(inputs))


def render_plain(inputs: Inputs) -> PlainRoleSpec:
    """:func:`render_role` as a :class:`~byoc_iam.model.role_plain.PlainRoleSpec` (no pydantic imported);
    ``tests/render/test_plain_path.py`` holds it equal to the RoleSpec."""
    return PlainRoleSpec(**role_fields(inputs))
