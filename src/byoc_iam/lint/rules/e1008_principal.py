"""E1008: Principal/NotPrincipal required (trust, resource) or forbidden (identity, SCP)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import element_pair
from byoc_iam.lint.rules import Hit, Rule

_WHY = "policy cannot have {name} (the principal is whoever the policy is attached to)"


def check(ctx: DocContext) -> Iterator[Hit]:
    return element_pair(ctx, "Principal", forbidden={"identity": f"an identity {_WHY}", "scp": f"an SCP {_WHY}"})


RULE = Rule(
    "E1008",
    "principal-element",
    "Principal/NotPrincipal is required in trust and resource statements and forbidden in identity and SCPs.",
    check,
    aws_checks=("Missing principal", "Unsupported principal", "SCP syntax error principal"),
)
