"""Lazy command registration (issue 18): the root group knows every command without importing its module,
imports only the module of the command that runs, and still lists, suggests and completes every command."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib import import_module

import click
import pytest
import typer

from byoc_iam.cli import COMMAND_MODULES, COMMANDS, app
from byoc_iam.cli.typer_app import ByocTyper


def _registered(module: str) -> list[str]:
    sub = ByocTyper()
    import_module(f"byoc_iam.cli.{module}").register(sub)
    return list(typer.main.get_group(sub).commands)


def test_the_table_names_exactly_what_the_modules_register() -> None:
    registered = {name: module for module in COMMAND_MODULES for name in _registered(module)}
    assert registered == COMMANDS


def test_the_root_lists_every_command_in_help_order() -> None:
    root = typer.main.get_command(app)
    assert isinstance(root, click.Group)
    assert root.list_commands(click.Context(root)) == list(COMMANDS)


def _run(code: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        env={**os.environ, **(env or {})},
    )


def test_a_command_imports_only_its_own_module() -> None:
    code = (
        "import sys\n"
        "from byoc_iam.cli import main\n"
        "try:\n"
        "    main(sys.argv[1:])\n"
        "except SystemExit:\n"
        "    pass\n"
        "from byoc_iam.cli import COMMAND_MODULES\n"
        "print(sorted(m for m in sys.modules if m.removeprefix('byoc_iam.cli.') in COMMAND_MODULES), file=sys.stderr)\n"
        "print(sorted(m for m in ('boto3', 'pydantic', 'jinja2', 'z3') if m in sys.modules), file=sys.stderr)\n"
    )
    proc = _run(code, "lint", "--help")
    assert proc.returncode == 0, proc.stderr
    modules, heavy = proc.stderr.strip().splitlines()[-2:]
    assert modules == "['byoc_iam.cli.lint']"
    assert heavy == "[]"


def test_help_lists_every_command() -> None:
    proc = _run("from byoc_iam.cli import main; main(['--help'])")
    assert proc.returncode == 0
    for name in COMMANDS:
        assert f" {name} " in proc.stdout


def test_a_typo_gets_a_suggestion_in_one_line() -> None:
    proc = _run("from byoc_iam.cli import main; main(['rendr'])")
    assert proc.returncode == 2
    assert proc.stderr.strip() == "byoc-iam: No such command 'rendr'. Did you mean 'render'? (see `byoc-iam --help`)"


@pytest.mark.parametrize(
    ("words", "cword", "expected"),
    [("byoc-iam ren", "1", "render"), ("byoc-iam catalog di", "2", "diff"), ("byoc-iam lint --fail", "2", "--fail-on")],
)
def test_shell_completion_reaches_lazy_commands(words: str, cword: str, expected: str) -> None:
    env = {"_BYOC_IAM_COMPLETE": "complete_bash", "COMP_WORDS": words, "COMP_CWORD": cword}
    proc = _run("from byoc_iam.cli import main; main()", env=env)
    assert proc.returncode == 0
    assert expected in proc.stdout.split()
