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
    t = text.strip()
    if len(t) < 2 or t[0] != "{" or t[-1] != "}":
        return None
    marks = _marks(t)
    if not marks or t[1 : marks[0][0]].strip():
        return None
    out: list[tuple[str, str]] = []
    seen: set[str] = set()
    for i, (_, end, key) in enumerate(marks):
        if key in seen:
            return None
        seen.add(key)
        last = i + 1 == len(marks)
        value = t[end : len(t) - 1 if last else marks[i + 1][0]].strip()
        if not last:
            if not value.endswith(","):
                return None
            value = value[:-1].rstrip()
        if not value:
            return None
        out.append((key, value))
    return out
