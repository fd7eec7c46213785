"""Every security guarantee in the README is backed by tests that exist: each `test_...` name and test file the
section cites must be defined in tests/, so a renamed or deleted test cannot leave a claim unbacked."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _section() -> str:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Security guarantees")
    return text[start : text.index("\n## ", start + 1)]


def test_every_security_claim_names_tests() -> None:
    bullets = [b for b in re.split(r"\n- ", _section())[1:] if b.strip()]
    assert len(bullets) >= 8
    for bullet in bullets:
        assert re.search(r"`(test_\w+|tests/[\w/]+\.py)`", bullet), f"a claim without a named test: {bullet[:80]}"


def test_every_cited_test_exists() -> None:
    section = _section()
    sources = "\n".join(p.read_text(encoding="utf-8") for p in (ROOT / "tests").rglob("test_*.py"))
    for name in set(re.findall(r"`(test_\w+)`", section)):
        assert re.search(rf"^def {name}\(", sources, re.M), f"README cites {name}, which no test defines"
    for path in set(re.findall(r"`(tests/[\w/]+\.py)`", section)):
        assert (ROOT / path).is_file(), path
