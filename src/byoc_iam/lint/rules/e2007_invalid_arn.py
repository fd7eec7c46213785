"""E2007: a Resource or principal value that is not a well-formed ARN (or another form IAM accepts)."""

import re
from collections.abc import Iterator

from byoc_iam import data as knowledge
from byoc_iam.lint.context import DocContext
from byoc_iam.lint.finding import Severity
from byoc_iam.lint.helpers import has_placeholder
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.arn import all_partitions, is_provider_arn
from byoc_iam.servicecatalog import glob_match

PARTITIONS = all_partitions()  # every AWS partition (data/iam/partitions.json)
_ACCOUNT = re.compile(r"^\d{12}$")
_IAM_PRINCIPAL = re.compile(
    r"^arn:[^:]+:(iam|sts)::(\d{12}|\*):(root|user/.+|role/.+|assumed-role/.+|federated-user/.+|\*)$"
)
_FEDERATED_DOMAINS = tuple(knowledge.raw("trust-policy", "trust_policy")["web_identity_domains"])
_SERVICE = re.compile(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$|^[a-z0-9.-]+\.(amazon|aws)\.internal$")


def arn_problem(value: str) -> str | None:
    """Why ``value`` is not an ARN, or None."""
    if not value.startswith("arn:"):
        return 'must be "*" or an ARN (arn:partition:service:region:account:resource)'
    parts = value.split(":", 5)
    if len(parts) < 6:
        return "an ARN has six parts: arn:partition:service:region:account:resource"
    partition, service = parts[1], parts[2]
    if not partition or not any(glob_match(partition, p) for p in PARTITIONS):
        return f"{partition!r} is not an AWS partition"
    if not service:
        return "the service part of the ARN is empty"
    if not parts[5]:
        return "the resource part of the ARN is empty"
    return None


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for r in [*(st.resource or []), *(st.not_resource or [])]:
            if r.value == "*" or not r.value or has_placeholder(r.value):
                continue
            why = arn_problem(r.value)
            if why:
                yield Hit(f"{r.value!r}: {why}", r.ptr)
        for p in (st.principal, st.not_principal):
            if not isinstance(p, dict):
                continue
            for v in p.get("AWS", []):
                if v.value == "*" or _ACCOUNT.match(v.value) or has_placeholder(v.value) or not v.value:
                    continue
                if not _IAM_PRINCIPAL.match(v.value):
                    yield Hit(f'AWS principal {v.value!r} must be an account ID, an IAM ARN or "*"', v.ptr)
            for v in p.get("Federated", []):
                if not v.value or has_placeholder(v.value) or v.value in _FEDERATED_DOMAINS:
                    continue
                if not is_provider_arn(v.value):
                    yield Hit(f"Federated principal {v.value!r} must be an OIDC or SAML provider ARN", v.ptr)
            for v in p.get("Service", []):
                if v.value and not has_placeholder(v.value) and not _SERVICE.match(v.value):
                    yield Hit(f"Service principal {v.value!r} must look like <service>.amazonaws.com", v.ptr)


RULE = Rule("E2007", "invalid-arn", Severity.ERROR, "Resources and principals must be well-formed ARNs.", check)
