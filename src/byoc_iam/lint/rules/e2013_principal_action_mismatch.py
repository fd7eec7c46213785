"""E2013: a web-identity action with a SAML provider, AssumeRoleWithSAML with an OIDC provider, or
sts:AssumeRole with any federated principal.

STS accepts sts:AssumeRoleWithWebIdentity only for OIDC providers (and the web-identity domains) and
sts:AssumeRoleWithSAML only for SAML providers; sts:AssumeRole is for IAM principals and services, never a
``Federated`` one: the statement can never be used. Source: Access Analyzer check "Mismatched action for
principal" (its validate-policy example in the AWS CLI reference flags ``cognito-identity.amazonaws.com`` with
``sts:AssumeRole``).
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
            if "sts:assumerole" in actions:
                saml = ":saml-provider/" in v.value
                yield Hit(
                    f"{v.value} is a federated principal: it assumes roles with "
                    f"sts:AssumeRoleWith{'SAML' if saml else 'WebIdentity'}, never sts:AssumeRole",
                    v.ptr,
                )


RULE = Rule(
    "E2013",
    "principal-action-mismatch",
    "Federated principals take sts:AssumeRoleWithWebIdentity (OIDC) or sts:AssumeRoleWithSAML, not sts:AssumeRole.",
    check,
    types=("trust",),
    aws_checks=("Mismatched action for principal",),
    needs=("Principal",),
)
