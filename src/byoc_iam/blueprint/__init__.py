"""The BYOC EKS role blueprint: inputs → RoleSpec, from knowledge in ``data/blueprints`` and ``data/controllers``.

    from byoc_iam.blueprint import BlueprintInputs, render_role
    spec = render_role(BlueprintInputs(account_id="123456789012"))

``controller_pins()`` lists the upstream release each controller policy is pinned to;
``load_inputs()`` merges a ``byoc-iam.toml``, ``BYOC_IAM_*`` variables and flags (flags win).
"""

from byoc_iam.blueprint.config import ENV_PREFIX, ROLE_SETTINGS, Origin, load_inputs, read_config
from byoc_iam.blueprint.data import (
    Controller,
    ControllerPin,
    Partition,
    blueprint,
    controller,
    controller_pins,
    controller_policy,
    partitions,
)
from byoc_iam.blueprint.inputs import BlueprintInputs, FieldProblem, Issuer, describe_problem, parse_issuer
from byoc_iam.blueprint.render import (
    controller_policy_name,
    managed_policy_arns,
    oidc_provider,
    oidc_provider_arn,
    render_role,
    service_accounts,
    trust_policy,
)

__all__ = [
    "ENV_PREFIX",
    "ROLE_SETTINGS",
    "BlueprintInputs",
    "Controller",
    "ControllerPin",
    "FieldProblem",
    "Issuer",
    "Origin",
    "Partition",
    "blueprint",
    "controller",
    "controller_pins",
    "controller_policy",
    "controller_policy_name",
    "describe_problem",
    "load_inputs",
    "managed_policy_arns",
    "oidc_provider",
    "oidc_provider_arn",
    "parse_issuer",
    "partitions",
    "read_config",
    "render_role",
    "service_accounts",
    "trust_policy",
]
