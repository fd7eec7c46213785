"""Cut a batch's ``policies`` object text into its members' texts without parsing it (the batch's fast path).

A batch where every case carries its own policies repeats the same documents in many combinations; cutting
``{"identity": [...], "session": {...}}`` into ``("identity", "[...]")``, ``("session", "{...}")`` lets each
member be parsed, checked and compiled once per distinct text (:meth:`byoc_iam.engine.batch.PolicySets.compile_text`).

The cut is a guess made with a regular expression; it is exact whenever every member text is valid JSON: the
object ``{"k": V, ...}`` with valid values is then valid JSON, and a valid JSON value followed by a delimiter
is exactly the value a parser reads there (JSON values are self-delimiting), so a cut at a key nested inside
a document (which leaves an unbalanced text) can never pass. Callers must check that (parse every new member
text) and fall back to parsing the whole object when it fails.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right

MEMBER_KEYS = ("identity", "resource", "boundary", "scp", "rcp", "session")
_WS = " \t\r\n"


def _marks(t: str) -> list[tuple[int, int, str]]:
    """``(start, end after the colon, key)`` of every ``"key":`` (a member key) in ``t``, in order."""
    out: list[tuple[int, int, str]] = []
    for key in MEMBER_KEYS:
        quoted = f'"{key}"'
        at = t.find(quoted)
        while at != -1:
            end = at + len(quoted)
            while end < len(t) and t[end] in _WS:
                end += 1
            if end < len(t) and t[end] == ":":
                out.append((at, end + 1, key))
            at = t.find(quoted, at + 1)
    out.sort()
    return out


def split_members(text: str) -> list[tuple[str, str]] | None:
    """``[(key, value text), ...]`` of the object ``text`` whose keys are policy types (:data:`MEMBER_KEYS`,
    each at most once), in order; None when ``text`` does not look like one. The value texts are unchecked."""
    t = text.strip(_WS)  # JSON's whitespace only (str.strip would also drop e.g. a form feed, invalid JSON)
    if len(t) < 2 or t[0] != "{" or t[-1] != "}":
        return None
    marks = _marks(t)
    if not marks or t[1 : marks[0][0]].strip(_WS):
        return None
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, (_, end, key) in enumerate(marks):
        if key in seen:
            return None
        seen.add(key)
        last = i + 1 == len(marks)
        value = t[end : len(t) - 1 if last else marks[i + 1][0]].strip(_WS)
        if not last:
            if not value.endswith(","):
                return None
            value = value[:-1].rstrip(_WS)
        if not value:
            return None
        out.append((key, value))
    return out


# A member's key (JSON whitespace around it), the object's opening, what follows a member value.
_KEY = re.compile(r'[ \t\r\n]*"(identity|resource|boundary|scp|rcp|session)"[ \t\r\n]*:[ \t\r\n]*')
_OPEN = re.compile(r"[ \t\r\n]*\{")
_CLOSE = re.compile(r"[ \t\r\n]*([,}])[ \t\r\n]*")


class KnownMembers:
    """Member texts already parsed (each valid JSON), kept sorted per policy type, so a ``policies`` text made of
    known members is cut by comparing text in place, without scanning all of it.

    At a member's value the one candidate is the largest known text not above the text that follows (found by
    bisection): a valid JSON array, object, string or literal is never a proper prefix of another valid one, so
    a known text that the text holds there is that one. Exact, not a guess: the text must hold the candidate
    and continue with JSON whitespace and ``,`` or ``}``. A valid JSON value followed by a delimiter is exactly
    the value a parser reads there, so the object (known keys, each once, known values) is valid JSON with
    exactly those members. Anything else (an unknown member text, another key, a repeated key, an escaped key)
    returns None and the caller cuts the text with :func:`split_members`. Bounded: at most ``limit`` texts
    (then it starts afresh)."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self.count = 0
        self.texts: dict[str, list[str]] = {}  # per key, its texts in sorted order
        self.longest: dict[str, int] = {}  # per key, the length of its longest text

    def add(self, key: str, value: str) -> None:
        """Remember ``value`` (a member text that parsed as JSON, stripped) for the member ``key``."""
        if not value:
            return
        if self.count >= self.limit:
            self.texts.clear()
            self.longest.clear()
            self.count = 0
        texts = self.texts.setdefault(key, [])
        i = bisect_left(texts, value)
        if i == len(texts) or texts[i] != value:
            texts.insert(i, value)
            self.count += 1
            if len(value) > self.longest.get(key, 0):
                self.longest[key] = len(value)

    def cut(self, text: str) -> list[tuple[str, str]] | None:
        """:func:`split_members` of ``text`` when every member is a known text (the same string objects)."""
        m = _OPEN.match(text)
        if m is None:
            return None
        pos = m.end()
        out: list[tuple[str, str]] = []
        key_at, close_at, known, longest = _KEY.match, _CLOSE.match, self.texts.get, self.longest.get
        while True:
            m = key_at(text, pos)
            if m is None:
                return None
            key = m.group(1)
            pos = m.end()
            texts = known(key) or ()
            i = bisect_right(texts, text[pos : pos + longest(key, 0)])
            if not i:
                return None
            value = texts[i - 1]
            if not text.startswith(value, pos):
                return None
            out.append((key, value))
            m = close_at(text, pos + len(value))
            if m is None:
                return None
            if m.group(1) == ",":
                pos = m.end()
            elif m.end() == len(text) and len({k for k, _ in out}) == len(out):  # each key once
                return out
            else:
                return None
