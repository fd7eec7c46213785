"""Benchmark the AWS lifecycle against the embedded sandbox: ``.venv/bin/python bench/lifecycle.py [--runs N]``.

1. ``apply`` of the rendered BYOC role from scratch: wall time, AWS calls and writes; with the apply pool
   at 1 worker (sequential) and at the default 4, and their ratio (concurrency of independent writes).
2. Re-apply (idempotent): wall time and calls; the writes must be 0.
3. The pure planner: ``plan_apply(desired, live)`` on the rendered role against its own live state (no
   changes) and against nothing (a full create), median of many runs.

4. Peer: the by-hand way, the aws-cli script byoc-iam exports (``byoc_iam.export``: one ``aws iam`` process
   per call, sequential, not idempotent) against ``byoc-iam apply --role FILE --yes`` as a fresh process,
   both creating the same role in the sandbox; and the ratio. (Terraform's AWS provider would need a
   download; it is not run.) moto's own latency is part of every number (a Python server on this machine).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from byoc_iam.aws import apply as apply_mod
from byoc_iam.aws.apply import apply_desired, make_plan
from byoc_iam.aws.read import read_live
from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID, MotoServer
from byoc_iam.aws.session import AwsContext
from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.model import RoleSpec
from byoc_iam.plan import LiveState, plan_apply


def _apply_once(server: MotoServer, workers: int, name: str) -> tuple[float, int, int]:
    spec = render_role(BlueprintInputs(account_id=SANDBOX_ACCOUNT_ID, role_name=name, policy_placement="managed"))
    ctx = AwsContext(endpoint_url=server.endpoint_url, region="us-east-1", sandbox=True)
    apply_mod.WORKERS = workers
    start = time.perf_counter()
    apply_desired(ctx, spec, make_plan(ctx, spec))
    return (time.perf_counter() - start) * 1000, len(ctx.calls), len(ctx.writes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with MotoServer() as server:
        warm = AwsContext(endpoint_url=server.endpoint_url, region="us-east-1", sandbox=True)
        warm.account_id()
        read_live(warm, "warm-up")  # moto loads its AWS managed policies on first IAM use
        results: dict[int, list[float]] = {1: [], 4: []}
        calls = writes = 0
        for run in range(args.runs):
            for workers in (1, 4):
                ms, calls, writes = _apply_once(server, workers, f"bench-{workers}-{run}")
                results[workers].append(ms)
        seq, par = statistics.median(results[1]), statistics.median(results[4])
        print(f"apply from scratch: {calls} AWS calls ({writes} writes)")
        print(f"  1 worker : {seq:7.1f} ms (median of {args.runs})")
        print(f"  4 workers: {par:7.1f} ms (median of {args.runs})  ratio sequential/concurrent = {seq / par:.2f}x")

        spec = render_role(
            BlueprintInputs(account_id=SANDBOX_ACCOUNT_ID, role_name="bench-4-0", policy_placement="managed")
        )
        times, rcalls, rwrites = [], 0, 0
        for _ in range(args.runs):
            ctx = AwsContext(endpoint_url=server.endpoint_url, region="us-east-1", sandbox=True)
            start = time.perf_counter()
            plan = make_plan(ctx, spec)
            assert plan.empty
            times.append((time.perf_counter() - start) * 1000)
            rcalls, rwrites = len(ctx.calls), len(ctx.writes)
        print(f"re-apply (no changes): {statistics.median(times):7.1f} ms, {rcalls} AWS calls, {rwrites} writes")

        live = read_live(
            AwsContext(endpoint_url=server.endpoint_url, region="us-east-1", sandbox=True),
            "bench-4-0",
            policy_arns=tuple(sorted(plan.scope["policy_arns"])),
        )
    _peer(spec)
    for label, state in (("no changes", live), ("full create", LiveState("bench-4-0"))):
        n = 200
        start = time.perf_counter()
        for _ in range(n):
            plan_apply(spec, state, account=SANDBOX_ACCOUNT_ID)
        print(f"plan_apply ({label}): {(time.perf_counter() - start) * 1000 / n:.2f} ms per plan (pure, {n} runs)")


def _peer(spec: RoleSpec) -> None:
    from byoc_iam.export.awscli import to_aws_cli

    if not shutil.which("aws"):
        print("peer: aws CLI not installed, skipped")
        return
    with MotoServer() as server, tempfile.TemporaryDirectory() as tmp:
        env = dict(
            os.environ,
            AWS_ENDPOINT_URL=server.endpoint_url,
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_PAGER="",
        )
        warm = AwsContext(endpoint_url=server.endpoint_url, region="us-east-1", sandbox=True)
        read_live(warm, "warm-up")
        script = Path(tmp) / "create.sh"
        script.write_text(to_aws_cli(spec.model_copy(update={"role_name": "peer-role"})))
        role_file = Path(tmp) / "role.json"
        role_file.write_text(spec.model_copy(update={"role_name": "ours-role"}).to_json())
        start = time.perf_counter()
        subprocess.run(["bash", str(script)], env=env, check=True, capture_output=True)
        peer = (time.perf_counter() - start) * 1000
        start = time.perf_counter()
        subprocess.run(
            [str(Path(sys.executable).parent / "byoc-iam"), "apply", "--role", str(role_file), "--yes"],
            env=env,
            check=True,
            capture_output=True,
        )
        ours = (time.perf_counter() - start) * 1000
        print(
            f"peer: aws-cli script {peer:7.1f} ms vs byoc-iam apply {ours:7.1f} ms (fresh processes, same role); "
            f"ratio {peer / ours:.2f}x"
        )


if __name__ == "__main__":
    main()
