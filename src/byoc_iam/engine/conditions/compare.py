"""The scaffolding the ordered-comparison families (numeric, date) share: parse each policy value once,
parse the request value per test, compare; the six operators ``<Family>Equals``, ``NotEquals``,
``LessThan``, ``LessThanEquals``, ``GreaterThan``, ``GreaterThanEquals``."""

from __future__ import annotations

import operator as _op
from collections.abc import Callable

from byoc_iam.engine.conditions.base import Operator, variant
from byoc_iam.engine.variables import Context

_SUFFIXES: tuple[tuple[str, Callable[[float, float], bool], bool], ...] = (
    ("Equals", _op.eq, False),
    ("NotEquals", _op.eq, True),
    ("LessThan", _op.lt, False),
    ("LessThanEquals", _op.le, False),
    ("GreaterThan", _op.gt, False),
    ("GreaterThanEquals", _op.ge, False),
)


class Comparison(Operator):
    """An ordered comparison: subclasses set ``parse`` (text to a number, or ``None``) and ``kind``."""

    uses_variables = False
    kind = "value"  # what the values are, for error messages
    parse: Callable[[str], float | None]
    compare: Callable[[float, float], bool] = staticmethod(_op.eq)  # (request, policy)

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.parsed = tuple(self.parse(v) for v in values)

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        policy = self.parsed[index]
        req = self.parse(request_value)
        if policy is None or req is None:
            return None
        return self.compare(req, policy)

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        if self.parsed[index] is None:
            return f"policy value {self.values[index]!r} is not a {self.kind}"
        return f"request value {request_value!r} is not a {self.kind}"


def comparison_family(prefix: str, base: type[Comparison]) -> tuple[type[Operator], ...]:
    """The six operators of a comparison family, e.g. ``NumericEquals`` ... ``NumericGreaterThanEquals``."""
    return tuple(
        variant(prefix + suffix, base, negated=negated, compare=staticmethod(fn)) for suffix, fn, negated in _SUFFIXES
    )
