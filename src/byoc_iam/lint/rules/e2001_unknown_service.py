"""E2001: an action names a service prefix AWS does not have (or is not ``service:action``)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.helpers import action_prefix, has_placeholder
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_match


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
                if not any(glob_match(prefix, s, ignore_case=True) for s in cat.services()):
                    yield Hit(f"no AWS service prefix matches {prefix!r} (in {a.value})", a.ptr)
            elif not cat.is_known_service(prefix):
                yield Hit(f"unknown service prefix {prefix!r} in {a.value}", a.ptr)


RULE = Rule("E2001", "unknown-service", Severity.ERROR, "Every action must name a known AWS service prefix.", check)
