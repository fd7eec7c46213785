"""Run ``byoc-iam`` in process for the role-set tests (exit code, stdout, stderr)."""

from __future__ import annotations

import io
import json
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from typing import Any


@dataclass
class Result:
    code: int
    out: str
    err: str


def run(*args: str) -> Result:
    from byoc_iam.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return Result(code, out.getvalue(), err.getvalue())


def jsonencoded(value: str) -> Any:
    """The document of a Terraform ``${jsonencode({...})}`` as python-hcl2 re-serialises it (``=`` outside
    strings becomes ``:``; Terraform's template escapes are undone)."""
    assert value.startswith("${jsonencode(") and value.endswith(")}")
    out, in_str, esc = [], False, False
    for ch in value[len("${jsonencode(") : -2]:
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
