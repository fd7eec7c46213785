"""What the managed-policy rules share: the role's policy ARNs and the optional list of every AWS managed
policy name.

The managed catalog (:mod:`byoc_iam.managed`) knows the policies the BYOC role uses. To say that any other
``arn:aws:iam::aws:policy/...`` does not exist, lint needs the names of all AWS managed policies: it reads
them from ``data/managed/aws_managed_policy_names.json`` (``{"policies": [{"name", "path"}]}``) when the
package ships that file, and otherwise only reports names the catalog proves wrong.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path

from byoc_iam.lint.context import RoleContext

NAMES_FILE = Path(__file__).resolve().parents[1] / "data" / "managed" / "aws_managed_policy_names.json"
_AWS_MANAGED = re.compile(r"^arn:(?P<p>aws|aws-cn|aws-us-gov):iam::aws:policy(?P<path>/(?:[^/]+/)*)(?P<name>[^/]+)$")


def parse_aws_managed(arn: str) -> tuple[str, str, str] | None:
    """``(partition, path, name)`` of an AWS managed policy ARN; None for any other ARN."""
    m = _AWS_MANAGED.match(arn)
    return (m["p"], m["path"], m["name"]) if m else None


def managed_arns(rctx: RoleContext, *, boundary: bool = True) -> list[tuple[str, str]]:
    """``(arn, pointer)`` of the role's attached managed policies (and its permissions boundary)."""
    out = [(arn, f"/managed_policy_arns/{i}") for i, arn in enumerate(rctx.spec.managed_policy_arns)]
    if boundary and rctx.spec.permissions_boundary:
        out.append((rctx.spec.permissions_boundary, "/permissions_boundary"))
    return out


@cache
def aws_managed_names() -> dict[str, tuple[str, str]] | None:
    """lower-cased name -> (name, path) of every AWS managed policy, or None when the list is not shipped."""
    if not NAMES_FILE.is_file():
        return None
    data = json.loads(NAMES_FILE.read_text(encoding="utf-8"))
    return {str(p["name"]).lower(): (str(p["name"]), str(p["path"])) for p in data.get("policies", [])}
