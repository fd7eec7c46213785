"""E1006: a statement needs exactly one of Action and NotAction."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import element_pair
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    return element_pair(ctx, "Action")


RULE = Rule(
    "E1006",
    "action-element",
    "Each statement needs exactly one of Action/NotAction.",
    check,
    aws_checks=(
        "Unsupported element combination",
        "Missing action",
    ),
)
