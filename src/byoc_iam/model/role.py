"""RoleSpec: everything that defines one IAM role, with a stable JSON form (docs/rolespec.md)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from byoc_iam.errors import UsageError
from byoc_iam.model import role_plain, rules
from byoc_iam.model.policy import read_json
from byoc_iam.model.quotas import quotas

_Q = quotas()


def rule(check: Callable[[Any], str | None]) -> AfterValidator:
    """A pydantic validator from one of :mod:`byoc_iam.model.rules`' checks (``field: rule`` when broken)."""
    return AfterValidator(lambda value: rules.checked(check, value))


# Field types that carry IAM's naming rules, shared by RoleSpec and the blueprint inputs; their validators are
# model/role_plain.py's, which render's plain path calls too (one copy of each rule).
RoleName = Annotated[str, AfterValidator(role_plain.role_name)]
RolePath = Annotated[str, AfterValidator(role_plain.role_path)]
PolicyArn = Annotated[str, AfterValidator(role_plain.policy_arn)]
RoleTags = Annotated[dict[str, str], AfterValidator(role_plain.role_tags)]


class RoleSpec(role_plain.RoleViews, BaseModel):
    """A role as byoc-iam renders, plans and verifies it. Policy documents are kept as JSON objects.

    Its views (``trust()``, ``inline()``, ``customer_managed()``, ``inline_size()``, ``to_json()``) are
    :class:`~byoc_iam.model.role_plain.RoleViews`', shared with render's ``PlainRoleSpec``."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    role_name: RoleName
    path: RolePath = "/"
    description: str = Field(default="", max_length=_Q.role_description_length)
    max_session_duration: int = Field(default=_Q.session_default, ge=_Q.session_min, le=_Q.session_max)
    permissions_boundary: PolicyArn | None = None
    trust_policy: dict[str, Any]
    managed_policy_arns: list[str] = Field(default_factory=list)
    inline_policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    customer_managed_policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    tags: RoleTags = Field(default_factory=dict)

    # validators: model/role_plain.py's functions (one copy, which the plain reader calls too: ROLE_AFTER)
    _arns = field_validator("managed_policy_arns")(staticmethod(role_plain.managed_arns))
    _trust = field_validator("trust_policy")(staticmethod(role_plain.document))
    _policies = field_validator("inline_policies", "customer_managed_policies")(
        staticmethod(role_plain.policy_documents)
    )
    _no_overlap = model_validator(mode="after")(role_plain.no_overlap)

    @classmethod
    def from_json(cls, text: str, source: str = "RoleSpec") -> RoleSpec:
        """Parse and validate; any problem becomes one :class:`UsageError` line.

        Plainly valid JSON (``role_plain.plain_role_fields``) is checked by the model's own rules without building
        pydantic's validator (issue 18: ``verify --role FILE``); anything else is validated, and worded, by pydantic.
        """
        return cls.from_data(read_json(text, source), source)

    @classmethod
    def from_data(cls, data: Any, source: str = "RoleSpec") -> RoleSpec:
        """:meth:`from_json` of JSON already parsed (``data``); UsageError ``{source}: field: rule``."""
        fields = role_plain.plain_role_fields(data)
        if fields is not None:
            return cls.model_construct(**fields)
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise UsageError(f"{source}: {describe_validation_error(exc)}") from None
        except RecursionError:
            raise UsageError(f"{source}: nested too deeply") from None


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a pydantic error as one line: ``field: rule``."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "input"
    msg = str(err["msg"]).removeprefix("Value error, ")
    more = len(exc.errors()) - 1
    return f"{loc}: {msg}" + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
