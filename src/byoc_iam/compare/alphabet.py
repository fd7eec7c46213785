"""Strings as z3 sees them: the alphabet, and IAM's globs (``*``/``?``) and literals as z3 regular expressions.

Request strings are drawn from printable ASCII without spaces plus every character the compared policies
use (both cases). That loses no request: a glob or an equality can only tell characters apart that it
names, and printable ASCII always leaves characters no policy names, so any request can be renamed character
by character into this alphabet with every match result kept (IgnoreCase folds pairs that are both kept).
"""

from __future__ import annotations

from collections.abc import Iterable

import z3

RE_SORT = z3.ReSort(z3.StringSort())


class Alphabet:
    """The characters request strings are made of, and regex building blocks over them."""

    def __init__(self, texts: Iterable[str]) -> None:
        extra: set[str] = set()
        for text in texts:
            for ch in text:
                for c in {ch, ch.lower(), ch.upper()}:
                    if len(c) == 1 and not ("!" <= c <= "~"):
                        extra.add(c)
        self.extra = tuple(sorted(extra))
        parts = [z3.Range("!", "9"), z3.Range(";", "~"), *(z3.Re(z3.StringVal(c)) for c in self.extra if c != ":")]
        self.no_colon = z3.Union(*parts) if len(parts) > 1 else parts[0]
        self.char = z3.Union(self.no_colon, z3.Re(":"))
        self.any = z3.Star(self.char)
        self.no_colon_any = z3.Star(self.no_colon)
        self.digit = z3.Range("0", "9")
        # without "*": a request resource (the engine reads a "*" in it as a pattern)
        ns = [
            z3.Range("!", ")"),
            z3.Range("+", "9"),
            z3.Range(";", "~"),
            *(z3.Re(z3.StringVal(c)) for c in self.extra if c not in ":*"),
        ]
        self.no_colon_star = z3.Union(*ns)
        self.no_star_any = z3.Star(z3.Union(self.no_colon_star, z3.Re(":")))

    def lit(self, text: str, ignore_case: bool = False) -> z3.ReRef:
        """The regex of one literal (``ignore_case``: either case of each letter, as ``str.lower`` compares)."""
        if not ignore_case:
            return z3.Re(z3.StringVal(text))
        pieces: list[z3.ReRef] = []
        for ch in text:
            forms = sorted({ch, ch.lower(), ch.upper()} - {""})
            forms = [f for f in forms if len(f) == 1]
            pieces.append(
                z3.Union(*(z3.Re(z3.StringVal(f)) for f in forms)) if len(forms) > 1 else z3.Re(z3.StringVal(ch))
            )
        return _concat(pieces)

    def member(self, s: z3.SeqRef) -> z3.BoolRef:
        """``s`` is made of the alphabet's characters."""
        return z3.InRe(s, self.any)


def _concat(pieces: list[z3.ReRef]) -> z3.ReRef:
    if not pieces:
        return z3.Re(z3.StringVal(""))
    return pieces[0] if len(pieces) == 1 else z3.Concat(*pieces)


def concat(pieces: list[z3.ReRef]) -> z3.ReRef:
    """The concatenation of regexes (the empty string for none)."""
    return _concat(pieces)
