"""E1007: Resource/NotResource required (identity, resource) or forbidden (trust); SCPs may leave it out."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        has_r, has_nr = st.has("Resource"), st.has("NotResource")
        if ctx.policy_type == "trust":
            for name in ("Resource", "NotResource"):
                if st.has(name):
                    yield Hit(f"a trust policy cannot have {name} (the role is the resource)", f"{st.ptr}/{name}")
        elif not has_r and not has_nr and ctx.policy_type != "scp":
            yield Hit(f"the statement has neither Resource nor NotResource ({ctx.policy_type} policy)", st.ptr)
        elif has_r and has_nr:
            yield Hit("the statement has both Resource and NotResource; use one", f"{st.ptr}/NotResource")


RULE = Rule(
    "E1007",
    "resource-element",
    Severity.ERROR,
    "Resource/NotResource is required in identity and resource statements and forbidden in trust policies.",
    check,
)
