"""I5005: ``ForAllValues:Null`` / ``ForAnyValue:Null`` (always true / always false)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import parse_operator
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            op = parse_operator(c.operator)
            if op.base == "Null" and op.set_qualifier is not None:
                yield Hit(f"{c.operator} always returns the same result: write Null", c.op_ptr)


RULE = Rule(
    "I5005",
    "null-with-qualifier",
    "The Null operator takes no ForAllValues:/ForAnyValue: qualifier.",
    check,
    aws_checks=("Null with qualifier",),
    needs=("Condition",),
)
