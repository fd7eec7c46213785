"""IAM's wildcards, the one matcher: ``*`` matches any run of characters, ``?`` exactly one, the rest is
literal (AWS IAM User Guide, "IAM JSON policy elements: Resource" and "Action",
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html).

:func:`glob_match` (one pattern against a value), :func:`globs_intersect` (can two patterns name one
string), :func:`glob_covers` (does one pattern cover another) and :func:`glob_regex_source` (a pattern as
regex source, for matchers that compile many patterns into one regex). The service catalog, lint and the
engine all use these.
"""

from __future__ import annotations

import re
from functools import lru_cache

_WILD = re.compile(r"[*?]")


def has_wildcard(text: str) -> bool:
    """True when ``text`` has ``*`` or ``?``."""
    return _WILD.search(text) is not None


def glob_regex_source(pattern: str, *, star: str = ".*", question: str = ".") -> str:
    """The pattern as (unanchored) regex source: ``*`` -> ``star``, ``?`` -> ``question``, the rest escaped."""
    return "".join(star if ch == "*" else question if ch == "?" else re.escape(ch) for ch in pattern)


@lru_cache(maxsize=4096)
def glob_regex(pattern: str, ignore_case: bool = False, question: str = ".") -> re.Pattern[str]:
    """The compiled pattern (use ``fullmatch``)."""
    return re.compile(glob_regex_source(pattern, question=question), re.DOTALL | (re.IGNORECASE if ignore_case else 0))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """IAM's wildcard match of ``value`` against ``pattern``."""
    if "*" not in pattern and "?" not in pattern:
        return pattern.lower() == value.lower() if ignore_case else pattern == value
    return glob_regex(pattern, ignore_case).fullmatch(value) is not None


@lru_cache(maxsize=65536)
def globs_intersect(a: str, b: str, *, ignore_case: bool = False) -> bool:
    """True when some string matches both wildcard patterns ``a`` and ``b`` (``*``/``?`` in either)."""
    if not has_wildcard(a):
        return glob_match(b, a, ignore_case=ignore_case)
    if not has_wildcard(b):
        return glob_match(a, b, ignore_case=ignore_case)
    if ignore_case:
        a, b = a.lower(), b.lower()
    n, m = len(a), len(b)
    # reach[i][j]: a[:i] and b[:j] can be consumed together. Classic two-sided wildcard DP.
    reach = [[False] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reach[i][j]:
                continue
            ca = a[i] if i < n else None
            cb = b[j] if j < m else None
            if ca == "*":
                reach[i + 1][j] = True  # the star matches nothing more
                if cb is not None and cb != "*":
                    reach[i][j + 1] = True  # the star eats one character of b
            if cb == "*":
                reach[i][j + 1] = True
                if ca is not None and ca != "*":
                    reach[i + 1][j] = True
            if ca is not None and cb is not None and ca != "*" and cb != "*" and (ca == cb or "?" in (ca, cb)):
                reach[i + 1][j + 1] = True
    return reach[n][m]


@lru_cache(maxsize=65536)
def glob_covers(general: str, specific: str, *, ignore_case: bool = False) -> bool:
    """True when every string matched by ``specific`` is matched by ``general`` (sound, not complete).

    ``specific`` is read as text: its ``*`` must be absorbed by a ``*`` of ``general``, its ``?`` by a ``?``
    or ``*`` (so ``general``'s ``?`` matches any character but ``*``).
    """
    if not has_wildcard(general):
        return not has_wildcard(specific) and glob_match(general, specific, ignore_case=ignore_case)
    return glob_regex(general, ignore_case, "[^*]").fullmatch(specific) is not None
