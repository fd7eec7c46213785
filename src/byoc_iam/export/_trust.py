"""What the exports read from a trust policy: the account its OIDC principals name, and the real issuer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from byoc_iam.model import arn as arns

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec  # annotations only: no pydantic on render's path (issue 18)

OWNER_TAGS = {"byoc-iam:managed-by": "byoc-iam"}  # = byoc_iam.plan.state.OWNER_TAG (a test checks they agree)


@dataclass(frozen=True)
class TrustFacts:
    """``account``: the 12-digit id in the federated principals, else the ``aws:SourceAccount`` of a service
    trust (EKS Pod Identity's confused-deputy condition); None without either. ``issuer``: the real OIDC provider
    host/path (None in placeholder mode, where the host is the literal ``eks_oidc_url``)."""

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
            m = arns.parse_oidc_provider_arn(str(value))
            if m is None or not arns.is_account_id(m.account):
                continue
            partition, account = m.partition, account or m.account
            if arns.is_placeholder_provider(str(value)):
                placeholder = True
            else:
                issuer = issuer or m.name
    return TrustFacts(account or _source_account(spec), issuer, placeholder and issuer is None, partition)


def _source_account(spec: RoleSpec) -> str | None:
    """The one 12-digit ``aws:SourceAccount`` value the trust's Allow statements pin (None: none, or several)."""
    values = {
        str(value)
        for stmt in spec.trust_policy.get("Statement", [])
        if isinstance(stmt, dict) and stmt.get("Effect") == "Allow"
        for block in (stmt.get("Condition") or {}).values()
        if isinstance(block, dict)
        for key, given in block.items()
        if str(key).lower() == "aws:sourceaccount"
        for value in (given if isinstance(given, list) else [given])
    }
    return values.pop() if len(values) == 1 and arns.is_account_id(next(iter(values))) else None
