"""The BYOC EKS role blueprint: inputs → RoleSpec, from knowledge in ``data/blueprints`` and ``data/controllers``.

    from byoc_iam.blueprint import BlueprintInputs, render_role
    spec = render_role(BlueprintInputs(account_id="123456789012"))

``controller_pins()`` lists the upstream release each controller policy is pinned to;
``load_inputs()`` merges a ``byoc-iam.toml``, ``BYOC_IAM_*`` variables and flags (flags win).

The names are imported on first use (PEP 562), so importing a light submodule such as
``byoc_iam.blueprint.set_rules`` does not load pydantic and the blueprint data (issue 18, cold start).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

# exported name -> the submodule that defines it
_EXPORTS: dict[str, str] = {
    "ENV_PREFIX": "config",
    "ROLE_SETTINGS": "config",
    "Origin": "config",
    "load_inputs": "config",
    "read_config": "config",
    "Controller": "data",
    "ControllerPin": "data",
    "Partition": "data",
    "blueprint": "data",
    "controller": "data",
    "controller_pins": "data",
    "controller_policy": "data",
    "partitions": "data",
    "BlueprintInputs": "inputs",
    "FieldProblem": "inputs",
    "Issuer": "inputs",
    "describe_problem": "inputs",
    "parse_issuer": "inputs",
    "controller_policy_name": "render",
    "managed_policy_arns": "render",
    "oidc_provider": "render",
    "oidc_provider_arn": "render",
    "render_role": "render",
    "service_accounts": "render",
    "trust_policy": "render",
}
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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value
