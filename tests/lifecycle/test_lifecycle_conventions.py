"""Conventions of the AWS commands (issue 17): --output json on plan/apply/link-cluster/destroy, a saved plan
applied without asking again, plan's exit code when apply would refuse, the expected link-cluster line,
AWS_REGION, verify --live with the shared AWS options, and a role made by the CloudFormation export."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from lifecycle_helpers import ACCOUNT, make_spec, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import AwsContext
from byoc_iam.errors import UsageError


@pytest.fixture
def role_file(tmp_path: Path) -> Path:
    path = tmp_path / "role.json"
    path.write_text(make_spec().to_json())
    return path


def test_plan_and_apply_speak_json(lc_env: MotoServer, role_file: Path) -> None:
    plan = run_cli("plan", "--role", str(role_file), "--no-check-managed", "-o", "json")
    assert plan.code == 0, plan.err
    data = json.loads(plan.out)
    assert data["format"] == "byoc-iam-plan/1" and data["changes"][0]["action"] == "iam:CreateRole"
    applied = run_cli("apply", "--role", str(role_file), "--yes", "--output", "json")
    assert applied.code == 0, applied.err
    result = json.loads(applied.out)
    assert result["role_arn"] == f"arn:aws:iam::{ACCOUNT}:role/byoc-test-role" and result["changed"] is True
    assert any(c["action"] == "iam:CreateRole" for c in result["changes"])
    again = json.loads(run_cli("apply", "--role", str(role_file), "--yes", "-o", "json").out)
    assert again["changed"] is False and again["role_arn"] == result["role_arn"]
    table = run_cli("plan", "--role", str(role_file), "--no-check-managed", "-o", "table")
    assert table.code == 0 and "No changes" not in table.out  # a table of no rows, not the text view
    destroyed = run_cli("destroy", "--role-name", "byoc-test-role", "--yes", "-o", "json")
    assert destroyed.code == 0, destroyed.err
    assert json.loads(destroyed.out)["command"] == "destroy"


def test_bad_output_is_a_usage_error(lc_env: MotoServer, role_file: Path) -> None:
    res = run_cli("plan", "--role", str(role_file), "-o", "yaml")
    assert res.code == 2 and res.err.strip() == "byoc-iam: --output must be one of text, json, table"


def test_saved_plan_applies_without_asking(lc_env: MotoServer, role_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert run_cli("plan", "--role", str(role_file), "--out", str(out), "--no-check-managed").code == 0
    res = run_cli("apply", str(out))  # no --yes, stdin not a terminal: the saved plan was the confirmation
    assert res.code == 0, res.err
    assert f"Role ARN: arn:aws:iam::{ACCOUNT}:role/byoc-test-role" in res.out


def test_plan_exits_5_when_apply_would_refuse(lc_env: MotoServer, role_file: Path) -> None:
    trust = json.dumps(make_spec().trust_policy)
    raw_client(lc_env.endpoint_url).create_role(RoleName="byoc-test-role", AssumeRolePolicyDocument=trust)
    res = run_cli("plan", "--role", str(role_file), "--no-check-managed")
    assert res.code == 5 and "not managed by byoc-iam" in res.err
    assert "refused:" in res.out  # the plan is still shown


def test_link_cluster_says_the_expected_link_plainly(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--account-id", ACCOUNT, "--yes").code == 0
    eks = raw_client(lc_env.endpoint_url, "eks")
    eks.create_cluster(name="c1", roleArn=f"arn:aws:iam::{ACCOUNT}:role/x", resourcesVpcConfig={"subnetIds": []})
    dry = run_cli("link-cluster", "--cluster", "c1", "--dry-run")
    assert dry.code == 0, dry.err
    assert "the expected link" in dry.out and "security-relevant" not in dry.out
    linked = run_cli("link-cluster", "--cluster", "c1", "--yes", "-o", "json")
    assert linked.code == 0, linked.err
    assert json.loads(linked.out)["applied"] is True


def test_aws_region_is_honoured_before_aws_default_region(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AWS_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    assert AwsContext().region == "eu-west-1"
    assert AwsContext(region="ap-south-1").region == "ap-south-1"


def test_no_region_names_both_variables(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE", "AWS_ENDPOINT_URL"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "x")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "y")
    with pytest.raises(UsageError, match="set AWS_REGION or AWS_DEFAULT_REGION"):
        AwsContext().client("eks")


def test_verify_live_takes_the_shared_aws_options(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--account-id", ACCOUNT, "--yes").code == 0
    res = run_cli(
        "verify", "--live", "--role-name", "zilliz-byoc-eks-role", "--region", "us-east-1",
        "--endpoint-url", lc_env.endpoint_url, "--max-attempts", "2", "--retry-mode", "adaptive", "-o", "json",
    )  # fmt: skip
    assert res.code in (0, 3), res.err
    assert json.loads(res.out)["role"]["source"] == "live"
    offline = run_cli("verify", "--account-id", ACCOUNT, "--sandbox")
    assert offline.code == 2 and "add --live" in offline.err


def test_a_role_made_by_the_cloudformation_export_reads_without_traceback(lc_env: MotoServer) -> None:
    """moto's CloudFormation stores inline policies as Python reprs; plan and verify --live read them."""
    template = run_cli("render", "--account-id", ACCOUNT, "--format", "cloudformation", "-q").out
    cfn = raw_client(lc_env.endpoint_url, "cloudformation")
    cfn.create_stack(StackName="byoc", TemplateBody=template, Capabilities=["CAPABILITY_NAMED_IAM"])
    plan = run_cli("plan", "--account-id", ACCOUNT, "--no-check-managed")
    assert "Traceback" not in plan.err and plan.code == 0, plan.err
    res = run_cli("verify", "--live", "--role-name", "zilliz-byoc-eks-role", "--region", "us-east-1", "-o", "json")
    assert "Traceback" not in res.err and res.code in (0, 3), res.err
    report = json.loads(res.out)
    assert report["role"]["source"] == "live" and report["summary"]["calls"]["passed"] > 0
    cfn.delete_stack(StackName="byoc")


@pytest.mark.parametrize(
    "argv",
    [
        ["plan", "--max-attempts", "abc"],
        ["apply", "--max-attempts", "abc"],
        ["link-cluster", "--cluster", "c", "--max-attempts", "abc"],
        ["destroy", "--max-attempts", "abc"],
        ["verify", "--live", "--max-attempts", "abc"],
        ["catalog", "diff", "--all", "--max-attempts", "abc"],
    ],
)
def test_parser_errors_are_one_line_exit_2_in_a_subprocess(argv: list[str]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "byoc_iam", *argv], capture_output=True, text=True, check=False, timeout=120
    )
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.count("\n") == 1 and proc.stderr.startswith("byoc-iam: "), proc.stderr
    assert "'abc' is not a valid integer" in proc.stderr


@pytest.mark.parametrize("how", ["flag", "env"])
def test_profile_from_the_flag_or_aws_profile(how: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    config = tmp_path / "config"
    config.write_text("[profile byoc]\nregion = eu-central-1\n")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(config))
    for key in ("AWS_REGION", "AWS_DEFAULT_REGION", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    if how == "env":
        monkeypatch.setenv("AWS_PROFILE", "byoc")
    ctx = AwsContext(profile="byoc" if how == "flag" else None)
    ctx.session()
    assert ctx.region == "eu-central-1"  # read from the named profile
    monkeypatch.setenv("AWS_PROFILE", "missing")
    with pytest.raises(UsageError, match="AWS profile 'missing' is not in your AWS config"):
        AwsContext().session()
