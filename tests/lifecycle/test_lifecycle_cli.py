"""The lifecycle commands through the CLI (in-process ``byoc_iam.cli.main``) against the moto server."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from lifecycle_helpers import ACCOUNT, FaultProxy, make_spec, new_ctx, raw_client, run_cli

from byoc_iam.aws.read import read_live, read_role
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.plan import OWNER_TAG


@pytest.fixture
def role_file(tmp_path: Path) -> Path:
    path = tmp_path / "role.json"
    path.write_text(make_spec().to_json())
    return path


def test_plan_apply_replan_through_the_cli(lc_env: MotoServer, role_file: Path) -> None:
    plan = run_cli("plan", "--role", str(role_file), "--detailed-exitcode", "--no-check-managed")
    assert plan.code == 2, plan.err
    assert "+ role byoc-test-role" in plan.out and "Plan: 6 to add, 0 to change, 0 to destroy." in plan.out

    applied = run_cli("apply", "--role", str(role_file), "--yes", "--verbose")
    assert applied.code == 0, applied.err
    assert f"Role ARN: arn:aws:iam::{ACCOUNT}:role/byoc-test-role" in applied.out
    assert "EKS settings → IAM role ARN" in applied.out
    assert "AWS calls:" in applied.err and "iam:CreateRole" in applied.err
    assert "testing" not in applied.out + applied.err  # never the credentials

    again = run_cli("apply", "--role", str(role_file), "--yes", "--verbose")
    assert again.code == 0 and "No changes" in again.out
    assert "(0 writes)" in again.err

    assert run_cli("plan", "--role", str(role_file), "--detailed-exitcode").code == 0


def test_rendered_role_options_apply(lc_env: MotoServer) -> None:
    res = run_cli("apply", "--account-id", ACCOUNT, "--role-name", "rendered-role", "--yes")
    assert res.code == 0, res.err
    role = read_role(new_ctx(lc_env.endpoint_url), "rendered-role")
    assert role is not None and len(role.managed_policy_arns) == 5 and len(role.inline_policies) == 3
    wrong = run_cli("plan", "--account-id", "111111111111", "--role-name", "rendered-role")
    assert wrong.code == 2 and "credentials are for account 123456789012" in wrong.err


def test_saved_plan_and_its_refusal(lc_env: MotoServer, role_file: Path, tmp_path: Path) -> None:
    assert run_cli("apply", "--role", str(role_file), "--yes").code == 0
    changed = tmp_path / "changed.json"
    changed.write_text(make_spec(description="changed").to_json())
    out = tmp_path / "plan.json"
    res = run_cli("plan", "--role", str(changed), "--out", str(out))
    assert res.code == 0 and out.exists()
    saved = json.loads(out.read_text())
    assert saved["fingerprint"].startswith("sha256:") and saved["changes"][0]["action"] == "iam:UpdateRole"

    raw_client(lc_env.endpoint_url).tag_role(RoleName="byoc-test-role", Tags=[{"Key": "x", "Value": "y"}])
    refused = run_cli("apply", str(out), "--yes")
    assert refused.code == 5 and "changed since this plan was made" in refused.err
    assert refused.err.count("\n") == 1 and "Traceback" not in refused.err

    assert run_cli("plan", "--role", str(changed), "--out", str(out)).code == 0
    ok = run_cli("apply", str(out), "--yes")
    assert ok.code == 0, ok.err
    assert read_role(new_ctx(lc_env.endpoint_url), "byoc-test-role").description == "changed"  # type: ignore[union-attr]


def test_ownership_and_trust_widening_refusals(lc_env: MotoServer, role_file: Path, tmp_path: Path) -> None:
    iam = raw_client(lc_env.endpoint_url)
    iam.create_role(RoleName="byoc-test-role", AssumeRolePolicyDocument=json.dumps(make_spec().trust_policy))
    res = run_cli("apply", "--role", str(role_file), "--yes")
    assert res.code == 5 and "--adopt" in res.err
    assert run_cli("destroy", "--role-name", "byoc-test-role", "--yes").code == 5
    assert iam.get_role(RoleName="byoc-test-role")

    assert run_cli("apply", "--role", str(role_file), "--yes", "--adopt").code == 0
    live = read_live(new_ctx(lc_env.endpoint_url), "byoc-test-role")
    assert live.role is not None and live.role.tags[next(iter(OWNER_TAG))] == "byoc-iam"

    wider = make_spec()
    trust = json.loads(json.dumps(wider.trust_policy))
    trust["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    )
    (tmp_path / "wider.json").write_text(wider.model_copy(update={"trust_policy": trust}).to_json())
    plan = run_cli("plan", "--role", str(tmp_path / "wider.json"))
    assert "! security-relevant: admits new principal(s): AWS arn:aws:iam::999999999999:root" in plan.out
    refused = run_cli("apply", "--role", str(tmp_path / "wider.json"), "--yes")
    assert refused.code == 5 and "--allow-trust-widening" in refused.err
    ok = run_cli("apply", "--role", str(tmp_path / "wider.json"), "--yes", "--allow-trust-widening")
    assert ok.code == 0, ok.err


def test_link_cluster_on_a_sandbox_eks_cluster(lc_env: MotoServer, role_file: Path) -> None:
    assert run_cli("apply", "--role", str(role_file), "--yes").code == 0
    eks = raw_client(lc_env.endpoint_url, "eks")
    role_arn = f"arn:aws:iam::{ACCOUNT}:role/byoc-test-role"
    eks.create_cluster(name="c1", roleArn=role_arn, resourcesVpcConfig={"subnetIds": []})
    issuer = eks.describe_cluster(name="c1")["cluster"]["identity"]["oidc"]["issuer"]
    host = issuer.removeprefix("https://")

    dry = run_cli(
        "link-cluster", "--cluster", "c1", "--role-name", "byoc-test-role", "--dry-run", "--thumbprint", "a" * 40
    )
    assert dry.code == 0 and "+ OIDC provider" in dry.out and "~ trust policy" in dry.out
    assert "the expected link" in dry.out and "security-relevant" not in dry.out  # the normal retarget: plain
    res = run_cli("link-cluster", "--cluster", "c1", "--role-name", "byoc-test-role", "--yes", "--thumbprint", "a" * 40)
    assert res.code == 0, res.err

    ctx = new_ctx(lc_env.endpoint_url)
    provider_arn = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"
    live = read_live(ctx, "byoc-test-role", oidc_arns=(provider_arn,))
    provider = live.oidc_providers[provider_arn]
    assert provider.client_ids == ("sts.amazonaws.com",) and provider.thumbprints == ("a" * 40,)
    assert provider.tags == OWNER_TAG
    stmt = live.role.fields["trust_policy"]["Statement"][2]  # type: ignore[union-attr]
    assert stmt["Principal"]["Federated"] == provider_arn
    assert stmt["Condition"]["StringEquals"] == {
        f"{host}:aud": "sts.amazonaws.com",
        f"{host}:sub": "system:serviceaccount:kube-system:cluster-autoscaler",
    }

    again = run_cli(
        "link-cluster", "--cluster", "c1", "--role-name", "byoc-test-role", "--yes", "--thumbprint", "a" * 40
    )
    assert again.code == 0 and "already linked" in again.out
    # apply with the placeholder-mode spec keeps the link instead of reverting it
    keep = run_cli("plan", "--role", str(role_file), "--detailed-exitcode", "--no-check-managed")
    assert keep.code == 0, keep.out

    destroy = run_cli("destroy", "--role-name", "byoc-test-role", "--yes")
    assert destroy.code == 0, destroy.err
    assert raw_client(lc_env.endpoint_url).list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_link_cluster_fixes_a_wrong_issuer(lc_env: MotoServer) -> None:
    spec = make_spec()
    trust = json.loads(json.dumps(spec.trust_policy).replace("eks_oidc_url", "oidc.eks.us-east-1.amazonaws.com/id/OLD"))
    iam = raw_client(lc_env.endpoint_url)
    from byoc_iam.aws.apply import apply_desired, make_plan

    ctx = new_ctx(lc_env.endpoint_url)
    wrong = spec.model_copy(update={"trust_policy": trust})
    apply_desired(ctx, wrong, make_plan(ctx, wrong))
    eks = raw_client(lc_env.endpoint_url, "eks")
    eks.create_cluster(name="c3", roleArn="arn:aws:iam::123456789012:role/x", resourcesVpcConfig={"subnetIds": []})
    host = eks.describe_cluster(name="c3")["cluster"]["identity"]["oidc"]["issuer"].removeprefix("https://")
    res = run_cli("link-cluster", "--cluster", "c3", "--role-name", "byoc-test-role", "--yes")
    assert res.code == 0, res.err
    doc = iam.get_role(RoleName="byoc-test-role")["Role"]["AssumeRolePolicyDocument"]
    text = json.dumps(doc)
    assert "/id/OLD" not in text and host in text


def test_link_cluster_errors(lc_env: MotoServer) -> None:
    missing = run_cli("link-cluster", "--cluster", "nope", "--role-name", "byoc-test-role", "--yes")
    assert missing.code == 4 and "eks:DescribeCluster on nope: not found" in missing.err
    assert "Traceback" not in missing.err
    bad = run_cli("link-cluster", "--cluster", "c", "--thumbprint", "xyz")
    assert bad.code == 2 and "40 hexadecimal" in bad.err


@pytest.mark.parametrize(
    ("action", "code", "expected"),
    [
        ("GetRole", "AccessDenied", "access denied: iam:GetRole on byoc-test-role is not allowed"),
        ("CreateRole", "LimitExceeded", "roles per account"),
        ("PutRolePolicy", "MalformedPolicyDocument", "rejected the policy document as malformed"),
        ("GetRole", "Throttling", "throttling requests (Throttling) and still was after 2 attempts"),
    ],
)
def test_aws_errors_are_one_line(
    fault_proxy: FaultProxy, role_file: Path, monkeypatch: pytest.MonkeyPatch, action: str, code: str, expected: str
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.endpoint_url)
    fault_proxy.fail(action, code=code, status=400 if code != "AccessDenied" else 403)
    res = run_cli("apply", "--role", str(role_file), "--yes", "--max-attempts", "2")
    assert res.code == 4, res.err
    lines = res.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("byoc-iam: ") and expected in lines[0]
    if code == "AccessDenied":
        assert "byoc-iam operator-policy" in lines[0]
    if action == "PutRolePolicy":
        assert "run `byoc-iam apply` again: it continues from here" in lines[0]


def test_no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, role_file: Path, lc_env: MotoServer) -> None:
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_PROFILE"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    res = run_cli("plan", "--role", str(role_file))
    assert res.code == 4 and "no usable AWS credentials" in res.err and "byoc-iam demo" in res.err


def test_plan_detailed_exitcode_error_is_1(
    fault_proxy: FaultProxy, role_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.endpoint_url)
    fault_proxy.fail("GetRole", code="AccessDenied", status=403)
    assert run_cli("plan", "--role", str(role_file), "--detailed-exitcode").code == 1
    assert run_cli("plan", "--role", str(role_file)).code == 4


def test_apply_needs_confirmation_when_not_a_terminal(lc_env: MotoServer, role_file: Path) -> None:
    res = run_cli("apply", "--role", str(role_file))
    assert res.code == 2 and "--yes" in res.err
    assert read_role(new_ctx(lc_env.endpoint_url), "byoc-test-role") is None


def test_bad_saved_plan_is_a_usage_error(tmp_path: Path, lc_env: MotoServer) -> None:
    bad = tmp_path / "p.json"
    bad.write_text('{"hello": 1}')
    res = run_cli("apply", str(bad), "--yes")
    assert res.code == 2 and "not a byoc-iam plan" in res.err


def test_sandbox_start_reuse_stop(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, role_file: Path) -> None:
    monkeypatch.setenv("BYOC_IAM_SANDBOX_STATE", str(tmp_path / "sandbox.json"))
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    assert "No sandbox" in run_cli("sandbox", "status").out
    started = run_cli("sandbox", "start")
    try:
        assert started.code == 0 and "Sandbox running at http://127.0.0.1:" in started.out
        assert "running" in run_cli("sandbox", "status").out
        first = run_cli("apply", "--role", str(role_file), "--yes", "--sandbox")
        assert first.code == 0 and "using the sandbox" in first.err
        second = run_cli("plan", "--role", str(role_file), "--sandbox", "--detailed-exitcode", "--no-check-managed")
        assert second.code == 0, second.out  # state kept between commands
    finally:
        stopped = run_cli("sandbox", "stop")
    assert "Stopped the sandbox" in stopped.out
    assert "No sandbox" in run_cli("sandbox", "status").out


def test_operator_policy_command() -> None:
    res = run_cli("operator-policy", "--account-id", ACCOUNT, "--role-name", "r1")
    assert res.code == 0
    doc: dict[str, Any] = json.loads(res.out)
    role_stmt = next(s for s in doc["Statement"] if s.get("Sid") == "ByocRole")
    assert role_stmt["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/r1"
    assert "iam:CreateRole" in role_stmt["Action"]
    only_plan = json.loads(run_cli("operator-policy", "--command", "plan", "--account-id", ACCOUNT).out)
    actions = {a for s in only_plan["Statement"] for a in s["Action"]}
    assert actions and all(":Get" in a or ":List" in a for a in actions)
    assert run_cli("operator-policy", "--command", "bogus").code == 2


def test_saved_plan_for_another_account_is_refused(lc_env: MotoServer, role_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "plan.json"
    assert run_cli("plan", "--role", str(role_file), "--out", str(out)).code == 0
    data = json.loads(out.read_text())
    assert data["account"] == ACCOUNT
    data["account"] = "111111111111"
    out.write_text(json.dumps(data))
    edited = run_cli("apply", str(out), "--yes")  # an edit breaks the signature: refused before any AWS call
    assert edited.code == 5 and "do not match its signature" in edited.err
    # a plan signed with this user's key but made with another account's credentials
    from byoc_iam import __version__
    from byoc_iam.cli.plan_key import load_key
    from byoc_iam.plan import Plan
    from byoc_iam.plan.saved import seal

    other = seal(Plan.from_json(json.dumps(data)), load_key(create=False), version=__version__, flags={})
    out.write_text(other.to_json())
    res = run_cli("apply", str(out), "--yes")
    assert res.code == 5 and "made for account 111111111111" in res.err


def test_resolved_mode_apply_creates_the_oidc_provider_and_destroy_removes_it(lc_env: MotoServer) -> None:
    issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    args = ("--account-id", ACCOUNT, "--region", "us-east-1", "--oidc-issuer", issuer)
    res = run_cli("apply", *args, "--yes")
    assert res.code == 0, res.err
    assert "+ OIDC provider" in res.out
    iam = raw_client(lc_env.endpoint_url)
    [provider] = iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert provider["Arn"].endswith("/id/0123456789ABCDEF0123456789ABCDEF")
    assert run_cli("plan", *args, "--detailed-exitcode", "--no-check-managed").code == 0
    gone = run_cli("destroy", "--yes")
    assert gone.code == 0, gone.err
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []
    assert iam.list_roles()["Roles"] == []
