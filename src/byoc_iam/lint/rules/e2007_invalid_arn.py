"""E2007: a Resource or principal value that is not a well-formed ARN (or another form IAM accepts).

IAM refuses these documents at write time (MalformedPolicyDocument): a Resource must be ``"*"`` or
``arn:<partition>:<service>:<region>:<account>:<resource>`` with a lower-case service; an AWS principal an
account ID, an IAM ARN without a wildcard ("You cannot use a wildcard to match part of a principal name or
ARN") or ``"*"``; a Service principal ``<service>.amazonaws.com``. Sources: IAM User Guide, "IAM JSON policy
elements: Resource" and "Principal"; Access Analyzer's policy check reference.
"""

from collections.abc import Iterator
from functools import lru_cache

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import has_placeholder
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.arn import all_partitions
from byoc_iam.model.patterns import lazy
from byoc_iam.servicecatalog import glob_match

PARTITIONS = all_partitions()  # every AWS partition (data/iam/partitions.json)
_ACCOUNT = lazy(r"^\d{12}$")
_IAM_PRINCIPAL = lazy(r"^arn:[^:]+:(iam|sts)::\d{12}:(root|user/.+|role/.+|assumed-role/.+|federated-user/.+)$")
_SERVICE = lazy(r"^[a-z0-9.-]+\.amazonaws\.com(\.cn)?$|^[a-z0-9.-]+\.(amazon|aws)\.internal$")
_ARN_SERVICE = lazy(r"^[a-z0-9*?][a-z0-9*?-]*$")
_ARN_ACCOUNT = lazy(r"^(\d{12}|aws|[0-9]*[*?][0-9*?]*|)$")


@lru_cache(maxsize=16384)
def arn_problem(value: str) -> str | None:
    """Why ``value`` is not a resource ARN, with what to write instead; None when it is one."""
    if not value.startswith("arn:"):
        return 'must be "*" or an ARN: write arn:<partition>:<service>:<region>:<account>:<resource>'
    parts = value.split(":", 5)
    if len(parts) < 6:
        return "an ARN has six parts: arn:<partition>:<service>:<region>:<account>:<resource>"
    partition, service, account = parts[1], parts[2], parts[4]
    if not partition or not any(glob_match(partition, p) for p in PARTITIONS):
        return f"{partition!r} is not an AWS partition (write one of {', '.join(PARTITIONS[:3])})"
    if not service:
        return "the service part of the ARN is empty"
    if service != service.lower() and _ARN_SERVICE.match(service.lower()):
        return f"the service {service!r} must be lower case: write {service.lower()!r}"
    if not _ARN_SERVICE.match(service):
        return f"{service!r} is not a service prefix (lower-case letters, digits and -)"
    if not _ARN_ACCOUNT.match(account) and "${" not in value:
        return f"the account {account!r} is not a 12-digit account ID"
    return None  # an empty resource part is accepted (AWS's own AmazonDevOpsGuruOrganizationsAccess has one)


def _resources(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for r in [*(st.resource or []), *(st.not_resource or [])]:
            if r.value == "*" or not r.value or has_placeholder(r.value):
                continue
            why = arn_problem(r.value)
            if why:
                yield Hit(f"{r.value!r}: {why}", r.ptr)


def _principals(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for p in (st.principal, st.not_principal):
            if not isinstance(p, dict):
                continue
            for v in p.get("AWS", []):
                if v.value == "*" or _ACCOUNT.match(v.value) or has_placeholder(v.value) or not v.value:
                    continue
                if "*" in v.value or "?" in v.value:
                    yield Hit(
                        f"AWS principal {v.value!r} has a wildcard: IAM refuses a wildcard in part of a principal "
                        '(Invalid principal in policy); write "*" and narrow it with a condition on aws:PrincipalArn',
                        v.ptr,
                    )
                elif not _IAM_PRINCIPAL.match(v.value) and not v.value.startswith(("AROA", "AIDA")):
                    yield Hit(
                        f"AWS principal {v.value!r} must be a 12-digit account ID, an IAM ARN "
                        '(arn:aws:iam::<account>:root|role/<name>|user/<name>) or "*"',
                        v.ptr,
                    )
            for v in p.get("Service", []):
                if v.value and not has_placeholder(v.value) and not _SERVICE.match(v.value):
                    yield Hit(f"Service principal {v.value!r} must look like <service>.amazonaws.com", v.ptr)


def check(ctx: DocContext) -> Iterator[Hit]:
    yield from _resources(ctx)
    yield from _principals(ctx)


RULE = Rule(
    "E2007",
    "invalid-arn",
    "Resources and principals must be well-formed ARNs.",
    check,
    aws_checks=(
        "Invalid ARN prefix",
        "Missing ARN field",
        "Invalid ARN service case",
        "Invalid ARN account",
        "Invalid partition",
        "Invalid principal format",
        "Invalid service principal format",
    ),
    needs=("Resource", "NotResource", "Principal", "NotPrincipal"),
)
