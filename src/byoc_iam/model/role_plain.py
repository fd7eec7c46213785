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

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import json
import typing
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple

from byoc_iam.model import rules
from byoc_iam.model.policy import PolicyDocument, PolicyParseError, iam_size
from byoc_iam.model.quotas import quotas


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


def document(value: Any) -> dict[str, Any]:
    """A policy document in canonical form (ValueError naming the problem): RoleSpec's trust policy validator."""
    try:
        return PolicyDocument.from_dict(value).to_dict()
    except PolicyParseError as exc:
        raise ValueError(str(exc)) from None


def managed_arns(v: list[str]) -> list[str]:
    """RoleSpec's ``managed_policy_arns`` validator: policy ARNs, none twice."""
    for arn in v:
        rules.checked(rules.check_policy_arn, arn)
    if len(set(v)) != len(v):
        raise ValueError("lists the same policy ARN twice")
    return v


def policy_documents(v: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """RoleSpec's inline and customer-managed policies validator: policy names, documents in canonical form."""
    for name in v:
        rules.checked(rules.check_policy_name, name)
    return {name: document(doc) for name, doc in v.items()}


def no_overlap(spec: Any) -> Any:
    """RoleSpec's model check: no policy name both inline and customer-managed; returns ``spec``."""
    both = set(spec.inline_policies) & set(spec.customer_managed_policies)
    if both:
        raise ValueError(f"policy names used both inline and customer-managed: {', '.join(sorted(both))}")
    return spec


if TYPE_CHECKING:
    from typing import Protocol

    class _Role(Protocol):
        @property
        def trust_policy(self) -> dict[str, Any]: ...
        @property
        def inline_policies(self) -> dict[str, dict[str, Any]]: ...
        @property
        def customer_managed_policies(self) -> dict[str, dict[str, Any]]: ...


def _trust(role: "_Role") -> PolicyDocument:
    return PolicyDocument.from_dict(role.trust_policy)


def _inline(role: "_Role") -> dict[str, PolicyDocument]:
    return {n: PolicyDocument.from_dict(d) for n, d in role.inline_policies.items()}


def _customer_managed(role: "_Role") -> dict[str, PolicyDocument]:
    return {n: PolicyDocument.from_dict(d) for n, d in role.customer_managed_policies.items()}


def _inline_size(role: "_Role") -> int:
    return sum(iam_size(d) for d in role.inline_policies.values())


def _to_json(role: Any, indent: int) -> str:
    # the fields are JSON values already: no pydantic serializer (render's start-up path, issue 18)
    return json.dumps({name: getattr(role, name) for name in ROLE_FIELDS}, indent=indent)


class RoleViews:
    """The views of a role's fields, as RoleSpec's methods (:class:`PlainRoleSpec` has the same ones)."""

    __slots__ = ()

    def trust(self: "_Role") -> PolicyDocument:
        return _trust(self)

    def inline(self: "_Role") -> dict[str, PolicyDocument]:
        return _inline(self)

    def customer_managed(self: "_Role") -> dict[str, PolicyDocument]:
        return _customer_managed(self)

    def inline_size(self: "_Role") -> int:
        """Aggregate size of the inline policies, as IAM counts it (quota 10,240)."""
        return _inline_size(self)

    def to_json(self, indent: int = 2) -> str:
        """The stable JSON form (docs/rolespec.md)."""
        return _to_json(self, indent)


class PlainRoleSpec(NamedTuple):
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

    def trust(self) -> PolicyDocument:
        return _trust(self)

    def inline(self) -> dict[str, PolicyDocument]:
        return _inline(self)

    def customer_managed(self) -> dict[str, PolicyDocument]:
        return _customer_managed(self)

    def inline_size(self) -> int:
        """Aggregate size of the inline policies, as IAM counts it (quota 10,240)."""
        return _inline_size(self)

    def to_json(self, indent: int = 2) -> str:
        """The stable JSON form (docs/rolespec.md)."""
        return _to_json(self, indent)

    def field_values(self) -> dict[str, Any]:
        """Field name -> value, in :data:`ROLE_FIELDS` order (``RoleSpec.model_construct(**fields)`` is the model)."""
        return self._asdict()


# RoleSpec's fields in declaration order (the order of its JSON form, docs/rolespec.md)
ROLE_FIELDS: tuple[str, ...] = PlainRoleSpec._fields


# RoleSpec's validators of a value of the field's type, in the order pydantic runs them (the Annotated type's,
# then the field validators); tests/render/test_plain_path.py holds this table equal to the model's.
ROLE_AFTER: dict[str, tuple[Callable[[Any], Any], ...]] = {
    "role_name": (role_name,),
    "path": (role_path,),
    "permissions_boundary": (policy_arn,),
    "tags": (role_tags,),
    "trust_policy": (document,),
    "managed_policy_arns": (managed_arns,),
    "inline_policies": (policy_documents,),
    "customer_managed_policies": (policy_documents,),
}
_Q = quotas()
# RoleSpec's Field constraints: description max_length, max_session_duration ge/le (held equal by the test)
DESCRIPTION_MAX = _Q.role_description_length
SESSION_RANGE = (_Q.session_min, _Q.session_max)


@cache
def _hints() -> dict[str, Any]:
    return typing.get_type_hints(PlainRoleSpec)


def _exact(annotation: Any, value: Any) -> bool:
    """Whether ``value`` is plainly of ``annotation`` (what JSON gives: str, int, list, dict; no coercion)."""
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if annotation is Any:
        return True
    if annotation in (str, int):
        return type(value) is annotation
    if origin is list:
        return type(value) is list and all(_exact(args[0], v) for v in value)
    if origin is dict:
        return type(value) is dict and all(type(k) is str and _exact(args[1], v) for k, v in value.items())
    if origin in (typing.Union, type(int | None)) and type(None) in args:
        return value is None or _exact(next(a for a in args if a is not type(None)), value)
    return False


def _field(name: str, value: Any) -> Any:
    if not _exact(_hints()[name], value):
        raise ValueError("not plainly of the field's type")
    value = dict(value) if type(value) is dict else list(value) if type(value) is list else value  # as pydantic copies
    if name == "description" and len(value) > DESCRIPTION_MAX:
        raise ValueError("too long")
    if name == "max_session_duration" and not SESSION_RANGE[0] <= value <= SESSION_RANGE[1]:
        raise ValueError("out of range")
    if value is not None:  # the Annotated type of an optional field applies to a value only
        for check in ROLE_AFTER.get(name, ()):
            value = check(value)
    return value


def plain_role_fields(data: Any) -> dict[str, Any] | None:
    """The fields ``RoleSpec.model_validate(data)`` gives, for the fields ``data`` names, when ``data`` is plainly
    valid (a JSON object of RoleSpec's fields, each plainly of its type, every rule kept); None when pydantic must
    decide (and word the error). Never raises for bad input. ``RoleSpec.model_construct(**fields)`` is the
    RoleSpec (``tests/render/test_plain_path.py`` holds them equal)."""
    if type(data) is not dict or "role_name" not in data or "trust_policy" not in data:
        return None
    if any(k not in ROLE_FIELDS for k in data):
        return None
    try:
        checked = {k: _field(k, v) for k, v in data.items()}
        inline, managed = checked.get("inline_policies", {}), checked.get("customer_managed_policies", {})
        if set(inline) & set(managed):
            return None
    except Exception:  # any problem at all (RecursionError too): pydantic decides, and words it, as before
        return None
    return checked


def role_defaults() -> dict[str, Any]:
    """RoleSpec's defaults for the fields a file may leave out (fresh containers each call), as ``model/role.py``
    declares them (``tests/render/test_plain_path.py`` holds them equal)."""
    return {
        "path": "/",
        "description": "",
        "max_session_duration": _Q.session_default,
        "permissions_boundary": None,
        "managed_policy_arns": [],
        "inline_policies": {},
        "customer_managed_policies": {},
        "tags": {},
    }


def plain_role(data: Any) -> PlainRoleSpec | None:
    """The role a plainly valid RoleSpec document is (:func:`plain_role_fields` over :func:`role_defaults`),
    without pydantic; None when pydantic must decide (and word the error). Never raises for bad input."""
    fields = plain_role_fields(data)
    return None if fields is None else PlainRoleSpec(**{**role_defaults(), **fields})
