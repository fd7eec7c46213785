"""S3006: Allow with NotAction allows every action not listed, including future ones."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if st.effect == "Allow" and st.has("NotAction"):
            yield Hit(
                "Allow with NotAction allows every action not listed, in every service, including new ones",
                f"{st.ptr}/NotAction",
            )


RULE = Rule(
    "S3006",
    "allow-not-action",
    "Allow statements must not use NotAction.",
    check,
    needs=("NotAction",),
)
