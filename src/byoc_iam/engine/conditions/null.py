"""Null: ``true`` holds when the key is absent from the request context, ``false`` when present."""

from __future__ import annotations


def null_matches(values: tuple[str, ...], present: bool) -> bool:
    """Whether a Null condition with ``values`` holds for a key that is (not) ``present``."""
    goal = "false" if present else "true"
    return any(v.lower() == goal for v in values)
