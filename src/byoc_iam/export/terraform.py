"""RoleSpec → Terraform (HCL): aws_iam_role, aws_iam_role_policy / aws_iam_policy, attachments.

Policy documents are written as ``jsonencode({...})`` of an HCL object, so the Terraform file is reviewable
and ``terraform plan`` compares documents semantically. ``${`` and ``%{`` in strings are escaped (``$${``,
``%%{``) so Terraform never reads IAM policy variables as its own templates.

The module takes variables ``account_id``, ``role_name``, ``tags`` and, in resolved trust mode, ``oidc_issuer``
(defaults: the rendered values); the role and customer-managed policies carry byoc-iam's ownership tag
(``byoc-iam:managed-by = byoc-iam``) so ``byoc-iam plan``/``destroy`` recognise them. In placeholder trust mode the
role has ``lifecycle { ignore_changes = [assume_role_policy] }``, as Zilliz's own Terraform module does, so a
later ``terraform apply`` does not undo ``link-cluster``. The text is laid out as ``terraform fmt`` does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from byoc_iam.export._scalar import scalar
from byoc_iam.export._trust import OWNER_TAGS, trust_facts

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec  # annotations only: no pydantic on render's path (issue 18)

ROLE_RESOURCE = "byoc_eks"


Subs = Sequence[tuple[str, str]]


def hcl_string(value: str, subs: Subs = ()) -> str:
    """A quoted HCL string literal (JSON escapes, template sequences escaped); each ``(literal, replacement)``
    of ``subs`` found in the text is replaced (the replacement holds a Terraform interpolation)."""
    text = json.dumps(value, ensure_ascii=False).replace("${", "$${").replace("%{", "%%{")
    for literal, replacement in subs:
        text = text.replace(literal, replacement)
    return text


def hcl_value(value: Any, indent: int = 0, subs: Subs = ()) -> str:
    """An HCL expression for a JSON value (objects with quoted keys, lists, strings, numbers, booleans)."""
    pad = "  " * indent
    if isinstance(value, dict):
        if not value:
            return "{}"
        body = "".join(
            f"{pad}  {hcl_string(str(k), subs)} = {hcl_value(v, indent + 1, subs)}\n" for k, v in value.items()
        )
        return "{\n" + body + pad + "}"
    if isinstance(value, list | tuple):
        if not value:
            return "[]"
        return "[\n" + ",\n".join(f"{pad}  {hcl_value(v, indent + 1, subs)}" for v in value) + ",\n" + pad + "]"
    return scalar(value, lambda text: hcl_string(text, subs))


def _jsonencode(doc: Any, subs: Subs = ()) -> str:
    return f"jsonencode({hcl_value(doc, 1, subs)})"


_ASSIGN = re.compile(r'^(\s*)((?:"(?:[^"\\]|\\.)*")|[A-Za-z_][A-Za-z0-9_-]*)\s+=\s(.*)$')


def fmt_align(text: str) -> str:
    """Align the ``=`` of consecutive one-line attributes at the same indent, as ``terraform fmt`` does (an
    attribute whose value spans lines, a blank line or a line of another shape ends a run)."""
    lines = text.split("\n")
    out: list[str] = []
    run: list[tuple[str, str, str]] = []

    def flush() -> None:
        width = max((len(k) for _, k, _ in run), default=0)
        out.extend(f"{pad}{key.ljust(width)} = {value}" for pad, key, value in run)
        run.clear()

    for line in lines:
        m = _ASSIGN.match(line)
        if m and not m.group(3).rstrip().endswith(("{", "[", "(")):
            if run and run[-1][0] != m.group(1):
                flush()
            run.append((m.group(1), m.group(2), m.group(3)))
            continue
        flush()
        if m:  # a multi-line value: written as is, not aligned with its neighbours
            line = f"{m.group(1)}{m.group(2)} = {m.group(3)}"
        out.append(line)
    flush()
    return "\n".join(out)


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


def _block(kind: str, name: str, attrs: Sequence[tuple[str, str]], tail: str = "") -> str:
    lines = [f'{kind} "{name}" {{'] if kind in ("variable", "output") else [f'resource "{kind}" "{name}" {{']
    lines += [f"  {k} = {v}" for k, v in attrs]
    if tail:
        lines += ["", tail]
    lines.append("}")
    return "\n".join(lines)


def _variables(spec: RoleSpec, account: str | None, issuer: str | None) -> list[str]:
    def var(name: str, description: str, type_: str, default: str) -> str:
        attrs = [("description", hcl_string(description)), ("type", type_), ("default", default)]
        return _block("variable", name, attrs)

    blocks = []
    if account:
        what = "AWS account id of the role and its OIDC provider."
        blocks.append(var("account_id", what, "string", hcl_string(account)))
    blocks.append(var("role_name", "Name of the IAM role.", "string", hcl_string(spec.role_name)))
    if issuer:
        blocks.append(
            var(
                "oidc_issuer",
                "The EKS cluster's OIDC issuer URL (https://oidc.eks.<region>.amazonaws.com/id/<ID>).",
                "string",
                hcl_string(f"https://{issuer}"),
            )
        )
    blocks.append(
        var(
            "tags",
            "Tags for the role and its customer-managed policies (byoc-iam's ownership tag is always added).",
            "map(string)",
            hcl_value(spec.tags, 1),
        )
    )
    local_attrs = []
    if issuer:
        local_attrs.append(("oidc_provider", 'trimprefix(var.oidc_issuer, "https://")'))
    local_attrs.append(("tags", f"merge(var.tags, {hcl_value(OWNER_TAGS, 1)})"))
    blocks.append("locals {\n" + "\n".join(f"  {k} = {v}" for k, v in local_attrs) + "\n}")
    return blocks


PLACEHOLDER_LIFECYCLE = """  # Placeholder trust mode: link-cluster (or Zilliz Cloud) points the trust policy at the
  # cluster's OIDC provider once the cluster exists; do not undo that on the next terraform apply.
  lifecycle {
    ignore_changes = [assume_role_policy]
  }"""


def to_terraform(spec: RoleSpec, header: Sequence[str] = (), *, account: str | None = None) -> str:
    """The role as a Terraform configuration (one file, no provider block: the caller's provider applies).
    ``account``: the role's account when its trust does not name it (a role set's cross-account role)."""
    facts = trust_facts(spec)
    account, issuer = account or facts.account, facts.issuer
    subs: list[tuple[str, str]] = []
    if issuer:
        subs.append((issuer, "${local.oidc_provider}"))
    if account:
        subs.append((f":{account}:", ":${var.account_id}:"))
        subs.append((f'"{account}"', '"${var.account_id}"'))  # a whole value, e.g. aws:SourceAccount
    role_ref = f"aws_iam_role.{ROLE_RESOURCE}"
    attrs: list[tuple[str, str]] = [("name", "var.role_name"), ("path", hcl_string(spec.path))]
    if spec.description:
        attrs.append(("description", hcl_string(spec.description)))
    attrs.append(("max_session_duration", str(spec.max_session_duration)))
    if spec.permissions_boundary:
        attrs.append(("permissions_boundary", hcl_string(spec.permissions_boundary, subs)))
    attrs.append(("assume_role_policy", _jsonencode(spec.trust_policy, subs)))
    attrs.append(("tags", "local.tags"))
    blocks = _variables(spec, account, issuer)
    blocks.append(_block("aws_iam_role", ROLE_RESOURCE, attrs, PLACEHOLDER_LIFECYCLE if facts.placeholder else ""))
    blocks += _policy_blocks(spec, role_ref, subs)
    blocks.append(f'output "role_arn" {{\n  value = {role_ref}.arn\n}}')
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + ("\n" if comments else "") + fmt_align("\n\n".join(blocks)) + "\n"


def _policy_blocks(spec: RoleSpec, role_ref: str, subs: Subs) -> list[str]:
    blocks: list[str] = []
    taken: set[str] = {ROLE_RESOURCE}
    for arn in spec.managed_policy_arns:
        rid = identifier(arn.rsplit("/", 1)[-1], taken)
        blocks.append(
            _block(
                "aws_iam_role_policy_attachment", rid, [("role", f"{role_ref}.name"), ("policy_arn", hcl_string(arn))]
            )
        )
    for name, doc in spec.inline_policies.items():
        attrs = [("name", hcl_string(name)), ("role", f"{role_ref}.id"), ("policy", _jsonencode(doc, subs))]
        blocks.append(_block("aws_iam_role_policy", identifier(name, taken), attrs))
    for name, doc in spec.customer_managed_policies.items():
        rid = identifier(name, taken)
        attrs = [
            ("name", hcl_string(name)),
            ("path", hcl_string("/")),
            ("policy", _jsonencode(doc, subs)),
            ("tags", "local.tags"),
        ]
        blocks.append(_block("aws_iam_policy", rid, attrs))
        blocks.append(
            _block(
                "aws_iam_role_policy_attachment",
                identifier(f"{name}_attachment", taken),
                [("role", f"{role_ref}.name"), ("policy_arn", f"aws_iam_policy.{rid}.arn")],
            )
        )
    return blocks
