"""The operator protocol shared by every condition-operator family.

An operator is compiled once from its policy values. ``check(i, request_value, context)`` tests the
request value against policy value ``i`` and answers ``True`` (the base comparison holds), ``False`` (it
does not) or ``None`` (the comparison cannot be made: an unparseable value or an unresolvable policy
variable). A positive operator matches when any value checks ``True``; a negated operator
(``StringNotEquals``, ``NotIpAddress``, ...) matches only when every value checks ``False`` — an error
never satisfies a condition, whichever its polarity.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
from abc import ABC, abstractmethod
from typing import Any, NamedTuple

from byoc_iam.engine.variables import Context, Token, Unresolved, resolve_text, tokenize


class ValueResult(NamedTuple):
    """One policy value tested against one request value (explain mode)."""

    value: str
    matched: bool
    resolved: str | None = None
    error: str | None = None


class Operator(ABC):
    """Base class: subclasses implement :meth:`check` (and may override :meth:`matches` for speed)."""

    name = ""
    negated = False
    uses_variables = True  # whether ``${...}`` in policy values is resolved

    def __init__(self, values: tuple[str, ...]) -> None:
        self.values = values
        self.tokens: tuple[tuple[Token, ...], ...] = tuple(tokenize(v, wildcards=False) for v in values)

    @abstractmethod
    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        """Whether the base comparison holds for policy value ``index`` (``None``: cannot be compared)."""

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        """Why :meth:`check` answered ``None`` (explain mode)."""
        return "the values cannot be compared"

    def matches(self, request_value: str, context: Context) -> bool:
        if self.negated:
            for i in range(len(self.values)):  # noqa: SIM110 (hot path)
                if self.check(i, request_value, context) is not False:
                    return False
            return True
        for i in range(len(self.values)):  # noqa: SIM110
            if self.check(i, request_value, context) is True:
                return True
        return False

    def explain(self, request_value: str, context: Context) -> list[ValueResult]:
        """Per policy value: did it satisfy the operator (with the operator's polarity)?"""
        out: list[ValueResult] = []
        for i, value in enumerate(self.values):
            base = self.check(i, request_value, context)
            resolved: str | None = None
            if self.uses_variables and "${" in value:
                try:
                    resolved = resolve_text(self.tokens[i], context)
                except Unresolved:
                    resolved = None
            err = self.error(i, request_value, context) if base is None else None
            ok = base is not None and (base is not self.negated)
            out.append(ValueResult(value, ok, resolved if resolved != value else None, err))
        return out


def variant(name: str, base: type[Operator], *, negated: bool = False, **attrs: Any) -> type[Operator]:
    """A named operator of a family: ``base`` with its ``name``, polarity and any class attributes."""
    return type(name, (base,), {"name": name, "negated": negated, **attrs})
