"""Fuzz: random JSON, random text and random near-valid policies never crash the linter."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byoc_iam.lint import POLICY_TYPES, Finding, lint_document

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=25,
)

STRINGS = st.sampled_from(
    [
        "*",
        "",
        "s3:GetObject",
        "s3:Get*",
        "S3:getobject",
        "ec2:Describe*",
        "iam:PassRole",
        "iam:*",
        "sts:AssumeRole",
        "sts:AssumeRoleWithWebIdentity",
        "foo:Bar",
        "ec2:",
        ":x",
        "e*:Des?ribe*",
        "s3:Zz*",
        "arn:aws:s3:::b/*",
        "arn:aws:iam::123456789012:role/x",
        "arn:aws:iam::{accountId}:oidc-provider/eks_oidc_url",
        "arn:",
        "arn:aws",
        "arn:*:*:*:*:*",
        "arn:aws:ec2:us-east-1:123456789012:instance/${aws:username}",
        "${YOUR_X}",
        "${",
        "}{",
        "eks.amazonaws.com",
        "ec2.amazonaws.com",
        "logs.us-east-1.amazonaws.com",
        "123456789012",
        "Allow",
        "Deny",
        "eks_oidc_url:sub",
        "aws:SourceIp",
        "aws:PrincipalTag/x",
        "10.0.0.0/8",
        "2020-01-01T00:00:00Z",
        "true",
        "arn:aws:iam::123456789012:oidc-provider/eks_oidc_url",
        "system:serviceaccount:*",
        "<ACCOUNT_ID>",
    ]
)
leaf: st.SearchStrategy[Any] = STRINGS | st.text(max_size=10) | st.integers(-5, 5) | st.booleans() | st.none()
str_or_list = STRINGS | st.lists(STRINGS | leaf, max_size=4)
OPERATORS = st.sampled_from(
    [
        "StringEquals",
        "StringLike",
        "ForAnyValue:StringLike",
        "NumericLessThan",
        "DateGreaterThan",
        "Bool",
        "IpAddress",
        "ArnLike",
        "Null",
        "NullIfExists",
        "StringEqualsIfExists",
        "stringequals",
        "Bogus",
    ]
)
KEYS = STRINGS | st.sampled_from(["aws:SourceAccount", "aws:CurrentTime", "oidc.eks.x/id/Y:aud", "s3:prefix"])
condition = st.dictionaries(OPERATORS, st.dictionaries(KEYS, str_or_list | leaf | json_values, max_size=3), max_size=3)
principal = st.just("*") | st.dictionaries(
    st.sampled_from(["AWS", "Service", "Federated", "CanonicalUser", "aws"]), str_or_list | leaf, max_size=3
)
ELEMENT = {
    "Sid": STRINGS | leaf,
    "Effect": st.sampled_from(["Allow", "Deny", "allow"]) | leaf,
    "Action": str_or_list | leaf,
    "NotAction": str_or_list,
    "Resource": str_or_list | leaf,
    "NotResource": str_or_list,
    "Principal": principal | leaf,
    "NotPrincipal": principal,
    "Condition": condition | leaf,
    "Bogus": json_values,
}


@st.composite
def statements(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(sorted(ELEMENT)), max_size=7, unique=True))
    return {n: draw(ELEMENT[n]) for n in names}


@st.composite
def near_valid(draw: st.DrawFn) -> Any:
    body = draw(st.lists(statements(), max_size=5))
    doc: dict[str, Any] = {"Statement": body if draw(st.booleans()) or not body else body[0]}
    if draw(st.booleans()):
        doc["Version"] = draw(st.sampled_from(["2012-10-17", "2008-10-17", "2012-10-18"]) | leaf)
    if draw(st.integers(0, 9)) == 0:
        doc[draw(st.text(max_size=5))] = draw(json_values)
    return doc


def _check(findings: list[Finding]) -> None:
    for f in findings:
        assert f.code and f.message and isinstance(f.path, str)
        json.dumps(f.to_dict())


TYPES = st.sampled_from([*POLICY_TYPES, "auto"])


@given(json_values, TYPES)
def test_random_json_never_crashes(value: Any, ptype: str) -> None:
    _check(lint_document(value, ptype))
    _check(lint_document(json.dumps(value, indent=1), ptype))


@given(st.text(max_size=60), TYPES)
def test_random_text_never_crashes(text: str, ptype: str) -> None:
    _check(lint_document(text, ptype))


@given(near_valid(), TYPES, st.sampled_from(["auto", "placeholder", "resolved"]), st.sampled_from([None, 2]))
@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
def test_near_valid_policies_never_crash(doc: Any, ptype: str, mode: str, indent: int | None) -> None:
    _check(lint_document(doc, ptype, trust_mode=mode))  # type: ignore[arg-type]
    findings = lint_document(json.dumps(doc, indent=indent), ptype, trust_mode=mode)  # type: ignore[arg-type]
    _check(findings)
    assert all(f.line is not None for f in findings), "every finding in a text document has a line"


def test_deeply_nested_json_is_an_error_not_a_crash() -> None:
    text = "[" * 100_000 + "]" * 100_000
    [f] = lint_document(text, "identity")
    assert f.code == "E1001"
    deep: Any = {"Statement": []}
    for _ in range(2000):
        deep = {"Statement": [deep]}
    assert [f.code for f in lint_document(deep, "identity")] == ["E1004"]
    text = "[" * 500 + "]" * 500  # json accepts it; the linter says it is not a policy
    assert [f.code for f in lint_document(text, "identity")] == ["E1004"]


@pytest.mark.slow
@given(near_valid(), TYPES, st.sampled_from(["auto", "placeholder", "resolved"]))
@settings(max_examples=5000, suppress_health_check=[HealthCheck.too_slow])
def test_near_valid_policies_never_crash_long(doc: Any, ptype: str, mode: str) -> None:
    _check(lint_document(json.dumps(doc, indent=2), ptype, trust_mode=mode))  # type: ignore[arg-type]


@pytest.mark.slow
@given(json_values, TYPES)
@settings(max_examples=5000)
def test_random_json_never_crashes_long(value: Any, ptype: str) -> None:
    _check(lint_document(json.dumps(value), ptype))


ARNS = st.sampled_from(
    [
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy",
        "arn:aws-cn:iam::aws:policy/AmazonEKSServicePolicy",
        "arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy",
        "arn:aws:iam::aws:policy/service-role/AmazonEKSClusterPolicy",
        "arn:aws:iam::aws:policy/NoSuchPolicy",
        "arn:aws-us-gov:iam::123456789012:policy/mine",
    ]
)
IDENTITY_STATEMENTS = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": str_or_list.filter(lambda v: v != []),
        "Resource": STRINGS,
    },
    optional={
        "Sid": st.sampled_from(["A", "B", "bad sid"]),
        "Condition": st.just({"Bool": {"aws:SecureTransport": "x"}}),
    },
)


@given(
    st.lists(ARNS, max_size=12, unique=True),
    st.dictionaries(
        st.sampled_from(["p1", "p2", "p3"]), st.lists(IDENTITY_STATEMENTS, min_size=1, max_size=4), max_size=3
    ),
    st.sampled_from(["auto", "placeholder", "resolved"]),
    st.booleans(),
)
@settings(max_examples=40, suppress_health_check=[HealthCheck.too_slow])
def test_random_roles_never_crash(arns: list[str], policies: dict[str, Any], mode: str, managed: bool) -> None:
    from pydantic import ValidationError

    from byoc_iam.blueprint import BlueprintInputs, render_role
    from byoc_iam.lint import lint_role
    from byoc_iam.model import RoleSpec

    data = json.loads(render_role(BlueprintInputs(account_id="123456789012")).to_json())
    data["managed_policy_arns"] = arns
    docs = {name: {"Version": "2012-10-17", "Statement": sts} for name, sts in policies.items()}
    data["inline_policies"] = {} if managed else docs
    data["customer_managed_policies"] = docs if managed else {}
    try:
        spec = RoleSpec.model_validate(data)
    except ValidationError:
        return  # the model refuses it before lint would see it
    text = spec.to_json()
    _check(lint_role(spec, text=text, file="role.json", trust_mode=mode))  # type: ignore[arg-type]
