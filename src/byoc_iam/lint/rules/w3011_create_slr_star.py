"""W3011: ``iam:CreateServiceLinkedRole`` on every resource can create service-linked roles for any service."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import action_ptr, broad_grant, broad_grant_checks
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        how = broad_grant(st, "iam:CreateServiceLinkedRole")
        if how is not None and "iam:awsservicename" not in st.condition_keys():
            ptr = action_ptr(st)
            yield Hit(
                f"iam:CreateServiceLinkedRole is allowed with {how}: name the service-linked role ARNs "
                "(arn:aws:iam::*:role/aws-service-role/<service>.amazonaws.com/*) or add iam:AWSServiceName",
                ptr,
            )


RULE = Rule(
    "W3011",
    "create-slr-star",
    "iam:CreateServiceLinkedRole should be allowed on named service-linked role ARNs.",
    check,
    types=("identity",),
    aws_checks=broad_grant_checks("Create SLR"),
    needs=("Action", "NotAction"),
)
