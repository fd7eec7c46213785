"""BinaryEquals: the base64 text of the policy value equals the request value."""

from __future__ import annotations

from byoc_iam.engine.conditions.base import Operator
from byoc_iam.engine.variables import Context


class BinaryEquals(Operator):
    name = "BinaryEquals"
    uses_variables = False

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        return self.values[index] == request_value


OPERATORS: tuple[type[Operator], ...] = (BinaryEquals,)
