"""Documents IAM refuses at write time (MalformedPolicyDocument) are ERROR findings whose message says what to
write instead (issue 10: the engine and verify refuse whatever lint rates ERROR)."""

from __future__ import annotations

from typing import Any

import pytest

from byoc_iam.lint import Severity, lint_document

ACCOUNT = "111122223333"
ISSUER = "oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def identity(**st: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", **st}]}


def trust(**st: Any) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", **st}]}


# (policy type, document, rule code, text the message must contain)
REFUSED = {
    "resource-not-an-arn": ("identity", identity(Resource=f"*{ACCOUNT[1:]}:role/x"), "E2007", 'must be "*" or an ARN'),
    "resource-arn-typo": ("identity", identity(Resource="arn?aws:s3:::bucket/*"), "E2007", "write arn:"),
    "no-resource": ("identity", identity(), "E1007", "neither Resource nor NotResource"),
    # break test: IAM refuses a wildcard in part of a principal ARN (Invalid principal in policy); lint was clean
    "principal-name-wildcard": (
        "trust",
        trust(Principal={"AWS": f"arn:aws:iam::{ACCOUNT}:role/*"}),
        "E2007",
        "has a wildcard",
    ),
    "principal-account-wildcard": ("trust", trust(Principal={"AWS": "arn:aws:iam::*:role/app"}), "E2007", "wildcard"),
    "trust-not-principal": ("trust", trust(NotPrincipal={"AWS": ACCOUNT}), "E1015", "Principal"),
    "service-wildcard": ("identity", identity(Action="*:Untag*", Resource="*"), "E2010", "s3:Untag*"),
    "arn-service-case": ("identity", identity(Resource="arn:aws:S3:::bucket/*"), "E2007", "write 's3'"),
    "arn-service-malformed": ("identity", identity(Resource="arn:aws:s3_x:::bucket/*"), "E2007", "not a service"),
    "cn-eks-principal": (
        "trust",
        trust(Principal={"Service": "eks.amazonaws.com.cn"}),
        "E2011",
        "write eks.amazonaws.com",
    ),
    "oidc-https": (
        "trust",
        trust(Principal={"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/https://{ISSUER}"}),
        "E2012",
        f"write arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
    ),
    "oidc-trailing-slash": (
        "trust",
        trust(Principal={"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}/"}),
        "E2012",
        f"write arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER}",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_documents_are_errors(case: str) -> None:
    ptype, document, code, hint = REFUSED[case]
    hits = [f for f in lint_document(document, ptype) if f.code == code]
    assert hits and all(f.severity is Severity.ERROR for f in hits), lint_document(document, ptype)
    assert any(hint in f.message for f in hits), [f.message for f in hits]


def test_cn_ec2_principal_is_valid_in_china_only() -> None:
    cn = trust(Principal={"Service": "ec2.amazonaws.com.cn"})
    assert lint_document(cn, "trust") == []
    in_aws = trust(Principal={"Service": "ec2.amazonaws.com.cn", "AWS": f"arn:aws:iam::{ACCOUNT}:root"})
    assert any(f.code == "E2011" and "aws-cn" in f.message for f in lint_document(in_aws, "trust"))
    in_cn = trust(Principal={"Service": "ec2.amazonaws.com.cn", "AWS": f"arn:aws-cn:iam::{ACCOUNT}:root"})
    assert not [f for f in lint_document(in_cn, "trust") if f.code == "E2011"]


def test_malformed_provider_is_not_reported_as_missing_aud() -> None:
    bad = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/https://{ISSUER}/"},
                "Action": "sts:AssumeRoleWithWebIdentity",
            }
        ],
    }
    assert {f.code for f in lint_document(bad, "trust")} == {"E2012"}


def test_wellformed_forms_are_not_refused() -> None:
    ok = [
        identity(Resource="arn:aws:s3:::bucket/${aws:username}/*"),
        identity(Resource="arn:aws:organizations::*:"),
        identity(Resource="arn:*:kms:*:${aws:PrincipalAccount}:key/*"),
        identity(Resource="arn:aws:iam::*:role/x"),
    ]
    for document in ok:
        assert not [f for f in lint_document(document, "identity") if f.severity is Severity.ERROR], document
