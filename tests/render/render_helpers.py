"""Helpers shared by the render tests (imported by name; pytest puts this folder on sys.path)."""

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
