"""E1004: the document is not an object with a Statement of objects."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    if not isinstance(ctx.doc, dict):
        yield Hit(f"a policy document must be a JSON object, not {type(ctx.doc).__name__}", ctx.base)
        return
    if "Statement" not in ctx.doc:
        yield Hit("the document has no Statement element", ctx.base)
        return
    body = ctx.doc["Statement"]
    if not isinstance(body, list | dict):
        yield Hit("Statement must be an object or a list of objects", ctx.ptr("Statement"))
        return
    for st in ctx.statements:
        if not st.ok:
            yield Hit(f"a statement must be a JSON object, not {type(st.raw).__name__}", st.ptr)


RULE = Rule(
    "E1004",
    "invalid-statement",
    "The document must be an object with a Statement.",
    check,
    aws_checks=("Missing statement",),
)
