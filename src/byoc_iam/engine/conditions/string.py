"""String operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
StringLike, StringNotLike. Values are case-sensitive except for the IgnoreCase pair; ``*``/``?`` are
wildcards only for the Like pair; policy variables are resolved and taken literally."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from byoc_iam.engine.conditions.base import Operator, variant
from byoc_iam.engine.variables import (
    Context,
    Unresolved,
    compile_regex,
    has_variables,
    resolve_text,
    to_regex,
    tokenize,
)


class _String(Operator):
    """Policy values without variables are pre-compiled into one test, ``hit(request_value)`` (truthy when
    some value holds), which :meth:`matches` uses instead of testing value by value."""

    hit: Callable[[str], Any] | None = None

    def matches(self, request_value: str, context: Context) -> bool:
        hit = self.hit
        if hit is None:
            return super().matches(request_value, context)
        if hit(request_value):
            return not self.negated
        return self.negated

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        try:
            resolve_text(self.tokens[index], context)
        except Unresolved as exc:
            return f"policy variable {exc}"
        return None


class _Equals(_String):
    fold = False

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        static = [not has_variables(t) for t in self.tokens]
        self._resolved = [resolve_text(t, {}) if s else v for t, v, s in zip(self.tokens, values, static, strict=True)]
        if all(static):
            fixed = frozenset(r.lower() if self.fold else r for r in self._resolved)
            self.hit = (lambda v: v.lower() in fixed) if self.fold else fixed.__contains__

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        tokens = self.tokens[index]
        if not has_variables(tokens):
            value = self._resolved[index]
        else:
            try:
                value = resolve_text(tokens, context)
            except Unresolved:
                return None
        if self.fold:
            return value.lower() == request_value.lower()
        return value == request_value


class _Like(_String):
    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.tokens = tuple(tokenize(v, wildcards=True) for v in values)
        self._fixed: list[re.Pattern[str] | None] = [
            None if has_variables(t) else compile_regex(to_regex(t, None)) for t in self.tokens
        ]
        if not values:
            self.hit = frozenset().__contains__  # nothing to match
        elif all(rx is not None for rx in self._fixed):
            self.hit = compile_regex("|".join(f"(?:{to_regex(t, None)})" for t in self.tokens)).fullmatch

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        rx = self._fixed[index]
        if rx is None:
            try:
                rx = compile_regex(to_regex(self.tokens[index], context))
            except Unresolved:
                return None
        return rx.fullmatch(request_value) is not None


OPERATORS: tuple[type[Operator], ...] = (
    variant("StringEquals", _Equals),
    variant("StringNotEquals", _Equals, negated=True),
    variant("StringEqualsIgnoreCase", _Equals, fold=True),
    variant("StringNotEqualsIgnoreCase", _Equals, fold=True, negated=True),
    variant("StringLike", _Like),
    variant("StringNotLike", _Like, negated=True),
)
