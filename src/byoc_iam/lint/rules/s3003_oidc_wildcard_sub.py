"""S3003: a web-identity trust whose ``sub`` is missing or a wildcard lets other service accounts assume the role."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import parse_operator, provider_name, web_identity_statements
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st, providers in web_identity_statements(ctx):
        for prov in providers:
            name = provider_name(prov.value)
            key = f"{name}:sub".lower()
            subs = [c for c in st.conditions if c.key.lower() == key]
            if not subs:
                yield Hit(
                    f"web-identity trust for {name} has no {name}:sub condition: every service account of the "
                    "cluster can assume the role",
                    prov.ptr,
                )
                continue
            for c in subs:
                op = parse_operator(c.operator)
                if op.base in ("StringLike", "StringNotLike") or op.if_exists:
                    for v in c.values:
                        if "*" in v.text or "?" in v.text:
                            yield Hit(f"{c.key} {v.text!r} is a wildcard: more subjects than intended match", v.ptr)
                    if op.if_exists:
                        yield Hit(f"{c.operator} on {c.key} passes when the claim is absent", c.key_ptr)


RULE = Rule(
    "S3003",
    "oidc-wildcard-sub",
    "An OIDC web-identity trust must pin the subject (<provider>:sub) without wildcards.",
    check,
    types=("trust",),
    aws_checks=("Missing github repo condition key",),
)
