"""E4003: an AWS managed policy ARN that does not exist (unknown name, or the right name at a wrong path)."""

from collections.abc import Iterator

from byoc_iam.lint.context import RoleContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.managed import aws_managed_names, managed_arns, parse_aws_managed
from byoc_iam.lint.rules import Hit, Rule


def check_role(rctx: RoleContext) -> Iterator[Hit]:
    from byoc_iam.managed import get_catalog

    catalog = get_catalog()
    names = aws_managed_names()
    for arn, ptr in managed_arns(rctx):
        parsed = parse_aws_managed(arn)
        if parsed is None:
            continue  # a customer-managed policy: nothing to check offline
        partition, path, name = parsed
        if catalog.by_arn(arn) is not None:
            continue
        known = catalog.by_name(name)
        if known is not None:
            yield Hit(f"{arn} does not exist: {known.name} is {known.arn(partition)}", ptr)
        elif names is not None:
            entry = names.get(name.lower())
            if entry is None:
                hint = catalog.suggest(name)
                yield Hit(
                    f"{arn}: AWS has no managed policy {name!r}" + (f"; did you mean {hint}?" if hint else ""), ptr
                )
            elif entry[1] != path:
                yield Hit(f"{arn} does not exist: {entry[0]} lives at path {entry[1]}", ptr)


RULE = Rule(
    "E4003",
    "managed-policy-unknown",
    Severity.ERROR,
    "An attached AWS managed policy ARN must exist (right name, right path).",
    check_role=check_role,
)
