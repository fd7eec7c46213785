"""Lifecycle fixtures: a clean sandbox account (cleaned, not reset: faster), an AwsContext on it, a plain
client for changes behind byoc-iam's back, the failure-injecting proxy, and a check that every AWS call
made in-process is in data/operator/calls.json."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lifecycle_helpers import RECORDED, FaultProxy, clean_account, make_spec, raw_client

from byoc_iam.aws import operator
from byoc_iam.aws import session as session_mod
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import AwsContext
from byoc_iam.model import RoleSpec


@pytest.fixture
def spec() -> RoleSpec:
    return make_spec()


@pytest.fixture(autouse=True)
def _record_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Record every AWS call made in-process; afterwards each must be in data/operator/calls.json."""
    original = AwsContext._count
    start = len(RECORDED)

    def counting(self: AwsContext, model: Any = None, **kw: Any) -> None:
        original(self, model=model, **kw)
        if model is not None:
            RECORDED.append(f"{model.service_model.signing_name}:{model.name}")

    monkeypatch.setattr(session_mod.AwsContext, "_count", counting)
    yield
    unknown = sorted(set(RECORDED[start:]) - set(operator.calls()))
    assert not unknown, f"AWS calls missing from data/operator/calls.json: {unknown}"


@pytest.fixture
def lc_env(sandbox_env: MotoServer) -> MotoServer:
    """Like the shared ``aws_env`` (a clean account, the user's environment), cleaned instead of reset (faster)."""
    clean_account(sandbox_env.endpoint_url)
    return sandbox_env


@pytest.fixture
def ctx(lc_env: MotoServer) -> Iterator[AwsContext]:
    with AwsContext(endpoint_url=lc_env.endpoint_url, region="us-east-1") as c:
        yield c


@pytest.fixture
def iam(lc_env: MotoServer) -> Any:
    return raw_client(lc_env.endpoint_url)


@pytest.fixture
def fault_proxy(lc_env: MotoServer) -> Iterator[FaultProxy]:
    proxy = FaultProxy(lc_env.endpoint_url).start()
    yield proxy
    proxy.stop()
