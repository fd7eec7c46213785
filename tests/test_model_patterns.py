"""``model/patterns.lazy``: a pattern compiled on first use answers as ``re.compile`` of the same pattern."""

from __future__ import annotations

import re

from hypothesis import given
from hypothesis import strategies as st

from byoc_iam.model.patterns import LazyPattern, lazy

PATTERNS = [(r"^[a-z0-9*?][a-z0-9*?-]*\Z", 0), (r"\$\{([^}]*)\}", 0), (r"(?P<a>ab)|c", re.IGNORECASE)]


def test_nothing_is_compiled_until_first_use_and_then_once() -> None:
    rx = lazy(r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")
    assert "_rx" not in rx.__dict__
    assert rx.match("vpc-0123abcd") is not None and rx.match("vpc-xyz") is None
    first = rx.compiled()
    assert rx.compiled() is first and first.pattern == rx.pattern
    assert rx.__dict__["match"] == first.match  # later calls go straight to the compiled pattern


def _answers(rx: re.Pattern[str] | LazyPattern, text: str) -> list[object]:
    """What each method answers (matches by span), each computed by its own call."""
    m = rx.match(text)
    return [
        m and m.span(),
        bool(rx.fullmatch(text)),
        bool(rx.search(text, 1)),
        [x.span() for x in rx.finditer(text)],
        rx.findall(text),
        rx.sub("*", text),
        rx.split(text),
    ]


METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "split")


@given(text=st.text(alphabet="abcABC${}-*?z09 \n", max_size=20))
def test_every_method_answers_as_the_compiled_pattern(text: str) -> None:
    for pattern, flags in PATTERNS:
        want = _answers(re.compile(pattern, flags), text)
        assert _answers(LazyPattern(pattern, flags), text) == want
        for first in METHODS:  # whichever method is called first compiles it
            rx = LazyPattern(pattern, flags)
            getattr(rx, first)(*(("*", text) if first == "sub" else (text,)))
            assert _answers(rx, text) == want
