"""SARIF 2.1.0 for code-scanning UIs (GitHub code scanning, VS Code SARIF viewer).

Generic: a tool describes its rules as :class:`SarifRule` and its results as :class:`SarifResult`;
:func:`sarif_log` builds the log and :func:`dumps` serialises it. lint and verify both use it.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
VERSION = "2.1.0"
Level = Literal["error", "warning", "note", "none"]


@dataclass(frozen=True)
class SarifRule:
    """A rule (``reportingDescriptor``): id, short name, one-line description, default level."""

    id: str
    name: str
    description: str
    level: Level = "warning"
    help_uri: str | None = None
    tags: tuple[str, ...] = ()
    security_severity: float | None = None  # GitHub: 0.1-10, shown as low/medium/high/critical


@dataclass(frozen=True)
class SarifResult:
    """One result: the rule, level, message and where (file, 1-based line/column, JSON pointer)."""

    rule_id: str
    level: Level
    message: str
    file: str | None = None
    line: int | None = None
    column: int | None = None
    pointer: str | None = None
    properties: Mapping[str, Any] = field(default_factory=dict)


def _rule(r: SarifRule) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": r.id,
        "name": r.name,
        "shortDescription": {"text": r.description},
        "fullDescription": {"text": r.description},
        "defaultConfiguration": {"level": r.level},
    }
    if r.help_uri:
        out["helpUri"] = r.help_uri
    props: dict[str, Any] = {}
    if r.tags:
        props["tags"] = list(r.tags)
    if r.security_severity is not None:
        props["security-severity"] = f"{r.security_severity:.1f}"
    if props:
        out["properties"] = props
    return out


def _result(res: SarifResult, index: dict[str, int]) -> dict[str, Any]:
    out: dict[str, Any] = {"ruleId": res.rule_id, "level": res.level, "message": {"text": res.message}}
    if res.rule_id in index:
        out["ruleIndex"] = index[res.rule_id]
    location: dict[str, Any] = {}
    if res.file:
        physical: dict[str, Any] = {"artifactLocation": {"uri": res.file}}
        if res.line is not None:
            region = {"startLine": res.line}
            if res.column is not None:
                region["startColumn"] = res.column
            physical["region"] = region
        location["physicalLocation"] = physical
    if res.pointer is not None:
        location["logicalLocations"] = [{"fullyQualifiedName": res.pointer or "/", "kind": "element"}]
    if location:
        out["locations"] = [location]
    if res.properties:
        out["properties"] = dict(res.properties)
    return out


def sarif_log(
    tool: str,
    version: str,
    rules: Iterable[SarifRule],
    results: Iterable[SarifResult],
    *,
    information_uri: str | None = None,
) -> dict[str, Any]:
    """A complete SARIF 2.1.0 log with one run."""
    rule_list = list(rules)
    index = {r.id: i for i, r in enumerate(rule_list)}
    driver: dict[str, Any] = {"name": tool, "version": version, "rules": [_rule(r) for r in rule_list]}
    if information_uri:
        driver["informationUri"] = information_uri
    return {
        "$schema": SCHEMA,
        "version": VERSION,
        "runs": [{"tool": {"driver": driver}, "results": [_result(r, index) for r in results]}],
    }


def dumps(log: Mapping[str, Any]) -> str:
    """The log as indented JSON."""
    return json.dumps(log, indent=2) + "\n"
