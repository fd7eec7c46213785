"""Cold start: CPU seconds (user+sys, median of ``--runs``) of the interactive commands, beside
``byoc-iam --version`` and bare ``python -c pass`` measured in the same run.

    .venv/bin/python bench/coldstart.py [--runs 5]

The commands: ``render`` (the default role), ``lint FILE`` (a small identity policy), ``verify --role FILE``
(the rendered role) and a single ``simulate``. Goal (issue 18): each at most 0.20 s.

Before timing, the package's bytecode is compiled (``compileall``), as installing a wheel does: with
``PYTHONDONTWRITEBYTECODE`` set (as in CI containers) an editable install would otherwise compile every
source file it imports on every run.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BIN = Path(sys.executable).parent
BYOC = str(BIN / "byoc-iam")
ROLE = ["--account-id", "111122223333", "--region", "us-east-1"]
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def cpu(argv: list[str]) -> float:
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args(argv)
    import byoc_iam

    compileall.compile_dir(str(Path(byoc_iam.__file__).parent), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "policy.json"
        policy.write_text(json.dumps(POLICY))
        role = Path(tmp) / "role.json"
        role.write_text(subprocess.run([BYOC, "render", *ROLE], capture_output=True, text=True, check=True).stdout)
        commands = {
            "python -c pass": [sys.executable, "-c", "pass"],
            "byoc-iam --version": [BYOC, "--version"],
            "render": [BYOC, "render", *ROLE],
            "lint FILE": [BYOC, "lint", str(policy)],
            "verify --role FILE": [BYOC, "verify", "--role", str(role)],
            "simulate (single)": [BYOC, "simulate", "-p", str(policy), "-a", "s3:GetObject", "-r", "arn:aws:s3:::b/k"],
        }
        print(f"CPU seconds (user+sys), median of {args.runs}")
        failed = False
        for name, command in commands.items():
            median = statistics.median(cpu(command) for _ in range(args.runs))
            goal = (
                ""
                if name.startswith(("python", "byoc-iam --version"))
                else ("  ok" if median <= 0.20 else "  OVER 0.20")
            )
            failed |= goal == "  OVER 0.20"
            print(f"{name:<22} {median:6.3f}{goal}")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
