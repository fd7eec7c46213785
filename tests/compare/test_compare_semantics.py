"""``byoc_iam.compare``: each encoded IAM feature decides a comparison, and the counterexample is the request
that shows it (the prover re-checks every counterexample with the engine before it returns)."""

from __future__ import annotations

from typing import Any

import pytest

from byoc_iam.compare import compare_policies, trust_admits_more
from byoc_iam.compare.roles import compare_roles
from byoc_iam.model.policy import PolicyDocument
from byoc_iam.model.role import RoleSpec


def doc(*statements: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": list(statements)})


def allow(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def rel(old: PolicyDocument, new: PolicyDocument, ptype: str = "identity") -> str:
    return compare_policies(old, new, ptype).relation


def test_reformatting_is_equivalent() -> None:
    a = doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::b/*"))
    b = doc(allow("s3:PutObject", "arn:aws:s3:::b/*"), allow("s3:getobject", ["arn:aws:s3:::b/*"]))
    result = compare_policies(a, b)
    assert result.relation == "equivalent" and not result.new_access and result.approximate is None


def test_new_action_is_wider_with_a_counterexample_and_statement() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/*"))
    new = doc(
        allow("s3:GetObject", "arn:aws:s3:::b/*"), {"Sid": "More", **allow("s3:DeleteObject", "arn:aws:s3:::b/*")}
    )
    result = compare_policies(old, new)
    assert result.relation == "wider"
    assert result.counterexample is not None and result.counterexample["action"] == "s3:DeleteObject"
    assert result.counterexample["resource"].startswith("arn:aws:s3:::b/")
    assert result.statement is not None and result.statement["Sid"] == "More"
    assert compare_policies(new, old).relation == "narrower"


def test_action_wildcards_range_over_the_catalog() -> None:
    # every s3 action starting with Get: s3:Get* and the explicit list are not equal, Get* is wider
    old = doc(allow(["s3:GetObject", "s3:GetObjectAcl"]))
    new = doc(allow("s3:Get*"))
    result = compare_policies(old, new)
    assert result.relation == "wider"
    assert result.counterexample is not None and result.counterexample["action"].lower().startswith("s3:get")


def test_not_action_equals_the_complement_over_the_service_catalog() -> None:
    old = doc(allow("*"), deny("iam:*"))
    new = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert rel(old, new) == "equivalent"


def test_resource_wildcards_stay_within_arn_segments() -> None:
    # "*" in the region segment cannot cross a colon; in the resource part it can
    narrow = doc(allow("sqs:SendMessage", "arn:aws:sqs:*:111122223333:q"))
    wide = doc(allow("sqs:SendMessage", "arn:aws:sqs:*:111122223333:*"))
    result = compare_policies(narrow, wide)
    assert result.relation == "wider"
    assert result.counterexample is not None and result.counterexample["resource"] != "arn:aws:sqs:*:111122223333:q"


def test_not_resource() -> None:
    old = doc({"Effect": "Allow", "Action": "s3:GetObject", "NotResource": "arn:aws:s3:::secret/*"})
    new = doc(allow("s3:GetObject", "arn:aws:s3:::*"))
    result = compare_policies(old, new)
    assert result.new_access and result.counterexample is not None
    assert result.counterexample["resource"].startswith("arn:aws:s3:::secret/")


def test_wildcard_only_actions_are_granted_by_star_only() -> None:
    # s3:ListAllMyBuckets has no resource types: Resource "arn:aws:s3:::*" grants nothing for it
    old = doc(allow("s3:ListAllMyBuckets", "arn:aws:s3:::*"))
    new = doc(allow("s3:ListAllMyBuckets", "*"))
    result = compare_policies(old, new)
    assert result.relation == "wider"
    assert result.counterexample is not None and result.counterexample["resource"] == "*"


def test_deny_narrows() -> None:
    old = doc(allow("ec2:*"))
    new = doc(allow("ec2:*"), deny("ec2:TerminateInstances"))
    result = compare_policies(old, new)
    assert result.relation == "narrower" and result.lost is not None
    assert result.lost["action"] == "ec2:TerminateInstances"


CONDITION_CASES = [
    ("StringEquals", "aws:PrincipalTag/team", ["a"], "StringLike", ["a*"]),
    ("StringEqualsIgnoreCase", "aws:PrincipalTag/team", ["Ab"], "StringLike", ["*"]),
    ("NumericLessThan", "s3:max-keys", ["10"], "NumericLessThanEquals", ["10"]),
    ("DateLessThan", "aws:CurrentTime", ["2030-01-01T00:00:00Z"], "DateLessThanEquals", ["2030-01-01T00:00:00Z"]),
    ("IpAddress", "aws:SourceIp", ["10.0.0.0/16"], "IpAddress", ["10.0.0.0/8"]),
    ("ArnLike", "aws:SourceArn", ["arn:aws:sns:us-east-1:111122223333:t"], "ArnLike", ["arn:aws:sns:*:111122223333:t"]),
    ("Bool", "aws:SecureTransport", ["true"], "BoolIfExists", ["true"]),
    ("StringEquals", "aws:PrincipalTag/team", ["a"], "StringEqualsIfExists", ["a"]),
    ("ForAllValues:StringEquals", "aws:TagKeys", ["a"], "ForAllValues:StringLike", ["a", "b*"]),
    ("ForAnyValue:StringEquals", "aws:TagKeys", ["a"], "ForAllValues:StringEquals", ["a"]),
]


@pytest.mark.parametrize(("op_old", "key", "v_old", "op_new", "v_new"), CONDITION_CASES)
def test_condition_families_widen_with_a_checked_request(
    op_old: str, key: str, v_old: list[str], op_new: str, v_new: list[str]
) -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={op_old: {key: v_old}}))
    new = doc(allow("s3:GetObject", "arn:aws:s3:::b/*", Condition={op_new: {key: v_new}}))
    result = compare_policies(old, new)
    assert result.new_access, (op_old, op_new)
    assert result.approximate is None
    assert compare_policies(old, old).relation == "equivalent"


def test_null_condition() -> None:
    old = doc(allow("ec2:RunInstances", Condition={"Null": {"aws:RequestTag/owner": "false"}}))
    new = doc(allow("ec2:RunInstances"))
    result = compare_policies(old, new)
    assert result.relation == "wider"
    assert result.counterexample is not None and "aws:RequestTag/owner" not in result.counterexample["context"]


def test_numeric_bounds_are_exact() -> None:
    a = doc(allow("s3:ListBucket", Condition={"NumericLessThan": {"s3:max-keys": "10"}}))
    b = doc(allow("s3:ListBucket", Condition={"NumericLessThanEquals": {"s3:max-keys": "9.999"}}))
    result = compare_policies(b, a)
    assert result.new_access and result.counterexample is not None
    value = float(result.counterexample["context"]["s3:max-keys"])
    assert 9.999 < value < 10


def test_policy_variables_are_reported_as_approximate() -> None:
    old = doc(allow("s3:GetObject", "arn:aws:s3:::b/${aws:username}/*"))
    new = doc(allow("s3:GetObject", "arn:aws:s3:::b/alice/*"))
    result = compare_policies(old, new)
    assert result.approximate is not None and "${aws:username}" in result.approximate


def test_resource_policy_principals() -> None:
    account = doc(allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"AWS": "arn:aws:iam::111122223333:root"}))
    role = doc(allow("s3:GetObject", "arn:aws:s3:::b/*", Principal={"AWS": "arn:aws:iam::111122223333:role/r"}))
    assert rel(role, account, "resource") == "wider"
    result = compare_policies(account, role, "resource")
    assert result.relation == "narrower"
    assert result.lost is not None and ":111122223333:" in result.lost["principal"]


TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Federated": "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/X"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "oidc.eks.us-east-1.amazonaws.com/id/X:sub": "system:serviceaccount:kube-system:ebs",
                    "oidc.eks.us-east-1.amazonaws.com/id/X:aud": "sts.amazonaws.com",
                }
            },
        }
    ],
}


def test_trust_widening_by_a_wildcard_subject() -> None:
    wider = PolicyDocument.from_dict(TRUST)
    raw = wider.to_dict()
    cond = raw["Statement"][0]["Condition"]
    cond["StringLike"] = {"oidc.eks.us-east-1.amazonaws.com/id/X:sub": "system:serviceaccount:kube-system:*"}
    del cond["StringEquals"]["oidc.eks.us-east-1.amazonaws.com/id/X:sub"]
    new = PolicyDocument.from_dict(raw)
    request = trust_admits_more(wider, new)
    assert request is not None and request["action"] == "sts:AssumeRoleWithWebIdentity"
    assert request["context"]["oidc.eks.us-east-1.amazonaws.com/id/X:sub"] != "system:serviceaccount:kube-system:ebs"
    assert trust_admits_more(new, wider) is None


def test_trust_new_principal() -> None:
    old = PolicyDocument.from_dict(TRUST)
    raw = old.to_dict()
    raw["Statement"].append(
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    request = trust_admits_more(old, PolicyDocument.from_dict(raw))
    assert request is not None and request["principal"] == "ec2.amazonaws.com"


def _spec(inline: dict[str, Any], managed: list[str], boundary: str | None = None) -> RoleSpec:
    return RoleSpec(
        role_name="r",
        trust_policy=TRUST,
        inline_policies=inline,
        managed_policy_arns=managed,
        permissions_boundary=boundary,
    )


def test_rolespec_permissions_include_managed_policies_and_boundary() -> None:
    base = {"p": {"Version": "2012-10-17", "Statement": [allow("ec2:DescribeInstances")]}}
    old = _spec(base, [])
    new = _spec(base, ["arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"])
    result = compare_roles(old, new)
    assert result["permissions"].new_access and result["trust"].relation == "equivalent"
    cluster = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    bounded = _spec(base, [cluster], boundary=cluster)
    # a boundary can only take away: the bounded role grants nothing the unbounded one does not
    assert not compare_roles(new, bounded)["permissions"].new_access
    with pytest.raises(LookupError):
        compare_roles(old, _spec(base, ["arn:aws:iam::111122223333:policy/unknown"]))
