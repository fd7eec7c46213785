"""I5009: an empty ``Condition`` object (it has no effect). Source: Access Analyzer check "Empty object condition"."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if isinstance(st.raw, dict) and st.raw.get("Condition") == {}:
            yield Hit(
                "the Condition block is empty and has no effect: remove it or add conditions", f"{st.ptr}/Condition"
            )


RULE = Rule(
    "I5009",
    "empty-condition",
    "An empty Condition block has no effect.",
    check,
    aws_checks=("Empty object condition",),
    needs=("Condition",),
)
