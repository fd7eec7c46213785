"""S3002: a web-identity trust whose ``aud`` is not pinned accepts tokens minted for another audience.

The audience must be pinned by a positive exact operator (``StringEquals``, or ``StringLike`` without wildcards):
a missing key, a negated operator (``StringNotEquals`` admits every other audience), a wildcard pattern, ``Null``,
``...IfExists`` or ``StringEqualsIgnoreCase`` do not pin it (IAM User Guide, "IAM JSON policy elements: Condition
operators"; "Create a role for OpenID Connect federation" and the EKS user guide's "Assign IAM roles to Kubernetes
service accounts" pin ``<provider>:aud`` to ``sts.amazonaws.com`` with ``StringEquals``)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import claim_conditions, provider_name, web_identity_statements
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st, providers in web_identity_statements(ctx):
        for prov in providers:
            name = provider_name(prov.value)
            entries, problems = claim_conditions(st, name, "aud")
            if problems is None:
                continue
            if not entries:
                yield Hit(
                    f"web-identity trust for {name} has no {name}:aud condition (expected sts.amazonaws.com): "
                    "a token issued for any audience could assume the role",
                    prov.ptr,
                )
                continue
            for c, why in zip(entries, problems, strict=True):
                yield Hit(
                    f"{c.operator} on {c.key} does not pin the audience ({why}; expected StringEquals "
                    "sts.amazonaws.com): a token issued for another audience could assume the role",
                    c.key_ptr,
                )


RULE = Rule(
    "S3002",
    "oidc-missing-aud",
    "An OIDC web-identity trust must pin the token audience (<provider>:aud) with a positive exact operator.",
    check,
    types=("trust",),
    aws_checks=("Missing condition key for oidc principal",),
    needs=("Principal",),
)
