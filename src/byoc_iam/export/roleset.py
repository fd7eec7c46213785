"""Exports of a role set (pure): one Terraform file, one CloudFormation template, one aws-cli script for every
role of a :class:`~byoc_iam.blueprint.roleset.RoleSet`, and the ``render --out`` file set (a folder per role).

Each role is exported by the single-role exporters; the set exporters make names unique across roles and share
what the roles share:

* Terraform: one set of variables ``account_id``, ``tags``, ``oidc_issuer`` (when a role needs it) and one
  ``locals`` block; each role's name is a variable ``<kind>_role_name`` (``eks_role_name``,
  ``storage_role_name``, ``cross_account_role_name``; default: the rendered name). The EKS role keeps its
  resource names (``aws_iam_role.byoc_eks``), the others get their kind as a prefix (``aws_iam_role.byoc_storage``),
  and each role's ARN is an output ``<kind>_role_arn``.
* CloudFormation: the EKS role keeps ``ByocEksRole`` and the parameter ``RoleName``; the others get their kind as
  a prefix (``StorageRole``, parameter ``StorageRoleName``...); outputs ``<Kind>RoleArn``.
* The cross-account role's policy names the EKS role (``IAMReadEKSRole``, from Zilliz's Terraform); when both are
  in the set, that ARN follows the EKS role's name variable / parameter, so renaming the EKS role does not silently
  cut Zilliz off from it. (Its ``iam:PassRole`` and ``iam:UpdateAssumeRolePolicy`` cover the name prefix only.)

Raises :class:`ValueError` when the roles disagree on a shared value (account, OIDC issuer, tags), which a set
rendered from one :class:`~byoc_iam.blueprint.BlueprintInputs` never does.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from byoc_iam.export import bundle
from byoc_iam.export._trust import trust_facts
from byoc_iam.export.awscli import _PRELUDE, to_aws_cli
from byoc_iam.export.cloudformation import ROLE_LOGICAL_ID, template, yaml_lines
from byoc_iam.export.terraform import ROLE_RESOURCE, fmt_align, hcl_string, to_terraform
from byoc_iam.model.role import RoleSpec

Member = tuple[str, RoleSpec]  # (kind, spec)
SET_FILE_NAMES = {"terraform": "main.tf", "cloudformation": "template.yaml", "aws-cli": "create-roles.sh"}
_RESOURCE = re.compile(r'^resource "(\w+)" "(\w+)" \{$', re.MULTILINE)
_ROLE_NAME_REF = re.compile(r"^(\s*name\s*=\s)var\.role_name$", re.MULTILINE)
_SHARED_VARIABLES = ("account_id", "oidc_issuer", "tags")
_EKS = "eks"


def _snake(kind: str) -> str:
    return kind.replace("-", "_")


def _pascal(kind: str) -> str:
    return "".join(p.capitalize() for p in kind.split("-"))


def _eks_name(members: Sequence[Member]) -> str | None:
    return next((spec.role_name for kind, spec in members if kind == _EKS), None)


def top_level_blocks(text: str) -> list[str]:
    """The top-level blocks of a configuration written by :func:`~byoc_iam.export.terraform.to_terraform` (each
    starts at column 0 and ends with a ``}`` line at column 0; strings never hold raw newlines)."""
    blocks: list[str] = []
    current: list[str] = []
    for line in text.split("\n"):
        if not current and (not line or line.startswith("#")):
            continue
        current.append(line)
        if line == "}":
            blocks.append("\n".join(current))
            current = []
    if current:
        raise ValueError(f"unterminated Terraform block: {current[0]!r}")
    return blocks


def _block_key(block: str) -> tuple[str, str]:
    """``("variable", "role_name")``, ``("locals", "")``, ``("resource", ...)`` or ``("output", ...)``."""
    head = block.split("\n", 1)[0]
    kind = head.split(" ", 1)[0]
    names = re.findall(r'"(\w+)"', head)
    return kind, names[-1] if names else ""


def _role_name_variable(kind: str, block: str) -> str:
    snake = _snake(kind)
    block = block.replace('variable "role_name" {', f'variable "{snake}_role_name" {{', 1)
    what = f"Name of the {kind} IAM role."
    if kind != "cross-account":  # Zilliz's policy passes and re-trusts only roles under the name prefix
        what = f"Name of the {kind} IAM role (keep the name prefix: Zilliz's cross-account policy expects it)."
    return re.sub(r"(?m)^(\s*description\s*=\s).*$", lambda m: m.group(1) + hcl_string(what), block, count=1)


def _set_account(members: Sequence[Member]) -> str | None:
    """The account the set's roles live in (named by the EKS/storage trusts; the cross-account trust names
    Zilliz's account instead)."""
    return next((a for _, spec in members if (a := trust_facts(spec).account)), None)


def _terraform_member(
    kind: str, spec: RoleSpec, eks_name: str | None, account: str | None = None
) -> tuple[dict[str, str], str, list[str]]:
    """``(variables by name, locals block, resource and output blocks)`` of one role, its names made unique."""
    snake = _snake(kind)
    text = to_terraform(spec, account=account)
    if kind != _EKS:
        for rtype, name in _RESOURCE.findall(text):
            new = f"byoc_{snake}" if name == ROLE_RESOURCE else f"{snake}_{name}"
            text = text.replace(f'resource "{rtype}" "{name}" {{', f'resource "{rtype}" "{new}" {{')
            text = re.sub(rf"\b{rtype}\.{name}\.", f"{rtype}.{new}.", text)
    if kind == "cross-account" and eks_name:
        text = text.replace(f':role/{eks_name}"', ':role/${var.eks_role_name}"')
    text = _ROLE_NAME_REF.sub(rf"\g<1>var.{snake}_role_name", text)
    text = text.replace('output "role_arn" {', f'output "{snake}_role_arn" {{')
    variables: dict[str, str] = {}
    local_block = ""
    body: list[str] = []
    for block in top_level_blocks(text):
        btype, name = _block_key(block)
        if btype == "variable":
            variables[name] = _role_name_variable(kind, block) if name == "role_name" else block
        elif btype == "locals":
            local_block = block
        else:
            body.append(block)
    return variables, local_block, body


