"""Exports of a role set (pure): one Terraform file, one CloudFormation template, one aws-cli script for every
role of a :class:`~byoc_iam.blueprint.roleset.RoleSet`, and the ``render --out`` file set (a folder per role).

Each role is exported by the single-role exporters; the set exporters only make names unique across roles:
the EKS role keeps its names (``aws_iam_role.byoc_eks``, ``ByocEksRole``), the others get their kind as a prefix
(``aws_iam_role.byoc_storage``, ``StorageRole``...), and each role's ARN is an output named after its kind.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from byoc_iam.export import bundle
from byoc_iam.export.awscli import to_aws_cli
from byoc_iam.export.cloudformation import ROLE_LOGICAL_ID, template, yaml_lines
from byoc_iam.export.terraform import ROLE_RESOURCE, to_terraform
from byoc_iam.model.role import RoleSpec

Member = tuple[str, RoleSpec]  # (kind, spec)
SET_FILE_NAMES = {"terraform": "main.tf", "cloudformation": "template.yaml", "aws-cli": "create-roles.sh"}
_RESOURCE = re.compile(r'^resource "(\w+)" "(\w+)" \{$', re.MULTILINE)


def _snake(kind: str) -> str:
    return kind.replace("-", "_")


def _pascal(kind: str) -> str:
    return "".join(p.capitalize() for p in kind.split("-"))


def _terraform_one(kind: str, spec: RoleSpec) -> str:
    text = to_terraform(spec)
    snake = _snake(kind)
    if kind != "eks":
        for rtype, name in _RESOURCE.findall(text):
            new = f"byoc_{snake}" if name == ROLE_RESOURCE else f"{snake}_{name}"
            text = text.replace(f'resource "{rtype}" "{name}" {{', f'resource "{rtype}" "{new}" {{')
            text = re.sub(rf"\b{rtype}\.{name}\.", f"{rtype}.{new}.", text)
    return text.replace('output "role_arn" {', f'output "{snake}_role_arn" {{')


def to_terraform_set(members: Sequence[Member], header: Sequence[str] = ()) -> str:
    """Every role of the set in one Terraform configuration (outputs ``<kind>_role_arn``)."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    body = "\n".join(_terraform_one(kind, spec) for kind, spec in members)
    return comments + ("\n" if comments else "") + body


def _rename(value: Any, names: dict[str, str]) -> Any:
    if isinstance(value, dict):
        if set(value) == {"Ref"} and value["Ref"] in names:
            return {"Ref": names[value["Ref"]]}
        if set(value) == {"Fn::GetAtt"} and value["Fn::GetAtt"][0] in names:
            return {"Fn::GetAtt": [names[value["Fn::GetAtt"][0]], *value["Fn::GetAtt"][1:]]}
        return {k: _rename(v, names) for k, v in value.items()}
    if isinstance(value, list):
        return [_rename(v, names) for v in value]
    return value


def cloudformation_set_template(members: Sequence[Member]) -> dict[str, Any]:
    """One CloudFormation template holding every role of the set (outputs ``<Kind>RoleArn``)."""
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    for kind, spec in members:
        one = template(spec)
        prefix = "" if kind == "eks" else _pascal(kind)
        names = {
            lid: (f"{prefix}Role" if lid == ROLE_LOGICAL_ID and prefix else f"{prefix}{lid}")
            for lid in one["Resources"]
        }
        resources.update({names[lid]: _rename(res, names) for lid, res in one["Resources"].items()})
        outputs[f"{_pascal(kind)}RoleArn"] = {
            "Description": f"ARN of the {kind} role",
            "Value": {"Fn::GetAtt": [names[ROLE_LOGICAL_ID], "Arn"]},
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "IAM roles for Zilliz Cloud BYOC on AWS: " + ", ".join(s.role_name for _, s in members),
        "Resources": resources,
        "Outputs": outputs,
    }


def to_cloudformation_set(members: Sequence[Member], header: Sequence[str] = ()) -> str:
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + "\n".join(yaml_lines(cloudformation_set_template(members))) + "\n"


def to_aws_cli_set(members: Sequence[Member], header: Sequence[str] = ()) -> str:
    """One bash script creating every role of the set, in order."""
    parts: list[str] = []
    for i, (_, spec) in enumerate(members):
        lines = to_aws_cli(spec, header if i == 0 else ()).splitlines()
        if i:
            lines = lines[lines.index("export AWS_PAGER=''") + 1 :]
        parts.append("\n".join(lines))
    return "\n".join(parts) + "\n"


SET_EXPORTERS = {
    "terraform": to_terraform_set,
    "cloudformation": to_cloudformation_set,
    "aws-cli": to_aws_cli_set,
}


def export_set(members: Sequence[Member], fmt: str, header: Sequence[str] = ()) -> str:
    """The set in ``fmt`` (terraform, cloudformation, aws-cli); ``json`` is the caller's (a set document)."""
    return SET_EXPORTERS[fmt](members, header)


def bundle_set(members: Sequence[Member], fmt: str = "json", header: Sequence[str] = ()) -> dict[str, str]:
    """``render --out`` for a set: ``<kind>/`` holds each role's single-role bundle; with an export format, the
    set's export (``main.tf``, ``template.yaml`` or ``create-roles.sh``) sits at the top."""
    files: dict[str, str] = {}
    for kind, spec in members:
        files.update({f"{kind}/{rel}": text for rel, text in bundle(spec, "json").items()})
    if fmt != "json":
        files[SET_FILE_NAMES[fmt]] = export_set(members, fmt, header)
    return files
