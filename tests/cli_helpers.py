"""Run ``byoc-iam`` in process, as the tests of every command family do."""

from __future__ import annotations

import io
from contextlib import redirect_stderr, redirect_stdout
from typing import NamedTuple

import click
import pytest
import typer

from byoc_iam.cli import app, main


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``byoc-iam argv...`` → (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


class CliResult(NamedTuple):
    """A run's exit code, stdout and stderr (also unpacks as ``code, out, err``)."""

    code: int
    out: str
    err: str


def run_main(*args: str) -> CliResult:
    """``byoc-iam ARGS`` in process with stdout and stderr redirected (no capsys needed, so AWS calls made in
    the test's own process are recorded); an exit with a message counts as exit code 1."""
    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


def leaf_commands() -> dict[str, click.Command]:
    """Every leaf command of the app by its words (``"catalog diff"``, ``"plan"``...), in the app's order."""
    out: dict[str, click.Command] = {}

    def walk(cmd: click.Command, words: list[str]) -> None:
        if isinstance(cmd, click.Group):
            for name in cmd.list_commands(click.Context(cmd)):
                sub = cmd.get_command(click.Context(cmd), name)
                assert sub is not None
                walk(sub, [*words, name])
        else:
            out[" ".join(words)] = cmd

    walk(typer.main.get_command(app), [])
    return out
