"""The blueprint inputs from plainly typed values, without pydantic (render's start-up, issue 18).

Importing pydantic and building :class:`~byoc_iam.blueprint.inputs.BlueprintInputs` cost ``render`` more than
half of its start. :func:`plain_inputs` takes the common case: every value already of its field's exact type
(``str``, ``bool``, a whole number as ``int`` or as digits, ``tuple``/``list`` of ``str``, ``dict`` of ``str``),
no unknown key. It runs the model's own validators, :mod:`byoc_iam.blueprint.input_rules`' functions, in the
order pydantic does (``BEFORE`` on the raw value, the type, ``AFTER``, then ``MODEL_CHECKS`` on the whole),
and returns a :class:`PlainInputs`: the model's fields, defaults and derived values (``issuer``,
``resolved_partition``, ``resolved_trust_mode``: ``input_rules``' functions) as a NamedTuple. It returns None
for anything else (a value of another type, a broken rule): the caller validates with pydantic then, so every
error, message and exit code is pydantic's, as before. :func:`fast_inputs` gives the same as a
``BlueprintInputs`` (``model_construct``).

``tests/render/test_plain_path.py`` holds :class:`PlainInputs` equal to the model (field names, order, types,
defaults) and the rule tables equal to its validators; ``tests/render/test_fast_inputs.py`` holds the result
equal to ``model_validate``'s on valid inputs and its refusal on invalid ones.

This module deliberately does not use ``from __future__ import annotations``: :class:`PlainInputs`' field types
are read at run time.
"""

import re
import types
import typing
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from byoc_iam.blueprint.input_rules import (
    AFTER,
    BEFORE,
    DEFAULT_DESCRIPTION,
    DEFAULT_MAX_SESSION,
    DEFAULT_PATH,
    DEFAULT_PLACEMENT,
    DEFAULT_ROLE_NAME,
    MODEL_CHECKS,
    Identity,
    Issuer,
    Layout,
    Partition,
    Placement,
    TrustMode,
    issuer_of,
    partition_of,
    trust_mode_of,
)

if TYPE_CHECKING:
    from byoc_iam.blueprint.inputs import BlueprintInputs


class PlainInputs(NamedTuple):
    """BlueprintInputs' fields without pydantic (see the module); built only from values that passed its rules,
    by :func:`plain_inputs` (which gives ``tags`` a dict of its own). A NamedTuple: a quarter of a frozen
    dataclass's cost to define, on every ``render``."""

    account_id: str
    partition: Partition | None = None
    region: str | None = None
    role_name: str = DEFAULT_ROLE_NAME
    path: str = DEFAULT_PATH
    description: str = DEFAULT_DESCRIPTION
    max_session_duration: int = DEFAULT_MAX_SESSION
    permissions_boundary: str | None = None
    tags: dict[str, str] = {}  # never shared: plain_inputs always gives tags a dict of its own
    trust_mode: TrustMode | None = None
    oidc_issuer: str | None = None
    allow_custom_issuer: bool = False
    compact_trust: bool = False
    service_accounts: tuple[str, ...] = ()
    policy_placement: Placement = DEFAULT_PLACEMENT
    roles: tuple[str, ...] = ("eks",)
    name_prefix: str = "zilliz-byoc"
    bucket: str | None = None
    bucket_kms_key_arn: str | None = None
    external_id: str | None = None
    storage_service_accounts: tuple[str, ...] = ()
    storage_wildcard_subjects: bool = False
    layout: Layout = "combined"
    identity: Identity = "irsa"
    cni_role: bool = False
    cluster_name: str | None = None

    @property
    def issuer(self) -> Issuer | None:
        return issuer_of(self)

    @property
    def resolved_partition(self) -> str:
        """The partition: as given, else the region's, else the EKS issuer's, else ``aws``."""
        return partition_of(self)

    @property
    def resolved_trust_mode(self) -> TrustMode:
        """``resolved`` when an issuer is given, else ``placeholder``."""
        return trust_mode_of(self)

    def field_values(self) -> dict[str, Any]:
        """Field name -> value, in declaration order."""
        return self._asdict()


FIELD_TYPES: dict[str, Any] = dict(PlainInputs.__annotations__)
_DIGITS = re.compile(r"[1-9][0-9]{0,8}")  # what pydantic's int parser surely reads as the same number
_NO = object()  # "not of the exact type": the caller falls back to pydantic


def _coerce(annotation: Any, value: Any) -> Any:
    """``value`` as pydantic's lax mode gives it for ``annotation`` when it is plainly of that type, else _NO."""
    origin = typing.get_origin(annotation)
    if annotation is str:
        return value if type(value) is str else _NO
    if annotation is bool:
        return value if type(value) is bool else _NO
    if annotation is int:
        if type(value) is int:
            return value
        return int(value) if type(value) is str and _DIGITS.fullmatch(value) else _NO
    if origin is typing.Literal:
        return value if type(value) is str and value in typing.get_args(annotation) else _NO
    if origin is tuple and typing.get_args(annotation) == (str, ...):
        ok = type(value) in (tuple, list) and all(type(v) is str for v in value)
        return tuple(value) if ok else _NO
    if origin is dict and typing.get_args(annotation) == (str, str):
        ok = type(value) is dict and all(type(k) is str and type(v) is str for k, v in value.items())
        return dict(value) if ok else _NO
    if origin in (typing.Union, types.UnionType):
        args = typing.get_args(annotation)
        if len(args) == 2 and type(None) in args:
            return None if value is None else _coerce(next(a for a in args if a is not type(None)), value)
    return _NO


def _field(name: str, value: Any) -> Any:
    for check in BEFORE.get(name, ()):
        value = check(value)
    value = _coerce(FIELD_TYPES[name], value)
    if value is _NO:
        return _NO
    for check in AFTER.get(name, ()):
        value = check(value)
    return value


def _plain(checked: dict[str, Any]) -> PlainInputs:
    return PlainInputs(**{"tags": {}, **checked})  # tags: a dict of its own, as the model's default_factory


def _checked(values: Mapping[str, Any]) -> dict[str, Any] | None:
    """The given values as validated, or None when pydantic must decide; never raises for bad input."""
    if "account_id" not in values or any(k not in FIELD_TYPES for k in values):
        return None
    try:
        checked = {k: _field(k, v) for k, v in values.items()}
        if any(v is _NO for v in checked.values()):
            return None
        inputs = _plain(checked)
        for check in MODEL_CHECKS:
            check(inputs)
    except Exception:  # any problem at all: pydantic decides, and words it, as before
        return None
    return checked


def plain_inputs(values: Mapping[str, Any]) -> PlainInputs | None:
    """The inputs pydantic would validate ``values`` into, as :class:`PlainInputs`, or None when pydantic must
    decide (see the module); never raises for bad input."""
    checked = _checked(values)
    return None if checked is None else _plain(checked)


def fast_inputs(values: Mapping[str, Any]) -> "BlueprintInputs | None":
    """:func:`plain_inputs` as the ``BlueprintInputs`` (``model_construct``: no pydantic validation), or None."""
    checked = _checked(values)
    if checked is None:
        return None
    from byoc_iam.blueprint.inputs import BlueprintInputs

    return BlueprintInputs.model_construct(**checked)
