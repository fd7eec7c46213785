"""Numeric operators (integers and decimals). A value that is not a number never satisfies a condition."""

from __future__ import annotations

import operator as _op
import re
from collections.abc import Callable

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.variables import Context

_NUMBER = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(value: str) -> float | None:
    """``value`` as a number, or ``None``."""
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        return None
    return float(text)


class _Numeric(Operator):
    uses_variables = False
    compare: Callable[[float, float], bool] = staticmethod(_op.eq)  # (request, policy)

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.numbers = tuple(parse_number(v) for v in values)

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        policy = self.numbers[index]
        req = parse_number(request_value)
        if policy is None or req is None:
            return None
        return type(self).compare(req, policy)

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        if self.numbers[index] is None:
            return f"policy value {self.values[index]!r} is not a number"
        return f"request value {request_value!r} is not a number"


class NumericEquals(_Numeric):
    name = "NumericEquals"
    compare = staticmethod(_op.eq)


class NumericNotEquals(_Numeric):
    name = "NumericNotEquals"
    negated = True
    compare = staticmethod(_op.eq)


class NumericLessThan(_Numeric):
    name = "NumericLessThan"
    compare = staticmethod(_op.lt)


class NumericLessThanEquals(_Numeric):
    name = "NumericLessThanEquals"
    compare = staticmethod(_op.le)


class NumericGreaterThan(_Numeric):
    name = "NumericGreaterThan"
    compare = staticmethod(_op.gt)


class NumericGreaterThanEquals(_Numeric):
    name = "NumericGreaterThanEquals"
    compare = staticmethod(_op.ge)


OPERATORS: tuple[type[Operator], ...] = (
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
)
