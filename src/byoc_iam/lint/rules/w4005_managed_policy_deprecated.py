"""W4005: an attached AWS managed policy is deprecated."""

from collections.abc import Iterator

from byoc_iam.lint.context import RoleContext
from byoc_iam.lint.managed import managed_arns
from byoc_iam.lint.rules import Hit, Rule


def check_role(rctx: RoleContext) -> Iterator[Hit]:
    from byoc_iam.managed import get_catalog

    catalog = get_catalog()
    for arn, ptr in managed_arns(rctx):
        entry = catalog.by_arn(arn)
        if entry is not None and entry.deprecated:
            yield Hit(f"{entry.name} is deprecated" + (f": {entry.deprecation}" if entry.deprecation else ""), ptr)


RULE = Rule(
    "W4005",
    "managed-policy-deprecated",
    "Attached AWS managed policies should not be deprecated.",
    check_role=check_role,
)
