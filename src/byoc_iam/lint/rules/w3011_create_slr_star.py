"""W3011: ``iam:CreateServiceLinkedRole`` on every resource can create service-linked roles for any service."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import broad_grant
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        how = broad_grant(st, "iam:CreateServiceLinkedRole")
        if how is not None and "iam:awsservicename" not in st.condition_keys():
            ptr = f"{st.ptr}/{'Action' if st.action is not None else 'NotAction'}"
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
    aws_checks=tuple(
        f"Create SLR with {how}"
        for how in (
            "NotResource",
            "star in action and NotResource",
            "NotAction and NotResource",
            "star in resource",
            "star in action and resource",
            "star in resource and NotAction",
        )
    ),
)
