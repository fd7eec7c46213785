"""Fixtures for the render tests: an in-process CLI runner and the seed's trust policy."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from byoc_iam.cli import main

SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"
SEED_ROLE = SEEDS / "000_1cb7548645c1e2e8.txt"


@dataclass
class Result:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run ``byoc-iam`` in process with a clean ``BYOC_IAM_*`` environment (plus ``env``)."""
    import os

    for key in list(os.environ):
        if key.startswith("BYOC_IAM_"):
            monkeypatch.delenv(key)

    def run(*args: str, env: dict[str, str] | None = None) -> Result:
        for key, value in (env or {}).items():
            monkeypatch.setenv(key, value)
        capsys.readouterr()
        try:
            main(list(args))
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
        finally:
            for key in env or {}:
                monkeypatch.delenv(key, raising=False)
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)

    return run


@pytest.fixture(scope="session")
def seed_trust_text() -> str:
    """The trust policy JSON block of seed 000 (with ``{accountId}``); skips when the seed is absent."""
    if not SEED_ROLE.is_file():
        pytest.skip("../shared/seeds is not present")
    text = SEED_ROLE.read_text(encoding="utf-8")
    blocks = re.findall(r"```json\s*\n(.*?)```", text, flags=re.S)
    trust = [b for b in blocks if "sts:AssumeRoleWithWebIdentity" in b]
    assert len(trust) == 1, "seed 000 should hold exactly one trust policy JSON block"
    json.loads(trust[0])  # it is valid JSON as written
    return trust[0]
