"""Whole-process figures (``run.py --whole-process``) and the memory check (``run.py --memory``).

CPU seconds are the child's user+sys (``os.wait4``), best of the runs; per request = (T(n) - T(1)) / (n - 1).
The runs are interleaved (byoc-iam T(1), T(n), iam-simulate T(1), T(n), then again), so that a slow spell of a
shared machine falls on both tools alike instead of on whichever ran then.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import batches

HERE = Path(__file__).resolve().parent
CACHE = HERE.parent / ".cache"
BYOC = str(Path(sys.executable).with_name("byoc-iam"))
BATCHES = ("cni", "byoc-role", "varied")


def cpu_of(argv: list[str], out_path: Path) -> float:
    """Run ``argv`` with stdout to ``out_path``; the child's user+sys CPU seconds (it must exit 0)."""
    with open(out_path, "wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.PIPE)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{argv[0]} failed ({proc.returncode}): {err.strip()[:300]}")
    return usage.ru_utime + usage.ru_stime


def write_batch(name: str, n: int) -> Path:
    """The batch file: ``{"policies", "requests"}`` for one policy set, an array of cases for ``varied``."""
    policies, requests = batches.BATCHES[name][1](n)
    data: Any = requests if policies is None else {"policies": policies, "requests": requests}
    path = CACHE / f"whole-{name}-{n}.json"
    path.write_text(json.dumps(data))
    return path


def decisions(path: Path) -> list[str]:
    return [json.loads(line)["decision"] for line in path.read_text().splitlines()]


def main(modules: Path, n: int, runs: int, names: list[str] | None) -> int:
    CACHE.mkdir(parents=True, exist_ok=True)
    peer = ["node", str(HERE / "iamsim_batch.mjs"), str(modules)]
    print(f"whole processes, CPU user+sys, best of {runs}; per request = (T({n}) - T(1)) / {n - 1}")
    print(f"{'batch':<10} {'byoc-iam us/req':>16} {'iam-simulate us/req':>20} {'ratio':>7}  decisions")
    ok = True
    for name in names or BATCHES:
        small, big = write_batch(name, 1), write_batch(name, n)
        t: dict[tuple[str, int], float] = {}
        for _ in range(runs):  # interleaved (see the module docstring); best of the runs
            for side, argv in (("ours", [BYOC, "simulate", "--batch"]), ("peer", peer)):
                for size, path in ((1, small), (n, big)):
                    cpu = cpu_of([*argv, str(path)], CACHE / f"whole-{name}-{side}-{size}.out")
                    t[side, size] = min(cpu, t.get((side, size), cpu))
        ours = decisions(CACHE / f"whole-{name}-ours-{n}.out")
        theirs = decisions(CACHE / f"whole-{name}-peer-{n}.out")
        dis = sum(a != b for a, b in zip(ours, theirs, strict=True))
        ok &= dis == 0 and len(ours) == n
        ours_us = (t["ours", n] - t["ours", 1]) / (n - 1) * 1e6
        peer_us = (t["peer", n] - t["peer", 1]) / (n - 1) * 1e6
        agree = "identical" if not dis else f"{dis} DIFFER"
        print(f"{name:<10} {ours_us:>16.1f} {peer_us:>20.1f} {peer_us / ours_us:>6.1f}x  {agree}")
    return 0 if ok else 1


def memory(n: int) -> int:
    """Stream ``n`` requests (each case with its own policies, from the varied batch) into
    ``simulate --batch -``, as JSON lines and as one JSON array (the reader that cuts items by position); print
    each child's peak RSS."""
    _, cases = batches.varied_batch(2000)
    code = 0
    for form in ("JSON lines", "one JSON array"):
        if form == "JSON lines":
            items = [json.dumps(c).encode() + b"\n" for c in cases]
            head, sep, tail = b"", b"", b""
        else:
            items = [json.dumps(c).encode() for c in cases]
            head, sep, tail = b"[", b", ", b"]"
        proc = subprocess.Popen([BYOC, "simulate", "--batch", "-"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
        assert proc.stdin is not None
        t = time.perf_counter()
        proc.stdin.write(head)
        block = sep.join(items)
        full, rest = divmod(n, len(items))
        for i in range(full):
            proc.stdin.write((sep if i else b"") + block)
        if rest:
            proc.stdin.write((sep if full else b"") + sep.join(items[:rest]))
        proc.stdin.write(tail)
        proc.stdin.close()
        _, status, usage = os.wait4(proc.pid, 0)
        code = code or os.waitstatus_to_exitcode(status)
        print(
            f"simulate --batch -: {n} requests ({form}, each with its policies) in {time.perf_counter() - t:.0f} s,"
            f" peak RSS {usage.ru_maxrss / 1024:.0f} MB, exit {os.waitstatus_to_exitcode(status)}"
        )
    return code
