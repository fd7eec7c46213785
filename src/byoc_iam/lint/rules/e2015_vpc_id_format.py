"""E2015: an ``aws:SourceVpc``/``aws:SourceVpce`` value that is not a VPC (endpoint) ID.

IDs are ``vpc-`` / ``vpce-`` followed by 8 or 17 hexadecimal characters (wildcards allowed with a Like
operator). Source: Access Analyzer checks "Invalid vpc format" and "Invalid vpce format".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import has_placeholder, has_variable
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.patterns import lazy

_FORMATS = {
    "aws:sourcevpc": ("vpc-", lazy(r"^vpc-([0-9a-f]{8}|[0-9a-f]{17})$")),
    "aws:sourcevpce": ("vpce-", lazy(r"^vpce-([0-9a-f]{8}|[0-9a-f]{17})$")),
}


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            fmt = _FORMATS.get(c.key.lower())
            if fmt is None or c.operator.startswith("Null"):
                continue
            prefix, pattern = fmt
            for v in c.values:
                text = v.text
                if "*" in text or "?" in text or has_variable(text) or has_placeholder(text):
                    continue
                if not pattern.match(text):
                    yield Hit(
                        f"{text!r} is not a {c.key} value: write {prefix} followed by 8 or 17 hex characters",
                        v.ptr,
                    )


RULE = Rule(
    "E2015",
    "vpc-id-format",
    "aws:SourceVpc/aws:SourceVpce values must be vpc-/vpce- IDs.",
    check,
    aws_checks=("Invalid vpc format", "Invalid vpce format"),
    needs=("Condition",),
)
