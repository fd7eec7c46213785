"""S3012: a Deny statement conditions on a global tag key (``aws:ResourceTag/<k>``, ``aws:RequestTag/<k>``,
``aws:TagKeys``) that a service of its actions does not support: the key is absent from those requests, so
the Deny does not apply to them as intended (with StringEquals it never does).

Access Analyzer's "Deny with unsupported tag condition key for service" (SECURITY_WARNING). Support comes
from the catalog (an action or resource type of the service lists the key: the Service Authorization
Reference; the ABAC column of "AWS services that work with IAM"). Statements with NotAction are not checked.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import unsupported_tag_key_message, unsupported_tag_keys
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for key, ptr, services in unsupported_tag_keys(ctx, "Deny"):
        advice = "name them in a Deny without it, or use the service's own condition keys"
        yield Hit(unsupported_tag_key_message(key, services, "Deny", advice), ptr)


RULE = Rule(
    "S3012",
    "deny-unsupported-tag-key",
    "A Deny's tag condition key must be supported by every service of its actions.",
    check,
    types=("identity", "resource", "scp"),
    aws_checks=("Deny with unsupported tag condition key for service",),
    needs=("Condition",),
)
