"""``byoc-iam simulate``: one request (text/json, --expect), batches (three input forms, streaming), bad input."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.cli import main
from byoc_iam.cli.simulate import parse_context
from byoc_iam.engine.batch import JsonStream, run_batch
from byoc_iam.errors import UsageError

A = "111122223333"
POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Vol",
            "Effect": "Allow",
            "Action": "ec2:CreateVolume",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}},
        },
        {"Sid": "NoDelete", "Effect": "Deny", "Action": "ec2:DeleteVolume", "Resource": "*"},
    ],
}
VOLUME = f"arn:aws:ec2:us-east-1:{A}:volume/v1"


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run ``byoc-iam ARGS`` in-process: (exit code, stdout, stderr); typer always ends with SystemExit."""
    with pytest.raises(SystemExit) as exited:
        main(args)
    return (int(exited.value.code or 0), *capsys.readouterr())


@pytest.fixture
def policy_file(tmp_path: Path) -> str:
    path = tmp_path / "p.json"
    path.write_text(json.dumps(POLICY))
    return str(path)


def test_single_json_with_explanation(policy_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(
        [
            "simulate",
            "--policy",
            policy_file,
            "--action",
            "ec2:CreateVolume",
            "--resource",
            VOLUME,
            "-c",
            "aws:RequestTag/team=red",
            "-c",
            "aws:PrincipalTag/team=blue",
            "-o",
            "json",
        ],
        capsys,
    )
    data = json.loads(out)
    assert code == 0 and data["decision"] == "ImplicitlyDenied"
    vol = next(s for s in data["statements"] if s["sid"] == "Vol")
    assert vol["conditions"][0]["key"] == "aws:RequestTag/team" and vol["conditions"][0]["request_values"] == ["red"]


def test_single_text_and_expect(policy_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    base = ["simulate", "--policy", policy_file, "--action", "ec2:DeleteVolume", "--resource", VOLUME]
    code, out, _ = cli(base, capsys)
    assert code == 0 and "ExplicitlyDenied" in out and "NoDelete" in out
    assert cli([*base, "--expect", "ExplicitlyDenied"], capsys)[0] == 0
    assert cli([*base, "--expect", "denied"], capsys)[0] == 0
    assert cli([*base, "--expect", "Allowed"], capsys)[0] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--action", "ec2:X", "--resource", "*"], "--policy"),
        (["--policy", "missing.json", "--action", "ec2:X", "--resource", "*"], "cannot read"),
        (["--policy", "P", "--action", "nocolon", "--resource", "*"], "--action"),
        (["--policy", "P", "--action", "ec2:X", "--resource", "*", "-c", "novalue"], "--context"),
        (["--policy", "P", "--action", "ec2:X", "--resource", "*", "-o", "yaml"], "--output"),
        (["--batch", "-", "--action", "ec2:X"], "--batch"),
    ],
)
def test_bad_usage_is_one_line_exit_2(
    args: list[str], message: str, policy_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = cli(["simulate", *[policy_file if a == "P" else a for a in args]], capsys)
    assert code == 2 and err.startswith("byoc-iam: ") and message in err and err.count("\n") == 1


def test_parse_context() -> None:
    ctx = parse_context(["aws:TagKeys=a", "aws:TagKeys=b", "k=v=w", 'l=["x", "y"]'])
    assert ctx == {"aws:TagKeys": ["a", "b"], "k": "v=w", "l": ["x", "y"]}


def _request(i: int, action: str = "ec2:CreateVolume") -> dict[str, Any]:
    return {
        "principal": f"arn:aws:iam::{A}:role/r",
        "action": action,
        "resource": f"{VOLUME}{i}",
        "context": {"aws:RequestTag/team": "red", "aws:PrincipalTag/team": "red" if i % 2 else "blue"},
    }


def _run(text: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    run_batch(io.StringIO(text), out, "t")
    return [json.loads(line) for line in out.getvalue().splitlines()]


EXPECTED = [{"decision": "ImplicitlyDenied" if i % 2 == 0 else "Allowed", "blocked_by": []} for i in range(6)]


def test_batch_forms_agree() -> None:
    items = [{"policies": {"identity": [POLICY]}, "request": _request(i)} for i in range(6)]
    assert _run(json.dumps(items)) == EXPECTED
    assert _run("\n".join(json.dumps(x) for x in items)) == EXPECTED
    obj = {"policies": {"identity": [POLICY]}, "requests": [_request(i) for i in range(6)]}
    assert _run(json.dumps(obj)) == EXPECTED
    assert _run(json.dumps({"requests": obj["requests"], "policies": obj["policies"]})) == EXPECTED  # requests first
    assert _run("") == []


def test_batch_mixed_policy_sets_and_blocked_by() -> None:
    scp = [[{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}]]
    items = [
        {"policies": {"identity": [POLICY]}, "request": _request(1)},
        {"policies": {"identity": [POLICY], "scp": scp}, "request": _request(1)},
        {"policies": {"identity": [POLICY]}, "request": _request(2, "ec2:DeleteVolume")},
    ]
    assert _run("\n".join(json.dumps(x) for x in items)) == [
        {"decision": "Allowed", "blocked_by": []},
        {"decision": "ImplicitlyDenied", "blocked_by": ["scp"]},
        {"decision": "ExplicitlyDenied", "blocked_by": ["identity"]},
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[1]", "expected an object"),
        (
            '[{"policies": {"identity": [{"Statement": 3}]}, "request": {"action": "s3:A", "resource": "*"}}]',
            "(?i)statement",
        ),
        ('[{"policies": {"bogus": []}, "request": {"action": "s3:A", "resource": "*"}}]', "unknown policy type"),
        ('[{"policies": {}, "request": {"action": "s3:A"}}]', "resource"),
        ('[{"policies": {}, "request": {"action": "s3:A", "resource": "*", "context": {"k": {"x": 1}}}}]', "context.k"),
        ('[{"policies": {}, "request": ', "invalid JSON"),
        ("nonsense", "expected a JSON array"),
    ],
)
def test_batch_bad_input(text: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        _run(text)


def test_json_stream_reads_values_across_chunks() -> None:
    big = json.dumps([{"n": i, "pad": "x" * 100} for i in range(3000)])
    js = JsonStream(io.StringIO(big))
    assert [v["n"] for v in js.array("t")] == list(range(3000))


def test_batch_streams_through_the_real_cli(tmp_path: Path) -> None:
    """The console script streams: a request's line appears before stdin is closed."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "byoc_iam", "simulate", "--batch", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        bufsize=1,
    )
    assert proc.stdin is not None and proc.stdout is not None
    item = {"policies": {"identity": [POLICY]}, "request": _request(1)}
    proc.stdin.write(json.dumps(item) + "\n")
    proc.stdin.flush()
    # the first answer arrives while stdin is still open: nothing waits for the whole input
    first = proc.stdout.readline()
    assert json.loads(first)["decision"] == "Allowed"
    proc.stdin.write(json.dumps({**item, "request": _request(2)}) + "\n")
    proc.stdin.close()
    rest = proc.stdout.read().splitlines()
    assert proc.wait(timeout=60) == 0
    assert [json.loads(x)["decision"] for x in rest] == ["ImplicitlyDenied"]


@pytest.mark.parametrize(
    "args",
    [
        ["-a", "ec2:CreateVolume", "-r", VOLUME, "-c", "aws:RequestTag/team=red", "-c", "aws:PrincipalTag/team=red"],
        ["-a", "ec2:DeleteVolume", "-r", VOLUME],
        ["-a", "ec2:CreateVolume", "-r", VOLUME, "--principal", "anonymous"],
    ],
)
def test_piped_text_is_what_rich_prints_without_colour(
    args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Piped, the text output is written without rich (start-up time), laid out as rich lays it out."""
    policy = tmp_path / "p.json"
    policy.write_text(json.dumps(POLICY))
    monkeypatch.delenv("FORCE_COLOR", raising=False)
    monkeypatch.delenv("COLUMNS", raising=False)  # piped: the CLI sets rich's width (a pytest run may have set one)
    plain = cli(["simulate", "-p", str(policy), *args], capsys)
    assert "\x1b[" not in plain[1] and " policy " in plain[1]
    monkeypatch.setenv("FORCE_COLOR", "1")
    coloured = cli(["simulate", "-p", str(policy), *args], capsys)
    assert "\x1b[" in coloured[1]
    assert (coloured[0], re.sub(r"\x1b\[[0-9;]*m", "", coloured[1]), coloured[2]) == plain
