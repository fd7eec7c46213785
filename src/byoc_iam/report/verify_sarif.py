"""verify's SARIF 2.1.0 output (built with the shared writer ``report/sarif.py``): one result per failed call,
failed trust check and finding. The logical location names ``<role>/<component>/<call>`` or ``<role>/trust/<check>``;
the physical location is the RoleSpec file verified, when there is one."""

from __future__ import annotations

from typing import Any

from byoc_iam.report.sarif import Level, SarifResult, SarifRule, sarif_log
from byoc_iam.verify.report import VerifyReport

RULES = (
    SarifRule(
        "verify/call-denied",
        "call-denied",
        "A component's required call is denied",
        "error",
        tags=("security", "availability"),
        security_severity=5.0,
    ),
    SarifRule(
        "verify/call-incidental",
        "call-incidental",
        "A required call is allowed only through another component's policy",
        "error",
    ),
    SarifRule("verify/trust-positive", "trust-positive", "An intended principal cannot assume the role", "error"),
    SarifRule(
        "verify/trust-negative",
        "trust-negative",
        "An unintended principal can assume the role",
        "error",
        tags=("security",),
        security_severity=9.0,
    ),
    SarifRule(
        "verify/shared-node-irsa-role",
        "shared-node-irsa-role",
        "Node role and IRSA controllers share one role",
        "warning",
        tags=("security",),
        security_severity=6.0,
    ),
    SarifRule(
        "verify/placeholder-trust-not-linked",
        "placeholder-trust-not-linked",
        "IRSA trust not linked to the cluster yet",
        "warning",
    ),
    SarifRule("verify/no-oidc-provider", "no-oidc-provider", "No OIDC provider in the trust policy", "warning"),
    SarifRule(
        "verify/policy-not-attributed", "policy-not-attributed", "Policies no component is known to need", "note"
    ),
    SarifRule(
        "verify/boundary-not-evaluated", "boundary-not-evaluated", "Permissions boundary not evaluated", "warning"
    ),
)
_LEVEL: dict[str, Level] = {"error": "error", "warning": "warning", "info": "note"}


def to_sarif(report: VerifyReport, *, artifact_uri: str | None = None) -> dict[str, Any]:
    """The report as a SARIF log (``artifact_uri``: the RoleSpec file verified, when there is one)."""
    role = report.role.name
    results: list[SarifResult] = []
    for comp in report.components:
        for call in comp.calls:
            if call.status != "failed":
                continue
            results.append(
                SarifResult(
                    rule_id="verify/call-denied" if call.decision != "Allowed" else "verify/call-incidental",
                    level="error",
                    message=f"{comp.name}: {call.action} ({call.summary}): {call.reason}",
                    file=artifact_uri,
                    pointer=f"{role}/{comp.id}/{call.id}",
                    properties={"component": comp.id, "call": call.id, "action": call.action, "feature": call.feature},
                )
            )
    for t in report.trust:
        if not t.passed:
            results.append(
                SarifResult(
                    rule_id=f"verify/trust-{t.kind}",
                    level="error",
                    message=f"{t.description}: {t.reason}",
                    file=artifact_uri,
                    pointer=f"{role}/trust/{t.id}",
                    properties={"check": t.id, "principal": t.principal, "action": t.action},
                )
            )
    for f in report.findings:
        results.append(
            SarifResult(
                rule_id=f"verify/{f.code}",
                level=_LEVEL[f.severity],
                message=f"{f.message} Mitigation: {f.mitigation}" if f.mitigation else f.message,
                file=artifact_uri,
                pointer=role,
            )
        )
    log = sarif_log("byoc-iam", report.tool_version, RULES, results)
    log["runs"][0]["properties"] = {
        "verify": {"ok": report.ok, "role": report.role.arn, "trust_mode": report.trust_mode}
    }
    return log
