"""A 50 MB input file is refused quickly, in one line, with bounded memory (issue: validate before writing)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

FIFTY_MB = 50 * 1024 * 1024
# a fresh process whose only child is the CLI, so RUSAGE_CHILDREN's peak is the CLI's own
_MEASURE = (
    "import json, resource, subprocess, sys\n"
    "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
    "print(json.dumps([p.returncode, p.stderr, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss]))\n"
)


@pytest.mark.parametrize("command", [["verify", "--role"], ["lint", "--role"], ["plan", "--role"]])
def test_a_50_mb_rolespec_is_refused_in_one_line_with_bounded_memory(command: list[str], tmp_path: Path) -> None:
    big = tmp_path / "role.json"
    with big.open("wb") as f:
        f.truncate(FIFTY_MB)  # sparse: 50 MB of NUL bytes without writing them
    argv = [sys.executable, "-c", _MEASURE, sys.executable, "-m", "byoc_iam", *command, str(big)]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=True).stdout
    code, err, peak_kib = json.loads(out)
    assert code == 2, err
    assert err.count("\n") == 1 and err.startswith("byoc-iam: ") and "Traceback" not in err, err
    assert peak_kib < 150 * 1024, f"peak RSS {peak_kib} KiB: the 50 MB file was read whole"
