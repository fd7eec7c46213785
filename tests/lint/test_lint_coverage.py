"""docs/lint-coverage.md is generated from the rules and the Access Analyzer check list, and is current."""

from __future__ import annotations

from pathlib import Path

from byoc_iam.lint import all_rules
from byoc_iam.lint.coverage import coverage, coverage_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "lint-coverage.md"


def test_coverage_doc_is_current() -> None:
    assert DOC.read_text(encoding="utf-8") == coverage_markdown(), (
        "regenerate: python -m byoc_iam.lint.coverage > docs/lint-coverage.md"
    )


def test_every_check_is_implemented_or_explained() -> None:
    rows = coverage()
    assert len(rows) >= 135
    for c in rows:
        assert c.implemented or c.reason, c.title
        assert not (c.implemented and c.reason), f"{c.title}: implemented, so drop its reason"


def test_rules_name_only_known_checks() -> None:
    titles = {c.title for c in coverage()}
    for r in all_rules():
        for t in r.aws_checks:
            assert t in titles, (r.code, t)


def test_most_checks_are_implemented() -> None:
    assert sum(c.implemented for c in coverage()) >= 80
