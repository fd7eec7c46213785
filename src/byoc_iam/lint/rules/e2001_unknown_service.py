"""E2001: an action names a service prefix AWS does not have (or is not ``service:action``)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import action_prefix, has_placeholder
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for st in ctx.good_statements():
        for a in st.actions:
            if a.value == "*" or not a.value or has_placeholder(a.value):
                continue
            parts = action_prefix(a.value)
            if parts is None:
                yield Hit(f"{a.value!r} is not an action: write service:Action, e.g. ec2:DescribeInstances", a.ptr)
                continue
            prefix = parts[0]
            if "*" in prefix or "?" in prefix:
                continue  # E2010
            if not cat.is_known_service(prefix):
                yield Hit(f"unknown service prefix {prefix!r} in {a.value}", a.ptr)


RULE = Rule(
    "E2001",
    "unknown-service",
    "Every action must name a known AWS service prefix.",
    check,
    aws_checks=("Invalid service", "Invalid service in action"),
)
