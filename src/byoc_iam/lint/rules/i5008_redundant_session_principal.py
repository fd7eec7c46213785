"""I5008: an assumed-role session principal listed next to its own role (the role ARN already covers it).

Source: Access Analyzer check "Redundant principal in role trust policy".
"""

import re
from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule

_SESSION = re.compile(r"^arn:([^:]+):sts::(\d{12}):assumed-role/([^/]+)/.+$")


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        p = st.principal
        if not isinstance(p, dict):
            continue
        listed = {v.value for v in p.get("AWS", [])}
        for v in p.get("AWS", []):
            m = _SESSION.match(v.value)
            if m and f"arn:{m.group(1)}:iam::{m.group(2)}:role/{m.group(3)}" in listed:
                yield Hit(f"{v.value} is a session of a role the statement already names: remove it", v.ptr)


RULE = Rule(
    "I5008",
    "redundant-session-principal",
    "A role's session principal next to the role itself is redundant.",
    check,
    types=("trust",),
    aws_checks=("Redundant principal in role trust policy",),
    needs=("Principal",),
)
