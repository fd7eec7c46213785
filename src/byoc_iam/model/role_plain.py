"""RoleSpec's rules and views without pydantic, and :class:`PlainRoleSpec` (render's start-up path, issue 18).

Importing pydantic and building :class:`~byoc_iam.model.role.RoleSpec` costs ``render`` more than all of its
other work. This module holds, once for both, what does not need pydantic: the naming rules of the field types
(:func:`role_name`, :func:`role_path`, :func:`policy_arn`, :func:`role_tags`: the functions ``RoleSpec``'s
``Annotated`` types validate with), the fields in order (:class:`PlainRoleSpec`, :data:`ROLE_FIELDS`: the
order of the stable JSON form) and the views every role has (:class:`RoleViews`: ``trust()``, ``inline()``,
``customer_managed()``, ``inline_size()``, ``to_json()``), which ``RoleSpec`` inherits.

:class:`PlainRoleSpec` is the role ``render`` builds from validated inputs and packaged policies (nothing to
validate): the same fields (every one given, no defaults) and views as ``RoleSpec``
(``tests/render/test_plain_path.py`` holds them equal to the model's), read by lint and the exports as they
read a ``RoleSpec``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, fields
from typing import Any, Protocol

from byoc_iam.model import rules
from byoc_iam.model.policy import PolicyDocument, iam_size


def _checker(check: Callable[[Any], str | None]) -> Callable[[Any], Any]:
    def validate(value: Any) -> Any:
        return rules.checked(check, value)

    validate.__name__ = validate.__qualname__ = check.__name__.removeprefix("check_")
    validate.__doc__ = f"``value`` when it passes :func:`byoc_iam.model.rules.{check.__name__}`, else ValueError."
    return validate


# The validators of the field types RoleName, RolePath, PolicyArn, RoleTags (model/role.py)
role_name = _checker(rules.check_role_name)
role_path = _checker(rules.check_path)
policy_arn = _checker(rules.check_policy_arn)
role_tags = _checker(rules.check_tags)


class _Role(Protocol):
    @property
    def trust_policy(self) -> dict[str, Any]: ...
    @property
    def inline_policies(self) -> dict[str, dict[str, Any]]: ...
    @property
    def customer_managed_policies(self) -> dict[str, dict[str, Any]]: ...


class RoleViews:
    """The views of a role's fields, shared by ``RoleSpec`` and :class:`PlainRoleSpec`."""

    __slots__ = ()

    def trust(self: _Role) -> PolicyDocument:
        return PolicyDocument.from_dict(self.trust_policy)

    def inline(self: _Role) -> dict[str, PolicyDocument]:
        return {n: PolicyDocument.from_dict(d) for n, d in self.inline_policies.items()}

    def customer_managed(self: _Role) -> dict[str, PolicyDocument]:
        return {n: PolicyDocument.from_dict(d) for n, d in self.customer_managed_policies.items()}

    def inline_size(self: _Role) -> int:
        """Aggregate size of the inline policies, as IAM counts it (quota 10,240)."""
        return sum(iam_size(d) for d in self.inline_policies.values())

    def to_json(self, indent: int = 2) -> str:
        """The stable JSON form (docs/rolespec.md); the fields are JSON values already: no pydantic serializer."""
        return json.dumps({name: getattr(self, name) for name in ROLE_FIELDS}, indent=indent)


@dataclass(frozen=True)
class PlainRoleSpec(RoleViews):
    """A RoleSpec's fields without pydantic, for a role built from checked parts (see the module)."""

    role_name: str
    path: str
    description: str
    max_session_duration: int
    permissions_boundary: str | None
    trust_policy: dict[str, Any]
    managed_policy_arns: list[str]
    inline_policies: dict[str, dict[str, Any]]
    customer_managed_policies: dict[str, dict[str, Any]]
    tags: dict[str, str]

    def field_values(self) -> dict[str, Any]:
        """Field name -> value, in :data:`ROLE_FIELDS` order (``RoleSpec.model_construct(**fields)`` is the model)."""
        return {name: getattr(self, name) for name in ROLE_FIELDS}


# RoleSpec's fields in declaration order (the order of its JSON form, docs/rolespec.md)
ROLE_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(PlainRoleSpec))
