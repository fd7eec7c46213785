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
    return _intersect_rows(a, b)


def _intersect_rows(a: str, b: str) -> bool:
    """The two-sided wildcard DP (``reach[i][j]``: ``a[:i]`` and ``b[:j]`` can be consumed together), one row
    of ``b`` positions per bit of an int: ``O(len(a))`` integer operations instead of ``O(len(a) * len(b))``
    Python steps. Within row ``i`` a position ``j`` reaches ``j + 1`` where ``b[j]`` is ``*`` (and everywhere
    when ``a[i]`` is ``*``), filled by one carry-propagating addition; row ``i + 1`` takes the positions where
    ``b``'s star eats ``a[i]`` and, shifted by one, where ``a[i]`` and ``b[j]`` match as characters."""
    m = len(b)
    every = (1 << m) - 1
    star = 0
    matches: dict[str, int] = {}  # a character -> positions j where b[j] matches it ('?' in either side)
    question = 0
    for j, ch in enumerate(b):
        if ch == "*":
            star |= 1 << j
        elif ch == "?":
            question |= 1 << j
        else:
            matches[ch] = matches.get(ch, 0) | 1 << j
    literal = every & ~star  # positions of b holding a character (not a star)
    row = 1
    for ca in a:
        step = every if ca == "*" else star
        row = (((step + (row & step)) ^ step) | row) & (every << 1 | 1)
        if ca == "*":
            continue
        fits = literal if ca == "?" else matches.get(ca, 0) | question
        row = (row & star) | ((row & fits) << 1)
        if not row:
            return False
    row = ((star + (row & star)) ^ star) | row
    return bool(row >> m & 1)


@lru_cache(maxsize=65536)
def glob_covers(general: str, specific: str, *, ignore_case: bool = False) -> bool:
    """True when every string matched by ``specific`` is matched by ``general`` (sound, not complete).

    ``specific`` is read as text: its ``*`` must be absorbed by a ``*`` of ``general``, its ``?`` by a ``?``
    or ``*`` (so ``general``'s ``?`` matches any character but ``*``).
    """
    if not has_wildcard(general):
        return not has_wildcard(specific) and glob_match(general, specific, ignore_case=ignore_case)
    return glob_regex(general, ignore_case, "[^*]").fullmatch(specific) is not None
