"""S3004: ``iam:PassRole`` on every role lets the holder hand any role to a service."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_match


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if st.effect != "Allow" or st.action is None:
            continue
        grants = [a for a in st.action if glob_match(a.value, "iam:PassRole", ignore_case=True)]
        if not grants:
            continue
        if st.not_resource is not None or any(r.value == "*" for r in st.resource or []):
            scoped = (
                " (iam:PassedToService narrows it, but any role can still be passed)"
                if any(c.key.lower() == "iam:passedtoservice" for c in st.conditions)
                else ""
            )
            yield Hit(f"{grants[0].value} grants iam:PassRole on every role{scoped}; name the roles", grants[0].ptr)


RULE = Rule(
    "S3004",
    "passrole-star",
    Severity.SECURITY_WARNING,
    'iam:PassRole must not be allowed on Resource "*".',
    check,
    types=("identity", "resource"),
)
