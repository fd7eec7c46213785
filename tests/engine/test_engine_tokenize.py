"""Policy strings are tokenised by slices (:func:`tokenize`), not a character at a time; both must agree."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from byoc_iam.engine.variables import LIT, QMARK, STAR, Token, tokenize, tokenize_chars

PIECES = [*"ab:/*?${}',-", "${aws:username}", "${*}", "${x, 'd'}"]
VALUES = st.lists(st.sampled_from(PIECES), max_size=12).map("".join)


@settings(max_examples=500)
@given(VALUES, st.booleans())
def test_tokenize_agrees_with_the_character_loop(value: str, wildcards: bool) -> None:
    assert tokenize(value, wildcards=wildcards) == tokenize_chars(value, wildcards=wildcards)


def test_tokenize_examples() -> None:
    assert tokenize("", wildcards=True) == ()
    assert tokenize("arn:aws:s3:::b/*", wildcards=True) == (Token(LIT, "arn:aws:s3:::b/"), Token(STAR))
    assert tokenize("a?*b", wildcards=True) == (Token(LIT, "a"), Token(QMARK), Token(STAR), Token(LIT, "b"))
    assert tokenize("a?*b", wildcards=False) == (Token(LIT, "a?*b"),)
