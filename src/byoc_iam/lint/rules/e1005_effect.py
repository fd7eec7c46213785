"""E1005: Effect is missing or not "Allow"/"Deny"."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if not st.has("Effect"):
            yield Hit('the statement has no Effect ("Allow" or "Deny")', st.ptr)
        elif st.raw["Effect"] not in ("Allow", "Deny"):
            yield Hit(f'Effect must be "Allow" or "Deny" (case matters), not {st.raw["Effect"]!r}', f"{st.ptr}/Effect")


RULE = Rule(
    "E1005",
    "invalid-effect",
    'Each statement needs Effect "Allow" or "Deny".',
    check,
    aws_checks=("Invalid effect", "Missing effect"),
)
