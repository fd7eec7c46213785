"""E2009: an action that a role trust policy cannot grant (only sts: role-session actions are allowed)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import TRUST_ACTIONS, has_placeholder
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_match


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for a in st.action or []:
            if has_placeholder(a.value) or not a.value:
                continue
            if not any(glob_match(a.value, t, ignore_case=True) for t in TRUST_ACTIONS):
                yield Hit(
                    f"{a.value} cannot be granted by a trust policy: it only grants {', '.join(TRUST_ACTIONS)}", a.ptr
                )


RULE = Rule(
    "E2009",
    "unsupported-trust-action",
    "A trust policy may only grant the sts: actions that start or tag a role session.",
    check,
    types=("trust",),
    needs=("Action",),
)
