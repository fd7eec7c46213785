"""Benchmark ``byoc-iam lint``: ``.venv/bin/python bench/lint.py [--runs N]``.

0. Bytecode first: ``compileall`` on the ``byoc_iam`` package, as a real install has it (the environment may
   set PYTHONDONTWRITEBYTECODE, and without ``.pyc`` files every start would recompile the sources).
1. In process, after import: ``lint_role`` on the rendered BYOC role (placeholder trust, inline controller
   policies): the first call (loads the catalog's services) and the median of warm calls. Target < 50 ms.
2. Start to finish: ``byoc-iam lint FILE`` in a fresh process on one policy file (the rendered AWS Load
   Balancer Controller policy, the largest one) and on the rendered trust, next to ``byoc-iam --version``
   (the CLI's floor: Python, typer and the command table). Target < 250 ms.
3. Peer: parliament (duo-labs' IAM linter) on the same file, and the ratio. The benchmark installs it into
   ``bench/.cache/parliament`` (a venv of its own, git-ignored) on first run; ``PARLIAMENT`` overrides its path.
4. Where the start-up goes, phase by phase (CPU ms in one process), on stderr.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent


def _install_parliament() -> str | None:
    """parliament in a venv of its own under bench/.cache (installed once); None when pip cannot get it."""
    venv = Path(__file__).resolve().parent / ".cache" / "parliament"
    exe = venv / "bin" / "parliament"
    if not exe.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "parliament"], check=True, timeout=300)
        except (subprocess.SubprocessError, OSError):
            return None
    return str(exe) if exe.exists() else None


def _wall(cmd: list[str], runs: int, env: dict[str, str], *, tty: bool = False) -> tuple[float, float, int]:
    """Median wall time and median CPU time (user + system, ms) of a fresh process, and its exit code.

    CPU time is reported too because wall time on a shared machine includes waiting for a core. stdin is
    a pseudo-terminal (parliament refuses ``--file`` otherwise); stdout too with ``tty`` (coloured output).
    One unmeasured warm-up run first (it fills the OS file cache).
    """
    walls, cpus = [], []
    code = 0
    master, slave = os.openpty()
    out = slave if tty else subprocess.DEVNULL
    try:
        subprocess.run(cmd, stdin=slave, stdout=out, stderr=subprocess.DEVNULL, check=False, env=env)
        for _ in range(runs):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            t = time.perf_counter()
            code = subprocess.run(
                cmd, stdin=slave, stdout=out, stderr=subprocess.DEVNULL, check=False, env=env
            ).returncode
            walls.append((time.perf_counter() - t) * 1000)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpus.append((after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime) * 1000)
    finally:
        os.close(master)
        os.close(slave)
    return statistics.median(walls), statistics.median(cpus), code


def in_process(runs: int) -> None:
    """Part 1 (run in a child process that caches bytecode like an installed package)."""
    t0 = time.perf_counter()
    from byoc_iam.blueprint import BlueprintInputs, render_role
    from byoc_iam.lint import lint_role

    spec = render_role(BlueprintInputs(account_id="123456789012"))
    t_import = (time.perf_counter() - t0) * 1000
    t = time.perf_counter()
    first = lint_role(spec)
    t_first = (time.perf_counter() - t) * 1000
    warm = []
    for _ in range(max(runs, 5) * 2):
        t = time.perf_counter()
        lint_role(spec)
        warm.append((time.perf_counter() - t) * 1000)
    t_warm = statistics.median(warm)
    documents = 1 + len(spec.inline_policies) + len(spec.customer_managed_policies)
    print(f"in-process lint_role (rendered role, {documents} documents, {len(first)} finding(s)):")
    print(f"  import + render {t_import:7.1f} ms")
    print(f"  first call      {t_first:7.1f} ms  (loads the catalog's services)")
    print(f"  warm median     {t_warm:7.1f} ms  target < 50 ms: {'ok' if t_warm < 50 else 'MISSED'}")


def phases(path: str) -> None:
    """Where ``byoc-iam lint FILE`` spends its start-up, phase by phase (CPU ms, one fresh process)."""

    def cpu() -> float:
        r = resource.getrusage(resource.RUSAGE_SELF)
        return (r.ru_utime + r.ru_stime) * 1000

    marks = [("python start-up and this script", cpu())]
    import byoc_iam.cli

    marks.append(("import byoc_iam.cli (typer, click, command modules)", cpu()))
    import typer.main

    typer.main.get_command(byoc_iam.cli.app)
    marks.append(("typer builds the click command table", cpu()))
    from byoc_iam.lint import all_rules, lint_document

    all_rules()
    marks.append((f"import byoc_iam.lint and its {len(all_rules())} rule modules", cpu()))
    lint_document(Path(path).read_bytes(), "auto")
    marks.append(("first lint_document (loads catalog services)", cpu()))
    with contextlib.suppress(SystemExit):
        byoc_iam.cli.main(["lint", path])
    marks.append(("byoc-iam lint again: dispatch, parse, lint, print", cpu()))
    print(f"where the start-up goes (CPU, one process, {Path(path).name}):", file=sys.stderr)
    print(f"  {marks[0][0]:52} {marks[0][1]:6.1f} ms", file=sys.stderr)
    for (_, t0), (label, t1) in itertools.pairwise(marks):
        print(f"  {label:52} {t1 - t0:6.1f} ms", file=sys.stderr)


def compile_bytecode() -> str:
    """``python -m compileall -q`` on the installed ``byoc_iam`` package (its folder; "" when it failed)."""
    import byoc_iam

    package = str(Path(byoc_iam.__file__).parent)
    done = subprocess.run([sys.executable, "-m", "compileall", "-q", package], stdout=subprocess.DEVNULL, check=False)
    return package if done.returncode == 0 else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--in-process", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--phases", metavar="FILE", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.in_process:
        in_process(args.runs)
        return
    if args.phases:
        phases(args.phases)
        return

    compiled = compile_bytecode()
    print(f"bytecode: compileall {compiled} ({'ok' if compiled else 'FAILED'})")
    with tempfile.TemporaryDirectory() as tmp:
        env = dict(os.environ)  # PYTHONDONTWRITEBYTECODE may stay set: the .pyc files are already there
        child = [sys.executable, __file__, "--in-process", "--runs", str(args.runs)]
        subprocess.run(child, env=env, check=True)
        spec_json = subprocess.run(
            [
                sys.executable,
                "-c",
                "from byoc_iam.blueprint import BlueprintInputs, render_role; "
                "print(render_role(BlueprintInputs(account_id='123456789012')).to_json())",
            ],
            env=env,
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        spec = json.loads(spec_json)
        alb = Path(tmp) / "alb.json"
        inline = spec["inline_policies"]
        name = max(inline, key=lambda n: len(json.dumps(inline[n])))
        alb.write_text(json.dumps(inline[name], indent=2))
        trust = Path(tmp) / "trust.json"
        trust.write_text(json.dumps(spec["trust_policy"], indent=2))
        exe = str(BIN / "byoc-iam")
        rows: list[tuple[str, list[str], bool]] = [
            ("byoc-iam --version (floor)", [exe, "--version"], False),
            ("byoc-iam lint alb.json", [exe, "lint", str(alb)], False),
            ("byoc-iam lint alb.json (tty)", [exe, "lint", str(alb)], True),
            ("byoc-iam lint trust.json", [exe, "lint", str(trust)], False),
        ]
        peer = os.environ.get("PARLIAMENT") or shutil.which("parliament") or _install_parliament()
        if peer:
            rows.append(("parliament --file alb.json", [peer, "--file", str(alb)], False))
        print(f"start to finish ({name} policy as alb.json), median of {args.runs} runs:")
        print(f"  {'':30} {'wall':>9} {'cpu':>9}  exit")
        results = {}
        for label, cmd, tty in rows:
            wall, cpu, code = _wall(cmd, args.runs, env, tty=tty)
            results[label] = (wall, cpu)
            print(f"  {label:30} {wall:6.1f} ms {cpu:6.1f} ms  {code}")
        wall, cpu = results["byoc-iam lint alb.json"]
        floor_wall, floor_cpu = results["byoc-iam --version (floor)"]
        print(f"  {'lint alb.json minus the floor':30} {wall - floor_wall:6.1f} ms {cpu - floor_cpu:6.1f} ms")
        verdict = "ok" if wall < 250 else "ok on CPU time (the machine is busy)" if cpu < 250 else "MISSED"
        print(f"  target < 250 ms: {verdict}")
        if peer:
            pw, pc = results["parliament --file alb.json"]
            print(f"  ratio byoc-iam/parliament: wall {wall / pw:.2f}, cpu {cpu / pc:.2f}")
        else:
            print("  parliament could not be installed into bench/.cache (no peer ratio this run)")
        sys.stdout.flush()
        subprocess.run([sys.executable, __file__, "--phases", str(alb)], env=env, stdout=subprocess.DEVNULL, check=True)


if __name__ == "__main__":
    main()
