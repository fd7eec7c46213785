"""`byoc-iam demo`: ends with the role ARN and a success line; a failing or interrupted run stops its sandbox."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from lifecycle_helpers import run_cli

from byoc_iam.aws import sandbox as sb
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.errors import AwsError

EXE = Path(sys.executable).with_name("byoc-iam")


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/moto-api/data.json", timeout=2):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return False


def _started(monkeypatch: pytest.MonkeyPatch) -> list[MotoServer]:
    """Record every sandbox the demo starts (to check it is gone afterwards)."""
    servers: list[MotoServer] = []
    real_start = MotoServer.start

    def start(self: MotoServer, timeout: float = 30.0) -> MotoServer:
        servers.append(self)
        return real_start(self, timeout)

    monkeypatch.setattr(MotoServer, "start", start)
    return servers


def test_demo_ends_with_the_arn_and_success(monkeypatch: pytest.MonkeyPatch) -> None:
    servers = _started(monkeypatch)
    res = run_cli("demo")
    assert res.code == 0, res.err
    lines = res.out.strip().splitlines()
    assert lines[-1] == "✓ Demo complete: every step passed."
    assert "Role ARN: arn:aws:iam::123456789012:role/zilliz-byoc-eks-role" in res.out
    assert "✗" not in res.out and res.err == ""
    assert len(servers) == 1 and servers[0].process is None and not _answers(servers[0].endpoint_url)


def test_a_failing_step_fails_the_demo_and_stops_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    import byoc_iam.aws.link as link

    servers = _started(monkeypatch)

    def broken(*args: object, **kwargs: object) -> object:
        raise AwsError("eks:DescribeCluster on byoc-demo: injected failure")

    monkeypatch.setattr(link, "link_plan", broken)
    res = run_cli("demo")
    assert res.code == 4
    assert res.err == "byoc-iam: eks:DescribeCluster on byoc-demo: injected failure\n"
    assert "✗ linking the cluster failed" in res.out and "✓ sandbox stopped" in res.out
    assert "Demo complete" not in res.out and "verify (live role)" not in res.out
    assert len(servers) == 1 and not _answers(servers[0].endpoint_url)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupted_demo_stops_its_sandbox(sig: signal.Signals) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("BYOC_IAM_", "AWS_"))}
    env["PYTHONUNBUFFERED"] = "1"
    proc = subprocess.Popen([str(EXE), "demo"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert proc.stdout is not None
    url = ""
    deadline = time.monotonic() + 60
    while not url and time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        if "sandbox started" in line:
            url = line.rsplit(" at ", 1)[1].rstrip(")\n")
    assert url.startswith("http://127.0.0.1:"), "the demo did not report its sandbox"
    proc.send_signal(sig)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode != 0
    assert "Demo complete" not in out and "✓ sandbox stopped" in out
    assert "Traceback" not in err
    assert not _answers(url)
    assert sb.running_endpoint() is None or sb.running_endpoint() != url
