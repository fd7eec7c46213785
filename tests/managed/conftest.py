"""Fixtures of the managed-catalog tests: ``cli`` runs ``byoc-iam`` in process and returns (exit code, out, err)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from cli_helpers import run_cli

Cli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    return lambda argv: run_cli(argv, capsys)
