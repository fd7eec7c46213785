"""E4004: a managed policy that AWS only allows on a service-linked role is attached to this role."""

from collections.abc import Iterator

from byoc_iam.lint.context import RoleContext
from byoc_iam.lint.managed import managed_arns
from byoc_iam.lint.rules import Hit, Rule


def check_role(rctx: RoleContext) -> Iterator[Hit]:
    from byoc_iam.managed import get_catalog

    catalog = get_catalog()
    for arn, ptr in managed_arns(rctx, boundary=False):
        entry = catalog.by_arn(arn)
        if entry is not None and entry.attachable_to == "service-linked-role":
            slr = f" (it belongs to {entry.service_linked_role})" if entry.service_linked_role else ""
            yield Hit(f"{entry.name} can only be attached to a service-linked role{slr}; AttachRolePolicy fails", ptr)
        elif arn.split(":", 5)[-1].startswith("policy/aws-service-role/"):
            yield Hit(f"{arn} is under /aws-service-role/: only service-linked roles can use it", ptr)


RULE = Rule(
    "E4004",
    "managed-policy-service-linked",
    "Policies for service-linked roles cannot be attached to this role.",
    check_role=check_role,
)
