"""E1018: a condition's values mix JSON types (``["x", 1]``), or a Bool condition lists both true and false.

Source: Access Analyzer checks "Invalid condition data type" and "Invalid condition multiple Boolean".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import parse_operator
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            kinds = {type(v.raw).__name__ for v in c.values}
            if len(kinds) > 1:
                yield Hit(
                    f"the values of {c.key} mix JSON types ({', '.join(sorted(kinds))}): write them all as strings",
                    c.key_ptr,
                )
            elif parse_operator(c.operator).kind == "Bool" and len({v.text.lower() for v in c.values}) > 1:
                yield Hit(f"{c.operator} on {c.key} lists several Boolean values: keep one (true or false)", c.key_ptr)


RULE = Rule(
    "E1018",
    "condition-value-kinds",
    "A condition's values must share one JSON type; a Bool condition takes one value.",
    check,
    aws_checks=("Invalid condition data type", "Invalid condition multiple Boolean"),
    needs=("Condition",),
)
