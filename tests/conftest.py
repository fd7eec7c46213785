"""Shared fixtures: paths to ../shared research (skip when absent) and a moto server process."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from byoc_iam.aws.sandbox import SANDBOX_CREDENTIALS, MotoServer

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "research"


@pytest.fixture(scope="session")
def shared_research() -> Path:
    """``../shared/research`` of the project's clone; tests that need it skip cleanly when absent."""
    if not SHARED.is_dir():
        pytest.skip("../shared/research is not present (a user's clone has no shared/)")
    return SHARED


@pytest.fixture(autouse=True)
def _plan_key(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Saved plans are signed with a key in a test folder, never the user's ~/.config/byoc-iam/plan.key."""
    monkeypatch.setenv("BYOC_IAM_PLAN_KEY_FILE", str(tmp_path_factory.getbasetemp() / "plan-key" / "plan.key"))


@pytest.fixture(scope="session")
def moto_server() -> Iterator[MotoServer]:
    """One moto server process for the session, on a free loopback port."""
    with MotoServer() as server:
        yield server


@pytest.fixture
def sandbox_env(moto_server: MotoServer, monkeypatch: pytest.MonkeyPatch) -> MotoServer:
    """The environment a user would set to reach the sandbox (credentials, region, endpoint)."""
    for key, value in SANDBOX_CREDENTIALS.items():
        monkeypatch.setenv(key, value)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", moto_server.endpoint_url)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    return moto_server


@pytest.fixture
def aws_env(sandbox_env: MotoServer) -> MotoServer:
    """``sandbox_env`` in a freshly reset account (moto reloads its managed policies: ~2 s)."""
    sandbox_env.reset()
    return sandbox_env


from hypothesis import HealthCheck, settings  # noqa: E402

settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("default")
