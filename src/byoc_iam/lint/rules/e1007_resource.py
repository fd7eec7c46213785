"""E1007: Resource/NotResource required (identity, resource) or forbidden (trust); SCPs may leave it out."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import element_pair
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    return element_pair(
        ctx,
        "Resource",
        forbidden={"trust": "a trust policy cannot have {name} (the role is the resource)"},
        optional=("scp",),
    )


RULE = Rule(
    "E1007",
    "resource-element",
    "Resource/NotResource is required in identity and resource statements and forbidden in trust policies.",
    check,
    aws_checks=("Missing resource", "Role trust policy syntax error resource"),
)
