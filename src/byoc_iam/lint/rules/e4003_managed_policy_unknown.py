"""E4003: an AWS managed policy ARN that does not exist (unknown name, or the right name at a wrong path).

Names and paths come from ``data/managed/aws_managed_policy_names.json`` (every AWS managed policy, written
by ``byoc-iam catalog refresh``); the catalog of the BYOC role's policies gives the first "did you mean"
(loaded only then: it is the costly file).
"""

from collections.abc import Iterator

from byoc_iam.lint.context import RoleContext
from byoc_iam.lint.managed import managed_arns
from byoc_iam.lint.rules import Hit, Rule


def check_role(rctx: RoleContext) -> Iterator[Hit]:
    from byoc_iam.managed import aws_managed_policy_names, closest, get_catalog, parse_policy_arn, policy_arn

    names = aws_managed_policy_names()
    for arn, ptr in managed_arns(rctx):
        parsed = parse_policy_arn(arn)
        if parsed is None:
            continue  # a customer-managed policy: nothing to check offline
        partition, path, name = parsed
        entry = names.get(name.lower())
        if entry is None:
            hint = get_catalog().suggest(name) or closest(name, (n for n, _ in names.values()))
            yield Hit(f"{arn}: AWS has no managed policy {name!r}" + (f"; did you mean {hint}?" if hint else ""), ptr)
        elif entry[1] != path:
            yield Hit(f"{arn} does not exist: {entry[0]} is {policy_arn(entry[0], entry[1], partition)}", ptr)


RULE = Rule(
    "E4003",
    "managed-policy-unknown",
    "An attached AWS managed policy ARN must exist (right name, right path).",
    check_role=check_role,
)
