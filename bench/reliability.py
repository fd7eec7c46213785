"""Measure the AWS lifecycle's reliability (issue 12) against the embedded sandbox through the loopback fault
proxy of ``tests/lifecycle``: ``.venv/bin/python bench/reliability.py [--runs N] [--kills N] [--rate 0.3]``.

1. apply at ``rate`` injected faults (each call: with that probability a 500 before AWS, a lost answer after
   AWS did it, or throttling): runs, converged on the first try, converged within 5 tries.
2. destroy and link-cluster at the same rate: converged, and runs that left anything behind.
3. kill -9 of destroy and link-cluster (a fresh ``byoc-iam`` process) when a random one of their write calls
   reaches the proxy (before or after AWS did it), then the same command again: converged, leftovers.

The fast versions of each are tests in ``tests/lifecycle/test_lifecycle_reliability.py``.

Known sandbox artifact: moto counts a retried ``AttachRolePolicy`` (an answer lost, the call repeated) twice in
the policy's ``AttachmentCount`` (real IAM's attach is idempotent), so destroy then keeps that policy as "used
elsewhere" (fail safe) and it is reported as left behind.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "lifecycle"))

from lifecycle_helpers import FaultProxy, clean_account, run_cli
from reliability_harness import (
    Tally,
    kill_at,
    leftovers,
    make_cluster,
    role_args,
    run_sub,
    trust_names_provider,
    until_ok,
)

from byoc_iam.aws.sandbox import SANDBOX_CREDENTIALS, MotoServer

TRIES = 5
DESTROY_WRITES = ("DetachRolePolicy", "DeletePolicyVersion", "DeletePolicy", "DeleteRole", "DeleteRolePolicy")
LINK_WRITES = ("CreateOpenIDConnectProvider", "UpdateAssumeRolePolicy")


def _chaos(proxy: FaultProxy, rate: float, seed: int, step: tuple[str, ...]) -> int:
    proxy.chaos(rate, seed)
    try:
        return until_ok(lambda: run_cli(*step).code, TRIES)
    finally:
        proxy.reset()


def _count(tally: Tally, attempts: int, left: list[str]) -> None:
    if left:
        print(f"  left behind: {left}", flush=True)
    tally.runs += 1
    tally.first_try += attempts == 1
    tally.converged += attempts > 0
    tally.with_leftovers += bool(left)
    tally.attempts.append(attempts)


def faults(server: MotoServer, proxy: FaultProxy, runs: int, rate: float) -> None:
    apply_t, destroy_t, link_t = Tally(), Tally(), Tally()
    for i in range(runs):
        clean_account(server.endpoint_url)
        role = f"bench-{i}"
        os.environ["AWS_ENDPOINT_URL"] = proxy.endpoint_url
        attempts = _chaos(proxy, rate, i, ("apply", *role_args(role), "--yes"))
        _count(apply_t, attempts, [])
        if not attempts:
            continue
        make_cluster(server.endpoint_url, "c1", role)
        link = ("link-cluster", "--cluster", "c1", "--role-name", role, "--yes", "--region", "us-east-1")
        attempts = _chaos(proxy, rate, 1000 + i, link)
        _count(link_t, attempts, [] if trust_names_provider(server.endpoint_url, role) else ["trust not linked"])
        attempts = _chaos(proxy, rate, 2000 + i, ("destroy", "--role-name", role, "--yes"))
        _count(destroy_t, attempts, leftovers(server.endpoint_url, role))
    print(apply_t.line(f"apply at {rate:.0%} faults"), flush=True)
    print(link_t.line(f"link-cluster at {rate:.0%} faults"), flush=True)
    print(destroy_t.line(f"destroy at {rate:.0%} faults"), flush=True)


def kills(server: MotoServer, proxy: FaultProxy, runs: int) -> None:
    rng = random.Random(7)
    destroy_t, link_t = Tally(), Tally()
    for i in range(runs):
        clean_account(server.endpoint_url)
        role = f"kill-{i}"
        os.environ["AWS_ENDPOINT_URL"] = server.endpoint_url
        assert run_cli("apply", *role_args(role), "--yes").code == 0
        make_cluster(server.endpoint_url, "c1", role)
        link = ("link-cluster", "--cluster", "c1", "--role-name", role, "--yes", "--region", "us-east-1")
        kill_at(proxy, rng.choice(LINK_WRITES), link, forward=rng.random() < 0.5)
        attempts = until_ok(lambda: run_sub(link, server.endpoint_url).returncode, TRIES)  # noqa: B023
        _count(link_t, attempts, [] if trust_names_provider(server.endpoint_url, role) else ["trust not linked"])
        destroy = ("destroy", "--role-name", role, "--yes")
        kill_at(proxy, rng.choice(DESTROY_WRITES), destroy, forward=rng.random() < 0.5)
        attempts = until_ok(lambda: run_sub(destroy, server.endpoint_url).returncode, TRIES)  # noqa: B023
        _count(destroy_t, attempts, leftovers(server.endpoint_url, role))
    print(link_t.line("link-cluster after kill -9"), flush=True)
    print(destroy_t.line("destroy after kill -9"), flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20, help="runs at injected faults (the issue used 100)")
    parser.add_argument("--kills", type=int, default=10, help="kill -9 runs of destroy and link-cluster")
    parser.add_argument("--rate", type=float, default=0.3)
    args = parser.parse_args()
    os.environ.update(SANDBOX_CREDENTIALS, AWS_DEFAULT_REGION="us-east-1")
    os.environ.setdefault("BYOC_IAM_PLAN_KEY_FILE", str(Path(__file__).parent / ".cache" / "plan.key"))
    with MotoServer() as server:
        proxy = FaultProxy(server.endpoint_url).start()
        try:
            faults(server, proxy, args.runs, args.rate)
            kills(server, proxy, args.kills)
        finally:
            proxy.stop()


if __name__ == "__main__":
    main()
