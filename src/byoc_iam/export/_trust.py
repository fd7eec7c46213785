"""What the exports read from a trust policy: the account its OIDC principals name, and the real issuer."""

from __future__ import annotations

import re
from dataclasses import dataclass

from byoc_iam.model.role import RoleSpec

OWNER_TAGS = {"byoc-iam:managed-by": "byoc-iam"}  # = byoc_iam.plan.state.OWNER_TAG (a test checks they agree)
_FEDERATED = re.compile(r"^arn:([a-z-]+):iam::(\d{12}):oidc-provider/(.+)$")


@dataclass(frozen=True)
class TrustFacts:
    """``account``: the 12-digit id in the federated principals (None without any); ``issuer``: the real
    OIDC provider host/path (None in placeholder mode, where the host is the literal ``eks_oidc_url``)."""

    account: str | None
    issuer: str | None
    placeholder: bool
    partition: str = "aws"


def trust_facts(spec: RoleSpec) -> TrustFacts:
    account: str | None = None
    issuer: str | None = None
    partition = "aws"
    placeholder = False
    for stmt in spec.trust_policy.get("Statement", []):
        principal = stmt.get("Principal") if isinstance(stmt, dict) else None
        fed = principal.get("Federated", []) if isinstance(principal, dict) else []
        for value in [fed] if isinstance(fed, str) else fed:
            m = _FEDERATED.match(str(value))
            if not m:
                continue
            partition, account = m.group(1), account or m.group(2)
            host = m.group(3)
            if "." in host.split("/", 1)[0]:
                issuer = issuer or host
            else:
                placeholder = True
    return TrustFacts(account, issuer, placeholder and issuer is None, partition)
