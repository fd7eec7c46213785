"""S3002: a web-identity trust without an ``aud`` condition accepts tokens minted for any audience."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import provider_name, web_identity_statements
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st, providers in web_identity_statements(ctx):
        keys = st.condition_keys()
        for prov in providers:
            name = provider_name(prov.value)
            if f"{name}:aud".lower() not in keys:
                yield Hit(
                    f"web-identity trust for {name} has no {name}:aud condition (expected sts.amazonaws.com): "
                    "a token issued for any audience could assume the role",
                    prov.ptr,
                )


RULE = Rule(
    "S3002",
    "oidc-missing-aud",
    "An OIDC web-identity trust must pin the token audience (<provider>:aud).",
    check,
    types=("trust",),
    aws_checks=("Missing condition key for oidc principal",),
)
