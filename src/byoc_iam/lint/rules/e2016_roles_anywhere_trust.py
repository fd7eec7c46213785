"""E2016: a trust for IAM Roles Anywhere without the three actions it needs.

rolesanywhere.amazonaws.com assumes a role with sts:AssumeRole, sts:SetSourceIdentity and
sts:TagSession; without all three the role cannot be used. Source: IAM Roles Anywhere User Guide,
"Trust model"; Access Analyzer check "Missing action for roles anywhere trust policy".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_match

NEEDED = ("sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession")


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        p = st.principal
        if st.effect != "Allow" or not isinstance(p, dict) or st.action is None:
            continue
        if not any(v.value == "rolesanywhere.amazonaws.com" for v in p.get("Service", [])):
            continue
        missing = [n for n in NEEDED if not any(glob_match(a.value, n, ignore_case=True) for a in st.action)]
        if missing:
            yield Hit(
                f"rolesanywhere.amazonaws.com needs {', '.join(NEEDED)}: add {', '.join(missing)}",
                f"{st.ptr}/Action",
            )


RULE = Rule(
    "E2016",
    "roles-anywhere-actions",
    "A Roles Anywhere trust must allow sts:AssumeRole, sts:SetSourceIdentity and sts:TagSession.",
    check,
    types=("trust",),
    aws_checks=("Missing action for roles anywhere trust policy",),
    needs=("Principal",),
)
