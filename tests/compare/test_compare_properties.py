"""Property tests of ``byoc_iam.compare`` over random small policies (hypothesis): a policy equals itself,
an added Allow never narrows, an added Deny never widens, every counterexample holds in the engine, and
random requests never find new access where the prover found none. More examples under ``-m slow``."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byoc_iam.compare import compare_policies
from byoc_iam.compare.encode import Encoding, Side
from byoc_iam.compare.prove import policy_set
from byoc_iam.engine import Request, compile_policies
from byoc_iam.model.policy import PolicyDocument

ACTIONS = ["s3:GetObject", "s3:Get*", "s3:PutObject", "s3:*", "s3:ListAllMyBuckets", "ec2:RunInstances", "*"]
RESOURCES = ["*", "arn:aws:s3:::b/*", "arn:aws:s3:::b/k", "arn:aws:s3:::*", "arn:aws:ec2:*:*:instance/*"]
CONDITIONS: list[dict[str, Any]] = [
    {"StringEquals": {"aws:PrincipalTag/team": "a"}},
    {"StringLike": {"aws:PrincipalTag/team": "a*"}},
    {"StringNotEquals": {"aws:PrincipalTag/team": "b"}},
    {"NumericLessThan": {"s3:max-keys": "10"}},
    {"NumericGreaterThanEquals": {"s3:max-keys": "5"}},
    {"IpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
    {"NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}},
    {"Bool": {"aws:SecureTransport": "true"}},
    {"Null": {"aws:PrincipalTag/team": "true"}},
    {"ForAnyValue:StringEquals": {"aws:TagKeys": ["a", "b"]}},
    {"ForAllValues:StringLike": {"aws:TagKeys": "a*"}},
    {"StringEqualsIfExists": {"aws:PrincipalTag/team": "a"}},
]
# request values the random-request check draws from (the policies' own boundaries and neighbours)
REQ_ACTIONS = [
    "s3:GetObject",
    "s3:GetObjectAcl",
    "s3:PutObject",
    "s3:DeleteObject",
    "s3:ListAllMyBuckets",
    "ec2:RunInstances",
    "sqs:SendMessage",
]
REQ_RESOURCES = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b/x",
    "arn:aws:s3:::c",
    "arn:aws:ec2:us-east-1:1:instance/i",
    "arn:aws:sqs:us-east-1:1:q",
]
REQ_CONTEXTS: list[dict[str, Any]] = [
    {},
    {"aws:PrincipalTag/team": "a"},
    {"aws:PrincipalTag/team": "ab"},
    {"aws:PrincipalTag/team": "b"},
    {"s3:max-keys": "4", "aws:SourceIp": "10.1.2.3"},
    {"s3:max-keys": "7", "aws:SourceIp": "10.2.0.1", "aws:SecureTransport": "true"},
    {"s3:max-keys": "12", "aws:SourceIp": "192.0.2.1", "aws:SecureTransport": "false"},
    {"aws:TagKeys": ["a", "c"]},
    {"aws:TagKeys": ["ab"]},
]


@st.composite
def statements(draw: st.DrawFn, effect: str | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    out["NotAction" if draw(st.integers(0, 5)) == 0 else "Action"] = draw(
        st.lists(st.sampled_from(ACTIONS), min_size=1, max_size=2)
    )
    out["NotResource" if draw(st.integers(0, 5)) == 0 else "Resource"] = draw(
        st.lists(st.sampled_from(RESOURCES), min_size=1, max_size=2)
    )
    cond: dict[str, Any] = {}
    for c in draw(st.lists(st.sampled_from(CONDITIONS), max_size=2)):
        for op, body in c.items():
            cond.setdefault(op, {}).update(body)
    if cond:
        out["Condition"] = cond
    return out


def documents(min_size: int = 1) -> st.SearchStrategy[PolicyDocument]:
    return st.lists(statements(), min_size=min_size, max_size=3).map(
        lambda s: PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": s})
    )


def _with(doc: PolicyDocument, extra: dict[str, Any]) -> PolicyDocument:
    return PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": [*doc.to_dict()["Statement"], extra]})


def _wildcard_only(action: str) -> bool:
    from byoc_iam.servicecatalog import get_catalog

    info = get_catalog().action(action)
    return info is not None and not info.resource_types


FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
SLOW = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_self(p: PolicyDocument) -> None:
    result = compare_policies(p, p)
    assert result.relation == "equivalent" and not result.new_access


def _check_allow(p: PolicyDocument, extra: dict[str, Any]) -> None:
    assert compare_policies(p, _with(p, extra)).relation in ("equivalent", "wider")


def _check_deny(p: PolicyDocument, extra: dict[str, Any]) -> None:
    assert compare_policies(p, _with(p, extra)).relation in ("equivalent", "narrower")


def _check_requests(old: PolicyDocument, new: PolicyDocument) -> None:
    result = compare_policies(old, new)
    enc = Encoding("identity", (Side((old,)), Side((new,))))
    cp_old = compile_policies(policy_set(enc, Side((old,))))
    cp_new = compile_policies(policy_set(enc, Side((new,))))
    principal = f"arn:aws:iam::{enc.account}:role/byoc-iam-compare"
    if result.counterexample is not None:  # the witness holds in the engine
        r = result.counterexample
        req = Request(r["principal"], r["action"], r["resource"], r.get("resource_account"), r["context"])
        assert cp_new.evaluate(req).decision == "Allowed" and cp_old.evaluate(req).decision != "Allowed"
    if result.new_access or result.approximate:
        return
    for action, resource, ctx in itertools.product(REQ_ACTIONS, [*REQ_RESOURCES, "*"], REQ_CONTEXTS):
        if (resource == "*") != _wildcard_only(action):
            continue  # AWS authorizes an action without resource types on "*" only, and the others on an ARN
        req = Request(principal, action, resource, enc.account, ctx)
        if cp_new.evaluate(req).decision == "Allowed":
            assert cp_old.evaluate(req).decision == "Allowed", (action, resource, ctx)


@FAST
@given(documents())
def test_a_policy_is_equivalent_to_itself(p: PolicyDocument) -> None:
    _check_self(p)


@FAST
@given(documents(), statements("Allow"))
def test_adding_an_allow_never_narrows(p: PolicyDocument, extra: dict[str, Any]) -> None:
    _check_allow(p, extra)


@FAST
@given(documents(), statements("Deny"))
def test_adding_a_deny_never_widens(p: PolicyDocument, extra: dict[str, Any]) -> None:
    _check_deny(p, extra)


@FAST
@given(documents(), documents())
def test_counterexamples_and_random_requests_agree_with_the_engine(old: PolicyDocument, new: PolicyDocument) -> None:
    _check_requests(old, new)


@pytest.mark.slow
@SLOW
@given(documents(), statements("Allow"), statements("Deny"))
def test_properties_at_length(p: PolicyDocument, allow: dict[str, Any], deny: dict[str, Any]) -> None:
    _check_self(p)
    _check_allow(p, allow)
    _check_deny(p, deny)


@pytest.mark.slow
@SLOW
@given(documents(), documents())
def test_random_requests_at_length(old: PolicyDocument, new: PolicyDocument) -> None:
    _check_requests(old, new)
