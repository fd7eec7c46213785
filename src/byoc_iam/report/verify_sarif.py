"""verify's SARIF 2.1.0 output (built with the shared writer ``report/sarif.py``): one result per failed call,
failed trust check and finding. The logical location names ``<role>/<component>/<call>`` or ``<role>/trust/<check>``;
the physical location is the RoleSpec file verified, when there is one."""

from __future__ import annotations

from typing import Any

from byoc_iam.report.sarif import Level, SarifResult, SarifRule, sarif_log
from byoc_iam.verify.data import finding_texts
from byoc_iam.verify.report import VerifyReport

_CHECK_RULES = (
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
)
_LEVEL: dict[str, Level] = {"error": "error", "security": "error", "warning": "warning", "info": "note"}
_SECURITY = {"grant-beyond-blueprint": 8.0, "shared-node-irsa-role": 6.0}


def _finding_rules() -> tuple[SarifRule, ...]:
    """One rule per finding of ``data/verify/findings.json`` (its title and severity)."""
    rules = []
    for code, text in finding_texts().findings.items():
        score = _SECURITY.get(code)
        tags = ("security",) if score is not None or text.severity == "security" else ()
        rules.append(
            SarifRule(f"verify/{code}", code, text.title, _LEVEL[text.severity], tags=tags, security_severity=score)
        )
    return tuple(rules)


RULES = _CHECK_RULES + _finding_rules()


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
        if t.status == "failed":
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
        "verify": {
            "ok": report.ok,
            "status": report.status,
            "verdict": report.verdict,
            "role": report.role.arn,
            "trust_mode": report.trust_mode,
        }
    }
    return log
