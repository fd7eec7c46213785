"""Action and NotAction matching: ``service:action`` with ``*``/``?`` wildcards in the action name,
case-insensitive. ``*`` alone matches every action. Anything else (no colon, an empty action name,
whitespace, commas) is taken literally and so matches nothing real."""

from __future__ import annotations

import re
from functools import lru_cache

from byoc_iam.model.wildcard import glob_regex_source


class ActionMatcher:
    """The compiled values of one Action or NotAction element."""

    __slots__ = ("_each", "all", "exact", "prefixes", "regex", "values")

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values
        self._each: tuple[ActionMatcher, ...] | None = None
        self.all = False
        exact: set[str] = set()
        prefixes: list[str] = []  # a pattern whose one wildcard is its final "*" (most: "s3:Get*") needs no regex
        patterns: list[str] = []
        for v in values:
            if v == "*":
                self.all = True
                continue
            service, colon, name = v.partition(":")
            if not colon:
                continue
            low = f"{service.lower()}:{name.lower()}"
            if name.endswith("*") and name.count("*") == 1 and "?" not in name:
                prefixes.append(low[:-1])
            elif "*" in name or "?" in name:
                patterns.append(re.escape(service.lower() + ":") + glob_regex_source(name.lower()))
            else:
                exact.add(low)
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.regex = re.compile("|".join(f"(?:{p})" for p in patterns), re.DOTALL) if patterns else None

    def matches(self, action_lower: str) -> bool:
        if self.all or action_lower in self.exact or action_lower.startswith(self.prefixes):
            return True
        return self.regex is not None and self.regex.fullmatch(action_lower) is not None

    def matching_values(self, action_lower: str) -> tuple[str, ...]:
        """The values that match (explain mode; each value's matcher is compiled once)."""
        each = self._each
        if each is None:
            each = self._each = tuple(ActionMatcher((v,)) for v in self.values)
        return tuple(m.values[0] for m in each if m.matches(action_lower))


@lru_cache(maxsize=16384)
def action_matcher(values: tuple[str, ...]) -> ActionMatcher:
    """``ActionMatcher(values)``, one object for equal values (a matcher never changes but for its explain-mode
    cache, and the documents of a batch repeat their Action lists)."""
    return ActionMatcher(values)
