"""Find the IAM policy documents inside Terraform and CloudFormation files, where users keep them.

:func:`byoc_iam.lint.embedded.extract` reads one file's text and returns :class:`EmbeddedPolicy` values:
the document (parsed), its policy type, a name (``aws_iam_role.eks.assume_role_policy``,
``Resources.Role.AssumeRolePolicyDocument``), the line of the source file it starts on, and the rule codes
an inline comment suppresses. Formats:

- Terraform ``.tf`` (python-hcl2): ``jsonencode({...})``, heredoc or quoted JSON, and
  ``data "aws_iam_policy_document"`` blocks (converted to the JSON document they render);
- Terraform ``.tf.json`` and a plan (``terraform show -json``: ``planned_values`` of every module);
- CloudFormation YAML or JSON (cfn-lint's template decoder): ``AWS::IAM::*`` properties, bucket, queue,
  topic and key policies.

Unresolved Terraform/CloudFormation expressions become ``${...}`` strings, which the rules treat as values
they cannot judge. Suppression: a comment ``byoc-iam: lint-ignore=S3004,W3011`` in a Terraform block (or a
``Metadata: {byoc-iam: {lint-ignore: [S3004]}}`` on a CloudFormation resource) skips those codes for the
documents of that block. Raises :class:`SourceError` (one line) when the file cannot be read as its format.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from byoc_iam.lint.context import PolicyType
from byoc_iam.model.record import Record

# Terraform attributes that hold a policy document, by resource type: attribute -> policy type
TF_ATTRIBUTES: dict[str, dict[str, PolicyType]] = {
    "aws_iam_role": {"assume_role_policy": "trust", "inline_policy": "identity"},
    "aws_iam_policy": {"policy": "identity"},
    "aws_iam_role_policy": {"policy": "identity"},
    "aws_iam_user_policy": {"policy": "identity"},
    "aws_iam_group_policy": {"policy": "identity"},
    "aws_s3_bucket_policy": {"policy": "resource"},
    "aws_sqs_queue_policy": {"policy": "resource"},
    "aws_sns_topic_policy": {"policy": "resource"},
    "aws_kms_key": {"policy": "resource"},
    "aws_kms_key_policy": {"policy": "resource"},
    "aws_organizations_policy": {"content": "scp"},
}
# CloudFormation resource types: property path -> policy type ("[]" walks a list)
CFN_PROPERTIES: dict[str, dict[str, PolicyType]] = {
    "AWS::IAM::Role": {"AssumeRolePolicyDocument": "trust", "Policies[].PolicyDocument": "identity"},
    "AWS::IAM::Policy": {"PolicyDocument": "identity"},
    "AWS::IAM::ManagedPolicy": {"PolicyDocument": "identity"},
    "AWS::IAM::RolePolicy": {"PolicyDocument": "identity"},
    "AWS::IAM::UserPolicy": {"PolicyDocument": "identity"},
    "AWS::IAM::GroupPolicy": {"PolicyDocument": "identity"},
    "AWS::IAM::User": {"Policies[].PolicyDocument": "identity"},
    "AWS::IAM::Group": {"Policies[].PolicyDocument": "identity"},
    "AWS::S3::BucketPolicy": {"PolicyDocument": "resource"},
    "AWS::SQS::QueuePolicy": {"PolicyDocument": "resource"},
    "AWS::SNS::TopicPolicy": {"PolicyDocument": "resource"},
    "AWS::KMS::Key": {"KeyPolicy": "resource"},
}
IGNORE_COMMENT = re.compile(r"byoc-iam:\s*lint-ignore=([A-Za-z0-9, ]+)")


class SourceError(ValueError):
    """The file is not valid in the format its name or content says (message is one line)."""


class EmbeddedPolicy(Record):
    """One policy document found in a source file."""

    __slots__ = ("document", "ignore", "line", "name", "policy_type")
    _REPR = _COMPARE = ("name", "policy_type", "document", "line", "ignore")

    def __init__(
        self,
        name: str,
        policy_type: PolicyType,
        document: Any,
        line: int | None = None,  # 1-based line of the source file where the document (or its attribute) starts
        ignore: frozenset[str] = frozenset(),
    ) -> None:
        self.name = name
        self.policy_type = policy_type
        self.document = document
        self.line = line
        self.ignore = ignore


def kind_of(filename: str, text: str) -> str:
    """``terraform``, ``terraform-json``, ``terraform-plan``, ``cloudformation`` or ``policy`` (a bare document)."""
    if filename.endswith(".tf"):
        return "terraform"
    if filename.endswith((".yaml", ".yml", ".template")):
        return "cloudformation"
    head = text.lstrip()[:1]
    if head != "{":
        return "policy"
    try:
        data = json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return "policy"  # E1001 reports it (too deep: "invalid JSON: nested too deeply", naming the file)
    if not isinstance(data, dict):
        return "policy"
    if "planned_values" in data or ("format_version" in data and "terraform_version" in data):
        return "terraform-plan"
    if "Resources" in data and ("AWSTemplateFormatVersion" in data or isinstance(data.get("Resources"), dict)):
        return "cloudformation"
    if filename.endswith(".tf.json") or "resource" in data or "data" in data:
        return "terraform-json"
    return "policy"


def plain(value: Any) -> Any:
    """A CloudFormation value as JSON: intrinsic functions become ``${...}`` strings, dates ISO strings."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((k, v),) = value.items()
            if k == "Ref":
                return f"${{{v}}}"
            if k == "Fn::Sub":
                text = (
                    v if isinstance(v, str) else (v[0] if isinstance(v, list) and v and isinstance(v[0], str) else "")
                )
                return _sub(text) if text else "${Fn_Sub}"
            if k.startswith("Fn::"):
                return "${" + k.replace("::", "_") + "}"
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    from datetime import date  # here: only CloudFormation's YAML gives dates (lint FILE of a policy needs none)

    if isinstance(value, date):
        return value.isoformat()
    return value


