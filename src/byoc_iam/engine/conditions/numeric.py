"""Numeric operators (``NumericEquals`` ... ``NumericGreaterThanEquals``): integers and decimals, with an
optional sign and exponent; anything else cannot be compared (no match for either polarity)."""

from __future__ import annotations

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.conditions.compare import Comparison, comparison_family
from byoc_iam.model.patterns import lazy

_NUMBER = lazy(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")


def parse_number(value: str) -> float | None:
    """``value`` as a number, or ``None``."""
    text = value.strip()
    if not _NUMBER.fullmatch(text):
        return None
    return float(text)


class _Numeric(Comparison):
    kind = "number"
    parse = staticmethod(parse_number)


OPERATORS: tuple[type[Operator], ...] = comparison_family("Numeric", _Numeric)
