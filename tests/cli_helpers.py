"""Run ``byoc-iam`` in process, as the tests of every command family do."""

from __future__ import annotations

import pytest

from byoc_iam.cli import main


def run_cli(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """``byoc-iam argv...`` → (exit code, stdout, stderr)."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err
