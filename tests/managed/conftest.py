"""Fixtures of the managed-catalog tests: ``cli`` runs ``byoc-iam`` in process and returns (exit code, out, err)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from byoc_iam.cli import main

Cli = Callable[[list[str]], tuple[int, str, str]]


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str]) -> Cli:
    def run(argv: list[str]) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as exc:
            main(argv)
            raise SystemExit(0)
        out = capsys.readouterr()
        return int(exc.value.code or 0), out.out, out.err

    return run
