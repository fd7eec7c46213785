"""Date operators. Values are ISO 8601 dates or date-times (a missing offset means UTC) or epoch
integers: up to 11 digits are seconds (AWS's ``aws:EpochTime``), longer ones milliseconds."""

from __future__ import annotations

import operator as _op
import re
from collections.abc import Callable
from datetime import UTC, datetime
from functools import lru_cache

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.variables import Context

_EPOCH = re.compile(r"-?\d+")


@lru_cache(maxsize=4096)
def parse_date(value: str) -> float | None:
    """``value`` as milliseconds since the epoch, or ``None``."""
    text = value.strip()
    if _EPOCH.fullmatch(text):
        number = int(text)
        return float(number) if abs(number) >= 10**11 else float(number) * 1000.0
    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp() * 1000.0


class _Date(Operator):
    uses_variables = False
    compare: Callable[[float, float], bool] = staticmethod(_op.eq)  # (request, policy)

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.dates = tuple(parse_date(v) for v in values)

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        policy = self.dates[index]
        req = parse_date(request_value)
        if policy is None or req is None:
            return None
        return type(self).compare(req, policy)

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        if self.dates[index] is None:
            return f"policy value {self.values[index]!r} is not a date"
        return f"request value {request_value!r} is not a date"


class DateEquals(_Date):
    name = "DateEquals"
    compare = staticmethod(_op.eq)


class DateNotEquals(_Date):
    name = "DateNotEquals"
    negated = True
    compare = staticmethod(_op.eq)


class DateLessThan(_Date):
    name = "DateLessThan"
    compare = staticmethod(_op.lt)


class DateLessThanEquals(_Date):
    name = "DateLessThanEquals"
    compare = staticmethod(_op.le)


class DateGreaterThan(_Date):
    name = "DateGreaterThan"
    compare = staticmethod(_op.gt)


class DateGreaterThanEquals(_Date):
    name = "DateGreaterThanEquals"
    compare = staticmethod(_op.ge)


OPERATORS: tuple[type[Operator], ...] = (
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
)
