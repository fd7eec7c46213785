"""RoleSpec → Terraform (HCL): aws_iam_role, aws_iam_role_policy / aws_iam_policy, attachments.

Policy documents are written as ``jsonencode({...})`` of an HCL object, so the Terraform file is reviewable
and ``terraform plan`` compares documents semantically. ``${`` and ``%{`` in strings are escaped (``$${``,
``%%{``) so Terraform never reads IAM policy variables as its own templates.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from byoc_iam.export._scalar import scalar
from byoc_iam.model.role import RoleSpec

ROLE_RESOURCE = "byoc_eks"


def hcl_string(value: str) -> str:
    """A quoted HCL string literal (JSON escapes, template sequences escaped)."""
    return json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")


def hcl_value(value: Any, indent: int = 0) -> str:
    """An HCL expression for a JSON value (objects with quoted keys, lists, strings, numbers, booleans)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = "".join(f"{pad}  {hcl_string(str(k))} = {hcl_value(v, indent + 1)}\n" for k, v in value.items())
        return "{\n" + body + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{pad}  {hcl_value(v, indent + 1)}" for v in value) + ",\n" + pad + "]"
    return scalar(value, hcl_string)


def _jsonencode(doc: Any) -> str:
    return f"jsonencode({hcl_value(doc, 1)})"


def identifier(name: str, taken: set[str]) -> str:
    """A Terraform resource name for ``name``: snake_case, starts with a letter, unique within ``taken``."""
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name)
    base = re.sub(r"[^a-z0-9_]+", "_", snake.lower()).strip("_") or "policy"
    if not base[0].isalpha():
        base = f"p_{base}"
    out, n = base, 2
    while out in taken:
        out, n = f"{base}_{n}", n + 1
    taken.add(out)
    return out


def _block(kind: str, name: str, attrs: Sequence[tuple[str, str]]) -> str:
    width = max(len(k) for k, _ in attrs)
    lines = [f'resource "{kind}" "{name}" {{']
    lines += [f"  {k.ljust(width)} = {v}" for k, v in attrs]
    lines.append("}")
    return "\n".join(lines)


def to_terraform(spec: RoleSpec, header: Sequence[str] = ()) -> str:
    """The role as a Terraform configuration (one file, no provider block: the caller's provider applies)."""
    role_ref = f"aws_iam_role.{ROLE_RESOURCE}"
    attrs: list[tuple[str, str]] = [("name", hcl_string(spec.role_name)), ("path", hcl_string(spec.path))]
    if spec.description:
        attrs.append(("description", hcl_string(spec.description)))
    attrs.append(("max_session_duration", str(spec.max_session_duration)))
    if spec.permissions_boundary:
        attrs.append(("permissions_boundary", hcl_string(spec.permissions_boundary)))
    attrs.append(("assume_role_policy", _jsonencode(spec.trust_policy)))
    if spec.tags:
        attrs.append(("tags", hcl_value(spec.tags, 1)))
    blocks = [_block("aws_iam_role", ROLE_RESOURCE, attrs)]

    taken: set[str] = {ROLE_RESOURCE}
    for arn in spec.managed_policy_arns:
        rid = identifier(arn.rsplit("/", 1)[-1], taken)
        blocks.append(
            _block(
                "aws_iam_role_policy_attachment", rid, [("role", f"{role_ref}.name"), ("policy_arn", hcl_string(arn))]
            )
        )
    for name, doc in spec.inline_policies.items():
        attrs = [("name", hcl_string(name)), ("role", f"{role_ref}.id"), ("policy", _jsonencode(doc))]
        blocks.append(_block("aws_iam_role_policy", identifier(name, taken), attrs))
    for name, doc in spec.customer_managed_policies.items():
        rid = identifier(name, taken)
        attrs = [("name", hcl_string(name)), ("path", hcl_string("/")), ("policy", _jsonencode(doc))]
        blocks.append(_block("aws_iam_policy", rid, attrs))
        blocks.append(
            _block(
                "aws_iam_role_policy_attachment",
                identifier(f"{name}_attachment", taken),
                [("role", f"{role_ref}.name"), ("policy_arn", f"aws_iam_policy.{rid}.arn")],
            )
        )
    blocks.append(f'output "role_arn" {{\n  value = {role_ref}.arn\n}}')
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + ("\n" if comments else "") + "\n\n".join(blocks) + "\n"
