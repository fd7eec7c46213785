"""Input problems say what they are, naming the file, the same way on every command: simulate reads policies with
the shared reader (at most 8 MiB of UTF-8, as lint), a too-deeply nested JSON names its file (compare, lint), and
a failing stdout is "cannot write the output", never "cannot read" the input (simulate and compare --batch)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from byoc_iam.cli import main
from byoc_iam.cli.files import MAX_INPUT_BYTES

ALLOW = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
REQUEST = ["-a", "s3:GetObject", "-r", "arn:aws:s3:::b/k"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def _huge(tmp_path: Path) -> Path:
    """A valid policy over MAX_INPUT_BYTES: many statements (IAM's quota refuses it too, but only after parsing)."""
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::bucket-with-a-long-name/*"}
    count = MAX_INPUT_BYTES // len(json.dumps(statement)) + 1000
    path = tmp_path / "huge.json"
    path.write_text(json.dumps({"Version": "2012-10-17", "Statement": [statement] * count}))
    assert path.stat().st_size > MAX_INPUT_BYTES
    return path


@pytest.mark.parametrize("option", ["-p", "--resource-policy", "--boundary", "--scp", "--session-policy"])
def test_simulate_refuses_a_policy_over_the_size_limit_at_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str
) -> None:
    huge = _huge(tmp_path)
    small = tmp_path / "p.json"
    small.write_text(json.dumps(ALLOW))
    args = ["simulate", "-p", str(small), option, str(huge), *REQUEST]
    code, out, err = run(args, capsys)  # it used to parse and check 200k statements (36 s) before refusing (E4006)
    mib = MAX_INPUT_BYTES // (1024 * 1024)
    assert code == 2 and out == ""
    assert err == f"byoc-iam: {huge}: larger than {mib} MiB: not a document byoc-iam reads\n"
    # the same line lint gives for it
    assert run(["lint", str(huge)], capsys)[2] == err


def test_simulate_names_a_file_that_is_not_utf8(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "nonutf.json"
    bad.write_bytes(b'\xff\xfe{"Version": "2012-10-17"}')
    code, _, err = run(["simulate", "-p", str(bad), *REQUEST], capsys)
    assert code == 2 and err == f"byoc-iam: {bad}: not UTF-8 text\n"
    code, _, err = run(["compare", str(bad), str(bad)], capsys)
    assert code == 2 and err == f"byoc-iam: {bad}: not UTF-8 text\n"


def test_simulate_missing_file_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "missing.json"
    code, _, err = run(["simulate", "-p", str(missing), *REQUEST], capsys)
    assert code == 2 and err == f"byoc-iam: {missing}: cannot read: No such file or directory\n"


@pytest.mark.parametrize("depth", [990, 5000, 100_000])
def test_too_deep_json_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str], depth: int) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text("[" * depth + "]" * depth)
    code, out, err = run(["compare", str(deep), str(deep)], capsys)
    assert code == 2 and out == "" and err == f"byoc-iam: {deep}: invalid JSON: nested too deeply\n"
    code, out, err = run(["simulate", "-p", str(deep), *REQUEST], capsys)
    assert code == 2 and err == f"byoc-iam: {deep}: invalid JSON: nested too deeply\n"
    code, out, _ = run(["lint", str(deep)], capsys)
    assert code == 1 and f"{deep}:/ ERROR E1001 invalid JSON: nested too deeply" in out


def test_compare_batch_line_too_deep_names_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    batch = tmp_path / "pairs.jsonl"
    batch.write_text('{"old": ' + "[" * 5000 + "]" * 5000 + ', "new": {}}\n')
    code, _, err = run(["compare", "--batch", str(batch)], capsys)
    assert code == 2 and err == f"byoc-iam: {batch}:1: invalid JSON: nested too deeply\n"


FULL = Path("/dev/full")


@pytest.mark.skipif(not FULL.exists(), reason="no /dev/full on this system")
@pytest.mark.parametrize("command", ["simulate", "compare"])
@pytest.mark.parametrize("from_stdin", [False, True])
def test_batch_on_a_full_disk_blames_the_output(tmp_path: Path, command: str, from_stdin: bool) -> None:
    if command == "simulate":
        item = {"policies": {"identity": [ALLOW]}, "request": {"action": "s3:GetObject", "resource": "*"}}
    else:
        item = {"old": ALLOW, "new": ALLOW}
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps(item) + "\n")
    source = "-" if from_stdin else str(batch)
    with batch.open("rb") as stdin, FULL.open("wb") as stdout:
        proc = subprocess.run(
            [sys.executable, "-m", "byoc_iam", command, "--batch", source],
            stdin=stdin,
            stdout=stdout,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
        )
    assert proc.returncode == 2
    assert proc.stderr == "byoc-iam: cannot write the output: No space left on device\n", proc.stderr
