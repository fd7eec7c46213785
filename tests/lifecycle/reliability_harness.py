"""The reliability harness (issue 12): drive byoc-iam through the fault proxy, kill -9 it at chosen calls, run it
concurrently, and count what converged and what was left behind. Used by the fast tests in
``test_lifecycle_reliability.py`` and by the measurement ``bench/reliability.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from lifecycle_helpers import ACCOUNT, FaultProxy, raw_client, run_cli

ISSUER_HOST = "oidc.eks.us-east-1.amazonaws.com/id/"


def role_args(name: str) -> tuple[str, ...]:
    """Rendered-role options: the blueprint with customer-managed policies named ``<role>-<Policy>``."""
    return ("--account-id", ACCOUNT, "--region", "us-east-1", "--policy-placement", "managed", "--role-name", name)


def leftovers(endpoint: str, role_name: str) -> list[str]:
    """What byoc-iam created for ``role_name`` that still exists: the role, its policies, OIDC providers."""
    iam = raw_client(endpoint)
    out = [r["RoleName"] for r in iam.list_roles()["Roles"] if r["RoleName"] == role_name]
    out += [p["Arn"] for p in iam.list_policies(Scope="Local")["Policies"] if p["PolicyName"].startswith(role_name)]
    out += [p["Arn"] for p in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]]
    return out


def trust_names_provider(endpoint: str, role_name: str) -> bool:
    import json
    import urllib.parse

    doc = raw_client(endpoint).get_role(RoleName=role_name)["Role"]["AssumeRolePolicyDocument"]
    text = doc if isinstance(doc, str) else json.dumps(doc)
    return ISSUER_HOST in urllib.parse.unquote(text) and "eks_oidc_url" not in urllib.parse.unquote(text)


def make_cluster(endpoint: str, name: str, role_name: str) -> None:
    eks = raw_client(endpoint, "eks")
    if name not in eks.list_clusters()["clusters"]:
        role_arn = f"arn:aws:iam::{ACCOUNT}:role/{role_name}"
        eks.create_cluster(name=name, roleArn=role_arn, resourcesVpcConfig={"subnetIds": []})


def sub_env(endpoint: str) -> dict[str, str]:
    return dict(os.environ, AWS_ENDPOINT_URL=endpoint, AWS_DEFAULT_REGION="us-east-1")


def run_sub(args: tuple[str, ...], endpoint: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    """``byoc-iam ARGS`` as a fresh process (what a user runs)."""
    cmd = [sys.executable, "-m", "byoc_iam", *args]
    return subprocess.run(cmd, env=sub_env(endpoint), capture_output=True, text=True, timeout=timeout, check=False)


def kill_at(proxy: FaultProxy, action: str, args: tuple[str, ...], *, forward: bool, timeout: float = 60) -> bool:
    """Run ``byoc-iam ARGS`` through the proxy and kill -9 it when ``action`` reaches the proxy (after AWS
    did it when ``forward``). True when it was killed there (False: it finished without making that call)."""
    proxy.hold(action, forward=forward)
    cmd = [sys.executable, "-m", "byoc_iam", *args]
    proc = subprocess.Popen(cmd, env=sub_env(proxy.endpoint_url), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while proc.poll() is None and not proxy.held.wait(0.05):
            pass
        killed = proxy.held.is_set()
        if killed:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout)
        return killed
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proxy.release()


@dataclass
class Tally:
    """Outcome of repeated attempts: runs, converged on the first try, converged at all, attempts used."""

    runs: int = 0
    first_try: int = 0
    converged: int = 0
    with_leftovers: int = 0
    attempts: list[int] = field(default_factory=list)

    def line(self, what: str) -> str:
        worst = max(self.attempts, default=0)
        return (
            f"{what}: {self.runs} runs, {self.first_try} first-try, {self.converged} converged "
            f"(at most {worst} attempts), {self.with_leftovers} with leftovers"
        )


def until_ok(step: Callable[[], int], max_attempts: int) -> int:
    """Run ``step`` (an exit code) until it exits 0; the attempts it took, or 0 when it never did."""
    for attempt in range(1, max_attempts + 1):
        if step() == 0:
            return attempt
    return 0


def cli(*args: str) -> int:
    return run_cli(*args).code
