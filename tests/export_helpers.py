"""Read back what the render exports write, as Terraform and CloudFormation would (render and role-set tests)."""

from __future__ import annotations

import json
from typing import Any


def hcl_to_json(expr: str) -> Any:
    """The JSON value of an HCL object expression as python-hcl2 re-serialises it (``{"k" = v, ...}``): ``=``
    outside strings becomes ``:``, and Terraform's template escapes (``$${``, ``%%{``) are undone."""
    out, in_str, esc = [], False, False
    for ch in expr:
        if in_str:
            if esc:
                esc = False
            elif ch == "\\":
                esc = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch == "=":
            ch = ":"
        out.append(ch)
    return json.loads("".join(out).replace("$${", "${").replace("%%{", "%{"))


def jsonencoded(value: str) -> Any:
    """The document of a Terraform ``${jsonencode({...})}`` as python-hcl2 re-serialises it."""
    assert value.startswith("${jsonencode(") and value.endswith(")}")
    return hcl_to_json(value[len("${jsonencode(") : -2])


def unquote(value: str) -> str:
    """A python-hcl2 string attribute (JSON-quoted, Terraform's template escapes kept) as the string it is."""
    loaded: str = json.loads(value.replace("$${", "${").replace("%%{", "%{"))
    return loaded


def deployed(value: Any, params: dict[str, str]) -> Any:
    """``value`` as CloudFormation resolves it: ``Ref`` to a parameter, ``Fn::Sub`` over parameters."""
    if isinstance(value, dict) and set(value) == {"Ref"} and value["Ref"] in params:
        return params[value["Ref"]]
    if isinstance(value, dict) and set(value) == {"Fn::Sub"}:
        text = value["Fn::Sub"]
        for key, val in params.items():
            text = text.replace("${" + key + "}", val)
        assert "${" not in text.replace("${!", ""), text
        return text.replace("${!", "${")
    if isinstance(value, dict):
        return {k: deployed(v, params) for k, v in value.items()}
    if isinstance(value, list):
        return [deployed(v, params) for v in value]
    return value
