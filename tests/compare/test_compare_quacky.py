"""Conformance with quacky (ICSE 2022) on its policy/mutant pairs: ``../shared/research/quacky-pairs``
(skipped when absent). Every query where byoc-iam answers differently must be listed, with the rule that
decides it, in ``data/quacky_disagreements.json``; every listed one must still disagree as recorded.
By default a sample (every 20th pair, plus every listed pair); all 432 pairs with ``-m slow``. Set
``QUACKY_PAIRS`` to the folder to run it from a checkout without ``../shared``."""

from __future__ import annotations

import importlib.util
import json
import os
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).parent / "data" / "quacky_disagreements.json"
_SPEC = importlib.util.spec_from_file_location("bench_compare", ROOT / "bench" / "compare.py")
assert _SPEC is not None and _SPEC.loader is not None
_BENCH = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(_BENCH)
load_pairs, run_pair = _BENCH.load_pairs, _BENCH.run_pair


@pytest.fixture()
def pairs_root(request: pytest.FixtureRequest) -> Path:
    env = os.environ.get("QUACKY_PAIRS")
    if env:
        return Path(env)
    shared: Path = request.getfixturevalue("shared_research")
    root = shared / "quacky-pairs"
    if not root.is_dir():
        pytest.skip("quacky-pairs is not in ../shared/research")
    return root


def _listed() -> dict[tuple[str, str, str], dict[str, Any]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    return {(d["p1"], d["p2"], d["query"]): d for d in data["disagreements"]}


def _run(root: Path, every: int) -> tuple[int, int]:
    listed = _listed()
    wanted = {(p1, p2) for p1, p2, _ in listed}
    rows = [r for i, r in enumerate(load_pairs(root)) if i % every == 0 or (r["p1"], r["p2"]) in wanted]
    agree = total = 0
    unexplained: list[str] = []
    for row in rows:
        ours = run_pair(row, root)
        for key, query in (("p1_not_in_p2", "P1 => P2"), ("p2_not_in_p1", "P2 => P1")):
            total += 1
            entry = listed.get((row["p1"], row["p2"], query))
            if ours[key] == row[key]:
                agree += 1
                assert entry is None, f"listed disagreement now agrees: {row['p1']} / {row['p2']} {query}"
                continue
            if entry is None or entry["byoc_iam"] != ("SAT" if ours[key] else "UNSAT"):
                unexplained.append(f"{row['p1']} / {row['p2']} {query}: ours {ours[key]}, quacky {row[key]}")
    assert not unexplained, unexplained
    print(f"\nquacky agreement: {agree}/{total} queries ({100 * agree / total:.1f}%)")
    return agree, total


def test_every_listed_disagreement_has_a_reason() -> None:
    for d in _listed().values():
        assert d["quacky"] != d["byoc_iam"] and len(d["why"]) > 80


def test_quacky_sample(pairs_root: Path) -> None:
    _, total = _run(pairs_root, 20)
    assert total > 40


@pytest.mark.slow
def test_quacky_all_pairs(pairs_root: Path) -> None:
    agree, total = _run(pairs_root, 1)
    assert total == 864 and agree / total > 0.98
