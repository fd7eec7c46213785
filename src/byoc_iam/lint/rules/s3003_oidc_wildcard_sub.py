"""S3003: a web-identity trust whose ``sub`` is missing, a wildcard or otherwise not pinned lets other service
accounts assume the role.

The subject must be pinned by a positive exact operator (``StringEquals``, or ``StringLike`` without wildcards):
a negated operator (``StringNotEquals`` on one service account admits every other one), ``Null``, ``...IfExists``
or ``StringEqualsIgnoreCase`` do not pin it (IAM User Guide, "IAM JSON policy elements: Condition operators";
EKS user guide, "Assign IAM roles to Kubernetes service accounts": ``StringEquals`` on
``<provider>:sub`` = ``system:serviceaccount:<namespace>:<name>``)."""

from collections.abc import Iterator

from byoc_iam.lint.context import CondEntry, DocContext
from byoc_iam.lint.helpers import claim_conditions, parse_operator, provider_name, web_identity_statements
from byoc_iam.lint.rules import Hit, Rule


def _wildcards(subs: list[CondEntry]) -> Iterator[Hit]:
    for c in subs:
        op = parse_operator(c.operator)
        if op.base in ("StringLike", "StringNotLike") or op.if_exists:
            for v in c.values:
                if "*" in v.text or "?" in v.text:
                    yield Hit(f"{c.key} {v.text!r} is a wildcard: more subjects than intended match", v.ptr)
            if op.if_exists:
                yield Hit(f"{c.operator} on {c.key} passes when the claim is absent", c.key_ptr)


def check(ctx: DocContext) -> Iterator[Hit]:
    for st, providers in web_identity_statements(ctx):
        for prov in providers:
            name = provider_name(prov.value)
            subs, problems = claim_conditions(st, name, "sub")
            if not subs:
                yield Hit(
                    f"web-identity trust for {name} has no {name}:sub condition: every service account of the "
                    "cluster can assume the role",
                    prov.ptr,
                )
                continue
            hits = list(_wildcards(subs))
            yield from hits
            if problems is None or hits:
                continue
            for c, why in zip(subs, problems, strict=True):
                yield Hit(
                    f"{c.operator} on {c.key} does not pin the subject ({why}): service accounts other than the "
                    "intended one could assume the role",
                    c.key_ptr,
                )


RULE = Rule(
    "S3003",
    "oidc-wildcard-sub",
    "An OIDC web-identity trust must pin the subject (<provider>:sub) with a positive exact operator, no wildcards.",
    check,
    types=("trust",),
    aws_checks=("Missing github repo condition key",),
    needs=("Principal",),
)
