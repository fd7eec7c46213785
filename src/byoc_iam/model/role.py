"""RoleSpec: everything that defines one IAM role, with a stable JSON form (docs/rolespec.md)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from byoc_iam.errors import UsageError
from byoc_iam.model import rules
from byoc_iam.model.policy import PolicyDocument, PolicyParseError, iam_size


def _checked(check: Callable[[str], str | None], value: str) -> str:
    problem = check(value)
    if problem:
        raise ValueError(problem)
    return value


def _document(value: Any) -> dict[str, Any]:
    try:
        return PolicyDocument.from_dict(value).to_dict()
    except PolicyParseError as exc:
        raise ValueError(str(exc)) from None


class RoleSpec(BaseModel):
    """A role as byoc-iam renders, plans and verifies it. Policy documents are kept as JSON objects."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role_name: str
    path: str = "/"
    description: str = Field(default="", max_length=1000)
    max_session_duration: int = Field(default=3600, ge=3600, le=43200)
    permissions_boundary: str | None = None
    trust_policy: dict[str, Any]
    managed_policy_arns: list[str] = Field(default_factory=list)
    inline_policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    customer_managed_policies: dict[str, dict[str, Any]] = Field(default_factory=dict)
    tags: dict[str, str] = Field(default_factory=dict)

    @field_validator("role_name")
    @classmethod
    def _role_name(cls, v: str) -> str:
        return _checked(rules.check_role_name, v)

    @field_validator("path")
    @classmethod
    def _path(cls, v: str) -> str:
        return _checked(rules.check_path, v)

    @field_validator("permissions_boundary")
    @classmethod
    def _boundary(cls, v: str | None) -> str | None:
        return None if v is None else _checked(rules.check_policy_arn, v)

    @field_validator("managed_policy_arns")
    @classmethod
    def _arns(cls, v: list[str]) -> list[str]:
        for arn in v:
            _checked(rules.check_policy_arn, arn)
        if len(set(v)) != len(v):
            raise ValueError("lists the same policy ARN twice")
        return v

    @field_validator("trust_policy")
    @classmethod
    def _trust(cls, v: Any) -> dict[str, Any]:
        return _document(v)

    @field_validator("inline_policies", "customer_managed_policies")
    @classmethod
    def _policies(cls, v: dict[str, Any]) -> dict[str, dict[str, Any]]:
        for name in v:
            _checked(rules.check_policy_name, name)
        return {name: _document(doc) for name, doc in v.items()}

    @field_validator("tags")
    @classmethod
    def _tags(cls, v: dict[str, str]) -> dict[str, str]:
        if len(v) > rules.MAX_TAGS:
            raise ValueError(f"at most {rules.MAX_TAGS} tags per role")
        for key, value in v.items():
            problem = rules.check_tag(key, value)
            if problem:
                raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _no_overlap(self) -> RoleSpec:
        both = set(self.inline_policies) & set(self.customer_managed_policies)
        if both:
            raise ValueError(f"policy names used both inline and customer-managed: {', '.join(sorted(both))}")
        return self

    # -- views -----------------------------------------------------------------------------------------
    def trust(self) -> PolicyDocument:
        return PolicyDocument.from_dict(self.trust_policy)

    def inline(self) -> dict[str, PolicyDocument]:
        return {n: PolicyDocument.from_dict(d) for n, d in self.inline_policies.items()}

    def customer_managed(self) -> dict[str, PolicyDocument]:
        return {n: PolicyDocument.from_dict(d) for n, d in self.customer_managed_policies.items()}

    def inline_size(self) -> int:
        """Aggregate size of the inline policies, as IAM counts it (quota 10,240)."""
        return sum(iam_size(d) for d in self.inline_policies.values())

    def to_json(self, indent: int = 2) -> str:
        return json.dumps(self.model_dump(mode="json"), indent=indent)

    @classmethod
    def from_json(cls, text: str, source: str = "RoleSpec") -> RoleSpec:
        """Parse and validate; any problem becomes one :class:`UsageError` line."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UsageError(f"{source}: invalid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise UsageError(f"{source}: {describe_validation_error(exc)}") from None


def describe_validation_error(exc: ValidationError) -> str:
    """The first problem of a pydantic error as one line: ``field: rule``."""
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"]) or "input"
    msg = str(err["msg"]).removeprefix("Value error, ")
    more = len(exc.errors()) - 1
    return f"{loc}: {msg}" + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