def _shared_locals(blocks: Sequence[str]) -> str:
    """The one ``locals`` block: the widest of the roles' (the others' attributes must all be in it)."""
    widest = max(blocks, key=len)
    for block in blocks:
        if not set(block.split("\n")) <= set(widest.split("\n")):
            raise ValueError("role set: the roles' Terraform locals disagree")
    return widest


def to_terraform_set(members: Sequence[Member], header: Sequence[str] = ()) -> str:
    """Every role of the set in one Terraform configuration: shared variables and locals, a role-name variable
    per role, outputs ``<kind>_role_arn``. Raises :class:`ValueError` when the roles disagree on a shared value."""
    eks_name = _eks_name(members)
    shared: dict[str, str] = {}
    names: list[str] = []
    local_blocks: list[str] = []
    body: list[str] = []
    for kind, spec in members:
        variables, local_block, blocks = _terraform_member(kind, spec, eks_name, _set_account(members))
        for name, block in variables.items():
            if name in _SHARED_VARIABLES:
                if shared.setdefault(name, block) != block:
                    raise ValueError(f"role set: the roles disagree on the Terraform variable {name}")
            else:
                names.append(block)
        local_blocks.append(local_block)
        body += blocks
    head = [shared[n] for n in ("account_id",) if n in shared] + names
    head += [shared[n] for n in ("oidc_issuer", "tags") if n in shared] + [_shared_locals(local_blocks)]
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + ("\n" if comments else "") + fmt_align("\n\n".join(head + body)) + "\n"


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


def _link_eks_role(value: Any, eks_name: str) -> Any:
    """``value`` with each ARN of the EKS role (literal, or ``Fn::Sub``) naming it through ``${RoleName}``."""
    if isinstance(value, dict):
        if set(value) == {"Fn::Sub"} and isinstance(value["Fn::Sub"], str):
            sub = value["Fn::Sub"]
            if sub.endswith(f":role/{eks_name}"):
                return {"Fn::Sub": sub[: -len(eks_name)] + "${RoleName}"}
            return value
        return {k: _link_eks_role(v, eks_name) for k, v in value.items()}
    if isinstance(value, list):
        return [_link_eks_role(v, eks_name) for v in value]
    if isinstance(value, str) and value.startswith("arn:") and value.endswith(f":role/{eks_name}"):
        return {"Fn::Sub": value[: -len(eks_name)].replace("${", "${!") + "${RoleName}"}
    return value


def cloudformation_set_template(members: Sequence[Member]) -> dict[str, Any]:
    """One CloudFormation template holding every role of the set: a role-name parameter per role (``RoleName``
    for the EKS role, ``<Kind>RoleName`` for the others), outputs ``<Kind>RoleArn``."""
    eks_name = _eks_name(members)
    parameters: dict[str, Any] = {}
    resources: dict[str, Any] = {}
    outputs: dict[str, Any] = {}
    account = _set_account(members)
    for kind, spec in members:
        one = template(spec, account=account)
        prefix = "" if kind == _EKS else _pascal(kind)
        names = {
            lid: (f"{prefix}Role" if lid == ROLE_LOGICAL_ID and prefix else f"{prefix}{lid}")
            for lid in one["Resources"]
        }
        names.update({p: f"{prefix}{p}" for p in one["Parameters"]})
        for param, body in one["Parameters"].items():
            parameters[names[param]] = {**body, "Description": f"Name of the {kind} IAM role"}
        renamed = {names[lid]: _rename(res, names) for lid, res in one["Resources"].items()}
        if kind == "cross-account" and eks_name:
            renamed = _link_eks_role(renamed, eks_name)
        resources.update(renamed)
        outputs[f"{_pascal(kind)}RoleArn"] = {
            "Description": f"ARN of the {kind} role",
            "Value": {"Fn::GetAtt": [names[ROLE_LOGICAL_ID], "Arn"]},
        }
    return {
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": "IAM roles for Zilliz Cloud BYOC on AWS: " + ", ".join(s.role_name for _, s in members),
        "Parameters": parameters,
        "Resources": resources,
        "Outputs": outputs,
    }


def to_cloudformation_set(members: Sequence[Member], header: Sequence[str] = ()) -> str:
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    return comments + "\n".join(yaml_lines(cloudformation_set_template(members))) + "\n"


def to_aws_cli_set(members: Sequence[Member], header: Sequence[str] = ()) -> str:
    """One bash script creating (or converging) every role of the set, in order; the prelude (strict mode,
    helpers, the caller's account and partition) is written once."""
    prelude = _PRELUDE.split("\n")
    parts: list[str] = []
    for i, (_, spec) in enumerate(members):
        lines = to_aws_cli(spec, header if i == 0 else ()).splitlines()
        if i:
            if lines[1 : 1 + len(prelude)] != prelude:
                raise ValueError("role set: unexpected aws-cli script prelude")
            lines = lines[1 + len(prelude) :]
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
