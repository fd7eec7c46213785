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
from typing import Any

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


# The object's opening and its first member's key; what follows a member value: the next key, or the object's end.
_FIRST = re.compile(r'\{[ \t\r\n]*"(identity|resource|boundary|scp|rcp|session)"[ \t\r\n]*:[ \t\r\n]*').match
_NEXT = re.compile(
    r'[ \t\r\n]*(?:,[ \t\r\n]*"(identity|resource|boundary|scp|rcp|session)"[ \t\r\n]*:[ \t\r\n]*|\})'
).match


class SortedTexts:
    """Valid JSON texts kept sorted, each with a value, so that the one a text holds at a position is found by
    comparing text in place (:meth:`index_at`), without scanning or hashing what follows.

    The one candidate is the largest known text not above the text that follows (found by bisection): a valid
    JSON array, object, string or literal is never a proper prefix of another valid one, so a known text that the
    text holds there is that one. The caller still checks what follows it (a delimiter: then the text holds
    exactly that JSON value there, as a parser reads it)."""

    __slots__ = ("longest", "miss", "texts", "values")

    def __init__(self) -> None:
        self.texts: list[str] = []  # sorted
        self.values: list[Any] = []  # each text's value, at the same index
        self.longest = 0  # the length of the longest text
        self.miss = 0  # where the last text :meth:`index_at` did not find would go (checked before :meth:`add`)

    def __len__(self) -> int:
        return len(self.texts)

    def add(self, text: str, value: Any = None) -> None:
        """Remember ``text`` (non-empty, valid JSON, stripped) with ``value`` (kept if the text is known)."""
        texts = self.texts
        i = self.miss  # after a failed lookup of this text, most often its place: two comparisons tell
        if i > len(texts) or (i and texts[i - 1] >= text) or (i < len(texts) and texts[i] <= text):
            i = bisect_left(texts, text)
        if i == len(texts) or texts[i] != text:
            texts[i:i] = (text,)  # (a slice assignment moves the rest with memmove: twice list.insert's speed)
            self.values[i:i] = (value,)
            if len(text) > self.longest:
                self.longest = len(text)

    def index_at(self, text: str, pos: int, stop: int) -> int:
        """The index of the known text that ``text[pos:stop]`` starts with, else -1."""
        texts = self.texts
        i = bisect_right(texts, text[pos : pos + self.longest])
        if i and text.startswith(texts[i - 1], pos, stop):
            return i - 1
        self.miss = i
        return -1

    def clear(self) -> None:
        self.texts.clear()
        self.values.clear()
        self.longest = 0


class KnownMembers:
    """Member texts already parsed (each valid JSON), kept per policy type in :class:`SortedTexts`, so a
    ``policies`` text made of known members is cut by comparing text in place, without scanning all of it.

    Exact, not a guess: at a member's value the text must hold a known text (:meth:`SortedTexts.index_at`) and continue
    with JSON whitespace and ``,`` and the next key, or ``}`` and the end. A valid JSON value followed by a
    delimiter is exactly the value a parser reads there, so the object (known keys, each once, known values) is
    valid JSON with exactly those members. Anything else (an unknown member text, another key, a repeated key, an
    escaped key) returns None and the caller cuts the text with :func:`split_members`. Bounded: at most ``limit``
    texts (then it starts afresh)."""

    def __init__(self, limit: int = 4096) -> None:
        self.limit = limit
        self.count = 0
        self.texts: dict[str, SortedTexts] = {}  # per key

    def add(self, key: str, value: str) -> None:
        """Remember ``value`` (a member text that parsed as JSON, stripped) for the member ``key``."""
        if not value:
            return
        if self.count >= self.limit:
            self.texts.clear()
            self.count = 0
        known = self.texts.get(key)
        if known is None:
            known = self.texts[key] = SortedTexts()
        before = len(known)
        known.add(value)
        self.count += len(known) - before

    def cut_at(self, text: str, pos: int, stop: int) -> tuple[list[tuple[str, str]], int] | None:
        """The members of the object that ``text[pos:stop]`` starts with (its ``{`` at ``pos``) and the position
        after its closing ``}``, when every member is a known text (the same string objects); else None."""
        m = _FIRST(text, pos, stop)
        out: dict[str, str] = {}
        known = self.texts.get
        while m is not None:
            key = m.group(1)
            if key is None:  # the object's end
                return list(out.items()), m.end()
            at = m.end()
            texts = known(key)
            i = texts.index_at(text, at, stop) if texts is not None else -1
            if texts is None or i < 0 or key in out:  # an unknown member text, or a key seen before
                return None
            value = out[key] = texts.texts[i]
            m = _NEXT(text, at + len(value), stop)
        return None

    def cut(self, text: str) -> list[tuple[str, str]] | None:
        """:func:`split_members` of ``text`` when every member is a known text (the same string objects)."""
        got = self.cut_at(text, len(text) - len(text.lstrip(_WS)), len(text))
        return got[0] if got is not None and not text[got[1] :].strip(_WS) else None
