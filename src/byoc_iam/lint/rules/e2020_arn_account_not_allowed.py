"""E2020: a resource ARN names an account for a service whose ARNs never carry one (``arn:aws:s3::123...``
is not it: S3 buckets are global, but S3 access points take one; ``arn:aws:health:*:123456789012:event/*``).

Access Analyzer's "ARN account not allowed" (ERROR): the ARN can never match a resource of the service. The
catalog decides: no resource type of any service whose ARNs use this service segment has an account
(:meth:`ServiceCatalog.arn_segment_always`). Wildcards and policy variables in the account are left alone.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import literal_segment, resource_arns
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for r, parts in resource_arns(ctx):
        service, account = parts[2], parts[4]
        if literal_segment(account) and cat.arn_segment_always(service, "account", present=False):
            fixed = ":".join([*parts[:4], "", parts[5]])
            yield Hit(f"{r.value}: {service} ARNs take no account ID: write {fixed}", r.ptr)


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """ARNs whose Region/account the catalog snapshot's ARN formats rule out (W2018 in AWS managed policies)."""
    return check(ctx)


RULE = Rule(
    "E2020",
    "arn-account-not-allowed",
    "A resource ARN names no account where the service's ARNs have none.",
    check,
    types=("identity", "resource", "scp"),
    aws_checks=("ARN account not allowed",),
    origins=("customer",),  # in an AWS managed policy the snapshot is behind: W2018
    needs=("Resource", "NotResource"),
)
