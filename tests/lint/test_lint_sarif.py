"""The generic SARIF 2.1.0 writer (report/sarif.py), shared by lint and verify."""

from __future__ import annotations

import json

from byoc_iam.lint import lint_document
from byoc_iam.lint.output import to_sarif
from byoc_iam.report.sarif import SarifResult, SarifRule, dumps, sarif_log


def test_minimal_log_shape() -> None:
    rules = [SarifRule("X1", "x-one", "One thing.", "error", help_uri="https://example.invalid/x1")]
    results = [
        SarifResult("X1", "error", "broken", file="a.json", line=3, column=5, pointer="/Statement/0"),
        SarifResult("X2", "note", "no location, unknown rule"),
    ]
    log = json.loads(dumps(sarif_log("tool", "1.0", rules, results, information_uri="https://example.invalid")))
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-2.1.0.json")
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "tool" and driver["informationUri"] == "https://example.invalid"
    assert driver["rules"][0]["defaultConfiguration"] == {"level": "error"}
    assert driver["rules"][0]["helpUri"].endswith("/x1") and "properties" not in driver["rules"][0]
    first, second = log["runs"][0]["results"]
    assert first["ruleIndex"] == 0
    assert first["locations"][0]["physicalLocation"]["region"] == {"startLine": 3, "startColumn": 5}
    assert "ruleIndex" not in second and "locations" not in second


def test_lint_findings_without_text_have_logical_locations_only() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:Nope", "Resource": "*"}]}
    log = to_sarif(lint_document(doc, "identity"))
    [res] = log["runs"][0]["results"]
    assert res["level"] == "error" and res["properties"]["statement_index"] == 0
    [loc] = res["locations"]
    assert "physicalLocation" not in loc and loc["logicalLocations"][0]["fullyQualifiedName"] == "/Statement/0/Action"
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in log["runs"][0]["tool"]["driver"]["rules"]}
    assert levels["I5001"] == "note" and levels["W3007"] == "warning" and levels["E1001"] == "error"
