"""E2013: a web-identity action with a SAML provider, or AssumeRoleWithSAML with an OIDC provider.

STS accepts sts:AssumeRoleWithWebIdentity only for OIDC providers (and the web-identity domains) and
sts:AssumeRoleWithSAML only for SAML providers: the statement can never be used. Source: Access
Analyzer check "Mismatched action for principal".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        p = st.principal
        if not isinstance(p, dict) or st.action is None:
            continue
        actions = {a.value.lower() for a in st.action}
        for v in p.get("Federated", []):
            if ":saml-provider/" in v.value and "sts:assumerolewithwebidentity" in actions:
                yield Hit(
                    f"{v.value} is a SAML provider: it assumes roles with sts:AssumeRoleWithSAML, "
                    "not sts:AssumeRoleWithWebIdentity",
                    v.ptr,
                )
            if ":oidc-provider/" in v.value and "sts:assumerolewithsaml" in actions:
                yield Hit(
                    f"{v.value} is an OIDC provider: it assumes roles with sts:AssumeRoleWithWebIdentity, "
                    "not sts:AssumeRoleWithSAML",
                    v.ptr,
                )


RULE = Rule(
    "E2013",
    "principal-action-mismatch",
    "OIDC providers take sts:AssumeRoleWithWebIdentity and SAML providers sts:AssumeRoleWithSAML.",
    check,
    types=("trust",),
    aws_checks=("Mismatched action for principal",),
)
