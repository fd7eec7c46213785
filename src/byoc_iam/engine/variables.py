"""Policy variables (``${aws:username}``, ``${aws:PrincipalTag/team, 'none'}``, ``${*}``, ``${?}``, ``${$}``).

A policy string is tokenised once at compile time into literals, wildcards and variables; resolving it for
a request substitutes each variable with its (single) context value, which is always taken literally
(a ``*`` in a tag value is not a wildcard). A variable whose key is missing (and has no default) or is
multi-valued cannot be resolved: the string then matches nothing, as AWS documents.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import re
from collections.abc import Mapping
from typing import NamedTuple

ContextValue = str | tuple[str, ...]
Context = Mapping[str, ContextValue]

# token kinds
LIT, STAR, QMARK, VAR = 0, 1, 2, 3
_SPECIAL = {"${*}": "*", "${?}": "?", "${$}": "$"}


class Token(NamedTuple):
    """One token of a policy string (a NamedTuple: no dataclass on the start-up path, issue 18)."""

    kind: int
    text: str = ""  # literal text, or the variable name (lower case) for VAR
    default: str | None = None
    source: str = ""  # the variable as written


_WILDCARD = re.compile(r"[*?]")


def tokenize(value: str, *, wildcards: bool) -> tuple[Token, ...]:
    """Split ``value`` into literal, wildcard (when ``wildcards``) and variable tokens."""
    if "$" in value:
        return tokenize_chars(value, wildcards=wildcards)
    if not wildcards or ("*" not in value and "?" not in value):  # one literal (the common case)
        return (Token(LIT, value),) if value else ()
    out: list[Token] = []
    start = 0
    for m in _WILDCARD.finditer(value):
        if m.start() > start:
            out.append(Token(LIT, value[start : m.start()]))
        out.append(Token(STAR if m.group() == "*" else QMARK))
        start = m.end()
    if start < len(value):
        out.append(Token(LIT, value[start:]))
    return tuple(out)


def tokenize_chars(value: str, *, wildcards: bool) -> tuple[Token, ...]:
    """:func:`tokenize` a character at a time (any value; :func:`tokenize` takes it for one with a ``$``)."""
    out: list[Token] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            out.append(Token(LIT, "".join(buf)))
            buf.clear()

    i, n = 0, len(value)
    while i < n:
        ch = value[i]
        if wildcards and ch in "*?":
            flush()
            out.append(Token(STAR if ch == "*" else QMARK))
            i += 1
        elif ch == "$" and i + 1 < n and value[i + 1] == "{":
            end = value.find("}", i + 2)
            if end == -1:
                buf.append(ch)
                i += 1
                continue
            whole = value[i : end + 1]
            if whole in _SPECIAL:
                buf.append(_SPECIAL[whole])
            else:
                inner = value[i + 2 : end]
                name, default = inner, None
                if "," in inner:
                    head, _, tail = inner.partition(",")
                    tail = tail.strip()
                    if len(tail) >= 2 and tail[0] == "'" and tail[-1] == "'":
                        name, default = head, tail[1:-1]
                flush()
                out.append(Token(VAR, name.strip().lower(), default, whole))
            i = end + 1
        else:
            buf.append(ch)
            i += 1
    flush()
    return tuple(out)


def literal_variables(value: str) -> str:
    """``value`` with every ``${`` escaped so that :func:`tokenize` reads it as text (``${$}`` is ``$``):
    documents without ``"Version": "2012-10-17"`` have no policy variables
    (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html)."""
    return value.replace("${", "${$}{")


def has_variables(tokens: tuple[Token, ...]) -> bool:
    return any(t.kind == VAR for t in tokens)


class Unresolved(Exception):
    """A variable could not be resolved (missing without default, or multi-valued)."""

    def __init__(self, variable: str, reason: str) -> None:
        super().__init__(f"{variable}: {reason}")
        self.variable = variable
        self.reason = reason


def lookup(token: Token, context: Context) -> str:
    """The value of a VAR token, or raise :class:`Unresolved`."""
    value = context.get(token.text)
    if isinstance(value, str):
        return value
    if value is None:
        if token.default is not None:
            return token.default
        raise Unresolved(token.source, "not in the request context and no default")
    if token.default is not None and len(value) == 0:
        return token.default
    raise Unresolved(token.source, "multi-valued key cannot be used as a variable")


def resolve_text(tokens: tuple[Token, ...], context: Context) -> str:
    """The string with variables substituted and wildcards kept as written."""
    parts: list[str] = []
    for t in tokens:
        if t.kind == LIT:
            parts.append(t.text)
        elif t.kind == STAR:
            parts.append("*")
        elif t.kind == QMARK:
            parts.append("?")
        else:
            parts.append(lookup(t, context))
    return "".join(parts)


def to_regex(tokens: tuple[Token, ...], context: Context | None, *, star: str = ".*", qmark: str = ".") -> str:
    """A regex source for the tokens (variables resolved from ``context``, taken literally)."""
    parts: list[str] = []
    for t in tokens:
        if t.kind == LIT:
            parts.append(re.escape(t.text))
        elif t.kind == STAR:
            parts.append(star)
        elif t.kind == QMARK:
            parts.append(qmark)
        else:
            if context is None:
                raise Unresolved(t.source, "no context")
            parts.append(re.escape(lookup(t, context)))
    return "".join(parts)


_REGEX_CACHE: dict[tuple[str, int], re.Pattern[str]] = {}


def compile_regex(source: str, flags: int = 0) -> re.Pattern[str]:
    """A compiled, anchored regex, cached (bounded)."""
    key = (source, flags)
    rx = _REGEX_CACHE.get(key)
    if rx is None:
        if len(_REGEX_CACHE) > 20000:
            _REGEX_CACHE.clear()
        rx = re.compile(source, flags | re.DOTALL)
        _REGEX_CACHE[key] = rx
    return rx
