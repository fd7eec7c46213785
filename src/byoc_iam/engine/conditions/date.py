"""Date operators (``DateEquals`` ... ``DateGreaterThanEquals``). Values are ISO 8601 dates or date-times (a
missing offset means UTC) or epoch integers: up to 11 digits are seconds (AWS's ``aws:EpochTime``), longer
ones milliseconds. Anything else cannot be compared (no match for either polarity)."""

from __future__ import annotations

from functools import lru_cache

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.conditions.compare import Comparison, comparison_family
from byoc_iam.model.patterns import lazy

_EPOCH = lazy(r"-?\d+")


@lru_cache(maxsize=4096)
def parse_date(value: str) -> float | None:
    """``value`` as milliseconds since the epoch, or ``None``."""
    text = value.strip()
    if _EPOCH.fullmatch(text):
        number = int(text)
        return float(number) if abs(number) >= 10**11 else float(number) * 1000.0
    from datetime import UTC, datetime  # here: a request without dates does not load datetime (start-up)

    try:
        parsed = datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp() * 1000.0


class _Date(Comparison):
    kind = "date"
    parse = staticmethod(parse_date)


OPERATORS: tuple[type[Operator], ...] = comparison_family("Date", _Date)
