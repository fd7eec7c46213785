"""E1015: a role trust policy cannot use NotPrincipal (IAM refuses the document: MalformedPolicyDocument)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if st.has("NotPrincipal"):
            yield Hit(
                "a role trust policy cannot use NotPrincipal (IAM refuses it; with Allow it would let every "
                "principal not listed assume the role): name who may assume the role in Principal",
                f"{st.ptr}/NotPrincipal",
            )


RULE = Rule(
    "E1015",
    "trust-not-principal",
    "A role trust policy must name its principals in Principal, never NotPrincipal.",
    check,
    types=("trust",),
    aws_checks=("Role trust policy syntax error notprincipal",),
    needs=("NotPrincipal",),
)
