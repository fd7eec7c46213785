"""BlueprintInputs: everything a user chooses about the BYOC EKS role, validated with pydantic.

Each rule breaks with one line naming the rule; :func:`describe_problem` turns a pydantic error into
``<field>: <rule>`` with the field labelled as the user wrote it (``--account-id``, ``BYOC_IAM_ACCOUNT_ID``...).
"""

from __future__ import annotations

from collections.abc import Callable

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from byoc_iam.blueprint import input_rules as r
from byoc_iam.blueprint.input_rules import (
    DEFAULT_DESCRIPTION,
    DEFAULT_MAX_SESSION,
    DEFAULT_PATH,
    DEFAULT_PLACEMENT,
    DEFAULT_ROLE_NAME,
    DESCRIPTION,
    PLACEMENTS,
    TRUST_MODES,
    FieldProblem,
    Identity,
    InputsViews,
    Issuer,
    Layout,
    Partition,
    Placement,
    TrustMode,
    parse_issuer,
    region_partition,
)
from byoc_iam.model.role import PolicyArn, RoleName, RolePath, RoleTags

__all__ = [
    "DEFAULT_DESCRIPTION",
    "DEFAULT_MAX_SESSION",
    "DEFAULT_PATH",
    "DEFAULT_PLACEMENT",
    "DEFAULT_ROLE_NAME",
    "DESCRIPTION",
    "PLACEMENTS",
    "TRUST_MODES",
    "BlueprintInputs",
    "FieldProblem",
    "Issuer",
    "Partition",
    "Placement",
    "TrustMode",
    "describe_problem",
    "parse_issuer",
    "region_partition",
]


class BlueprintInputs(InputsViews, BaseModel):
    """Inputs of the BYOC EKS role blueprint. Unset ``partition``/``trust_mode`` are inferred (the properties of
    :class:`~byoc_iam.blueprint.input_rules.InputsViews`).

    Its validators are :mod:`byoc_iam.blueprint.input_rules`' functions (one copy of each rule, which render's
    plain path calls too, from that module's BEFORE/AFTER/MODEL_CHECKS tables)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    account_id: str
    partition: Partition | None = None
    region: str | None = None
    role_name: RoleName = DEFAULT_ROLE_NAME
    path: RolePath = DEFAULT_PATH
    description: str = DEFAULT_DESCRIPTION
    max_session_duration: int = Field(default=DEFAULT_MAX_SESSION)
    permissions_boundary: PolicyArn | None = None
    tags: RoleTags = Field(default_factory=dict)
    trust_mode: TrustMode | None = None
    oidc_issuer: str | None = None
    allow_custom_issuer: bool = False
    compact_trust: bool = False
    service_accounts: tuple[str, ...] = ()
    policy_placement: Placement = DEFAULT_PLACEMENT
    # The role set (storage and cross-account roles beside the EKS role; see blueprint/roleset.py).
    roles: tuple[str, ...] = ("eks",)
    name_prefix: str = "zilliz-byoc"
    bucket: str | None = None
    bucket_kms_key_arn: str | None = None
    external_id: str | None = None
    storage_service_accounts: tuple[str, ...] = ()
    storage_wildcard_subjects: bool = False
    # The layout of the EKS role (issue 15; see blueprint/layout.py).
    layout: Layout = "combined"
    identity: Identity = "irsa"
    cni_role: bool = False
    cluster_name: str | None = None

    # field validators, in the order pydantic runs them (input_rules.BEFORE / AFTER, held equal by a test)
    _account = field_validator("account_id", mode="before")(staticmethod(r.valid_account_id))
    _partition = field_validator("partition", mode="before")(staticmethod(r.valid_partition))
    _trust_mode = field_validator("trust_mode", mode="before")(staticmethod(r.valid_trust_mode))
    _placement = field_validator("policy_placement", mode="before")(staticmethod(r.valid_placement))
    _region = field_validator("region")(staticmethod(r.valid_region))
    _description = field_validator("description")(staticmethod(r.valid_description))
    _max_session = field_validator("max_session_duration")(staticmethod(r.valid_max_session))
    _service_accounts = field_validator("service_accounts")(staticmethod(r.valid_service_accounts))
    _roles = field_validator("roles", mode="before")(staticmethod(r.valid_roles))
    _layout = field_validator("layout", mode="before")(staticmethod(r.valid_layout))
    _identity = field_validator("identity", mode="before")(staticmethod(r.valid_identity))
    _cluster_name = field_validator("cluster_name")(staticmethod(r.valid_cluster_name))
    _name_prefix = field_validator("name_prefix")(staticmethod(r.valid_name_prefix))
    _bucket = field_validator("bucket")(staticmethod(r.valid_bucket))
    _external_id = field_validator("external_id")(staticmethod(r.valid_external_id))
    _kms = field_validator("bucket_kms_key_arn")(staticmethod(r.valid_kms_key_arn))
    _storage_accounts = field_validator("storage_service_accounts")(staticmethod(r.valid_service_accounts))
    # cross-field checks (input_rules.MODEL_CHECKS), raising FieldProblem
    _role_set = model_validator(mode="after")(r.check_role_set)
    _consistent = model_validator(mode="after")(r.check_consistent)


def describe_problem(exc: ValidationError, label: Callable[[str], str] = lambda f: f) -> str:
    """The first problem of a validation error as one line ``<label(field)>: <rule>``."""
    err = exc.errors()[0]
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        return f"{label(cause.field)}: {cause.rule}"
    loc = err["loc"]
    field = str(loc[0]) if loc else "input"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "is required"
    elif err["type"] in ("int_parsing", "int_from_float", "int_type"):
        msg = "must be a whole number"
    elif err["type"] in ("bool_parsing", "bool_type"):
        msg = "must be true or false (also yes/no, 1/0)"
    elif err["type"] == "extra_forbidden":
        msg = "is not a setting byoc-iam knows"
    elif len(loc) > 1:
        msg = f"{'.'.join(str(p) for p in loc[1:])}: {msg}"
    return f"{label(field)}: {msg}"
