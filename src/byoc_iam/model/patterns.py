"""Regular expressions compiled on first use (issue 18, start-up).

A module-level ``re.compile`` runs when the module is imported, whether or not the command uses the pattern:
a few hundred thousand instructions each, and lint's rules, the ARN helpers and the request checks declare dozens
that a single ``simulate`` or ``lint FILE`` of a plain policy never runs. ``lazy(pattern, flags)`` is a
stand-in with the methods of a compiled pattern: the first call compiles it and puts the compiled pattern's own
bound methods on the instance, so every later call goes straight to them (no extra cost after the first).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from typing import Any

_METHODS = ("match", "fullmatch", "search", "finditer", "findall", "sub", "split")


class LazyPattern:
    """``re.compile(pattern, flags)``, made by the first call of one of its methods."""

    def __init__(self, pattern: str, flags: int = 0) -> None:
        self.pattern = pattern
        self.flags = flags

    def compiled(self) -> re.Pattern[str]:
        """The compiled pattern (compiled now if it was not)."""
        rx: re.Pattern[str] | None = self.__dict__.get("_rx")
        if rx is None:
            rx = re.compile(self.pattern, self.flags)
            self.__dict__.update({"_rx": rx, **{name: getattr(rx, name) for name in _METHODS}})
        return rx

    def _call(self, name: str) -> Callable[..., Any]:
        method: Callable[..., Any] = getattr(self.compiled(), name)
        return method

    def match(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        found: re.Match[str] | None = self._call("match")(string, pos, endpos)
        return found

    def fullmatch(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        found: re.Match[str] | None = self._call("fullmatch")(string, pos, endpos)
        return found

    def search(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        found: re.Match[str] | None = self._call("search")(string, pos, endpos)
        return found

    def finditer(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> Iterator[re.Match[str]]:
        found: Iterator[re.Match[str]] = self._call("finditer")(string, pos, endpos)
        return found

    def findall(self, string: str, pos: int = 0, endpos: int = sys.maxsize) -> list[Any]:
        found: list[Any] = self._call("findall")(string, pos, endpos)
        return found

    def sub(self, repl: str | Callable[[re.Match[str]], str], string: str, count: int = 0) -> str:
        out: str = self._call("sub")(repl, string, count)
        return out

    def split(self, string: str, maxsplit: int = 0) -> list[str | Any]:
        out: list[str | Any] = self._call("split")(string, maxsplit)
        return out

    def __repr__(self) -> str:
        return f"lazy({self.pattern!r}, {self.flags!r})"


def lazy(pattern: str, flags: int = 0) -> LazyPattern:
    """A pattern compiled when first used; use it as the ``re.Pattern`` it stands for."""
    return LazyPattern(pattern, flags)
