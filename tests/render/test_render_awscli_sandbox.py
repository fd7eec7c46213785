"""The exported aws-cli script against the sandbox: it creates the role byoc-iam would, a second run converges
(no EntityAlreadyExists; `byoc-iam plan` then has nothing to do), and it refuses a role byoc-iam does not own."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import boto3
import pytest

from byoc_iam.aws.apply import make_plan
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import AwsContext
from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.export import to_aws_cli
from byoc_iam.model import RoleSpec

ACCOUNT = "123456789012"
SHIM = Path(__file__).with_name("aws_cli_shim.py")


def _trust(service: str) -> str:
    stmt = {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [stmt]})


def _spec(**kw: object) -> RoleSpec:
    return render_role(BlueprintInputs(account_id=ACCOUNT, tags={"team": "data"}, **kw))  # type: ignore[arg-type]


def _run(script: Path, tmp_path: Path, *, real_cli: bool = False) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, HOME=str(tmp_path))
    if not real_cli:
        bindir = tmp_path / "bin"
        bindir.mkdir(exist_ok=True)
        (bindir / "aws").write_text(f'#!/bin/sh\nexec {sys.executable} {SHIM} "$@"\n')
        (bindir / "aws").chmod(0o755)
        env["PATH"] = f"{bindir}{os.pathsep}{env['PATH']}"
    return subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, check=False, timeout=600)


def _converged(server: MotoServer, spec: RoleSpec) -> None:
    with AwsContext(endpoint_url=server.endpoint_url, region="us-east-1") as ctx:
        plan = make_plan(ctx, spec)
    assert plan.empty, [f"{c.symbol} {c.kind} {c.target}" for c in plan.changes]


@pytest.mark.parametrize("placement", ["inline", "managed"])
def test_script_creates_the_role_and_a_rerun_converges(aws_env: MotoServer, tmp_path: Path, placement: str) -> None:
    spec = _spec(policy_placement=placement)
    script = tmp_path / "create-role.sh"
    script.write_text(to_aws_cli(spec))
    first = _run(script, tmp_path)
    assert first.returncode == 0, first.stderr
    _converged(aws_env, spec)  # what byoc-iam apply would have made, ownership tags included
    second = _run(script, tmp_path)
    assert second.returncode == 0, second.stderr
    assert "EntityAlreadyExists" not in second.stderr
    _converged(aws_env, spec)


def test_rerun_keeps_a_linked_trust_in_placeholder_mode(aws_env: MotoServer, tmp_path: Path) -> None:
    spec = _spec()
    script = tmp_path / "create-role.sh"
    script.write_text(to_aws_cli(spec))
    assert _run(script, tmp_path).returncode == 0
    iam = boto3.client("iam", region_name="us-east-1")
    linked = _trust("eks.amazonaws.com")
    iam.update_assume_role_policy(RoleName=spec.role_name, PolicyDocument=linked)
    assert _run(script, tmp_path).returncode == 0
    live = iam.get_role(RoleName=spec.role_name)["Role"]["AssumeRolePolicyDocument"]
    assert live["Statement"][0]["Principal"] == {"Service": "eks.amazonaws.com"} and len(live["Statement"]) == 1


def test_script_refuses_a_role_byoc_iam_does_not_own(aws_env: MotoServer, tmp_path: Path) -> None:
    spec = _spec()
    iam = boto3.client("iam", region_name="us-east-1")
    theirs = _trust("ec2.amazonaws.com")
    iam.create_role(RoleName=spec.role_name, AssumeRolePolicyDocument=theirs)
    script = tmp_path / "create-role.sh"
    script.write_text(to_aws_cli(spec))
    proc = _run(script, tmp_path)
    assert proc.returncode == 5 and "not managed by byoc-iam" in proc.stderr
    assert iam.list_role_policies(RoleName=spec.role_name)["PolicyNames"] == []
    assert iam.list_attached_role_policies(RoleName=spec.role_name)["AttachedPolicies"] == []


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("aws") is None, reason="the AWS CLI is not installed")
def test_script_with_the_real_aws_cli_converges(aws_env: MotoServer, tmp_path: Path) -> None:
    """The same with the real AWS CLI (about a second per call, hence slow)."""
    spec = _spec(policy_placement="managed")
    script = tmp_path / "create-role.sh"
    script.write_text(to_aws_cli(spec))
    for _ in range(2):
        proc = _run(script, tmp_path, real_cli=True)
        assert proc.returncode == 0, proc.stderr
    _converged(aws_env, spec)
