"""E1002: Version is not one of IAM's two policy language versions."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule

VERSIONS = ("2012-10-17", "2008-10-17")


def check(ctx: DocContext) -> Iterator[Hit]:
    if not isinstance(ctx.doc, dict) or "Version" not in ctx.doc:
        return
    version = ctx.doc["Version"]
    if version not in VERSIONS:
        yield Hit(f'Version must be "2012-10-17" (or the legacy "2008-10-17"), not {version!r}', ctx.ptr("Version"))


RULE = Rule(
    "E1002",
    "invalid-version",
    'Version must be "2012-10-17".',
    check,
    aws_checks=("Invalid version",),
)