def _sub(text: str) -> str:
    """An Fn::Sub string: ``${AWS::Partition}``/``${Name}`` are CloudFormation's (made placeholders without
    ``:``, which lint leaves unjudged), ``${!aws:username}`` is a literal policy variable."""

    def one(m: re.Match[str]) -> str:
        return "${" + (m.group(2) if m.group(1) else m.group(2).replace(":", "_")) + "}"

    return re.sub(r"\$\{(!?)([^}]*)\}", one, text)


def _line(node: Any) -> int | None:
    mark = getattr(node, "start_mark", None)
    return mark.line + 1 if mark is not None else None


def _cfn_paths(props: Any, path: str) -> Iterator[tuple[str, Any]]:
    head, sep, rest = path.partition("[].")
    node = props.get(head) if isinstance(props, dict) else None
    if not sep:
        if node is not None:
            yield head, node
        return
    for i, item in enumerate(node if isinstance(node, list) else []):
        for sub, value in _cfn_paths(item, rest):
            yield f"{head}[{i}].{sub}", value


def from_cloudformation(text: str, filename: str = "template") -> list[EmbeddedPolicy]:
    """Policies in a CloudFormation template (YAML or JSON), decoded by cfn-lint (positions kept)."""
    from cfnlint.decode import decode_str

    template, matches = decode_str(text)
    if template is None:
        first = matches[0].message if matches else "not a CloudFormation template"
        raise SourceError(f"{filename}: {first}")
    out: list[EmbeddedPolicy] = []
    resources = template.get("Resources")
    for logical, res in resources.items() if isinstance(resources, dict) else []:
        if not isinstance(res, dict):
            continue
        props = res.get("Properties")
        wanted = CFN_PROPERTIES.get(str(res.get("Type")), {})
        meta = res.get("Metadata")
        mine = meta.get("byoc-iam") if isinstance(meta, dict) else None
        ignore = mine.get("lint-ignore", []) if isinstance(mine, dict) else []
        codes = frozenset(str(c).upper() for c in ignore) if isinstance(ignore, list) else frozenset()
        for path, ptype in wanted.items():
            for sub, node in _cfn_paths(props, path):
                out.append(EmbeddedPolicy(f"Resources.{logical}.{sub}", ptype, plain(node), _line(node), codes))
    return out
