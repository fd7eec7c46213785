"""RoleSpec → CloudFormation (YAML): AWS::IAM::Role, plus AWS::IAM::ManagedPolicy per customer-managed policy.

The YAML is emitted by a small writer (block style, every string double-quoted with JSON escapes, which
YAML's double-quoted style accepts), so no YAML library is needed at run time. Intrinsics use their long
form (``{"Ref": ...}``, ``{"Fn::GetAtt": [...]}``). Deploying needs ``CAPABILITY_NAMED_IAM`` (named role).

Parameters: ``RoleName`` (default: the rendered name). The account and partition in ARNs come from the
pseudo parameters ``AWS::AccountId`` and ``AWS::Partition`` (``Fn::Sub``), so the template deploys in the
account it is deployed to. The OIDC issuer stays literal: it is part of condition *keys*
(``<issuer>:sub``), which CloudFormation cannot substitute. The role carries byoc-iam's ownership tag
(``byoc-iam:managed-by``); ``AWS::IAM::ManagedPolicy`` has no ``Tags`` property, so customer-managed policies
created by CloudFormation are untagged (``byoc-iam plan`` asks for ``--adopt`` before changing them).
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

ROLE_LOGICAL_ID = "ByocEksRole"
_ACCOUNT_ARN = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):([a-z0-9-]*):([a-z0-9-]*):(\d{12}):")
_PLAIN_KEY = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
# Plain scalars YAML 1.1 reads as booleans or null (``Null`` is a condition operator!) must be quoted.
_YAML_WORDS = {"null", "true", "false", "yes", "no", "on", "off", "y", "n"}


# Characters YAML does not allow raw, or reads as line breaks (DEL, C1 controls incl. NEL, U+2028/9,
# surrogates, U+FFFE/U+FFFF): written as JSON-style \\u escapes (four hex digits).
_NON_PRINTABLE = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")


def _quoted(value: str) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return _NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _scalar(value: Any) -> str:
    return scalar(value, _quoted)


def _key(key: str) -> str:
    plain = _PLAIN_KEY.match(key) and key.lower() not in _YAML_WORDS
    return key if plain else _quoted(key)


def yaml_lines(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML lines for a JSON value (a mapping or a sequence at the top)."""
    pad = "  " * indent
    lines: list[str] = []
    if isinstance(value, dict):
        for k, v in value.items():
            if isinstance(v, dict | list) and v:
                lines.append(f"{pad}{_key(str(k))}:")
                lines.extend(yaml_lines(v, indent + 1))
            elif isinstance(v, dict | list):
                lines.append(f"{pad}{_key(str(k))}: {'{}' if isinstance(v, dict) else '[]'}")
            else:
                lines.append(f"{pad}{_key(str(k))}: {_scalar(v)}")
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict | list) and item:
                inner = yaml_lines(item, indent + 1)
                inner[0] = f"{pad}- {inner[0].lstrip()}"
                lines.extend(inner)
            elif isinstance(item, dict | list):
                lines.append(f"{pad}- {'{}' if isinstance(item, dict) else '[]'}")
            else:
                lines.append(f"{pad}- {_scalar(item)}")
    else:
        lines.append(f"{pad}{_scalar(value)}")
    return lines


def logical_id(name: str, taken: set[str], suffix: str = "") -> str:
    """A CloudFormation logical id (alphanumeric, PascalCase) for ``name``, unique within ``taken``."""
    parts = [p for p in re.split(r"[^A-Za-z0-9]+", name) if p]
    base = ("".join(p[0].upper() + p[1:] for p in parts) or "Policy") + suffix
    if not base[0].isalpha():
        base = f"P{base}"
    out, n = base[:240], 2
    while out in taken:
        out, n = f"{base[:240]}{n}", n + 1
    taken.add(out)
    return out


def _sub_arns(value: Any, account: str) -> Any:
    """``value`` with every ARN string of ``account`` as ``Fn::Sub`` over ``AWS::Partition``/``AWS::AccountId``
    (other ``${`` in such a string escaped as ``${!``, CloudFormation's literal form)."""
    if isinstance(value, dict):
        return {k: _sub_arns(v, account) for k, v in value.items()}
    if isinstance(value, list):
        return [_sub_arns(v, account) for v in value]
    if value == account:  # a whole value, e.g. aws:SourceAccount
        return {"Ref": "AWS::AccountId"}
    if isinstance(value, str):
        m = _ACCOUNT_ARN.match(value)
        if m and m.group(4) == account:
            rest = value[m.end() :].replace("${", "${!")
            return {"Fn::Sub": f"arn:${{AWS::Partition}}:{m.group(2)}:{m.group(3)}:${{AWS::AccountId}}:{rest}"}
    return value


def template(spec: RoleSpec, description: str = "", *, account: str | None = None) -> dict[str, Any]:
    """The CloudFormation template as a dict; ``account``: the role's account when its trust does not name it
    (a role set's cross-account role), so its ARNs use ``AWS::AccountId`` too."""
    account = account or trust_facts(spec).account

    def sub(value: Any) -> Any:
        return _sub_arns(value, account) if account else value

    taken = {ROLE_LOGICAL_ID}
    resources: dict[str, Any] = {}
    managed_refs: list[Any] = list(spec.managed_policy_arns)
    for name, doc in spec.customer_managed_policies.items():
        lid = logical_id(name, taken, "Policy")
        resources[lid] = {
            "Type": "AWS::IAM::ManagedPolicy",
            "Properties": {"ManagedPolicyName": name, "Path": "/", "PolicyDocument": sub(doc)},
        }
        managed_refs.append({"Ref": lid})
    props: dict[str, Any] = {"RoleName": {"Ref": "RoleName"}, "Path": spec.path}
    if spec.description:
        props["Description"] = spec.description
    props["MaxSessionDuration"] = spec.max_session_duration
    if spec.permissions_boundary:
        props["PermissionsBoundary"] = sub(spec.permissions_boundary)
    props["AssumeRolePolicyDocument"] = sub(spec.trust_policy)
    if managed_refs:
        props["ManagedPolicyArns"] = managed_refs
    if spec.inline_policies:
        props["Policies"] = [{"PolicyName": n, "PolicyDocument": sub(d)} for n, d in spec.inline_policies.items()]
    props["Tags"] = [{"Key": k, "Value": v} for k, v in {**spec.tags, **OWNER_TAGS}.items()]
    out: dict[str, Any] = {"AWSTemplateFormatVersion": "2010-09-09"}
    if description:
        out["Description"] = description
    out["Parameters"] = {
        "RoleName": {
            "Type": "String",
            "Default": spec.role_name,
            "Description": "Name of the IAM role",
            "AllowedPattern": "[\\w+=,.@-]{1,64}",
        }
    }
    out["Resources"] = {ROLE_LOGICAL_ID: {"Type": "AWS::IAM::Role", "Properties": props}, **resources}
    out["Outputs"] = {
        "RoleArn": {"Description": "ARN of the role", "Value": {"Fn::GetAtt": [ROLE_LOGICAL_ID, "Arn"]}},
    }
    return out


def to_cloudformation(spec: RoleSpec, header: Sequence[str] = ()) -> str:
    """The role as a CloudFormation YAML template; ``header`` lines become leading comments."""
    comments = "".join(f"# {line}\n" if line else "#\n" for line in header)
    body = "\n".join(yaml_lines(template(spec, f"IAM role {spec.role_name} for Zilliz Cloud BYOC on AWS EKS")))
    return comments + body + "\n"
