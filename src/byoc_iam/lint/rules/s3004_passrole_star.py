"""S3004: ``iam:PassRole`` on every role lets the holder hand any role to a service."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import action_ptr, broad_grant, broad_grant_checks
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        how = broad_grant(st, "iam:PassRole")
        if how is None:
            continue
        scoped = (
            " (iam:PassedToService narrows it, but any role can still be passed)"
            if any(c.key.lower() == "iam:passedtoservice" for c in st.conditions)
            else ""
        )
        ptr = action_ptr(st)
        yield Hit(f"iam:PassRole is allowed with {how}: it can pass every role{scoped}; name the role ARNs", ptr)


RULE = Rule(
    "S3004",
    "passrole-star",
    'iam:PassRole must be allowed on named role ARNs, not on "*" or through NotAction/NotResource.',
    check,
    types=("identity", "resource"),
    aws_checks=broad_grant_checks("Pass role"),
    needs=("Action", "NotAction"),
)
