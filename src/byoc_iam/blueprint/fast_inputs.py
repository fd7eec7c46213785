"""BlueprintInputs from plainly typed values without building pydantic's validator (render's start-up, issue 18).

Building :class:`~byoc_iam.blueprint.inputs.BlueprintInputs`' pydantic schema and validating with it cost
``render`` a twentieth of its start. :func:`fast_inputs` takes the common case: every value already of its
field's exact type (``str``, ``bool``, a whole number as ``int`` or as digits, ``tuple``/``list`` of ``str``,
``dict`` of ``str``), no unknown key. It runs the model's own validators, as pydantic would in the same order
(``before`` field validators, the ``Annotated`` after-validators, ``after`` field validators, then the
``after`` model validators), read from the model's decorator table so none is forgotten, and builds the
instance with ``model_construct``. It returns None for anything else (a value of another type, a validator
that breaks a rule, a validator of another mode): the caller validates with pydantic then, so every error,
message and exit code is pydantic's, as before. ``tests/render/test_fast_inputs.py`` holds its result equal to
``model_validate``'s on valid inputs and its refusal on invalid ones.
"""

from __future__ import annotations

import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Any

from byoc_iam.blueprint.inputs import BlueprintInputs

_DIGITS = re.compile(r"[1-9][0-9]{0,8}")  # what pydantic's int parser surely reads as the same number
_NO = object()  # "not of the exact type": the caller falls back to pydantic


def _union_args(annotation: Any) -> tuple[Any, ...] | None:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        return typing.get_args(annotation)
    return None


def _after_validators(metadata: list[Any]) -> list[Callable[[Any], Any]] | None:
    out = []
    for m in metadata:
        if type(m).__name__ != "AfterValidator":
            return None
        out.append(m.func)
    return out


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
    if origin is typing.Annotated:
        inner, *metadata = typing.get_args(annotation)
        checks = _after_validators(metadata)
        value = _NO if checks is None else _coerce(inner, value)
        for check in checks or ():
            value = check(value) if value is not _NO else _NO
        return value
    args = _union_args(annotation)
    if args is not None and len(args) == 2 and type(None) in args:
        if value is None:
            return None
        return _coerce(next(a for a in args if a is not type(None)), value)
    return _NO


def _field_validators() -> dict[str, list[tuple[str, Callable[[Any], Any]]]] | None:
    """field -> [(mode, validator)] in definition order; None when one is not a plain before/after validator."""
    out: dict[str, list[tuple[str, Callable[[Any], Any]]]] = {}
    for dec in BlueprintInputs.__pydantic_decorators__.field_validators.values():
        if dec.info.mode not in ("before", "after"):
            return None
        for name in dec.info.fields:
            out.setdefault(name, []).append((dec.info.mode, dec.func))
    return out


def _field(name: str, value: Any, validators: list[tuple[str, Callable[[Any], Any]]]) -> Any:
    info = BlueprintInputs.__pydantic_fields__[name]
    for mode, check in reversed(validators):  # pydantic runs the last-defined before-validator first
        if mode == "before":
            value = check(value)
    checks = _after_validators(list(info.metadata))
    if checks is None:
        return _NO
    value = _coerce(info.annotation, value)
    for check in checks:
        value = check(value) if value is not _NO else _NO
    for mode, check in validators:
        if mode == "after" and value is not _NO:
            value = check(value)
    return value


def fast_inputs(values: Mapping[str, Any]) -> BlueprintInputs | None:
    """The BlueprintInputs pydantic would validate ``values`` into, or None when pydantic must decide (see the
    module); never raises for bad input."""
    fields = BlueprintInputs.__pydantic_fields__
    validators = _field_validators()
    models = BlueprintInputs.__pydantic_decorators__.model_validators
    if validators is None or any(d.info.mode != "after" for d in models.values()):
        return None
    if "account_id" not in values or any(k not in fields for k in values):
        return None
    try:
        checked = {k: _field(k, v, validators.get(k, [])) for k, v in values.items()}
        if any(v is _NO for v in checked.values()):
            return None
        inputs = BlueprintInputs.model_construct(**checked)
        for name in models:
            getattr(inputs, name)()
    except Exception:  # any problem at all: pydantic decides, and words it, as before
        return None
    return inputs
