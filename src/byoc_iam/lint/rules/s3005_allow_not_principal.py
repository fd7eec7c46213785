"""S3005: Allow with NotPrincipal allows everyone except the listed principals."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if st.effect == "Allow" and st.has("NotPrincipal"):
            yield Hit(
                "Allow with NotPrincipal allows every principal not listed (anonymous ones too)",
                f"{st.ptr}/NotPrincipal",
            )


RULE = Rule(
    "S3005",
    "allow-not-principal",
    "Allow statements must not use NotPrincipal.",
    check,
    types=("resource",),  # in a trust policy NotPrincipal is E1015
    aws_checks=("Allow with NotPrincipal",),
    needs=("NotPrincipal",),
)
