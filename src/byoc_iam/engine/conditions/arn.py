"""ARN operators: ArnEquals/ArnLike (identical in IAM) and ArnNotEquals/ArnNotLike.

Both ARNs are split into partition, service, region, account and resource; each policy part is matched
against the request part with ``*``/``?`` wildcards (within the part; the resource part may contain
colons), case-sensitively, after resolving policy variables. Malformed ARNs never satisfy a condition.
"""

from __future__ import annotations

import re

from byoc_iam.engine.conditions.base import Operator, variant
from byoc_iam.engine.variables import Context, Token, Unresolved, compile_regex, has_variables, to_regex, tokenize


def split_arn(value: str) -> list[str] | None:
    """``[partition, service, region, account, resource]`` or ``None`` when not an ARN."""
    parts = value.split(":", 5)
    if len(parts) < 5:
        return None
    if len(parts) == 5:
        parts.append("")
    return parts[1:]


class _Arn(Operator):
    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.parts: list[tuple[tuple[Token, ...], ...] | None] = []
        self._fixed: list[re.Pattern[str] | None] = []
        for v in values:
            split = split_arn(v)
            if split is None:
                self.parts.append(None)
                self._fixed.append(None)
                continue
            toks = tuple(tokenize(p, wildcards=True) for p in split)
            self.parts.append(toks)
            self._fixed.append(None if any(has_variables(t) for t in toks) else compile_regex(self._source(toks, None)))

    @staticmethod
    def _source(toks: tuple[tuple[Token, ...], ...], context: Context | None) -> str:
        pieces = [to_regex(t, context, star="[^:]*", qmark="[^:]") for t in toks[:4]]
        pieces.append(to_regex(toks[4], context))
        return "[^:]*:" + ":".join(pieces)

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        toks = self.parts[index]
        if toks is None or split_arn(request_value) is None:
            return None
        rx = self._fixed[index]
        if rx is None:
            try:
                rx = compile_regex(self._source(toks, context))
            except Unresolved:
                return None
        return rx.fullmatch(request_value) is not None

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        toks = self.parts[index]
        if toks is None:
            return f"policy value {self.values[index]!r} is not a valid ARN"
        if split_arn(request_value) is None:
            return f"request value {request_value!r} is not a valid ARN"
        try:
            self._source(toks, context)
        except Unresolved as exc:
            return f"policy variable {exc}"
        return None


OPERATORS: tuple[type[Operator], ...] = (
    variant("ArnEquals", _Arn),
    variant("ArnLike", _Arn),
    variant("ArnNotEquals", _Arn, negated=True),
    variant("ArnNotLike", _Arn, negated=True),
)
