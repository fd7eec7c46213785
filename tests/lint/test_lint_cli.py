"""byoc-iam lint: outputs, exit codes, stdin, --role."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli_helpers import run_cli

GOOD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
BAD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjectz", "Resource": "*"}]}
WARN = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:Get*", "s3:GetObject"], "Resource": "*"}],
}


@pytest.fixture(autouse=True)
def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FORCE_COLOR", raising=False)


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    return run_cli(["lint", *args], capsys)


def write(tmp_path: Path, name: str, data: object) -> str:
    path = tmp_path / name
    path.write_text(data if isinstance(data, str) else json.dumps(data, indent=2))
    return str(path)


def test_clean_file_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([write(tmp_path, "p.json", GOOD)], capsys)
    assert code == 0 and "no findings" in out


def test_error_exits_1_with_location(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.json", BAD)
    code, out, _ = run([path], capsys)
    assert code == 1
    assert f"{path}:6:7 ERROR E2002" in out and "1 error" in out


def test_strict_fails_on_suggestions(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.json", WARN)
    assert run([path], capsys)[0] == 0
    assert run([path, "--strict"], capsys)[0] == 1


def test_json_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.json", BAD)
    code, out, _ = run([path, "--output", "json"], capsys)
    [f] = json.loads(out)
    assert code == 1
    assert f == {
        "code": "E2002",
        "severity": "ERROR",
        "message": f["message"],
        "file": path,
        "path": "/Statement/0/Action",
        "line": 6,
        "column": 7,
        "statement_index": 0,
        "sid": None,
        "document": None,
    }


def test_sarif_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.json", BAD)
    code, out, _ = run([path, "-o", "sarif"], capsys)
    log = json.loads(out)
    assert code == 1 and log["version"] == "2.1.0" and "sarif-2.1.0" in log["$schema"]
    run_ = log["runs"][0]
    rule_ids = [r["id"] for r in run_["tool"]["driver"]["rules"]]
    [res] = run_["results"]
    assert res["ruleId"] == "E2002" and res["level"] == "error" and rule_ids[res["ruleIndex"]] == "E2002"
    loc = res["locations"][0]
    assert loc["physicalLocation"]["artifactLocation"]["uri"] == path
    assert loc["physicalLocation"]["region"] == {"startLine": 6, "startColumn": 7}
    assert loc["logicalLocations"][0]["fullyQualifiedName"] == "/Statement/0/Action"
    security = next(r for r in run_["tool"]["driver"]["rules"] if r["id"] == "S3001")
    assert security["properties"]["tags"] == ["security"]


def test_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(b'{"Statement": [}')))
    code, out, _ = run(["-", "-o", "json"], capsys)
    [f] = json.loads(out)
    assert code == 1 and f["code"] == "E1001" and f["file"] == "<stdin>" and f["line"] == 1


def test_type_is_respected(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "p.json", GOOD)
    code, out, _ = run([path, "--type", "trust", "-o", "json"], capsys)
    assert code == 1 and {f["code"] for f in json.loads(out)} == {"E1007", "E1008", "E2009"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing.json"], "cannot read missing.json"),
        ([], "nothing to lint"),
        (["x.json", "--output", "xml"], "'xml' is not one of 'text', 'json', 'table', 'sarif'"),
        (["x.json", "--type", "policy"], "'policy' is not one of"),
        (["x.json", "--trust-size-limit", "0"], "0 is not in the range x>=1"),
        (["x.json", "--bogus"], "No such option '--bogus'"),
        (["x.json", "--trust-mode", "maybe"], "--trust-mode"),
        (["x.json", "--ignore", "E9999"], "unknown rule code E9999"),
        (["-", "-"], "stdin"),
    ],
)
def test_bad_usage_exits_2(args: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(args, capsys)
    assert code == 2 and out == ""
    assert err.startswith("byoc-iam: ") and message in err and len(err.strip().splitlines()) == 1


def test_role(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from byoc_iam.blueprint import BlueprintInputs, render_role

    spec = render_role(BlueprintInputs(account_id="123456789012"))
    path = write(tmp_path, "role.json", spec.to_json())
    code, out, _ = run(["--role", path, "-o", "json"], capsys)
    [f] = json.loads(out)
    assert code == 0 and f["code"] == "I4002" and f["file"] == path and f["line"] is not None
    assert run(["--role", path, "--strict"], capsys)[0] == 1
    assert run(["--role", path, "--trust-mode", "resolved"], capsys)[0] == 1
    assert run(["--role", path, "--ignore", "I4002", "--strict"], capsys)[0] == 0


def test_role_invalid_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, "role.json", {"role_name": "x"})
    code, _, err = run(["--role", path], capsys)
    assert code == 2 and err.startswith("byoc-iam: ") and "trust_policy" in err


def test_help(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--help"], capsys)
    assert code == 0 and "Usage: byoc-iam lint [OPTIONS] [FILE...]" in out
    for flag in ("--type", "--output", "--strict", "--role", "--trust-mode", "--ignore", "--list-rules"):
        assert flag in out, flag
    # typer's help, laid out like every other command's (options panel, defaults, choices)
    render_code, render_help, _ = run_cli(["render", "--help"], capsys)
    assert render_code == 0 and "─ Options ─" in render_help and "─ Options ─" in out


def test_colour_on_request(tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    code, out, _ = run([write(tmp_path, "p.json", BAD)], capsys)
    assert code == 1 and "\x1b[" in out and "E2002" in out


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["--list-rules"], capsys)
    assert code == 0 and "E2002" in out and "I5003" in out


def test_console_script_end_to_end(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("byoc-iam")
    path = write(tmp_path, "p.json", BAD)
    env = {k: v for k, v in os.environ.items() if k != "FORCE_COLOR"}
    proc = subprocess.run([str(exe), "lint", path], capture_output=True, text=True, timeout=60, env=env)
    assert proc.returncode == 1 and "E2002" in proc.stdout and proc.stderr == ""


def test_list_rules_speaks_every_output(capsys: pytest.CaptureFixture[str]) -> None:
    """--list-rules honours -o: json is one array of the rules, sarif a log of the rules with no results."""
    from byoc_iam.lint import all_rules

    code, out, _ = run_cli(["lint", "--list-rules", "-o", "json"], capsys)
    rows = json.loads(out)
    assert code == 0 and [r["code"] for r in rows] == [r.code for r in all_rules()]
    assert {"severity", "description", "types", "aws_checks"} <= set(rows[0])
    code, out, _ = run_cli(["lint", "--list-rules", "-o", "sarif"], capsys)
    run = json.loads(out)["runs"][0]
    assert code == 0 and run["results"] == [] and len(run["tool"]["driver"]["rules"]) == len(rows)
