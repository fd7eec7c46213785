"""Policies where users keep them: Terraform (.tf, .tf.json, plan JSON) and CloudFormation; suppression and
--fail-on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byoc_iam.lint import lint_document
from byoc_iam.lint.embedded import extract, lint_source
from byoc_iam.lint.runner import failing
from cli_helpers import run_cli

TF = """
resource "aws_iam_role" "r" {
  name = "x"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::123456789012:oidc-provider/https://oidc.example.com/" }
      Action    = "sts:AssumeRoleWithWebIdentity"
    }]
  })
}

resource "aws_iam_policy" "p" {
  # byoc-iam: lint-ignore=S3004
  policy = <<EOT
{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["iam:PassRole", "*:Untag*"],
 "Resource": "arn:aws:s3:::$${aws:username}-${var.bucket}/*"}]}
EOT
}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = ["arn:aws:S3:::bucket/*"]
  }
}
"""

CFN = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: 2012-10-17
        Statement:
          - Effect: Allow
            NotPrincipal: {AWS: !Sub "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}
            Action: sts:AssumeRole
  Bucket:
    Type: AWS::S3::BucketPolicy
    Metadata: {byoc-iam: {lint-ignore: [E2007]}}
    Properties:
      Bucket: !Ref B
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {Service: eks.amazonaws.com.cn}
            Action: s3:GetObject
            Resource: "bucket/*"
"""


def _by_code(findings: list) -> dict[str, list]:  # type: ignore[type-arg]
    out: dict[str, list] = {}  # type: ignore[type-arg]
    for f in findings:
        out.setdefault(f.code, []).append(f)
    return out


def test_terraform_documents_found_and_positioned() -> None:
    names = [p.name for p in extract("main.tf", TF)]
    assert names == ["aws_iam_role.r.assume_role_policy", "aws_iam_policy.p.policy", "data.aws_iam_policy_document.d"]
    findings, count = lint_source("main.tf", TF)
    got = _by_code(findings)
    assert count == 3
    [fed] = got["E2012"]
    assert fed.document == "aws_iam_role.r.assume_role_policy" and fed.line == 4
    assert "write arn:aws:iam::123456789012:oidc-provider/oidc.example.com" in fed.message
    assert "S3002" not in got  # the malformed provider is the finding, not a missing aud
    assert got["E2010"][0].line == 16 and "S3004" not in got  # suppressed by the comment
    assert got["E2007"][0].document == "data.aws_iam_policy_document.d"
    assert "E4001" not in got and "E1016" not in got  # ${var.bucket} is Terraform's; $${aws:username} a variable


def test_terraform_json_and_plan() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjectz", "Resource": "*"}]}
    tf_json = {"resource": {"aws_iam_policy": {"p": {"policy": json.dumps(doc)}}}}
    findings, n = lint_source("main.tf.json", json.dumps(tf_json, indent=2))
    assert n == 1 and [f.code for f in findings] == ["E2002"] and findings[0].line == 5
    plan = {
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": {
            "root_module": {
                "child_modules": [
                    {
                        "resources": [
                            {
                                "address": "module.m.aws_iam_role_policy.x",
                                "mode": "managed",
                                "type": "aws_iam_role_policy",
                                "values": {"policy": json.dumps(doc)},
                            }
                        ]
                    }
                ]
            }
        },
    }
    findings, n = lint_source("plan.json", json.dumps(plan))
    assert n == 1 and findings[0].document == "module.m.aws_iam_role_policy.x.policy"


def test_cloudformation() -> None:
    findings, n = lint_source("template.yaml", CFN)
    got = _by_code(findings)
    assert n == 2
    assert got["E1015"][0].line == 7 and got["E1015"][0].document == "Resources.Role.AssumeRolePolicyDocument"
    assert "E2011" in got and "E1016" not in got  # ${AWS::Partition} is CloudFormation's, not a policy variable
    assert not [f for f in got.get("E2007", []) if f.document == "Resources.Bucket.PolicyDocument"]  # Metadata


