"""What the text exports share: a JSON scalar written in their syntax."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any


def scalar(value: Any, quote: Callable[[str], str]) -> str:
    """A JSON scalar as HCL/YAML text: ``true``/``false``, ``null``, numbers as JSON, strings via ``quote``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int | float):
        return json.dumps(value)
    return quote(str(value))
