"""Bool: ``true``/``false`` compared case-insensitively; policy variables are resolved."""

from __future__ import annotations

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.variables import Context, Unresolved, resolve_text

_BOOLS = ("true", "false")


class Bool(Operator):
    name = "Bool"

    def _policy(self, index: int, context: Context) -> str | None:
        try:
            value = resolve_text(self.tokens[index], context).lower()
        except Unresolved:
            return None
        return value if value in _BOOLS else None

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        policy = self._policy(index, context)
        req = request_value.lower()
        if policy is None or req not in _BOOLS:
            return None
        return policy == req

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        if self._policy(index, context) is None:
            return f"policy value {self.values[index]!r} is not a boolean (or its variable is unresolved)"
        return f"request value {request_value!r} is not a boolean"


OPERATORS: tuple[type[Operator], ...] = (Bool,)
