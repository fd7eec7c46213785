"""Map JSON pointers back to line and column in the source text (stdlib only).

:func:`scan` walks JSON text that ``json.loads`` already accepted and records, for every pointer, where
it starts: the member's key for an object member (``/Statement/0/Effect`` points at ``"Effect"``), the
value for an array item. It also reports keys that appear twice in one object (``json`` keeps the last
one silently, and so may IAM).
"""

from __future__ import annotations

import contextlib
import re
from bisect import bisect_right
from collections.abc import Callable
from json import decoder as _decoder

from byoc_iam.model.patterns import lazy
from byoc_iam.model.record import Record

# the C string scanner json itself uses (typeshed does not declare it)
scanstring: Callable[[str, int], tuple[str, int]] = _decoder.scanstring  # type: ignore[attr-defined]
_WS = lazy(r"[ \t\n\r]*")
_NUMBER = lazy(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")


def escape(token: str) -> str:
    """One JSON-pointer reference token (RFC 6901: ``~`` -> ``~0``, ``/`` -> ``~1``)."""
    return token.replace("~", "~0").replace("/", "~1")


def pointer(*tokens: str | int) -> str:
    """A JSON pointer from tokens: ``pointer("Statement", 0, "Effect")`` -> ``/Statement/0/Effect``."""
    return "".join(f"/{escape(str(t))}" for t in tokens)


class SourceMap(Record):
    """Offsets of every pointer in one text, and the duplicated keys found on the way."""

    __slots__ = ("_lines", "duplicates", "offsets", "text")
    _REPR = _COMPARE = ("text", "offsets", "duplicates", "_lines")

    def __init__(
        self,
        text: str,
        offsets: dict[str, int] | None = None,
        duplicates: list[tuple[str, int]] | None = None,  # (pointer, offset of the second key)
    ) -> None:
        self.text = text
        self.offsets: dict[str, int] = {} if offsets is None else offsets
        self.duplicates: list[tuple[str, int]] = [] if duplicates is None else duplicates
        self._lines = [0] + [m.end() for m in re.finditer(r"\n", text)]

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect_right(self._lines, offset)
        return line, offset - self._lines[line - 1] + 1

    def locate(self, ptr: str) -> tuple[int, int] | None:
        """Line and column of a pointer; falls back to the nearest recorded ancestor."""
        while True:
            if ptr in self.offsets:
                return self.line_col(self.offsets[ptr])
            if not ptr:
                return None
            ptr = ptr.rsplit("/", 1)[0]


class _Scanner:
    def __init__(self, smap: SourceMap) -> None:
        self.s = smap.text
        self.map = smap

    def ws(self, i: int) -> int:
        m = _WS.match(self.s, i)
        return m.end() if m else i

    def value(self, i: int, ptr: str) -> int:
        i = self.ws(i)
        self.map.offsets.setdefault(ptr, i)
        ch = self.s[i]
        if ch == "{":
            return self.obj(i + 1, ptr)
        if ch == "[":
            return self.arr(i + 1, ptr)
        if ch == '"':
            return scanstring(self.s, i + 1)[1]
        for word in ("true", "false", "null"):
            if self.s.startswith(word, i):
                return i + len(word)
        m = _NUMBER.match(self.s, i)
        if m is None:
            raise ValueError(f"unexpected character at {i}")  # NaN/Infinity: positions stop here
        return m.end()

    def obj(self, i: int, ptr: str) -> int:
        seen: set[str] = set()
        i = self.ws(i)
        if self.s[i] == "}":
            return i + 1
        while True:
            i = self.ws(i)
            key_at = i
            key, i = scanstring(self.s, i + 1)
            child = f"{ptr}/{escape(key)}"
            if key in seen:  # json keeps the last value: forget where the first one's children were
                self.map.duplicates.append((child, key_at))
                prefix = child + "/"
                for stale in [p for p in self.map.offsets if p.startswith(prefix)]:
                    del self.map.offsets[stale]
            seen.add(key)
            self.map.offsets[child] = key_at  # an object member is located at its key
            i = self.ws(i)
            i = self.value(i + 1, child)  # past the ':'
            i = self.ws(i)
            if self.s[i] == ",":
                i += 1
                continue
            return i + 1

    def arr(self, i: int, ptr: str) -> int:
        i = self.ws(i)
        if self.s[i] == "]":
            return i + 1
        n = 0
        while True:
            i = self.value(i, f"{ptr}/{n}")
            n += 1
            i = self.ws(i)
            if self.s[i] == ",":
                i += 1
                continue
            return i + 1


def scan(text: str) -> SourceMap:
    """Positions of every pointer in JSON text. Best effort: stops quietly on text json rejected."""
    smap = SourceMap(text)
    with contextlib.suppress(ValueError, IndexError, RecursionError):
        _Scanner(smap).value(0, "")
    return smap
