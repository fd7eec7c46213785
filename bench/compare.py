"""Benchmark ``byoc-iam compare`` on quacky's policy/mutant pairs: ``.venv/bin/python bench/compare.py``.

For every pair of quacky's plain-variant result CSVs (``../shared/research/quacky-pairs/results/icse21/
raw_csv/mutations/README_{ec2,iam,s3}.csv``; quacky, ICSE 2022, commit cf8dfd3) it compares the original
(OLD) with the mutant (NEW) in process with :func:`byoc_iam.compare.compare_policies` — both directions,
one z3 query each, counterexamples re-checked by the engine — and prints per-query wall time (median, p90,
p99, max; a query = one direction, as quacky's "Solve Time" columns count them) beside quacky's published
solve times from the same CSVs, the agreement with quacky's SAT/UNSAT verdicts, and the timeouts (30 s).
``--sample N`` takes every N-th pair; ``--json FILE`` writes per-pair results (used to maintain
``tests/compare/data/quacky_disagreements.json``).
"""

from __future__ import annotations

import argparse
import csv
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUACKY = ROOT.parent / "shared" / "research" / "quacky-pairs"
CSVS = ("README_ec2.csv", "README_iam.csv", "README_s3.csv")


def load_pairs(root: Path = QUACKY) -> list[dict[str, Any]]:
    """Rows of the plain-variant CSVs: original, mutant, quacky's verdicts and solve times (ms)."""
    rows: list[dict[str, Any]] = []
    for name in CSVS:
        with open(root / "results" / "icse21" / "raw_csv" / "mutations" / name, encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if not row or row[0] == "Policy 1":
                    continue
                rows.append(
                    {
                        "csv": name,
                        "p1": row[0].lstrip("/"),
                        "p2": row[1].lstrip("/"),
                        "p1_not_in_p2": row[2] == "SAT",
                        "p1_ms": float(row[3]),
                        "p2_not_in_p1": row[9] == "SAT",
                        "p2_ms": float(row[10]),
                    }
                )
    return rows


def policy_type(*docs: dict[str, Any]) -> str:
    """``resource`` when a statement names a Principal, else ``identity``."""
    for doc in docs:
        stmts = doc.get("Statement", [])
        for st in stmts if isinstance(stmts, list) else [stmts]:
            if isinstance(st, dict) and ("Principal" in st or "NotPrincipal" in st):
                return "resource"
    return "identity"


def run_pair(row: dict[str, Any], root: Path = QUACKY) -> dict[str, Any]:
    """Compare one pair; our verdicts in quacky's terms and the time of each direction (ms)."""
    from byoc_iam.compare import compare_policies
    from byoc_iam.model.policy import PolicyDocument

    d1 = json.loads((root / row["p1"]).read_text(encoding="utf-8"))
    d2 = json.loads((root / row["p2"]).read_text(encoding="utf-8"))
    ptype = policy_type(d1, d2)
    start = time.perf_counter()
    result = compare_policies(PolicyDocument.from_dict(d1), PolicyDocument.from_dict(d2), ptype)
    total = (time.perf_counter() - start) * 1000
    return {
        "p1": row["p1"],
        "p2": row["p2"],
        "type": ptype,
        "p1_not_in_p2": result.lost is not None,  # old allows what new does not
        "p2_not_in_p1": result.new_access,
        "ms": total,
        "approximate": result.approximate,
        "gained": result.counterexample,
        "lost": result.lost,
    }


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sample", type=int, default=1, help="take every N-th pair")
    ap.add_argument("--json", help="write per-pair results here")
    ap.add_argument("--pairs", type=Path, default=QUACKY, help="the quacky-pairs folder (default: %(default)s)")
    args = ap.parse_args(argv)
    root = args.pairs
    if not root.is_dir():
        print(f"{root} is absent: nothing to benchmark", file=sys.stderr)
        return 0
    rows = load_pairs(root)[:: args.sample]
    from byoc_iam.compare import compare_policies  # noqa: F401  (import cost outside the timings)

    results, agree, ours, theirs, errors = [], 0, [], [], []
    for row in rows:
        try:
            res = run_pair(row, root)
        except Exception as exc:
            errors.append(f"{row['p1']} vs {row['p2']}: {exc}")
            continue
        results.append(res)
        # per query: our pair time covers two queries (both directions), quacky reports each
        ours += [res["ms"] / 2, res["ms"] / 2]
        theirs += [row["p1_ms"], row["p2_ms"]]
        agree += int(res["p1_not_in_p2"] == row["p1_not_in_p2"]) + int(res["p2_not_in_p1"] == row["p2_not_in_p1"])
    n = len(results)
    print(f"pairs: {len(rows)} ({n} compared, {len(errors)} errors), queries: {2 * n}")
    print(f"agreement with quacky (plain variant): {agree}/{2 * n} queries ({100 * agree / max(1, 2 * n):.1f}%)")
    print(f"{'per query':<12}{'median':>10}{'p90':>10}{'p99':>10}{'max':>10}")
    for name, vals in (("byoc-iam", ours), ("quacky", theirs)):
        if vals:
            cols = [statistics.median(vals), _pct(vals, 0.9), _pct(vals, 0.99), max(vals)]
            print(f"{name:<12}" + "".join(f"{v / 1000:>9.3f}s" for v in cols))
    if ours and theirs:
        print(f"median ratio quacky/byoc-iam: {statistics.median(theirs) / statistics.median(ours):.1f}x")
    print(f"timeouts (30 s): {sum(1 for e in errors if 'could not decide' in e)}")
    for e in errors:
        print("error:", e, file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
