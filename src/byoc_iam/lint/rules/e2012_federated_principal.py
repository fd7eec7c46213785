"""E2012: a Federated principal that is not a well-formed identity provider ARN (IAM refuses the trust).

``arn:aws:iam::111122223333:oidc-provider/https://oidc.eks...`` or one ending in ``/`` is refused; the
message gives the corrected ARN. Rules about the provider's conditions (S3002, S3003) skip such a value,
so the finding says what is wrong rather than "aud condition missing".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import federated_problem, has_placeholder
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for p in (st.principal, st.not_principal):
            if not isinstance(p, dict):
                continue
            for v in p.get("Federated", []):
                if not v.value or has_placeholder(v.value):
                    continue
                why = federated_problem(v.value)
                if why:
                    yield Hit(f"Federated principal {v.value!r} {why}", v.ptr)


RULE = Rule(
    "E2012",
    "federated-principal",
    "A Federated principal must be an OIDC/SAML provider ARN (issuer without https:// or trailing /).",
    check,
    types=("trust", "resource"),
    aws_checks=("Invalid federated principal syntax in role trust policy",),
    needs=("Principal", "NotPrincipal"),
)
