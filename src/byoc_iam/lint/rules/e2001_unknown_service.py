"""E2001: an action names a service prefix AWS does not have (or is not ``service:action``).

In an AWS managed policy (``origin="aws-managed"``) a prefix the catalog snapshot lacks is W2018 instead
(:func:`catalog_hits`): AWS stores the policy, so the snapshot is behind or the service was retired.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import named_actions
from byoc_iam.lint.rules import Hit, Rule


def _hits(ctx: DocContext, *, grammar: bool, catalog: bool) -> Iterator[Hit]:
    cat = ctx.catalog
    for a, prefix, _ in named_actions(ctx):
        if prefix is None:
            if grammar:
                yield Hit(f"{a.value!r} is not an action: write service:Action, e.g. ec2:DescribeInstances", a.ptr)
            continue
        if "*" in prefix or "?" in prefix:
            continue  # E2010
        if catalog and not cat.is_known_service(prefix):
            yield Hit(f"unknown service prefix {prefix!r} in {a.value}", a.ptr)


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """Actions whose service prefix the catalog snapshot does not know."""
    return _hits(ctx, grammar=False, catalog=True)


def check(ctx: DocContext) -> Iterator[Hit]:
    return _hits(ctx, grammar=True, catalog=ctx.options.origin == "customer")


RULE = Rule(
    "E2001",
    "unknown-service",
    "Every action must name a known AWS service prefix.",
    check,
    aws_checks=("Invalid service", "Invalid service in action"),
    needs=("Action", "NotAction"),
)
