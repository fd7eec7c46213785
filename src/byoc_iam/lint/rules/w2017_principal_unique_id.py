"""W2017: a principal written as an IAM unique ID (``AROA...``, ``AIDA...``) instead of an ARN.

IAM stores unique IDs when the named role or user was deleted; written by hand they are unreadable and
break when the entity is recreated. Source: IAM User Guide, "IAM identifiers" (unique IDs); Access
Analyzer checks "Invalid role reference" and "Invalid user reference".
"""

import re
from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule

_ID = re.compile(r"^(AROA|AIDA)[A-Z0-9]{16,}$")


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for p in (st.principal, st.not_principal):
            if not isinstance(p, dict):
                continue
            for v in p.get("AWS", []):
                m = _ID.match(v.value)
                if m:
                    kind = "role" if m.group(1) == "AROA" else "user"
                    yield Hit(
                        f"{v.value} is an IAM {kind} ID: write the {kind} ARN (arn:aws:iam::<account>:{kind}/<name>)",
                        v.ptr,
                    )


RULE = Rule(
    "W2017",
    "principal-unique-id",
    "Name roles and users by ARN, not by unique ID.",
    check,
    types=("trust", "resource"),
    aws_checks=("Invalid role reference", "Invalid user reference"),
    needs=("Principal", "NotPrincipal"),
)
