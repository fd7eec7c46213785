"""One condition clause (operator, key, values) with its qualifiers: ``ForAllValues:``/``ForAnyValue:``,
the ``...IfExists`` suffix and the ``Null`` check.

Rules (AWS's documented behaviour, as iam-simulate implements it):
- a missing key fails the condition, except for ``...IfExists`` and negated operators (``StringNotEquals``,
  ``NotIpAddress``, ``ArnNotLike``, ...), where a missing key satisfies it;
- a multi-valued key used without a set operator never matches;
- ``ForAllValues``: a missing key matches; otherwise every request value must satisfy the operator;
- ``ForAnyValue``: a missing key fails (``IfExists`` too); otherwise at least one request value must satisfy it;
- a single-valued key under a set operator is a one-element set;
- an unknown operator never matches.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
from typing import Any, NamedTuple

from byoc_iam.engine.conditions.base import Operator, ValueResult
from byoc_iam.engine.conditions.null import null_matches
from byoc_iam.engine.variables import Context, ContextValue
from byoc_iam.model import operators as model_operators
from byoc_iam.model.policy import scalar_to_str
from byoc_iam.model.record import record

SINGLE, FOR_ALL, FOR_ANY = 0, 1, 2


_SET_OPERATORS = {None: SINGLE, "ForAllValues": FOR_ALL, "ForAnyValue": FOR_ANY}


@record(frozen=True, kw_only=False)
class ParsedOperator:
    """An operator name split into its parts (the engine's reading of :mod:`byoc_iam.model.operators`:
    qualifiers in any case, surrounding spaces ignored)."""

    text: str
    base: str  # as written, without qualifiers
    set_operator: int
    if_exists: bool
    is_null: bool


def parse_operator(text: str) -> ParsedOperator:
    parsed = model_operators.parse_operator(text.strip())
    return ParsedOperator(text, parsed.base, _SET_OPERATORS[parsed.set_qualifier], parsed.if_exists, parsed.is_null)


class Clause:
    """A compiled (operator, key, values) triple; :meth:`test` evaluates it against a context."""

    __slots__ = ("if_exists", "is_null", "key", "lkey", "op_text", "operator", "set_operator", "soft_missing", "values")

    def __init__(self, op_text: str, key: str, values: tuple[str, ...], operator: Operator | None) -> None:
        parsed = parse_operator(op_text)
        self.op_text = op_text
        self.key = key
        self.lkey = key.lower()
        self.values = values
        self.operator = operator
        self.set_operator = parsed.set_operator
        self.if_exists = parsed.if_exists
        self.is_null = parsed.is_null
        self.soft_missing = parsed.if_exists or (operator is not None and operator.negated)

    def test(self, context: Context) -> bool:
        value = context.get(self.lkey)
        if self.is_null:
            return null_matches(self.values, value is not None)
        op = self.operator
        if op is None:
            return False
        if self.set_operator == SINGLE:
            if value is None:
                return self.soft_missing
            if not isinstance(value, str):
                return False
            return op.matches(value, context)
        if self.set_operator == FOR_ALL:
            if value is None:
                return True
            if isinstance(value, str):
                return op.matches(value, context)
            return all(op.matches(v, context) for v in value)
        if value is None:
            return False
        if isinstance(value, str):
            return op.matches(value, context)
        return any(op.matches(v, context) for v in value)

    def explain(self, context: Context) -> "ClauseResult":
        """The clause's result with the request value(s), the policy values and why."""
        value = context.get(self.lkey)
        matched = self.test(context)
        request: tuple[str, ...] | None = None if value is None else ((value,) if isinstance(value, str) else value)
        reason = ""
        per_value: list[tuple[str, list[ValueResult]]] = []
        if self.is_null:
            reason = f"key is {'present' if value is not None else 'absent'}"
        elif self.operator is None:
            reason = f"unknown condition operator {self.op_text!r}"
        elif value is None:
            if self.set_operator == FOR_ALL:
                reason = "key is absent: ForAllValues holds for an empty set"
            elif self.set_operator == FOR_ANY:
                reason = "key is absent: ForAnyValue needs at least one value"
            elif self.soft_missing:
                reason = "key is absent: IfExists/negated operators hold"
            else:
                reason = "key is absent from the request context"
        elif self.set_operator == SINGLE and not isinstance(value, str):
            reason = "multi-valued key used without ForAllValues/ForAnyValue"
        else:
            assert request is not None
            for rv in request:
                per_value.append((rv, self.operator.explain(rv, context)))
            reason = "matched" if matched else "no policy value matched the request value(s)"
        return ClauseResult(self.op_text, self.key, request, self.values, matched, reason, tuple(per_value))


class ClauseResult(NamedTuple):
    """One clause tested against the request (explain mode); ``to_dict()`` is its JSON form."""

    operator: str
    key: str
    request_values: tuple[str, ...] | None
    policy_values: tuple[str, ...]
    matched: bool
    reason: str
    details: tuple[tuple[str, list[ValueResult]], ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """Every field by name, each value result a dict (as ``dataclasses.asdict`` gave it)."""
        return {
            "operator": self.operator,
            "key": self.key,
            "request_values": self.request_values,
            "policy_values": self.policy_values,
            "matched": self.matched,
            "reason": self.reason,
            "details": tuple((rv, [r._asdict() for r in results]) for rv, results in self.details),
        }


def normalise_value(value: object) -> ContextValue:
    """A JSON context value as the engine stores it: a string, or a tuple of strings for lists."""
    if type(value) is str:
        return value
    if isinstance(value, (list, tuple)):  # (a tuple of types: ``list | tuple`` builds a union on every call)
        return tuple(scalar_to_str(v) for v in value)
    return scalar_to_str(value)
