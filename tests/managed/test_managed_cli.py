"""`byoc-iam catalog ...`: list, show, history offline; diff, show/refresh --from-aws against the sandbox."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import boto3
import pytest

from byoc_iam.aws.sandbox import MotoServer

Cli = Callable[[list[str]], tuple[int, str, str]]  # the `cli` fixture (tests/managed/conftest.py)

CNI_ARN = "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"


def test_list_text_and_json(cli: Cli) -> None:
    code, out, err = cli(["catalog", "list"])
    assert code == 0 and not err
    lines = out.splitlines()
    assert lines[0].split()[:2] == ["NAME", "VERSION"]
    assert len(lines) == 15
    svc = next(line for line in lines if line.startswith("AmazonEKSServicePolicy "))
    assert svc.split()[-1] == "deprecated"
    code, out, _ = cli(["catalog", "list", "--output", "json"])
    data = json.loads(out)
    by = {p["name"]: p for p in data["policies"]}
    assert by["AmazonEKSServiceRolePolicy"]["attachable_to"] == "service-linked-role"
    assert by["AmazonEKSServiceRolePolicy"]["arn"]["aws-cn"] == (
        "arn:aws-cn:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy"
    )
    assert "document" not in by["AmazonEKS_CNI_Policy"]


def test_show_prints_each_policy_s_current_document(cli: Cli) -> None:
    snap = json.loads(resources.files("byoc_iam").joinpath("data/managed/snapshot.json").read_text("utf-8"))
    for p in snap["policies"]:
        code, out, _ = cli(["catalog", "show", p["name"], "-o", "json"])
        assert code == 0
        shown = json.loads(out)
        assert shown["document"] == p["document"]
        assert shown["version"] == p["default_version"] and shown["source"] == "snapshot"
    code, out, _ = cli(["catalog", "show", "arn:aws-cn:iam::aws:policy/AmazonEKSWorkerNodePolicy"])
    assert code == 0
    head, _, body = out.partition("\n{")
    assert head.startswith("AmazonEKSWorkerNodePolicy  v")
    assert "eks-auth:AssumeRoleForPodIdentity" in json.loads("{" + body)["Statement"][0]["Action"]


def test_history_cli_shows_the_cni_2024_03_04_entry(cli: Cli) -> None:
    code, out, _ = cli(["catalog", "history", "AmazonEKS_CNI_Policy"])
    assert code == 0
    assert out.startswith("2024-03-04  AmazonEKS_CNI_Policy  [updated]")
    assert "actions added: ec2:DescribeSubnets" in out
    code, out, _ = cli(["catalog", "history", "-o", "json"])
    entries = json.loads(out)
    assert len(entries) == 15 and entries[-1]["kind"] == "tracking-started"


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["catalog", "show", "AmazonEKS_CNI"], "did you mean AmazonEKS_CNI_Policy?"),
        (["catalog", "history", "AmazonEKSClusterPolicyy"], "did you mean AmazonEKSClusterPolicy?"),
        (["catalog", "show", "AmazonEKS_CNI_Policy", "--version", "v1"], "holds AmazonEKS_CNI_Policy v"),
        (["catalog", "show", "AmazonEKS_CNI_Policy", "--version", "latest"], "--version must look like"),
        (["catalog", "show", "AmazonEKS_CNI_Policy", "--region", "cn-north-1"], "add --from-aws"),
        (["catalog", "diff"], "give a policy NAME or --all"),
        (["catalog", "diff", "AmazonEKS_CNI_Policy", "--all"], "give a policy NAME or --all"),
    ],
)
def test_bad_input_is_one_line_exit_2(argv: list[str], message: str, cli: Cli) -> None:
    code, out, err = cli(argv)
    assert code == 2 and out == ""
    assert err.startswith("byoc-iam: ") and err.count("\n") == 1 and message in err


def _iam(server: MotoServer) -> Any:
    return boto3.client(
        "iam",
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )


def test_diff_against_the_sandbox_no_change_then_the_exact_action_difference(aws_env: MotoServer, cli: Cli) -> None:
    code, out, err = cli(["catalog", "diff", "AmazonEKS_CNI_Policy"])
    assert (code, err) == (0, "")
    assert out.startswith("AmazonEKS_CNI_Policy: no change")
    code, out, _ = cli(["catalog", "diff", "--all", "-o", "json"])
    assert code == 0 and [d["changed"] for d in json.loads(out)] == [False] * 14

    # AWS publishes a new default version: one action dropped, one added, a statement scoped down
    iam = _iam(aws_env)
    current = iam.get_policy(PolicyArn=CNI_ARN)["Policy"]["DefaultVersionId"]
    doc = iam.get_policy_version(PolicyArn=CNI_ARN, VersionId=current)["PolicyVersion"]["Document"]
    doc["Statement"][0]["Action"].remove("ec2:DescribeTags")
    doc["Statement"][0]["Action"].append("ec2:DescribeVpcs")
    doc["Statement"][1]["Resource"] = ["arn:aws:ec2:*:*:network-interface/eni-*"]
    new = iam.create_policy_version(PolicyArn=CNI_ARN, PolicyDocument=json.dumps(doc), SetAsDefault=True)
    new_version = new["PolicyVersion"]["VersionId"]

    code, out, _ = cli(["catalog", "diff", "AmazonEKS_CNI_Policy", "--output", "json"])
    assert code == 0
    d = json.loads(out)
    assert d["changed"] is True
    assert (d["old_version"], d["new_version"]) == (current, new_version)
    assert d["actions"] == {"added": ["ec2:DescribeVpcs"], "removed": ["ec2:DescribeTags"]}
    changes = {c["sid"]: c["elements"] for c in d["statements"]["changed"]}
    assert changes["AmazonEKSCNIPolicyENITag"] == [
        {
            "element": "Resource",
            "added": ["arn:aws:ec2:*:*:network-interface/eni-*"],
            "removed": ["arn:aws:ec2:*:*:network-interface/*"],
        }
    ]
    code, out, _ = cli(["catalog", "diff", "AmazonEKS_CNI_Policy"])
    assert f"AmazonEKS_CNI_Policy: changed ({current} -> {new_version})" in out
    assert "  + ec2:DescribeVpcs\n" in out and "  - ec2:DescribeTags\n" in out

    # show --from-aws: the new default, and the old version by id
    code, out, _ = cli(["catalog", "show", "AmazonEKS_CNI_Policy", "--from-aws", "-o", "json"])
    assert json.loads(out)["version"] == new_version and json.loads(out)["document"] == doc
    code, out, _ = cli(["catalog", "show", CNI_ARN, "--from-aws", "--version", current, "-o", "json"])
    assert json.loads(out)["version"] == current


def test_refresh_from_the_sandbox_account_matches_moto_s_data(aws_env: MotoServer, tmp_path: Path, cli: Cli) -> None:
    code, out, _ = cli(["catalog", "refresh", "--from-aws", "--dest", str(tmp_path), "-o", "json"])
    assert code == 0 and json.loads(out)["source"] == "aws"
    live = json.loads((tmp_path / "snapshot.json").read_text())
    committed = json.loads(resources.files("byoc_iam").joinpath("data/managed/snapshot.json").read_text("utf-8"))
    assert live["source"] == "aws"
    assert live["policies"] == committed["policies"]  # GetPolicy + GetPolicyVersion give the same facts
    names = json.loads((tmp_path / "aws_managed_policy_names.json").read_text())
    shipped = json.loads(resources.files("byoc_iam").joinpath("data/managed/aws_managed_policy_names.json").read_text())
    assert names["source"] == "aws" and names["paths"] == shipped["paths"]  # ListPolicies --scope AWS, every page


def test_aws_errors_are_one_line_exit_4(aws_env: MotoServer, cli: Cli) -> None:
    code, out, err = cli(["catalog", "show", "AmazonEKS_CNI_Policy", "--from-aws", "--version", "v99"])
    assert code == 4 and out == ""
    assert err.startswith("byoc-iam: iam:GetPolicyVersion on arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy")
    assert "NoSuchEntity" in err and err.count("\n") == 1


def test_the_region_picks_the_partition_read(aws_env: MotoServer, cli: Cli) -> None:
    # moto's China backend answers only for arn:aws-cn:... ARNs, so success means the aws-cn ARN was asked for
    china = boto3.client(
        "iam",
        endpoint_url=aws_env.endpoint_url,
        region_name="cn-north-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
    with pytest.raises(china.exceptions.NoSuchEntityException):
        china.get_policy(PolicyArn="arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy")
    code, out, err = cli(["catalog", "diff", "AmazonEKSWorkerNodePolicy", "--region", "cn-north-1"])
    assert (code, err) == (0, "")
    assert out.startswith("AmazonEKSWorkerNodePolicy: no change")
