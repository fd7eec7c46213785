"""E1006: a statement needs exactly one of Action and NotAction."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        has_a, has_na = st.has("Action"), st.has("NotAction")
        if not has_a and not has_na:
            yield Hit("the statement has neither Action nor NotAction", st.ptr)
        elif has_a and has_na:
            yield Hit("the statement has both Action and NotAction; use one", f"{st.ptr}/NotAction")


RULE = Rule("E1006", "action-element", Severity.ERROR, "Each statement needs exactly one of Action/NotAction.", check)
