"""verify --layout split --live against the sandbox (the live split roles, read over HTTP), and its SARIF and HTML
outputs: green for the applied roles, failing (exit 3, a SARIF error per denied call) once a policy is removed."""

from __future__ import annotations

import json
from pathlib import Path

from lifecycle_helpers import ACCOUNT, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SPLIT = ["--account-id", ACCOUNT, "--layout", "split", "--oidc-issuer", ISSUER]  # resolved trust, not placeholders


def test_live_verify_green_then_red_with_sarif_and_html(lc_env: MotoServer, tmp_path: Path) -> None:
    assert run_cli("apply", *SPLIT, "--yes").code == 0
    res = run_cli("verify", *SPLIT, "--live", "-o", "json")
    assert res.code == 0, res.out + res.err
    doc = json.loads(res.out)
    assert doc["source"] == "live" and doc["ok"] and doc["no_imds_finding"]
    node = next(r for r in doc["proof"]["roles"] if r["kind"] == "node")
    assert "elasticloadbalancing:DeleteLoadBalancer" in {a for g in node["no_longer"] for a in g["actions"]}

    raw_client(lc_env.endpoint_url).delete_role_policy(
        RoleName="zilliz-byoc-ebs-csi-role", PolicyName="AmazonEBSCSIDriver"
    )
    html = tmp_path / "report.html"
    red = run_cli("verify", *SPLIT, "--live", "-o", "sarif", "--html", str(html))
    assert red.code == 3, red.err
    sarif = json.loads(red.out)
    results = sarif["runs"][0]["results"]
    assert results and {r["ruleId"] for r in results} == {"layout/call-denied"}
    assert all("zilliz-byoc-ebs-csi-role" in r["message"]["text"] for r in results)
    assert any("ec2:CreateVolume" in r["message"]["text"] for r in results)
    page = html.read_text()
    assert 'class="banner fail"' in page and "ec2:CreateVolume" in page
    assert "<code>elasticloadbalancing:DeleteLoadBalancer</code>" in page  # what the node role no longer grants


def test_live_verify_of_a_missing_role_is_one_line(lc_env: MotoServer) -> None:
    res = run_cli("verify", *SPLIT, "--live")
    assert res.code == 4 and res.out == "", res.out
    assert res.err.startswith("byoc-iam: ") and "does not exist" in res.err and len(res.err.splitlines()) == 1


def test_aws_options_need_live(lc_env: MotoServer) -> None:
    res = run_cli("verify", *SPLIT, "--endpoint-url", lc_env.endpoint_url)
    assert res.code == 2 and "add --live" in res.err


def test_live_verify_takes_the_account_and_role_name_from_the_session(lc_env: MotoServer) -> None:
    """README: `verify --layout split --live --sandbox` needs no --account-id (the live account, STS), and
    `verify --live` no --role-name (the blueprint's default name), as apply and plan."""
    assert run_cli("apply", *SPLIT, "--yes").code == 0
    res = run_cli("verify", "--layout", "split", "--oidc-issuer", ISSUER, "--live", "-o", "json")
    assert res.code == 0, res.out + res.err
    assert json.loads(res.out)["ok"] is True
    assert run_cli("apply", "--account-id", ACCOUNT, "--oidc-issuer", ISSUER, "--yes").code == 0
    res = run_cli("verify", "--live", "-o", "json")
    assert res.code == 0, res.out + res.err
    assert json.loads(res.out)["role"]["name"] == "zilliz-byoc-eks-role"
