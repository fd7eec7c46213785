"""RoleSpec → a bash script of ``aws iam ...`` calls that creates the same role, and converges on a re-run.

Every argument is quoted with :func:`shlex.quote`; documents are compact JSON. The script stops at the first
failing call (``set -euo pipefail``) and disables the AWS CLI pager. Like ``byoc-iam apply`` it is idempotent
and refuses what byoc-iam does not own:

* the role: created with byoc-iam's ownership tag (``byoc-iam:managed-by=byoc-iam``) plus the role's tags; when it
  exists, it is brought up to date only if it carries that tag, else the script stops with exit 5. In placeholder
  trust mode an existing role's trust policy is left as it is (link-cluster has linked it to the cluster);
* AWS managed policies: ``attach-role-policy`` (attaching twice is a no-op); inline policies: ``put-role-policy``;
* customer-managed policies: created with the tag, or (owned) given a new default version after their old
  non-default versions are deleted (IAM keeps at most five); an untagged one is refused (exit 5).

The script needs no account id or partition of its own: it reads them from ``sts get-caller-identity``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from shlex import quote
from typing import TYPE_CHECKING, Any

from byoc_iam.export._trust import OWNER_TAGS, trust_facts

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec  # annotations only: no pydantic on render's path (issue 18)

((OWNER_KEY, OWNER_VALUE),) = OWNER_TAGS.items()
REFUSED_EXIT = 5

_PRELUDE = f"""set -euo pipefail
export AWS_PAGER=''

owner_of() {{  # the value of the ownership tag of a role (list-role-tags) or policy (list-policy-tags)
  aws iam "$1" "$2" "$3" --query "Tags[?Key=='{OWNER_KEY}'].Value | [0]" --output text
}}
refuse() {{
  echo "refusing: $1 exists and is not managed by byoc-iam (no tag {OWNER_KEY}={OWNER_VALUE}); \\
adopt it with: byoc-iam apply --adopt" >&2
  exit {REFUSED_EXIT}
}}
caller=$(aws sts get-caller-identity --query Arn --output text)
partition=$(echo "$caller" | cut -d: -f2)
account=$(aws sts get-caller-identity --query Account --output text)
"""


def _json(doc: Any) -> str:
    return quote(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))


def _call(*parts: str, indent: str = "") -> str:
    head, rest = " ".join(parts[:3]), parts[3:]
    pairs = [" ".join(rest[i : i + 2]) for i in range(0, len(rest), 2)]
    return indent + f" \\\n{indent}  ".join([head, *pairs])


def _role_lines(spec: RoleSpec, placeholder: bool) -> list[str]:
    role = quote(spec.role_name)
    tags = _json([{"Key": k, "Value": v} for k, v in {**spec.tags, OWNER_KEY: OWNER_VALUE}.items()])
    create = ["aws", "iam", "create-role", "--role-name", role, "--path", quote(spec.path)]
    update = ["aws", "iam", "update-role", "--role-name", role]
    if spec.description:
        create += ["--description", quote(spec.description)]
        update += ["--description", quote(spec.description)]
    create += ["--max-session-duration", str(spec.max_session_duration)]
    update += ["--max-session-duration", str(spec.max_session_duration)]
    if spec.permissions_boundary:
        create += ["--permissions-boundary", quote(spec.permissions_boundary)]
    create += ["--assume-role-policy-document", _json(spec.trust_policy), "--tags", tags]
    lines = [
        f"if aws iam get-role --role-name {role} >/dev/null 2>&1; then",
        f'  [ "$(owner_of list-role-tags --role-name {role})" = {OWNER_VALUE} ] || '
        f"refuse {quote('role ' + spec.role_name)}",
        _call(*update, indent="  "),
    ]
    if placeholder:
        lines.append("  # placeholder trust: keep the live trust policy (link-cluster points it at the cluster)")
    else:
        trust = ["aws", "iam", "update-assume-role-policy", "--role-name", role, "--policy-document"]
        lines.append(_call(*trust, _json(spec.trust_policy), indent="  "))
    if spec.permissions_boundary:
        boundary = ["aws", "iam", "put-role-permissions-boundary", "--role-name", role, "--permissions-boundary"]
        lines.append(_call(*boundary, quote(spec.permissions_boundary), indent="  "))
    lines += [_call("aws", "iam", "tag-role", "--role-name", role, "--tags", tags, indent="  "), "else"]
    lines += [_call(*create, indent="  "), "fi", ""]
    return lines


def _customer_managed_lines(spec: RoleSpec, name: str, doc: Any) -> list[str]:
    role = quote(spec.role_name)
    tags = _json([{"Key": OWNER_KEY, "Value": OWNER_VALUE}])
    arn = f'"arn:${{partition}}:iam::${{account}}:policy/"{quote(name)}'
    create = ["aws", "iam", "create-policy", "--policy-name", quote(name), "--path", "/"]
    create += ["--policy-document", _json(doc), "--tags", tags]
    version = ["aws", "iam", "create-policy-version", "--policy-arn", '"$policy_arn"']
    version += ["--policy-document", _json(doc), "--set-as-default"]
    old = (
        '  for v in $(aws iam list-policy-versions --policy-arn "$policy_arn" '
        "--query 'Versions[?!IsDefaultVersion].VersionId' --output text); do"
    )
    return [
        f"policy_arn={arn}",
        'if aws iam get-policy --policy-arn "$policy_arn" >/dev/null 2>&1; then',
        f'  [ "$(owner_of list-policy-tags --policy-arn "$policy_arn")" = {OWNER_VALUE} ] || '
        'refuse "policy $policy_arn"',
        old,
        '    aws iam delete-policy-version --policy-arn "$policy_arn" --version-id "$v"',
        "  done",
        _call(*version, indent="  ") + " >/dev/null",
        "else",
        _call(*create, indent="  ") + " >/dev/null",
        "fi",
        _call("aws", "iam", "attach-role-policy", "--role-name", role, "--policy-arn", '"$policy_arn"'),
    ]


def to_aws_cli(spec: RoleSpec, header: Sequence[str] = ()) -> str:
    """A bash script of ``aws iam`` calls creating (or converging) the role, its policies and attachments."""
    role = quote(spec.role_name)
    lines = ["#!/usr/bin/env bash"]
    lines += [f"# {line}" if line else "#" for line in header]
    lines += [_PRELUDE]
    lines += _role_lines(spec, trust_facts(spec).placeholder)
    for arn in spec.managed_policy_arns:
        lines.append(_call("aws", "iam", "attach-role-policy", "--role-name", role, "--policy-arn", quote(arn)))
    for name, doc in spec.inline_policies.items():
        put = ["aws", "iam", "put-role-policy", "--role-name", role, "--policy-name", quote(name)]
        lines.append(_call(*put, "--policy-document", _json(doc)))
    for name, doc in spec.customer_managed_policies.items():
        lines += _customer_managed_lines(spec, name, doc)
    lines += ["", f"echo {quote('role ' + spec.role_name + ' is up to date')} >&2"]
    return "\n".join(lines) + "\n"
