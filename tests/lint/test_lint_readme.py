"""The README's lint section keeps its rule table in sync with the rules."""

from __future__ import annotations

from pathlib import Path

from byoc_iam.lint import all_rules
from byoc_iam.lint.output import rules_markdown

README = Path(__file__).resolve().parents[2] / "README.md"


def _section() -> str:
    text = README.read_text(encoding="utf-8")
    return text[text.index("<!-- BEGIN lint -->") : text.index("<!-- END lint -->")]


def test_rule_table_is_current() -> None:
    assert rules_markdown() in _section(), (
        "regenerate the table: python -c 'from byoc_iam.lint.output import rules_markdown; print(rules_markdown())'"
    )


def test_every_rule_is_documented_once() -> None:
    section = _section()
    for r in all_rules():
        assert section.count(f"| {r.code} |") == 1, r.code
