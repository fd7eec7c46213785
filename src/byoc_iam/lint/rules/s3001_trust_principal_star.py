"""S3001: a trust policy lets any principal (``"*"``) assume the role."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        if st.effect != "Allow":
            continue
        p = st.principal
        guard = " (only its conditions stand between the role and everyone)" if st.conditions else ""
        if p == "*":
            yield Hit(f'Principal "*" lets any AWS principal assume the role{guard}', f"{st.ptr}/Principal")
        elif isinstance(p, dict):
            for kind, values in p.items():
                for v in values:
                    if v.value == "*":
                        yield Hit(f'Principal {kind} "*" lets any principal assume the role{guard}', v.ptr)


RULE = Rule(
    "S3001",
    "trust-principal-star",
    'A trust policy must not allow Principal "*".',
    check,
    types=("trust",),
    needs=("Principal",),
)
