"""Findings as JSON and SARIF (the text form lives in the CLI, with rich)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from byoc_iam.lint.finding import Finding, Severity
from byoc_iam.lint.rules import all_rules

SARIF_LEVEL = {
    Severity.ERROR: "error",
    Severity.SECURITY_WARNING: "warning",
    Severity.WARNING: "warning",
    Severity.SUGGESTION: "note",
}


def to_json(findings: Iterable[Finding]) -> str:
    """The documented JSON output: a list of finding objects."""
    return json.dumps([f.to_dict() for f in findings], indent=2) + "\n"


def to_sarif(findings: Iterable[Finding]) -> dict[str, Any]:
    """A SARIF 2.1.0 log with every rule and one result per finding."""
    from byoc_iam import __version__
    from byoc_iam.report.sarif import SarifResult, SarifRule, sarif_log

    rules = [
        SarifRule(
            id=r.code,
            name=r.name,
            description=r.description,
            level=SARIF_LEVEL[r.severity],  # type: ignore[arg-type]
            tags=("security",) if r.severity is Severity.SECURITY_WARNING else (),
            security_severity=7.0 if r.severity is Severity.SECURITY_WARNING else None,
        )
        for r in all_rules()
    ]
    results = [
        SarifResult(
            rule_id=f.code,
            level=SARIF_LEVEL[f.severity],  # type: ignore[arg-type]
            message=f.message,
            file=f.file,
            line=f.line,
            column=f.column,
            pointer=f.path,
            properties={"severity": str(f.severity), "statement_index": f.statement_index, "sid": f.sid},
        )
        for f in findings
    ]
    return sarif_log("byoc-iam lint", __version__, rules, results)


def summary(findings: list[Finding]) -> str:
    """``2 errors, 1 warning`` (or ``no findings``)."""
    if not findings:
        return "no findings"
    words = {
        Severity.ERROR: "error",
        Severity.SECURITY_WARNING: "security warning",
        Severity.WARNING: "warning",
        Severity.SUGGESTION: "suggestion",
    }
    parts = []
    for sev in Severity:
        n = sum(1 for f in findings if f.severity is sev)
        if n:
            parts.append(f"{n} {words[sev]}{'s' if n > 1 else ''}")
    return ", ".join(parts)


def rules_markdown() -> str:
    """The README's rule table (a test keeps the README in sync with the rules)."""
    rows = ["| code | name | severity | applies to | description |", "|---|---|---|---|---|"]
    for r in all_rules():
        scope = (
            "role"
            if r.check_role is not None and r.check is None
            else ", ".join(r.types)
            if len(r.types) < 4
            else "all"
        )
        if r.check is not None and r.check_role is not None:
            scope += " + role"
        if len(r.origins) == 1:
            scope += f" ({r.origins[0]} only)"
        description = r.description.replace("|", "\\|")
        rows.append(f"| {r.code} | {r.name} | {r.severity} | {scope} | {description} |")
    return "\n".join(rows) + "\n"
