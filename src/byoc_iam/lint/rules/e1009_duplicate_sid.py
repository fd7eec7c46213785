"""E1009: two statements share a Sid."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    first: dict[str, int] = {}
    for st in ctx.good_statements():
        sid = st.sid
        if not sid:
            continue
        if sid in first:
            yield Hit(f"Sid {sid!r} is also the Sid of statement {first[sid]}; Sids must be unique", f"{st.ptr}/Sid")
        else:
            first[sid] = st.index


RULE = Rule(
    "E1009",
    "duplicate-sid",
    "Sids must be unique within a document.",
    check,
    aws_checks=("Unique Sids required",),
    needs=("Sid",),
)
