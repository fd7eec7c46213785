"""Every document rule: a policy that triggers it and one that does not (role-level rules: test_lint_role.py)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from byoc_iam.lint import Severity, all_rules, lint_document

ACCOUNT = "123456789012"
FED = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"
PROVIDER = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    out: dict[str, Any] = {"Version": version} if version else {}
    out["Statement"] = list(statements)
    return out


def allow(action: Any = "s3:GetObject", resource: Any = "arn:aws:s3:::bucket/*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def service_trust(service: str = "eks.amazonaws.com", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Principal": {"Service": service}, "Action": "sts:AssumeRole", **extra}


def web_identity(conditions: dict[str, Any] | None = None, federated: str = FED) -> dict[str, Any]:
    cond = (
        conditions
        if conditions is not None
        else {
            "StringEquals": {
                f"{PROVIDER}:aud": "sts.amazonaws.com",
                f"{PROVIDER}:sub": "system:serviceaccount:kube-system:cluster-autoscaler",
            }
        }
    )
    st: dict[str, Any] = {
        "Effect": "Allow",
        "Principal": {"Federated": federated},
        "Action": "sts:AssumeRoleWithWebIdentity",
    }
    if cond:
        st["Condition"] = cond
    return st


GOOD_IDENTITY = doc(allow())
TAG_TEAM = {"StringEquals": {"aws:ResourceTag/team": "blue"}}
GOOD_TRUST = doc(service_trust(), web_identity())

# code: (policy type, triggering document or text, clean document or text)
CASES: dict[str, tuple[str, Any, Any]] = {
    "E1001": ("identity", '{"Version": "2012-10-17", "Statement": [}', GOOD_IDENTITY),
    "E1002": ("identity", doc(allow(), version="2012-10-18"), GOOD_IDENTITY),
    "W1003": ("identity", doc(allow(), version=None), GOOD_IDENTITY),
    "E1004": ("identity", {"Version": "2012-10-17", "Statement": ["s3:GetObject"]}, GOOD_IDENTITY),
    "E1005": ("identity", doc({"Effect": "allow", "Action": "s3:GetObject", "Resource": "*"}), GOOD_IDENTITY),
    "E1006": ("identity", doc({"Effect": "Allow", "Resource": "*"}), GOOD_IDENTITY),
    "E1007": ("trust", doc({**service_trust(), "Resource": "*"}), GOOD_TRUST),
    "E1008": ("identity", doc(allow(Principal={"AWS": ACCOUNT})), GOOD_IDENTITY),
    "E1009": ("identity", doc(allow(Sid="Read"), allow("s3:PutObject", Sid="Read")), doc(allow(Sid="Read"))),
    "E1010": ("identity", doc(allow(action=[])), GOOD_IDENTITY),
    "E1011": ("identity", doc({**allow(), "Conditions": {}}), GOOD_IDENTITY),
    "E1012": ("identity", doc(allow(action=["s3:GetObject", 3])), GOOD_IDENTITY),
    "E1013": (
        "identity",
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject",'
        ' "Resource": "*", "Action": "s3:PutObject"}]}',
        json.dumps(GOOD_IDENTITY),
    ),
    "E1014": ("identity", doc(allow(Sid="read bucket")), doc(allow(Sid="ReadBucket"))),
    "E2001": ("identity", doc(allow("s4:GetObject")), GOOD_IDENTITY),
    "E2002": ("identity", doc(allow("s3:GetObjects")), GOOD_IDENTITY),
    "E2003": ("identity", doc(allow("s3:Fetch*")), doc(allow("s3:Get*"))),
    "E2004": (
        "identity",
        doc(allow(Condition={"StringEquals": {"aws:SourceAcount": ACCOUNT}})),
        doc(allow(Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})),
    ),
    "E2005": (
        "identity",
        doc(allow(Condition={"NumericLessThan": {"aws:SourceAccount": "5"}})),
        doc(allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
    ),
    "E2006": (
        "identity",
        doc(allow("s3:GetObject", f"arn:aws:iam::{ACCOUNT}:role/x")),
        doc(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/x")),
    ),
    "E2007": ("identity", doc(allow(resource="bucket/*")), GOOD_IDENTITY),
    "E2008": (
        "identity",
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/33"}})),
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "10.0.0.0/16"}})),
    ),
    "E2009": ("trust", doc({**service_trust(), "Action": ["sts:AssumeRole", "s3:GetObject"]}), GOOD_TRUST),
    "S3001": ("trust", doc({"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}), GOOD_TRUST),
    "S3002": (
        "trust",
        doc(web_identity({"StringEquals": {f"{PROVIDER}:sub": "system:serviceaccount:kube-system:x"}})),
        GOOD_TRUST,
    ),
    "S3003": (
        "trust",
        doc(
            web_identity(
                {
                    "StringEquals": {f"{PROVIDER}:aud": "sts.amazonaws.com"},
                    "StringLike": {f"{PROVIDER}:sub": "system:serviceaccount:kube-system:*"},
                }
            )
        ),
        GOOD_TRUST,
    ),
    "S3004": (
        "identity",
        doc(allow("iam:PassRole", "*")),
        doc(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/x")),
    ),
    "E1015": (
        "trust",
        doc({"Effect": "Allow", "NotPrincipal": {"AWS": ACCOUNT}, "Action": "sts:AssumeRole"}),
        GOOD_TRUST,
    ),
    "E1016": (
        "identity",
        doc(allow(resource="arn:aws:s3:::bucket/${aws:username")),
        doc(allow(resource="arn:aws:s3:::bucket/${aws:username}/*")),
    ),
    "E1017": (
        "identity",
        doc(allow(Condition={"StringEquals": {"aws:username": "a", "AWS:Username": "b"}})),
        doc(allow(Condition={"StringEquals": {"aws:username": ["a", "b"]}})),
    ),
    "E1018": (
        "identity",
        doc(allow(Condition={"StringEquals": {"aws:username": ["a", 1]}})),
        doc(allow(Condition={"StringEquals": {"aws:username": ["a", "1"]}})),
    ),
    "E2010": ("identity", doc(allow("*:Untag*", "*")), doc(allow("ec2:Untag*", "*"))),
    "E2011": ("trust", doc(service_trust("eks.amazonaws.com.cn")), doc(service_trust("ec2.amazonaws.com.cn"))),
    "E2012": (
        "trust",
        doc(web_identity(federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/https://{PROVIDER}/")),
        GOOD_TRUST,
    ),
    "E2013": (
        "trust",
        doc({**web_identity(), "Action": "sts:AssumeRoleWithSAML"}),
        GOOD_TRUST,
    ),
    "E2014": (
        "identity",
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "192.168.1.0/24"]}})),
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
    ),
    "E2015": (
        "identity",
        doc(allow(Condition={"StringEquals": {"aws:SourceVpc": "vpc-xyz"}})),
        doc(allow(Condition={"StringEquals": {"aws:SourceVpc": "vpc-0123456789abcdef0"}})),
    ),
    "E2016": (
        "trust",
        doc(service_trust("rolesanywhere.amazonaws.com")),
        doc(
            service_trust(
                "rolesanywhere.amazonaws.com", Action=["sts:AssumeRole", "sts:SetSourceIdentity", "sts:TagSession"]
            )
        ),
    ),
    "E2019": (
        "identity",
        doc(allow("iam:PassRole", f"arn:aws:iam:us-east-1:{ACCOUNT}:role/r")),
        doc(allow("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/r")),
    ),
    "E2020": (
        "identity",
        doc(allow("health:DescribeEventDetails", f"arn:aws:health:*:{ACCOUNT}:event/*")),
        doc(allow("health:DescribeEventDetails", "arn:aws:health:*::event/*")),
    ),
    "E2021": (
        "identity",
        doc(allow("logs:PutLogEvents", f"arn:aws:logs::{ACCOUNT}:log-group:g:*")),
        doc(allow("logs:PutLogEvents", f"arn:aws:logs:*:{ACCOUNT}:log-group:g:*")),
    ),
    "S3012": (
        "identity",
        doc({"Effect": "Deny", "Action": "cloudsearch:Search", "Resource": "*", "Condition": TAG_TEAM}),
        doc({"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "*", "Condition": TAG_TEAM}),
    ),
    "I5011": (
        "identity",
        doc(allow("cloudshell:CreateSession", "*", Condition=TAG_TEAM)),
        doc(allow("ec2:StartInstances", "*", Condition=TAG_TEAM)),
    ),
    "W2017": (
        "resource",
        doc({"Effect": "Allow", "Principal": {"AWS": "AROAEXAMPLEID1234567"}, "Action": "s3:Get*", "Resource": "*"}),
        doc({"Effect": "Allow", "Principal": {"AWS": ACCOUNT}, "Action": "s3:GetObject", "Resource": "*"}),
    ),
    "S3008": (
        "identity",
        doc(allow(Condition={"ForAllValues:StringEquals": {"aws:SourceAccount": ACCOUNT}})),
        doc(allow(Condition={"ForAllValues:StringEquals": {"aws:TagKeys": "team"}})),
    ),
    "S3009": (
        "identity",
        doc(allow(Condition={"StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}})),
        doc(allow(Condition={"ForAnyValue:StringEquals": {"aws:CalledVia": "cloudformation.amazonaws.com"}})),
    ),
    "W3010": (
        "trust",
        doc(web_identity({"StringEquals": {f"{PROVIDER}:aud": "sts.amazonaws.com", f"{PROVIDER}:sub": "system:*"}})),
        GOOD_TRUST,
    ),
    "W3011": (
        "identity",
        doc(allow("iam:CreateServiceLinkedRole", "*")),
        doc(
            allow(
                "iam:CreateServiceLinkedRole",
                "*",
                Condition={"StringEquals": {"iam:AWSServiceName": "elasticloadbalancing.amazonaws.com"}},
            )
        ),
    ),
    "I5004": (
        "identity",
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "203.0.113.0/24"]}})),
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": ["198.51.100.0/24", "203.0.113.0/24"]}})),
    ),
    "I5005": (
        "identity",
        doc(allow(Condition={"ForAnyValue:Null": {"aws:TagKeys": "true"}})),
        doc(allow(Condition={"Null": {"aws:TagKeys": "true"}})),
    ),
    "I5006": (
        "identity",
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.7/24"}})),
        doc(allow(Condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
    ),
    "I5008": (
        "trust",
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": [f"arn:aws:iam::{ACCOUNT}:role/r", f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s"]},
                "Action": "sts:AssumeRole",
            }
        ),
        doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s"},
                "Action": "sts:AssumeRole",
            }
        ),
    ),
    "I5009": ("identity", doc(allow(Condition={})), GOOD_IDENTITY),
    "I5010": (
        "identity",
        doc(allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": ["3600", "7200"]}})),
        doc(allow(Condition={"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
    ),
    "I5007": ("identity", doc(allow(Sid="")), doc(allow(Sid="Read"))),
    "S3005": (
        "resource",
        doc({"Effect": "Allow", "NotPrincipal": {"AWS": ACCOUNT}, "Action": "s3:GetObject", "Resource": "*"}),
        doc({"Effect": "Deny", "NotPrincipal": {"AWS": ACCOUNT}, "Action": "s3:GetObject", "Resource": "*"}),
    ),
    "S3006": (
        "identity",
        doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}),
        doc({"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}),
    ),
    "W3007": (
        "trust",
        doc(service_trust("states.amazonaws.com")),
        doc(service_trust("states.amazonaws.com", Condition={"StringEquals": {"aws:SourceAccount": ACCOUNT}})),
    ),
    "E4001": ("identity", doc(allow(resource="arn:aws:s3:::{bucketName}/*")), GOOD_IDENTITY),
    "I4002": (
        "trust",
        doc(
            web_identity(
                {
                    "StringEquals": {
                        "eks_oidc_url:aud": "sts.amazonaws.com",
                        "eks_oidc_url:sub": "system:serviceaccount:a:b",
                    }
                },
                federated=f"arn:aws:iam::{ACCOUNT}:oidc-provider/eks_oidc_url",
            )
        ),
        GOOD_TRUST,
    ),
    "E4006": ("trust", doc(*[service_trust(f"svc{i}.amazonaws.com") for i in range(40)]), GOOD_TRUST),
    "I5001": ("identity", doc(allow("s3:*"), allow("s3:GetObject")), doc(allow("s3:GetObject"), allow("s3:PutObject"))),
    "I5002": ("identity", doc(allow(["s3:GetObject", "s3:getobject"])), GOOD_IDENTITY),
    "I5003": ("identity", doc(allow(["s3:Get*", "s3:GetObject"])), doc(allow(["s3:Get*", "s3:PutObject"]))),
}
ROLE_ONLY = {"E4003", "E4004", "W4005"}
AWS_MANAGED_ONLY = {"W2018"}  # runs on origin="aws-managed" documents: tests/lint/test_lint_aws_managed.py


def codes(findings: list[Any]) -> set[str]:
    return {f.code for f in findings}


def test_every_rule_has_a_case() -> None:
    documented = set(CASES) | ROLE_ONLY | AWS_MANAGED_ONLY
    assert documented == {r.code for r in all_rules()}


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_triggers(code: str) -> None:
    ptype, bad, _ = CASES[code]
    findings = lint_document(bad, ptype)
    hits = [f for f in findings if f.code == code]
    assert hits, f"{code} did not fire; got {[(f.code, f.message) for f in findings]}"
    rule_severity = next(r.severity for r in all_rules() if r.code == code)
    assert all(f.severity is rule_severity for f in hits)


@pytest.mark.parametrize("code", sorted(CASES))
def test_rule_quiet_on_good_policy(code: str) -> None:
    ptype, _, good = CASES[code]
    assert code not in codes(lint_document(good, ptype))


def test_rule_codes_follow_the_scheme() -> None:
    letters = {Severity.ERROR: "E", Severity.SECURITY_WARNING: "S", Severity.WARNING: "W", Severity.SUGGESTION: "I"}
    for r in all_rules():
        assert r.code[0] == letters[r.severity], r.code
        assert len(r.description.splitlines()) == 1 and r.description.endswith(".")


def test_good_documents_are_clean() -> None:
    assert lint_document(GOOD_IDENTITY, "identity") == []
    assert lint_document(GOOD_TRUST, "trust") == []


def test_invalid_json_has_line_and_column() -> None:
    [f] = lint_document('{\n  "Version": "2012-10-17",\n  "Statement": [,]\n}', "identity", file="p.json")
    assert (f.code, f.line, f.column, f.file) == ("E1001", 3, 17, "p.json")


def test_unknown_action_suggests_the_close_name() -> None:
    [f] = lint_document(doc(allow("ec2:DescribeInstancez", "*")), "identity")
    assert "ec2:DescribeInstances" in f.message


def test_resource_type_mismatch_names_the_types() -> None:
    f = next(f for f in lint_document(CASES["E2006"][1], "identity") if f.code == "E2006")
    assert "s3:object" in f.message and f.path == "/Statement/0/Resource"


def test_resource_only_star_actions() -> None:
    findings = lint_document(
        doc(allow("ec2:DescribeInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1")), "identity"
    )
    assert any(f.code == "E2006" and 'only Resource "*"' in f.message for f in findings)


def test_policy_variables_are_not_placeholders() -> None:
    d = doc(allow("s3:GetObject", "arn:aws:s3:::bucket/${aws:username}/*"))
    assert "E4001" not in codes(lint_document(d, "identity"))
    for token in ("${YOUR_ACCOUNT}", "{accountId}", "<ACCOUNT_ID>", "${var.name}"):
        d = doc(allow("s3:GetObject", f"arn:aws:s3:::bucket-{token}/*"))
        assert "E4001" in codes(lint_document(d, "identity")), token


def test_eks_oidc_url_is_an_error_unless_placeholder_trust() -> None:
    _, placeholder_doc, _ = CASES["I4002"]
    assert "E4001" not in codes(lint_document(placeholder_doc, "trust"))
    strict = lint_document(placeholder_doc, "trust", trust_mode="resolved")
    assert "E4001" in codes(strict) and "I4002" not in codes(strict)
    # the Zilliz console's form: {accountId} unresolved, so the shape is not the rendered placeholder trust
    console = json.loads(json.dumps(placeholder_doc).replace(ACCOUNT, "{accountId}"))
    found = lint_document(console, "trust")
    assert sum(f.code == "E4001" for f in found) == 3 and "I4002" not in codes(found)
    # in an identity policy the token is never intended
    assert "E4001" in codes(lint_document(doc(allow(resource="arn:aws:s3:::eks_oidc_url")), "identity"))


def test_confused_deputy_quiet_for_byoc_services() -> None:
    d = doc(*(service_trust(s) for s in ("eks.amazonaws.com", "ec2.amazonaws.com", "eks-nodegroup.amazonaws.com")))
    assert "W3007" not in codes(lint_document(d, "trust"))
    assert "W3007" in codes(lint_document(doc(service_trust("logs.us-east-1.amazonaws.com")), "trust"))


def test_oidc_if_exists_sub_is_flagged() -> None:
    d = doc(web_identity({"StringEqualsIfExists": {f"{PROVIDER}:sub": "x", f"{PROVIDER}:aud": "sts.amazonaws.com"}}))
    assert "S3003" in codes(lint_document(d, "trust"))


def test_trust_size_limit_is_configurable() -> None:
    big = CASES["E4006"][1]
    assert "E4006" not in codes(lint_document(big, "trust", trust_size_limit=8192))


def test_ignore_skips_rules() -> None:
    assert "E2002" not in codes(lint_document(CASES["E2002"][1], "identity", ignore=["e2002"]))


def test_auto_type() -> None:
    from byoc_iam.lint import infer_policy_type

    assert infer_policy_type(GOOD_TRUST) == "trust"
    assert infer_policy_type(GOOD_IDENTITY) == "identity"
    assert infer_policy_type(CASES["S3005"][1]) == "resource"
    assert lint_document(GOOD_TRUST) == []


def test_not_a_policy_only_reports_structure() -> None:
    assert codes(lint_document({"description": "x"}, "identity")) == {"E1004"}
    assert codes(lint_document("[1, 2]", "auto")) == {"E1004"}


def test_findings_have_statement_index_and_sid() -> None:
    d = doc(allow(Sid="First"), allow("s3:GetObjectz", Sid="Second"))
    [f] = lint_document(json.dumps(d, indent=2), "identity", file="x.json")
    assert (f.statement_index, f.sid, f.path) == (1, "Second", "/Statement/1/Action")
    assert f.line is not None and f.to_dict()["severity"] == "ERROR"
    assert list(f.to_dict()) == [
        "code",
        "severity",
        "message",
        "file",
        "path",
        "line",
        "column",
        "statement_index",
        "sid",
        "document",
    ]


def test_single_statement_object() -> None:
    d = {"Version": "2012-10-17", "Statement": {"Effect": "Allow", "Action": "s3:GetObjectz", "Resource": "*"}}
    [f] = lint_document(d, "identity")
    assert (f.statement_index, f.path) == (0, "/Statement/Action")


def test_bad_arguments_raise() -> None:
    with pytest.raises(ValueError):
        lint_document(GOOD_IDENTITY, "bogus")
    with pytest.raises(ValueError):
        lint_document(GOOD_IDENTITY, "identity", trust_mode="maybe")  # type: ignore[arg-type]


def test_one_rule_per_module_named_after_its_code() -> None:
    from importlib import import_module

    from byoc_iam.lint.rules import rule_modules

    assert len(rule_modules()) == len(all_rules()) > 39
    for module in rule_modules():
        rule = import_module(f"byoc_iam.lint.rules.{module}").RULE
        assert module.startswith(rule.code.lower() + "_"), module
        assert rule.check is not None or rule.check_role is not None or rule.code == "E1001"


def test_arn_operators_take_wildcards() -> None:
    d = doc(allow(Condition={"ArnEquals": {"aws:SourceArn": "arn:aws:lambda:*:*:function:f_*"}}))
    assert "W3010" not in codes(lint_document(d, "identity"))


def test_passrole_variants_name_access_analyzer_wording() -> None:
    d = doc({"Effect": "Allow", "NotAction": "s3:*", "NotResource": "arn:aws:s3:::b"})
    [f] = [f for f in lint_document(d, "identity") if f.code == "S3004"]
    assert "NotAction and NotResource" in f.message
