"""ARN operators: ArnEquals/ArnLike (identical in IAM) and ArnNotEquals/ArnNotLike.

Both ARNs are split into their six colon-delimited segments (``arn``, partition, service, region, account,
resource; :func:`byoc_iam.model.arn.split_arn_pattern`) and each policy segment is matched against the request's
with ``*``/``?`` wildcards (within the segment; the resource segment may contain colons), case-sensitively,
after resolving policy variables (IAM User Guide, "IAM JSON policy elements: Condition operators", Amazon
Resource Name (ARN) condition operators: "each of the six colon-delimited components of the ARN is checked
separately"). A request value that is no ARN (not ``arn:`` and six segments), a policy value that is no ARN
pattern (fewer than six segments) or an unresolvable variable cannot be compared: that satisfies neither
polarity (as iam-simulate decides; AWS does not document the case).
"""

from __future__ import annotations

import re

from byoc_iam.engine.conditions.base import Operator, variant
from byoc_iam.engine.variables import (
    LIT,
    Context,
    Token,
    Unresolved,
    compile_regex,
    has_variables,
    to_regex,
    tokenize,
)
from byoc_iam.model.arn import split_arn_pattern

_SEGMENT = {"star": "[^:]*", "qmark": "[^:]"}  # a wildcard in the first five segments stays within its segment


def split_arn(value: str) -> list[str] | None:
    """``[arn, partition, service, region, account, resource]`` of an ARN, or ``None`` when it has fewer than six
    segments (a policy value: see :func:`segment_tokens`)."""
    parts = split_arn_pattern(value)
    return None if parts is None else list(parts)


def segment_tokens(value: str) -> tuple[tuple[Token, ...], ...] | None:
    """A policy ARN pattern's tokens (wildcards, variables), segment by segment: six tuples, or ``None`` when it has
    fewer than six segments. A colon inside a policy variable (``${aws:username}``, a default ``'a:b'``) does not
    separate segments; the resource segment keeps its colons."""
    segments: list[list[Token]] = [[]]
    for t in tokenize(value, wildcards=True):
        if t.kind != LIT or len(segments) == 6:
            segments[-1].append(t)
            continue
        for i, piece in enumerate(t.text.split(":", 6 - len(segments))):
            if i:
                segments.append([])
            if piece:
                segments[-1].append(Token(LIT, piece))
    return tuple(tuple(s) for s in segments) if len(segments) == 6 else None


def is_request_arn(value: str) -> bool:
    """Whether a request value is an ARN: ``arn:`` and six segments."""
    parts = split_arn_pattern(value)
    return parts is not None and parts[0] == "arn"


def _segment_sources(toks: tuple[tuple[Token, ...], ...], context: Context | None) -> list[str]:
    """One regex source per segment (variables resolved from ``context``, taken literally)."""
    return [to_regex(t, context, **_SEGMENT) for t in toks[:5]] + [to_regex(toks[5], context)]


class _Arn(Operator):
    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.parts: list[tuple[tuple[Token, ...], ...] | None] = []
        self._fixed: list[re.Pattern[str] | None] = []
        for v in values:
            toks = segment_tokens(v)
            self.parts.append(toks)
            if toks is None:
                self._fixed.append(None)
                continue
            fixed = not any(has_variables(t) for t in toks)
            # without variables no segment but the resource holds a colon: one regex matches segment by segment
            self._fixed.append(compile_regex(":".join(_segment_sources(toks, None))) if fixed else None)

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        toks = self.parts[index]
        if toks is None:
            return None
        if not is_request_arn(request_value):
            return None  # no ARN: cannot be compared, neither polarity holds
        rx = self._fixed[index]
        if rx is not None:
            return rx.fullmatch(request_value) is not None
        try:
            sources = _segment_sources(toks, context)
        except Unresolved:
            return None
        segments = request_value.split(":", 5)
        return all(compile_regex(src).fullmatch(seg) is not None for src, seg in zip(sources, segments, strict=True))

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        toks = self.parts[index]
        if toks is None:
            return f"policy value {self.values[index]!r} is not a valid ARN"
        try:
            _segment_sources(toks, context)
        except Unresolved as exc:
            return f"policy variable {exc}"
        return None


OPERATORS: tuple[type[Operator], ...] = (
    variant("ArnEquals", _Arn),
    variant("ArnLike", _Arn),
    variant("ArnNotEquals", _Arn, negated=True),
    variant("ArnNotLike", _Arn, negated=True),
)
