"""E2019: a resource ARN names a Region for a service whose ARNs never carry one (``arn:aws:iam:us-east-1:...``).

Access Analyzer's "ARN Region not allowed" (ERROR): the ARN can never match a resource of the service. The
catalog decides: no resource type of any service whose ARNs use this service segment has a Region
(``iam``, ``sts``, ``budgets``, ``cloudfront``...; :meth:`ServiceCatalog.arn_segment_always`). Wildcards and
policy variables in the Region are left alone.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import literal_segment, resource_arns
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for r, parts in resource_arns(ctx):
        service, region = parts[2], parts[3]
        if literal_segment(region) and cat.arn_segment_always(service, "region", present=False):
            fixed = ":".join([*parts[:3], "", *parts[4:]])
            yield Hit(f"{r.value}: {service} ARNs take no Region: write {fixed}", r.ptr)


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """ARNs whose Region/account the catalog snapshot's ARN formats rule out (W2018 in AWS managed policies)."""
    return check(ctx)


RULE = Rule(
    "E2019",
    "arn-region-not-allowed",
    "A resource ARN names no Region where the service's ARNs have none.",
    check,
    types=("identity", "resource", "scp"),
    aws_checks=("ARN Region not allowed",),
    origins=("customer",),  # in an AWS managed policy the snapshot is behind: W2018
    needs=("Resource", "NotResource"),
)
