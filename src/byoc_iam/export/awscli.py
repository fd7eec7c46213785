"""RoleSpec → a bash script of ``aws iam ...`` calls that creates the same role.

Every argument is quoted with :func:`shlex.quote`; documents are compact JSON. The script stops at the first
failing call (``set -euo pipefail``) and disables the AWS CLI pager. Customer-managed policies take their
ARN from ``create-policy``'s answer, so the script needs no account id or partition of its own.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from shlex import quote
from typing import Any

from byoc_iam.model.role import RoleSpec


def _json(doc: Any) -> str:
    return quote(json.dumps(doc, separators=(",", ":"), ensure_ascii=False))


def _call(*parts: str) -> str:
    head, rest = " ".join(parts[:3]), parts[3:]
    pairs = [" ".join(rest[i : i + 2]) for i in range(0, len(rest), 2)]
    return " \\\n  ".join([head, *pairs])


def to_aws_cli(spec: RoleSpec, header: Sequence[str] = ()) -> str:
    """A bash script of ``aws iam`` calls creating the role, its policies and attachments."""
    role = quote(spec.role_name)
    lines = ["#!/usr/bin/env bash"]
    lines += [f"# {line}" if line else "#" for line in header]
    lines += ["set -euo pipefail", "export AWS_PAGER=''", ""]
    create = ["aws", "iam", "create-role", "--role-name", role, "--path", quote(spec.path)]
    if spec.description:
        create += ["--description", quote(spec.description)]
    create += ["--max-session-duration", str(spec.max_session_duration)]
    if spec.permissions_boundary:
        create += ["--permissions-boundary", quote(spec.permissions_boundary)]
    create += ["--assume-role-policy-document", _json(spec.trust_policy)]
    if spec.tags:
        create += ["--tags", _json([{"Key": k, "Value": v} for k, v in spec.tags.items()])]
    lines += [_call(*create), ""]
    for arn in spec.managed_policy_arns:
        lines.append(_call("aws", "iam", "attach-role-policy", "--role-name", role, "--policy-arn", quote(arn)))
    for name, doc in spec.inline_policies.items():
        lines.append(
            _call(
                "aws",
                "iam",
                "put-role-policy",
                "--role-name",
                role,
                "--policy-name",
                quote(name),
                "--policy-document",
                _json(doc),
            )
        )
    for name, doc in spec.customer_managed_policies.items():
        create_policy = _call(
            "aws",
            "iam",
            "create-policy",
            "--policy-name",
            quote(name),
            "--path",
            "/",
            "--policy-document",
            _json(doc),
            "--query",
            "Policy.Arn",
            "--output",
            "text",
        )
        lines.append(f"policy_arn=$({create_policy})")
        lines.append(_call("aws", "iam", "attach-role-policy", "--role-name", role, "--policy-arn", '"$policy_arn"'))
    lines += ["", f"echo {quote('created role ' + spec.role_name)} >&2"]
    return "\n".join(lines) + "\n"
