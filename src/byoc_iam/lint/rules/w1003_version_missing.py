"""W1003: Version is missing or the legacy 2008-10-17, which turns off policy variables."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    if not isinstance(ctx.doc, dict):
        return
    if "Version" not in ctx.doc:
        yield Hit(
            'no Version: IAM reads the document as "2008-10-17", where ${...} policy variables are not replaced; '
            'add "Version": "2012-10-17"',
            ctx.base,
        )
    elif ctx.doc["Version"] == "2008-10-17":
        yield Hit('Version "2008-10-17" does not replace ${...} policy variables; use "2012-10-17"', ctx.ptr("Version"))


RULE = Rule(
    "W1003",
    "version-missing",
    'Version is missing or the legacy "2008-10-17".',
    check,
    aws_checks=("Missing version",),
)
