"""Direct dispatch (issue 18): the interactive commands run without typer when argv is plain, and then their
function receives exactly what typer would give it; anything else is left to typer."""

from __future__ import annotations

import functools
import inspect
import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path
from typing import Any

import click
import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byoc_iam.cli import direct_spec
from byoc_iam.cli.direct import parse
from byoc_iam.cli.params import typer_signature
from byoc_iam.data import raw

SPEC: dict[str, Any] = raw("cli-direct", "direct")["commands"]
HERE = str(Path(__file__))  # an existing file
VALUES = ["a.json", "-", "", "-x", "--x", "x y", "arn:aws:s3:::b/k", "k=v", "/", HERE, "json", "text", "auto"]
NUMBERS = ["0", "1", "-1", "10", "1_0", " 5", "x", "2048"]


def test_the_table_is_generated_from_the_typer_app() -> None:
    assert direct_spec.PATH.read_text() == direct_spec.text(), "run python -m byoc_iam.cli.direct_spec"


def test_every_direct_command_is_one_of_the_app() -> None:
    assert set(SPEC) == set(direct_spec.DIRECT)


@functools.cache
def _capture_app(name: str) -> tuple[click.Command, dict[str, Any]]:
    """A typer app whose ``name`` command has the real command's signature and records what typer passes."""
    module, function = SPEC[name]["function"].split(":")
    shown = typer_signature(getattr(import_module(module), function))
    got: dict[str, Any] = {}

    @functools.wraps(shown)
    def capture(**kwargs: Any) -> None:
        got.clear()
        got.update(kwargs)

    capture.__signature__ = inspect.signature(shown)  # type: ignore[attr-defined]
    app = typer.Typer()
    app.command(name)(capture)

    @app.command("other")
    def other() -> None:  # a second command so that typer keeps the command's name
        pass

    return typer.main.get_command(app), got


def typer_kwargs(argv: list[str]) -> dict[str, Any] | None:
    """What typer passes the command's function for ``argv``; None when click refuses argv."""
    cmd, got = _capture_app(argv[0])
    got.clear()
    try:
        cmd.main(argv, standalone_mode=False)
    except (click.ClickException, click.exceptions.Exit):
        return None
    return dict(got) if got else None


def _typed(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Values with their types: a StrEnum member equals its string, and typer passes members."""

    def typed(v: Any) -> Any:
        return [typed(x) for x in v] if isinstance(v, list) else (type(v).__name__, v)

    return {k: typed(v) for k, v in kwargs.items()}


def assert_as_typer(argv: list[str]) -> bool:
    """When dispatch reads argv, typer reads it the same; True when dispatch read it."""
    found = parse(argv)
    if found is None:
        return False
    expected = typer_kwargs(argv)
    assert expected is not None, f"dispatch accepted what click refuses: {argv}"
    assert _typed(found[1]) == _typed(expected), argv
    return True


@st.composite
def _token_group(draw: st.DrawFn, p: dict[str, Any]) -> list[str]:
    if p["kind"] == "argument":
        return [draw(st.sampled_from(VALUES))]
    if p["kind"] == "flag":
        return [draw(st.sampled_from([*p["opts"], *p["secondary"], p["opts"][0] + "=1"]))]
    pool = NUMBERS if p["type"] == "int" else [*(p.get("choices") or []), "AUTO", *VALUES]
    opt, value = draw(st.sampled_from(p["opts"])), draw(st.sampled_from(pool))
    form = draw(st.sampled_from(["apart", "apart", "joined", "missing"]))
    if form == "missing":
        return [opt]
    if form == "joined":
        return [f"{opt}={value}" if opt.startswith("--") else opt + value]
    return [opt, value]


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    name = draw(st.sampled_from(sorted(SPEC)))
    params = SPEC[name]["params"]
    tokens: list[str] = []
    for _ in range(draw(st.integers(0, 6))):
        if draw(st.integers(0, 9)) == 0:
            tokens.append(draw(st.sampled_from(["--help", "-h", "--", "--bogus", "-", "-x"])))
        else:
            tokens += draw(_token_group(draw(st.sampled_from(params))))
    return [name, *tokens]


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(argvs())
def test_whatever_dispatch_reads_typer_reads_the_same(argv: list[str]) -> None:
    assert_as_typer(argv)


ROLE = ["--account-id", "111122223333", "--region", "us-east-1"]


@pytest.mark.parametrize(
    "argv",
    [
        ["render", *ROLE],
        [
            "render",
            *ROLE,
            "--tag",
            "a=b",
            "--tag",
            "c=d",
            "--no-compact-trust",
            "-o",
            "json",
            "--trust-size-limit=4096",
        ],
        ["lint", "a.json"],
        ["lint", "a.json", "-o", "json", "b.json", "--ignore", "W2001,W2002", "--strict", "-tidentity"],
        ["lint", "--role", "-"],
        ["simulate", "-p", "p.json", "-a", "s3:GetObject", "-r", "arn:aws:s3:::b/k", "-c", "aws:SourceIp=1.2.3.4"],
        ["simulate", "--batch", "-"],
        ["verify", "--role", "role.json"],
        ["verify", "--role", "role.json", "-o", "json", "--feature", "ipv6", "-v"],
    ],
)
def test_plain_arguments_run_directly_as_typer_would(argv: list[str]) -> None:
    assert assert_as_typer(argv)


@pytest.mark.parametrize(
    "argv",
    [
        ["lint", "--help"],
        ["lint", "a.json", "-h"],
        ["lint", "--bogus"],
        ["lint", "--typ", "trust", "a.json"],  # an abbreviation: click refuses it
        ["lint", "-t", "Trust", "a.json"],  # not one of the choices
        ["lint", "--trust-size-limit", "0", "a.json"],  # below the range
        ["lint", "--strict=yes", "a.json"],
        ["simulate", "-a"],  # a value missing
        ["simulate", "--context", "--help"],
        ["verify", "--role", "-x"],  # a value that looks like an option
        ["render", *ROLE, "--out", HERE],  # --out must not be a file
        ["render", "extra", *ROLE],
        ["plan", *ROLE],  # not a direct command
        ["--version"],
        [],
    ],
)
def test_anything_else_is_left_to_typer(argv: list[str]) -> None:
    assert parse(argv) is None


def test_posixly_correct_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    """getopt stops at the first argument under POSIXLY_CORRECT; click reads options after it."""
    assert parse(["lint", "a.json", "--strict"]) is not None
    monkeypatch.setenv("POSIXLY_CORRECT", "1")
    assert parse(["lint", "a.json", "--strict"]) is None


def test_shell_completion_is_left_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("_BYOC_IAM_COMPLETE", "complete_bash")
    assert parse(["lint", "a.json"]) is None


def test_lint_file_imports_neither_typer_nor_click(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(json.dumps({"Version": "2012-10-17", "Statement": []}))
    code = (
        "import sys\n"
        "from byoc_iam.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit as e:\n"
        "    print(e.code, sorted(m for m in ('typer', 'click', 'rich', 'pydantic', 'boto3') if m in sys.modules))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code, "lint", str(policy)], capture_output=True, text=True, check=False
    )
    assert proc.stdout.strip().splitlines()[-1] == "1 []", proc.stdout + proc.stderr


def test_version_alone_prints_what_the_root_option_prints(capsys: pytest.CaptureFixture[str]) -> None:
    from typer.testing import CliRunner

    from byoc_iam.cli import app, main

    with pytest.raises(SystemExit) as exited:
        main(["--version"])
    assert exited.value.code == 0
    result = CliRunner().invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (0, capsys.readouterr().out)
