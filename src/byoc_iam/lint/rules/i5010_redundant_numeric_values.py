"""I5010: several values under a Numeric less-/greater-than operator: only the loosest one counts.

Values of one key are ORed, so ``NumericLessThan: {k: [10, 20]}`` is ``k < 20``. Source: Access Analyzer
check "Redundant condition value num".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import parse_operator
from byoc_iam.lint.rules import Hit, Rule


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            base = parse_operator(c.operator).base or ""
            if not base.startswith(("NumericLessThan", "NumericGreaterThan")) or len(c.values) < 2:
                continue
            nums = [n for n in (_number(v.text) for v in c.values) if n is not None]
            if len(nums) != len(c.values):
                continue
            loosest = max(nums) if "Less" in base else min(nums)
            shown = int(loosest) if loosest.is_integer() else loosest
            yield Hit(f"the values of {c.key} are ORed, so only {shown} counts: write that single value", c.key_ptr)


RULE = Rule(
    "I5010",
    "redundant-numeric-values",
    "A Numeric less-/greater-than condition needs one value.",
    check,
    aws_checks=("Redundant condition value num",),
    needs=("Condition",),
)
