"""Condition operators: one family per module, a registry, and a small operator-level API.

``evaluate_operator("StringLike", ["a*"], "abc")`` evaluates one operator (with any ``ForAllValues:``,
``ForAnyValue:`` or ``IfExists`` qualifiers) against a request value, a list of values, or ``None`` for a
missing key; ``context`` supplies policy variables.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import lru_cache
from importlib import import_module

from byoc_iam.engine.conditions.base import Operator, ValueResult
from byoc_iam.engine.conditions.sets import Clause, ClauseResult, normalise_value, parse_operator
from byoc_iam.engine.variables import ContextValue, literal_variables
from byoc_iam.model.operators import OPERATOR_KINDS
from byoc_iam.model.policy import PolicyParseError

# The engine module of each operator kind of the one vocabulary (``model/operators.py``'s ``OPERATOR_KINDS``; Null
# is read by ``sets.py``). A family's module is imported when one of its operators is first looked up: a role's
# documents use two or three of the seven (issue 18, verify's start-up). tests/engine/test_engine_conditions.py
# holds the modules' own OPERATORS to this table.
_MODULE_OF_KIND = {
    "String": "string",
    "Numeric": "numeric",
    "Date": "date",
    "Bool": "bool",
    "Binary": "binary",
    "IPAddress": "ip",
    "ARN": "arn",
}
_FAMILY_OF = {n.lower(): _MODULE_OF_KIND[k] for n, k in OPERATOR_KINDS.items() if k in _MODULE_OF_KIND}
FAMILIES: dict[str, tuple[str, ...]] = {
    module: tuple(n for n, k in OPERATOR_KINDS.items() if k == kind) for kind, module in _MODULE_OF_KIND.items()
}


class _Operators(Mapping[str, type[Operator]]):
    """Operator name (lower case) -> its class; a name's family module is imported on its first lookup."""

    def __init__(self) -> None:
        self._loaded: dict[str, type[Operator]] = {}

    def __getitem__(self, name: str) -> type[Operator]:
        cls = self._loaded.get(name)
        if cls is None:
            family = _FAMILY_OF[name]  # KeyError: not an operator
            module = import_module(f"{__name__}.{family}")
            self._loaded.update({c.name.lower(): c for c in module.OPERATORS})
            cls = self._loaded[name]
        return cls

    def __contains__(self, name: object) -> bool:
        return name in _FAMILY_OF

    def __iter__(self) -> Iterator[str]:
        return iter(_FAMILY_OF)

    def __len__(self) -> int:
        return len(_FAMILY_OF)


OPERATORS: Mapping[str, type[Operator]] = _Operators()


def make_operator(base: str, values: tuple[str, ...]) -> Operator | None:
    """The compiled operator for a base name (case-insensitive), or ``None`` when unknown."""
    cls = OPERATORS.get(base.lower())
    return cls(values) if cls is not None else None


def make_clause(op_text: str, key: str, values: tuple[str, ...], variables: bool = True) -> Clause:
    """One compiled condition clause. ``variables``: whether ``${...}`` in the values is a policy variable
    (only in documents with ``"Version": "2012-10-17"``; otherwise it is literal text, AWS IAM User Guide,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)."""
    parsed = parse_operator(op_text)
    operator = None
    if not parsed.is_null:
        cls = OPERATORS.get(parsed.base.lower())
        if cls is not None:
            literal = not variables and cls.uses_variables
            operator = cls(tuple(literal_variables(v) for v in values) if literal else values)
    return Clause(op_text, key, values, operator)


def known_operator(op_text: str) -> bool:
    parsed = parse_operator(op_text)
    return parsed.is_null or parsed.base.lower() in OPERATORS


def normalise_context(context: Mapping[str, object] | None) -> dict[str, ContextValue]:
    """Lower-case keys (condition keys are case-insensitive); values as strings or tuples of strings."""
    if not context:
        return {}
    out: dict[str, ContextValue] = {}
    for k, v in context.items():
        out[k.lower() if type(k) is str else str(k).lower()] = v if type(v) is str else normalise_value(v)
    return out


def _bool(value: str) -> object:
    return value.lower() in ("true", "false") or None


# a catalog type -> (the family module and its reader, or None for Bool's; what the value must be)
_TYPED: dict[str, tuple[tuple[str, str] | None, str]] = {
    "date": (("date", "parse_date"), "a date (ISO 8601, or seconds or milliseconds since the epoch)"),
    "numeric": (("numeric", "parse_number"), "a number"),
    "ipaddress": (("ip", "parse_address"), "an IP address"),
    "bool": (None, "true or false"),
}


@lru_cache(maxsize=4096)
def typed_reader(key: str) -> tuple[Callable[[str], object], str] | None:
    """(reader, what the value must be) of a key the catalog types Date, Numeric, IPAddress or Bool (or an
    ``ArrayOf`` one); None for any other key (cached per key)."""
    from byoc_iam.engine._catalog import key_type

    typed = _TYPED.get((key_type(key) or "").lower().removeprefix("arrayof"))
    if typed is None:
        return None
    where, what = typed
    if where is None:
        return _bool, what
    reader: Callable[[str], object] = getattr(import_module(f"{__name__}.{where[0]}"), where[1])
    return reader, what


def _has_float(value: object) -> bool:
    """Whether a context value is or holds a float (the only scalar :func:`normalise_value` may refuse)."""
    return type(value) is float or (isinstance(value, (list, tuple)) and float in map(type, value))


def context_problem(key: str, value: object) -> str | None:
    """Why a request's value(s) for ``key`` cannot be of the key's type, or None. The type is the service
    catalog's (``Date``, ``Numeric``, ``IPAddress``, ``Bool``, or an ``ArrayOf`` one; IAM User Guide, "AWS global
    condition context keys" and each service's condition keys table): AWS sends a typed key in its type, while a
    value the engine cannot read makes every operator of that type false (a ``Deny`` on it skipped), so such a
    request is refused, not decided. Keys the catalog does not type (or types ``String``/``ARN``) are not checked
    for their type; any key's value that cannot be written as IAM reads it (a number too large to read exactly,
    :func:`byoc_iam.model.policy.scalar_to_str`) is refused too."""
    reader = typed_reader(key)
    if reader is None and (type(value) is str or not _has_float(value)):
        return None
    try:
        values = normalise_value(value)
    except PolicyParseError as exc:
        return f"{key}: {exc}"
    if reader is None:
        return None
    for v in (values,) if isinstance(values, str) else values:
        if reader[0](v) is None:
            return f"{key}: {v!r} is not {reader[1]}"
    return None


def evaluate_operator(
    op: str,
    policy_values: Sequence[str],
    request_value: str | Sequence[str] | None,
    context: Mapping[str, object] | None = None,
) -> bool:
    """Evaluate one condition operator against a request value (``None``: the key is missing)."""
    ctx = normalise_context(context)
    key = "byoc-iam:operator-test-key"
    if request_value is not None:
        ctx[key] = normalise_value(request_value if isinstance(request_value, str) else list(request_value))
    else:
        ctx.pop(key, None)
    return make_clause(op, key, tuple(policy_values)).test(ctx)


__all__ = [
    "OPERATORS",
    "Clause",
    "ClauseResult",
    "Operator",
    "ValueResult",
    "context_problem",
    "evaluate_operator",
    "known_operator",
    "make_clause",
    "make_operator",
    "normalise_context",
    "typed_reader",
]
