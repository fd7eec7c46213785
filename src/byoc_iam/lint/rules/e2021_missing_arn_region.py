"""E2021: a resource ARN has an empty Region for a service whose ARNs always carry one
(``arn:aws:logs::123456789012:log-group:x``).

Access Analyzer's "Missing ARN Region" (ERROR): an empty segment matches only an empty Region, so the ARN
can never match a resource of the service. The catalog decides: every resource type of every service whose
ARNs use this service segment has a Region (:meth:`ServiceCatalog.arn_segment_always`). Write the Region, or
``*`` for any.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import resource_arns
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for r, parts in resource_arns(ctx):
        service, region = parts[2], parts[3]
        if not region and cat.arn_segment_always(service, "region", present=True):
            fixed = ":".join([*parts[:3], "*", *parts[4:]])
            yield Hit(f"{r.value}: {service} ARNs always name a Region: write it, or {fixed} for any", r.ptr)


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """ARNs whose Region/account the catalog snapshot's ARN formats rule out (W2018 in AWS managed policies)."""
    return check(ctx)


RULE = Rule(
    "E2021",
    "missing-arn-region",
    "A resource ARN names a Region where the service's ARNs always have one.",
    check,
    types=("identity", "resource", "scp"),
    aws_checks=("Missing ARN Region",),
    origins=("customer",),  # in an AWS managed policy the snapshot is behind: W2018
    needs=("Resource", "NotResource"),
)
