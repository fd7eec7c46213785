"""`byoc-iam verify`: exit codes, text/JSON/SARIF outputs, --role files, --live against the sandbox."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import boto3
import pytest
from verify_helpers import ACCOUNT, ISSUER, rendered, without

from byoc_iam.model import RoleSpec
from cli_helpers import run_cli as run


@pytest.fixture(autouse=True)
def _wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "200")


def test_rendered_role_text_output_exit_0(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", "--account-id", ACCOUNT, "--allow-unlinked"], capsys)
    assert code == 0
    for text in (
        "AWS Load Balancer Controller",
        "EBS CSI controller",
        "Cluster Autoscaler",
        "VPC CNI",
        "Worker node",
        "EKS control plane",
        "VPC resource controller",
        "irsa-kube-system-default",
        "shared-node-irsa-role",
        "placeholder-trust-not-linked",
        "NOT LINKED YET:",
        "NOT LINKED",
    ):
        assert text in out


def test_linked_trust_mode_passes_without_placeholder_finding(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", "--account-id", ACCOUNT, "--oidc-issuer", ISSUER, "-o", "json"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["trust_mode"] == "linked" and data["ok"] is True
    assert "placeholder-trust-not-linked" not in {f["code"] for f in data["findings"]}


def test_json_schema_is_stable(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", "--account-id", ACCOUNT, "--output", "json", "--allow-unlinked"], capsys)
    assert code == 0
    data = json.loads(out)
    assert data["schema"] == "byoc-iam/verify/v1"
    assert set(data) == {
        "schema",
        "tool_version",
        "role",
        "target",
        "trust_mode",
        "features",
        "ok",
        "status",
        "verdict",
        "summary",
        "components",
        "trust",
        "federation",
        "findings",
    }
    comp = data["components"][0]
    assert set(comp) == {"id", "name", "runs", "obtains_role", "upstream", "own_policies", "status", "counts", "calls"}
    call = next(c for c in comp["calls"] if c["status"] == "passed")
    assert set(call) == {
        "id",
        "action",
        "kind",
        "feature",
        "required",
        "summary",
        "status",
        "decision",
        "reason",
        "authorizations",
        "source",
        "note",
    }
    auth = call["authorizations"][0]
    assert set(auth) == {
        "resource",
        "context",
        "decision",
        "blocked_by",
        "deciding",
        "nearest",
        "reason",
        "scoped_decision",
    }
    assert auth["deciding"][0]["policy"] and "index" in auth["deciding"][0]
    assert set(data["trust"][0]) == {
        "id",
        "kind",
        "description",
        "principal",
        "action",
        "context",
        "expected",
        "decision",
        "passed",
        "status",
        "deciding",
        "reason",
    }


def _broken_role_file(tmp_path: Path) -> Path:
    spec = rendered()
    broken = without(spec, inline_policies={k: v for k, v in spec.inline_policies.items() if k != "ClusterAutoscaler"})
    path = tmp_path / "role.json"
    path.write_text(broken.to_json())
    return path


def test_role_file_failing_exit_3_names_what_broke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken_role_file(tmp_path)
    code, out, _ = run(["verify", "--role", str(path)], capsys)
    assert code == 3
    assert "Failing calls" in out and "autoscaling:SetDesiredCapacity" in out and "FAILS: " in out


def test_sarif_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _broken_role_file(tmp_path)
    code, out, _ = run(["verify", "--role", str(path), "-o", "sarif"], capsys)
    assert code == 3
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    run0 = sarif["runs"][0]
    ids = {r["id"] for r in run0["tool"]["driver"]["rules"]}
    results = run0["results"]
    assert {r["ruleId"] for r in results} <= ids
    denied = [r for r in results if r["ruleId"] == "verify/call-denied"]
    assert any(r["properties"]["action"] == "autoscaling:SetDesiredCapacity" for r in denied)
    assert all(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == str(path) for r in denied)
    assert {r["level"] for r in results} <= {"error", "warning", "note"}


def test_sarif_artifact_uri_is_the_file_name_as_a_path_reads_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """``--role ./role.json`` is named ``role.json`` (a relative URI GitHub code scanning resolves), as before
    ``--role`` became a plain string."""
    path = _broken_role_file(tmp_path)
    monkeypatch.chdir(tmp_path)
    code, out, _ = run(["verify", "--role", f"./{path.name}", "-o", "sarif"], capsys)
    assert code == 3
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in json.loads(out)["runs"][0]["results"]
    }
    assert uris == {path.name}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["verify", "--account-id", ACCOUNT, "--feature", "nope"], "unknown feature 'nope'"),
        (["verify", "--account-id", ACCOUNT, "--output", "xml"], "--output must be one of"),
        (["verify", "--role", "/nonexistent/role.json"], "cannot read"),
        (["verify"], "--account-id"),
        (["verify", "--sandbox"], "add --live"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert err.startswith("byoc-iam: ") and message in err and err.count("\n") == 1
    assert "Traceback" not in err


def test_invalid_rolespec_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"role_name": "x"')
    code, _, err = run(["verify", "--role", str(path)], capsys)
    assert code == 2 and "invalid JSON" in err


def test_html_written_atomically_and_unwritable_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    html = tmp_path / "report.html"
    code, _, _ = run(["verify", "--account-id", ACCOUNT, "--allow-unlinked", "--html", str(html)], capsys)
    assert code == 0 and html.read_text().startswith("<!DOCTYPE html>")
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]
    code, _, err = run(["verify", "--account-id", ACCOUNT, "--html", str(tmp_path / "no" / "r.html")], capsys)
    assert code == 2 and "cannot write" in err


def test_list_features(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", "--list-features"], capsys)
    assert code == 0 and "fast-snapshot-restore" in out and "security-groups-for-pods" in out


def _create(spec: RoleSpec, endpoint: str, skip_managed: str | None = None) -> None:
    iam: Any = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    iam.create_role(RoleName=spec.role_name, AssumeRolePolicyDocument=json.dumps(spec.trust_policy))
    for name, doc in spec.inline_policies.items():
        iam.put_role_policy(RoleName=spec.role_name, PolicyName=name, PolicyDocument=json.dumps(doc))
    for arn in spec.managed_policy_arns:
        if skip_managed and arn.endswith(skip_managed):
            continue
        iam.attach_role_policy(RoleName=spec.role_name, PolicyArn=arn)


def _provider(endpoint: str, issuer: str = ISSUER, client_ids: tuple[str, ...] = ("sts.amazonaws.com",)) -> None:
    iam: Any = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
    iam.create_open_id_connect_provider(Url=issuer, ClientIDList=list(client_ids), ThumbprintList=["a" * 40])


def test_live_role_from_the_sandbox(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    spec = rendered(oidc_issuer=ISSUER)
    _create(spec, aws_env.endpoint_url)
    _provider(aws_env.endpoint_url)
    argv = ["verify", "--live", "--role-name", spec.role_name, "--region", "us-west-2", "-o", "json"]
    code, out, _ = run(argv, capsys)
    data = json.loads(out)
    assert code == 0, [c for comp in data["components"] for c in comp["calls"] if c["status"] == "failed"]
    assert data["role"]["source"] == "live" and data["trust_mode"] == "linked"
    assert data["role"]["arn"] == f"arn:aws:iam::{ACCOUNT}:role/{spec.role_name}"


def test_live_role_missing_a_policy_exit_3(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    spec = rendered()
    _create(spec, aws_env.endpoint_url, skip_managed="AmazonEC2ContainerRegistryReadOnly")
    code, out, _ = run(["verify", "--live", "--role-name", spec.role_name], capsys)
    assert code == 3 and "ecr:GetAuthorizationToken" in out


def test_live_role_absent_is_aws_error(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(["verify", "--live", "--role-name", "no-such-role"], capsys)
    assert code == 4 and err.startswith("byoc-iam: ") and "no-such-role" in err


@pytest.mark.parametrize(
    ("client_ids", "create", "problem"),
    [
        (("sts.amazonaws.com",), False, "does not exist in account"),
        (("my-app",), True, "does not list sts.amazonaws.com in its client IDs (my-app)"),
    ],
    ids=["provider-absent", "no-sts-audience"],
)
def test_live_irsa_rows_fail_when_the_federation_is_broken(
    aws_env: Any, capsys: pytest.CaptureFixture[str], client_ids: tuple[str, ...], create: bool, problem: str
) -> None:
    """The trust is right, but STS would refuse every token: the IRSA rows fail (exit 3) and say why."""
    spec = rendered(oidc_issuer=ISSUER)
    _create(spec, aws_env.endpoint_url)
    if create:
        _provider(aws_env.endpoint_url, client_ids=client_ids)
    argv = ["verify", "--live", "--role-name", spec.role_name, "--region", "us-west-2", "-o", "json"]
    code, out, _ = run(argv, capsys)
    assert code == 3
    data = json.loads(out)
    fed = data["federation"][0]
    assert fed["passed"] is False and problem in fed["problems"][0] and "exists" in fed["checked"]
    irsa = [t for t in data["trust"] if t["id"].startswith("irsa:")]
    assert irsa and all(t["status"] == "failed" and problem in t["reason"] for t in irsa)
    assert data["status"] == "fails" and "trust checks failed" in data["verdict"]


def test_live_with_cluster_checks_the_issuer(aws_env: Any, capsys: pytest.CaptureFixture[str]) -> None:
    """The provider exists with the sts audience, but is another cluster's: --cluster catches it."""
    eks: Any = boto3.client("eks", endpoint_url=aws_env.endpoint_url, region_name="us-west-2")
    eks.create_cluster(name="c1", roleArn=f"arn:aws:iam::{ACCOUNT}:role/x", resourcesVpcConfig={"subnetIds": []})
    issuer = eks.describe_cluster(name="c1")["cluster"]["identity"]["oidc"]["issuer"]
    stale = rendered(oidc_issuer=ISSUER)
    _create(stale, aws_env.endpoint_url)
    _provider(aws_env.endpoint_url)
    base = ["verify", "--live", "--role-name", stale.role_name, "--region", "us-west-2", "--cluster", "c1"]
    code, out, _ = run([*base, "-o", "json"], capsys)
    assert code == 3
    fed = json.loads(out)["federation"][0]
    assert fed["checked"] == ["account", "region", "exists", "audience", "issuer"]
    assert "but cluster c1's issuer is " + issuer.removeprefix("https://") in fed["problems"][0]

    # a role linked to c1's issuer, with c1's provider, passes
    linked = rendered(oidc_issuer=issuer, role_name="linked-role")
    _create(linked, aws_env.endpoint_url)
    _provider(aws_env.endpoint_url, issuer=issuer)
    argv = ["verify", "--live", "--role-name", "linked-role", "--region", "us-west-2", "--cluster", "c1"]
    code, out, _ = run(argv, capsys)
    assert code == 0, out
    assert "READY" in out and "federation" in out


def test_an_empty_role_file_name_is_refused_not_ignored(capsys: pytest.CaptureFixture[str]) -> None:
    """``--role ""`` names no file: one line and exit 2, never a verify of the rendered role instead."""
    code, _, err = run(["verify", "--role", "", "--account-id", ACCOUNT], capsys)
    assert code == 2 and "--role: empty" in err
