"""E1017: one condition block names the same key twice with different case (IAM refuses the document).

Condition keys are case-insensitive, so ``aws:username`` and ``AWS:Username`` under one operator are the
same key twice. Source: Access Analyzer check "Duplicate keys with different case".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        seen: dict[tuple[str, str], str] = {}
        for c in st.conditions:
            first = seen.setdefault((c.operator, c.key.lower()), c.key)
            if first != c.key:
                yield Hit(
                    f"{c.key} and {first} are the same condition key (keys ignore case): merge their values under one",
                    c.key_ptr,
                )


RULE = Rule(
    "E1017",
    "condition-key-case",
    "A condition block must not repeat a key in another case.",
    check,
    aws_checks=("Duplicate keys with different case",),
    needs=("Condition",),
)
