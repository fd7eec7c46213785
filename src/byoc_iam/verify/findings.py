"""Findings specific to this shared role, their texts from ``data/verify/findings.json``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from byoc_iam.model.arn import PLACEHOLDER_PROVIDER
from byoc_iam.model.record import record
from byoc_iam.verify.data import finding_texts
from byoc_iam.verify.documents import Refusal
from byoc_iam.verify.policies import LabelledPolicy
from byoc_iam.verify.report import ComponentResult, FederationResult, Finding
from byoc_iam.verify.trust import TrustMode, providers

if TYPE_CHECKING:
    from byoc_iam.model import RoleSpec


def finding(code: str, **fields: object) -> Finding:
    """The finding ``code`` with its data texts filled from ``fields``."""
    text = finding_texts().findings[code]
    return Finding(
        code=code,
        severity=text.severity,
        title=text.title,
        message=text.message.format(**fields),
        mitigation=text.mitigation.format(**fields),
    )


@record(frozen=True, kw_only=False)
class Facts:
    """What the findings are made from."""

    spec: RoleSpec
    trust_mode: TrustMode
    policies: Sequence[LabelledPolicy]
    components: Sequence[ComponentResult]
    boundary_evaluated: bool
    refused: Sequence[Refusal]
    federation: Sequence[FederationResult]
    beyond: Sequence[tuple[str, str]]
    irsa_accounts: Sequence[str]
    account_unknown: bool = False
    account: str = ""


def findings(facts: Facts) -> list[Finding]:
    """Every finding, worst first (errors, security, warnings, info)."""
    accounts = ", ".join(facts.irsa_accounts)
    out = [finding("document-refused", policy=r.label, count=r.count, first=r.first) for r in facts.refused]
    out += [
        finding("federation-broken", reason="; ".join(f.problems), accounts=accounts)
        for f in facts.federation
        if not f.passed
    ]
    out += [finding("grant-beyond-blueprint", what=what) for _, what in facts.beyond]
    if facts.account_unknown:
        out.append(finding("federation-account-unknown", account=facts.account))
    out += _shared_node(facts)
    out += _unattributed(facts)
    if facts.spec.permissions_boundary and not facts.boundary_evaluated:
        out.append(finding("boundary-not-evaluated", boundary=facts.spec.permissions_boundary))
    if facts.trust_mode == "placeholder":
        out.append(finding("placeholder-trust-not-linked", provider=PLACEHOLDER_PROVIDER, accounts=accounts))
    elif facts.trust_mode == "none":
        out.append(finding("no-oidc-provider"))
    return out


def _shared_node(facts: Facts) -> list[Finding]:
    trust = facts.spec.trust()
    services = {
        s
        for st in trust.statements
        if st.effect == "Allow" and isinstance(st.principal, dict)
        for s in st.principal.get("Service", ())
    }
    if not (any(s.startswith("ec2.") for s in services) and providers(trust)):
        return []
    controllers = [c.name for c in facts.components if any(o.startswith("IRSA") for o in c.obtains_role)]
    reachable = set(finding_texts().node_reachable_actions)
    granted = sorted(
        {a for p in facts.policies for s in p.document.statements for a in (s.action or ()) if a in reachable}
    )
    return [
        finding(
            "shared-node-irsa-role",
            controllers=", ".join(controllers),
            granted=", ".join(granted) or "their write actions",
        )
    ]


def _unattributed(facts: Facts) -> list[Finding]:
    owned = {label for c in facts.components for label in c.own_policies}
    owned |= {label for label, _ in facts.beyond}  # already a security finding
    extra = [p.label for p in facts.policies if p.label not in owned]
    if not extra:
        return []
    return [finding("policy-not-attributed", policies=", ".join(extra), verb="is" if len(extra) == 1 else "are")]