def test_bad_terraform_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "main.tf"
    bad.write_text('resource "aws_iam_policy" "p" {\n  policy = \n', encoding="utf-8")
    code, _, err = run_cli(["lint", str(bad)], capsys)
    assert code == 2 and err.startswith("byoc-iam: ") and err.count("\n") == 1, err


@pytest.mark.parametrize("fmt", ["terraform", "cloudformation"])
def test_own_exports_lint_clean(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(
        ["render", "--account-id", "123456789012", "--format", fmt, "--out", str(tmp_path / "o")], capsys
    )
    assert code == 0, err
    source = tmp_path / "o" / ("main.tf" if fmt == "terraform" else "template.yaml")
    findings, n = lint_source(source.name, source.read_text(encoding="utf-8"))
    assert n >= 4
    assert [f.code for f in findings] == ["I4002"]  # only the intended placeholder trust, as a suggestion


@pytest.mark.parametrize("fmt", ["terraform", "cloudformation"])
def test_own_role_set_exports_lint_clean(fmt: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    role_set = ["--role", "all", "--bucket", "milvus-data", "--external-id", "ext-123", "--region", "us-west-2"]
    argv = ["render", "--account-id", "123456789012", *role_set, "--format", fmt, "--out", str(tmp_path / "o")]
    code, _, err = run_cli(argv, capsys)
    assert code == 0, err
    source = tmp_path / "o" / ("main.tf" if fmt == "terraform" else "template.yaml")
    findings, n = lint_source(source.name, source.read_text(encoding="utf-8"))
    assert n >= 6  # three trust policies and their permissions policies
    assert not [f for f in findings if f.severity.name == "ERROR"]
    roles = {"terraform": ("aws_iam_role.byoc_eks", "aws_iam_role.byoc_storage")}
    eks, storage = roles.get(fmt, ("Resources.ByocEksRole", "Resources.StorageRole"))
    # only the intended placeholder trust of the EKS and storage roles, as suggestions
    assert [(f.code, (f.document or "").rsplit(".", 1)[0]) for f in findings] == [("I4002", eks), ("I4002", storage)]


@pytest.mark.parametrize("fmt", ["terraform", "cloudformation"])
@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
def test_own_split_layout_exports_lint_clean(
    fmt: str, identity: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    split = ["--layout", "split", "--identity", identity, "--cluster-name", "c1", "--cni-role"]
    argv = ["render", "--account-id", "123456789012", *split, "--format", fmt, "--out", str(tmp_path / "o")]
    code, _, err = run_cli(argv, capsys)
    assert code == 0, err
    source = tmp_path / "o" / ("main.tf" if fmt == "terraform" else "template.yaml")
    code, out, _ = run_cli(["lint", str(source)], capsys)  # as a user would: byoc-iam lint FILE
    assert code == 0, out
    lines = [line for line in out.splitlines() if line.startswith(str(source))]
    # IRSA: only the intended placeholder trust of each controller role (and the CNI role), as suggestions
    assert all(" SUGGESTION I4002 " in line for line in lines), lines
    assert (len(lines) >= 4) if identity == "irsa" else lines == []


def test_sid_prefix_suppresses() -> None:
    st = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    plain = {"Version": "2012-10-17", "Statement": [st]}
    quiet = {"Version": "2012-10-17", "Statement": [{**st, "Sid": "ByocLintIgnoreS3004PassAny"}]}
    assert "S3004" in {f.code for f in lint_document(plain, "identity")}
    assert lint_document(quiet, "identity") == []


def test_fail_on_threshold() -> None:
    st = {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}
    found = lint_document({"Version": "2012-10-17", "Statement": [st]}, "identity")
    assert not failing(found) and failing(found, fail_on="security") and failing(found, fail_on="warning")
    with pytest.raises(ValueError):
        failing(found, fail_on="bogus")


def test_cli_fail_on(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    p = tmp_path / "p.json"
    p.write_text(
        json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"}]}
        ),
        encoding="utf-8",
    )
    assert run_cli(["lint", str(p)], capsys)[0] == 0
    assert run_cli(["lint", "--fail-on", "security", str(p)], capsys)[0] == 1
    assert run_cli(["lint", "--fail-on", "security", "--ignore", "S3004", str(p)], capsys)[0] == 0
