"""I5011: an Allow statement conditions on a global tag key (``aws:ResourceTag/<k>``, ``aws:RequestTag/<k>``,
``aws:TagKeys``) that a service of its actions does not support: the key is absent from those requests, so
the Allow grants them nothing (with StringEquals).

Access Analyzer's "Allow with unsupported tag condition key for service" (SUGGESTION). Support comes from
the catalog, as for S3012. Statements with NotAction are not checked.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import unsupported_tag_key_message, unsupported_tag_keys
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for key, ptr, services in unsupported_tag_keys(ctx, "Allow"):
        advice = "grant them in a statement without it, or use the service's own condition keys"
        yield Hit(unsupported_tag_key_message(key, services, "Allow", advice), ptr)


RULE = Rule(
    "I5011",
    "allow-unsupported-tag-key",
    "An Allow's tag condition key should be supported by every service of its actions.",
    check,
    types=("identity", "resource", "scp"),
    aws_checks=("Allow with unsupported tag condition key for service",),
    needs=("Condition",),
)
