"""Engine benchmark: byoc-iam vs @cloud-copilot/iam-simulate on the same batches, in one run.

    .venv/bin/python bench/engine/run.py [--runs 3] [--n 10000] [--batch cni|byoc-role|mixed|varied]
    .venv/bin/python bench/engine/run.py --whole-process [--n 20000] [--runs 3]
    .venv/bin/python bench/engine/run.py --memory [--n 1000000]

``--whole-process`` times whole processes on the same batch files, CPU seconds (user+sys) of the child,
best of ``--runs``: ``byoc-iam simulate --batch FILE`` against a node process running iam-simulate over the
same file (``iamsim_batch.mjs``: runUnsafeSimulation's steps per case, one output line per case); per
request = (T(n) - T(1)) / (n - 1) for three batches: ``cni`` (one policy, every request on a different
resource), ``byoc-role`` (the eight policies of the BYOC role) and ``varied`` (every case with its own
policies: identity, boundary, SCP, resource, session). Decisions are compared line by line.
``--memory`` streams n requests (JSON lines, then one JSON array; each with its policies) into
``simulate --batch -`` and reports the child's peak RSS.

What is timed (both sides in-process, best of ``--runs`` passes, process start-up and JSON reading
excluded, each side warmed up by one untimed pass):
- byoc-iam: ``CompiledPolicies.evaluate(Request)`` for each pre-built ``Request`` (the best pass), plus
  compiling the policy set once per batch: per request = (best pass + compile) / requests. Nothing is
  memoised per request (every request has its own resource and context). ``varied``: each pass starts from
  empty caches and runs the batch runner's own steps per case (checked compile of each distinct document,
  the policy set by content, decide).
- iam-simulate ``unsafe``: ``runUnsafeSimulation(simulation, {})`` for each pre-built simulation object —
  the API the issue names; it loads (parses) the policies on every call.
- iam-simulate ``core``: its ``authorize()`` with the policies loaded once and only the request object
  built per request — the stricter comparison, reported too.
Decisions are compared request by request (byoc-iam vs ``runUnsafeSimulation``).

The peer is installed with npm into ``bench/.cache/`` (git-ignored) on first run; it is AGPL and is
only ever run here as a separate node process, never imported or shipped.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".cache"
PEER = "@cloud-copilot/iam-simulate@0.1.173"
sys.path.insert(0, str(HERE))

import batches  # noqa: E402

from byoc_iam.engine import PolicySet, Request, compile_policies  # noqa: E402


def ensure_peer() -> Path:
    modules = CACHE / "node_modules"
    if (modules / "@cloud-copilot" / "iam-simulate" / "package.json").is_file():
        return modules
    if shutil.which("npm") is None or shutil.which("node") is None:
        raise SystemExit("bench/engine: node and npm are needed to run the iam-simulate side")
    CACHE.mkdir(parents=True, exist_ok=True)
    print(f"installing {PEER} into {CACHE} ...", file=sys.stderr)
    subprocess.run(
        [
            "npm",
            "install",
            "--no-audit",
            "--no-fund",
            "--silent",
            "--prefix",
            str(CACHE),
            "--cache",
            str(CACHE / "npm"),
            PEER,
        ],
        check=True,
    )
    return modules


def run_ours(policies: dict[str, Any], requests: list[dict[str, Any]], runs: int) -> tuple[list[str], float, float]:
    t0 = time.perf_counter()
    cp = compile_policies(
        PolicySet(
            identity=policies.get("identity") or [],
            resource=policies.get("resource"),
            boundary=policies.get("boundary"),
            scp=policies.get("scp"),
            rcp=policies.get("rcp"),
            session=policies.get("session"),
        )
    )
    compile_s = time.perf_counter() - t0
    reqs = [
        Request(
            r["principal"],
            r["action"],
            r["resource"],
            r.get("resource_account"),
            r.get("context") or {},
            wildcard_only=False,
        )
        for r in requests
    ]
    evaluate = cp.evaluate
    decisions = [evaluate(q).decision for q in reqs]  # warm-up pass, also the decisions compared
    best = float("inf")
    for _ in range(runs):
        t = time.perf_counter()
        for q in reqs:
            evaluate(q)
        best = min(best, time.perf_counter() - t)
    return decisions, best, compile_s


def run_peer(
    modules: Path, name: str, policies: dict[str, Any], requests: list[dict[str, Any]], runs: int
) -> dict[str, Any]:
    path = CACHE / f"bench-engine-{name}.json"
    path.write_text(json.dumps({"policies": policies, "requests": requests}))
    out = subprocess.run(
        ["node", str(HERE / "iamsim_runner.mjs"), str(modules), str(path), str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    result: dict[str, Any] = json.loads(out.stdout)
    return result


def clear_caches() -> None:
    from byoc_iam.engine import checked, compiled, statements

    caches = (statements._DOCUMENTS, compiled._GROUPS, compiled._LEVELS, compiled._CORES, compiled._PRINCIPALS)
    for cache in (*caches, checked._VERDICTS):
        cache.clear()


def run_ours_varied(cases: list[dict[str, Any]], runs: int) -> tuple[list[str], float]:
    from byoc_iam.engine.batch import PolicySets

    decisions: list[str] = []
    best = float("inf")
    for r in range(runs + 1):
        clear_caches()
        sets = PolicySets()
        out: list[str] = []
        t = time.perf_counter()
        for case in cases:
            q = case["request"]
            cp = sets.get(case["policies"], "b[0].request")
            out.append(
                cp.decide_parts(q["principal"], q["action"], q["resource"], q["resource_account"], q["context"])[0]
            )
        if r:
            best = min(best, time.perf_counter() - t)
        decisions = out
    return decisions, best


def in_process_varied(modules: Path, n: int, runs: int) -> None:
    _, cases = batches.varied_batch(n)
    path = CACHE / "bench-engine-varied.json"
    path.write_text(json.dumps(cases))
    out = subprocess.run(
        ["node", str(HERE / "iamsim_batch.mjs"), str(modules), str(path), str(runs)],
        check=True,
        capture_output=True,
        text=True,
    )
    peer = json.loads(out.stdout)
    ours, ours_s = run_ours_varied(cases, runs)
    dis = sum(a != b for a, b in zip(ours, peer["decisions"], strict=True))
    ours_us, peer_us = ours_s / n * 1e6, peer["unsafe"] / n * 1e6
    agree = "all agree" if not dis else f"{dis} DISAGREE"
    print(f"{'varied':<10} {n:>8} {ours_us:>16.2f} {peer_us:>20.2f} {peer_us / ours_us:>6.1f}x  {agree}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--n", type=int, default=None)
    ap.add_argument("--batch", choices=sorted(batches.BATCHES), action="append")
    ap.add_argument("--whole-process", action="store_true", help="time whole processes (the issue's figures)")
    ap.add_argument("--memory", action="store_true", help="peak RSS of simulate --batch over a long stream")
    args = ap.parse_args(argv)
    if args.memory:
        import whole

        return whole.memory(args.n or 1_000_000)
    modules = ensure_peer()
    if args.whole_process:
        import whole

        return whole.main(modules, args.n or 20_000, args.runs, args.batch)
    args.n = args.n or 10_000
    names = [n for n in (args.batch or list(batches.BATCHES)) if n != "varied"]
    rows = []
    all_ok = True
    for name in names:
        label, make = batches.BATCHES[name]
        policies, requests = make(args.n)
        peer = run_peer(modules, name, policies, requests, args.runs)
        ours, ours_s, compile_s = run_ours(policies, requests, args.runs)
        n = len(requests)
        disagreements = [i for i, (a, b) in enumerate(zip(ours, peer["decisions"], strict=True)) if a != b]
        all_ok &= not disagreements
        ours_us = (ours_s + compile_s) / n * 1e6
        unsafe_us = peer["unsafe"] / n * 1e6
        core_us = peer["core"] / n * 1e6
        counts = {d: ours.count(d) for d in ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")}
        rows.append((name, label, n, ours_us, compile_s, unsafe_us, core_us, disagreements, counts, peer["coreAgrees"]))
    print(
        f"{'batch':<10} {'requests':>8} {'byoc-iam us/req':>16} {'iam-simulate us/req':>20} {'ratio':>7} "
        f"{'iamsim core us/req':>19} {'ratio':>7}  decisions"
    )
    for name, _label, n, ours_us, _c, unsafe_us, core_us, dis, _counts, _ca in rows:
        agree = "all agree" if not dis else f"{len(dis)} DISAGREE"
        print(
            f"{name:<10} {n:>8} {ours_us:>16.2f} {unsafe_us:>20.2f} {unsafe_us / ours_us:>6.1f}x "
            f"{core_us:>19.2f} {core_us / ours_us:>6.1f}x  {agree}"
        )
    if not args.batch or "varied" in args.batch:
        in_process_varied(modules, args.n, args.runs)
    print()
    for name, label, _n, _o, compile_s, _u, _c, dis, counts, core_agrees in rows:
        print(
            f"{name}: {label}; compile {compile_s * 1e3:.1f} ms; decisions {counts}; "
            f"iam-simulate core==unsafe: {core_agrees}"
        )
        for i in dis[:5]:
            print(f"  disagreement at request {i}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
