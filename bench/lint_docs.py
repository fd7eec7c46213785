"""Per-document cost of ``lint_document``, in process: ``.venv/bin/python bench/lint_docs.py [--runs 5]``.

The documents are the distinct policy documents of the engine bench's varied batch (``bench/engine/batches.py``
``varied_batch``: about 100 identity policies, boundaries, SCPs, session and bucket policies), which
``simulate --batch`` lints once each for refusal, and moto's AWS managed policies (``bench/lint_managed.py``).
Each figure is CPU µs per document (process time: waiting for a core on a busy machine is left out), the
minimum over ``--runs`` passes (the first pass, which loads the catalog's
services, is reported on its own):

- ``E rules``: ``lint_document(doc, type, ignore=<rules below ERROR>)``, as the engine's refusal check runs it;
- ``all rules``: ``lint_document(doc, type)``, as ``byoc-iam lint FILE`` runs it;
- ``first lint``: import of ``byoc_iam.lint`` plus the first lint of a small policy, CPU ms in a fresh process.

Each child runs with the sources' bytecode compiled beforehand (``compileall`` into a temporary
``PYTHONPYCACHEPREFIX``), as an installed package runs: a rule module first imported during a pass is then read from
its ``.pyc``, not compiled from source (under ``PYTHONDONTWRITEBYTECODE`` it would be, on every run).

``--against SRC`` runs the same in child processes alternately with ``PYTHONPATH=SRC`` (e.g. an unpacked
``git archive`` of the base commit's ``src``) and with this checkout's ``src``, keeping each figure's minimum
over ``--rounds`` rounds, and prints the ratios: the A/B way to compare on a shared, noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
SMALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def _cpu_ms() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    return (r.ru_utime + r.ru_stime) * 1000


def _documents_in(value: Any, out: list[dict[str, Any]]) -> None:
    if isinstance(value, dict):
        if "Statement" in value:
            out.append(value)
        for v in value.values():
            _documents_in(v, out)
    elif isinstance(value, list):
        for v in value:
            _documents_in(v, out)


def varied_documents() -> list[dict[str, Any]]:
    """The distinct policy documents of the varied batch (first-seen order)."""
    sys.path.insert(0, str(HERE / "engine"))
    from batches import varied_batch

    _, requests = varied_batch(2000)
    found: list[dict[str, Any]] = []
    _documents_in([r.get("policies") for r in requests], found)
    return list({json.dumps(d, sort_keys=True): d for d in found}.values())


def managed_documents() -> list[dict[str, Any]]:
    """moto's AWS managed policy documents, by name."""
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data: dict[str, Any] = json.loads(aws_managed_policies_data)
    return [entry["Document"] for _, entry in sorted(data.items())]


def _per_doc_us(docs: list[dict[str, Any]], runs: int, **kwargs: Any) -> tuple[float, float]:
    """(first pass, best later pass) in µs per document."""
    from byoc_iam.lint import lint_document

    passes = []
    for _ in range(runs + 1):
        t = time.process_time()
        for d in docs:
            lint_document(d, "auto", **kwargs)
        passes.append((time.process_time() - t) * 1e6 / len(docs))
    return passes[0], min(passes[1:])


def child(runs: int) -> dict[str, float]:
    """Every figure, measured in this (fresh) process."""
    t0 = _cpu_ms()
    from byoc_iam.lint import lint_document
    from byoc_iam.lint.rules import rule_codes

    lint_document(SMALL, "identity", ignore=rule_codes(letters="SWI"))
    first_e = _cpu_ms() - t0
    t1 = _cpu_ms()
    lint_document(json.dumps(SMALL), "auto")
    first_all = _cpu_ms() - t1
    not_errors = frozenset(rule_codes(letters="SWI"))
    varied = varied_documents()
    managed = managed_documents()
    e_first, e_warm = _per_doc_us(varied, runs, ignore=not_errors)
    all_first, all_warm = _per_doc_us(varied, runs)
    _, m_e = _per_doc_us(managed, max(1, runs // 3), ignore=not_errors, origin="aws-managed")
    _, m_all = _per_doc_us(managed, max(1, runs // 3), origin="aws-managed")
    return {
        "first lint, E rules (ms CPU, incl. import)": first_e,
        "then first lint, all rules (ms CPU)": first_all,
        f"varied ({len(varied)} docs) E rules, first pass (µs/doc)": e_first,
        "varied E rules, warm (µs/doc)": e_warm,
        "varied all rules, first pass (µs/doc)": all_first,
        "varied all rules, warm (µs/doc)": all_warm,
        f"managed ({len(managed)} docs) E rules, warm (µs/doc)": m_e,
        "managed all rules, warm (µs/doc)": m_all,
    }


def _compiled_env(sources: list[str], cache: str) -> dict[str, str]:
    """The children's environment: bytecode under ``cache``, compiled now for every source tree."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = cache
    for src in sources:
        subprocess.run([sys.executable, "-m", "compileall", "-q", src], env=env, check=True, capture_output=True)
    return env


def _run_child(src: str, runs: int, env: dict[str, str]) -> dict[str, float]:
    env = {**env, "PYTHONPATH": src}
    out = subprocess.run(
        [sys.executable, __file__, "--child", "--runs", str(runs)], env=env, capture_output=True, text=True, check=True
    ).stdout
    result: dict[str, float] = json.loads(out)
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rounds", type=int, default=3, help="A/B rounds with --against")
    ap.add_argument("--against", metavar="SRC", help="another byoc_iam source folder to compare with")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.runs)))
        return 0
    mine = str(HERE.parent / "src")
    sides = {"this": mine} if not args.against else {"base": args.against, "this": mine}
    best: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="lint-docs-pyc-") as cache:
        env = _compiled_env(list(sides.values()), cache)
        for _ in range(args.rounds if args.against else 1):
            for side, src in sides.items():
                for k, v in _run_child(src, args.runs, env).items():
                    best.setdefault(side, {})[k] = min(v, best.get(side, {}).get(k, v))
    rounds = f", {args.rounds} A/B rounds" if args.against else ""
    print(f"lint_document per-document cost (min of {args.runs} passes{rounds})")
    header = "".join(f"{s:>10}" for s in sides) + ("     ratio" if args.against else "")
    print(f"  {'':55}{header}")
    for k in best["this"]:
        row = "".join(f"{best[s][k]:10.1f}" for s in sides)
        if args.against:
            row += f"{best['base'][k] / best['this'][k]:9.1f}x"
        print(f"  {k:55}{row}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
