"""E1008: Principal/NotPrincipal required (trust, resource) or forbidden (identity, SCP)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        has_p, has_np = st.has("Principal"), st.has("NotPrincipal")
        if ctx.policy_type in ("identity", "scp"):
            for name in ("Principal", "NotPrincipal"):
                if st.has(name):
                    yield Hit(
                        f"{'an identity' if ctx.policy_type == 'identity' else 'an SCP'} policy cannot have {name} "
                        "(the principal is whoever the policy is attached to)",
                        f"{st.ptr}/{name}",
                    )
        elif not has_p and not has_np:
            yield Hit(f"the statement has neither Principal nor NotPrincipal ({ctx.policy_type} policy)", st.ptr)
        elif has_p and has_np:
            yield Hit("the statement has both Principal and NotPrincipal; use one", f"{st.ptr}/NotPrincipal")


RULE = Rule(
    "E1008",
    "principal-element",
    Severity.ERROR,
    "Principal/NotPrincipal is required in trust and resource statements and forbidden in identity and SCPs.",
    check,
)
