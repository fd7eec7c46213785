"""I5007: an empty ``Sid`` (leave it out, or name the statement)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if st.sid == "":
            yield Hit('the Sid is empty: remove it or name the statement (e.g. "AllowReadBucket")', f"{st.ptr}/Sid")


RULE = Rule(
    "I5007",
    "empty-sid",
    "A Sid, when present, names the statement.",
    check,
    aws_checks=("Empty Sid value",),
    needs=("Sid",),
)
