"""String operators: StringEquals, StringNotEquals, StringEqualsIgnoreCase, StringNotEqualsIgnoreCase,
StringLike, StringNotLike. Values are case-sensitive except for the IgnoreCase pair; ``*``/``?`` are
wildcards only for the Like pair; policy variables are resolved and taken literally."""

from __future__ import annotations

import re

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.variables import (
    Context,
    Unresolved,
    compile_regex,
    has_variables,
    resolve_text,
    to_regex,
    tokenize,
)


class _Equals(Operator):
    fold = False

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.static = not any(has_variables(t) for t in self.tokens)
        resolved = [
            resolve_text(t, {}) if not has_variables(t) else v for t, v in zip(self.tokens, values, strict=True)
        ]
        self.fixed = frozenset(r.lower() if self.fold else r for r in resolved)
        self._resolved = resolved

    def _value(self, index: int, context: Context) -> str | None:
        tokens = self.tokens[index]
        if not has_variables(tokens):
            value = self._resolved[index]
        else:
            try:
                value = resolve_text(tokens, context)
            except Unresolved:
                return None
        return value.lower() if self.fold else value

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        value = self._value(index, context)
        if value is None:
            return None
        return value == (request_value.lower() if self.fold else request_value)

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        try:
            resolve_text(self.tokens[index], context)
        except Unresolved as exc:
            return f"policy variable {exc}"
        return None

    def matches(self, request_value: str, context: Context) -> bool:
        if self.static:
            hit = (request_value.lower() if self.fold else request_value) in self.fixed
            return not hit if self.negated else hit
        return super().matches(request_value, context)


class StringEquals(_Equals):
    name = "StringEquals"


class StringNotEquals(_Equals):
    name = "StringNotEquals"
    negated = True


class StringEqualsIgnoreCase(_Equals):
    name = "StringEqualsIgnoreCase"
    fold = True


class StringNotEqualsIgnoreCase(_Equals):
    name = "StringNotEqualsIgnoreCase"
    fold = True
    negated = True


class _Like(Operator):
    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.tokens = tuple(tokenize(v, wildcards=True) for v in values)
        self.static = not any(has_variables(t) for t in self.tokens)
        self._fixed: list[re.Pattern[str] | None] = [
            None if has_variables(t) else compile_regex(to_regex(t, None)) for t in self.tokens
        ]
        self._any: re.Pattern[str] | None = None
        if self.static and values:
            self._any = compile_regex("|".join(f"(?:{to_regex(t, None)})" for t in self.tokens))

    def _regex(self, index: int, context: Context) -> re.Pattern[str] | None:
        rx = self._fixed[index]
        if rx is not None:
            return rx
        try:
            return compile_regex(to_regex(self.tokens[index], context))
        except Unresolved:
            return None

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        rx = self._regex(index, context)
        if rx is None:
            return None
        return rx.fullmatch(request_value) is not None

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        try:
            to_regex(self.tokens[index], context)
        except Unresolved as exc:
            return f"policy variable {exc}"
        return None

    def matches(self, request_value: str, context: Context) -> bool:
        if self._any is not None:
            hit = self._any.fullmatch(request_value) is not None
            return not hit if self.negated else hit
        if self.static:  # no values at all
            return self.negated
        return super().matches(request_value, context)


class StringLike(_Like):
    name = "StringLike"


class StringNotLike(_Like):
    name = "StringNotLike"
    negated = True


OPERATORS: tuple[type[Operator], ...] = (
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
)
