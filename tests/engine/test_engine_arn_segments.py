"""The ARN condition operators match all six colon-delimited segments of an ARN, the leading ``arn`` included
(IAM User Guide, "IAM JSON policy elements: Condition operators", Amazon Resource Name (ARN) condition
operators: "each of the six colon-delimited components of the ARN is checked separately"), and a request
value that is no ARN cannot be compared: no ARN operator holds for it, positive or negated (as iam-simulate
decides; AWS does not document the case). One table, run through the operators, a whole trust policy and the
CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byoc_iam.cli import main
from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.engine.conditions import evaluate_operator as ev
from byoc_iam.engine.conditions.arn import is_request_arn, split_arn
from byoc_iam.model.arn import split_arn_pattern

A = "123456789012"
CLUSTER = f"arn:aws:eks:us-east-1:{A}:cluster/c"
PATTERN = f"arn:aws:eks:*:{A}:cluster/c"

# (policy value, request value, does ArnLike hold) — ArnEquals is the same operator, the Not forms the negation
TABLE: list[tuple[str, str, bool]] = [
    (PATTERN, CLUSTER, True),
    (PATTERN, f"xrn:aws:eks:us-east-1:{A}:cluster/c", False),  # the first segment is compared too
    (PATTERN, f":aws:eks::{A}:cluster/c", False),  # an empty first segment is no "arn"
    (PATTERN, f"ARN:aws:eks:us-east-1:{A}:cluster/c", False),  # case-sensitive
    (PATTERN, f"arn:aws:eks:us-east-1:{A}", False),  # five segments: no ARN
    (PATTERN, "not-an-arn", False),
    (PATTERN, "", False),
    (f"*:aws:eks:*:{A}:cluster/c", CLUSTER, True),  # a wildcard in the first segment matches "arn"
    (f"*:aws:eks:*:{A}:cluster/c", f"xrn:aws:eks:us-east-1:{A}:cluster/c", False),  # but the request is no ARN
    (f"a?n:aws:eks:*:{A}:cluster/c", CLUSTER, True),
    (f"xrn:aws:eks:*:{A}:cluster/c", CLUSTER, False),
    (f"xrn:aws:eks:*:{A}:cluster/c", f"xrn:aws:eks:us-east-1:{A}:cluster/c", False),
    ("arn:???:*:*:*:*", CLUSTER, True),
    ("arn:aws:logs:*:*:log-group:*", "arn:aws:logs:us-east-1:1:log-group:/a:b", True),  # colons in the resource
    ("arn:aws:sns:*:111122223333:*", "arn:aws:sns:us-east-1:444455556666:x", False),
]


@pytest.mark.parametrize(("policy", "request_value", "like"), TABLE)
def test_arn_operators_table(policy: str, request_value: str, like: bool) -> None:
    assert ev("ArnLike", [policy], request_value) is like
    assert ev("ArnEquals", [policy], request_value) is like
    negated = (not like) if is_request_arn(request_value) else False  # no ARN: neither polarity
    assert ev("ArnNotLike", [policy], request_value) is negated
    assert ev("ArnNotEquals", [policy], request_value) is negated


def test_variables_resolve_within_their_segment() -> None:
    ctx = {"aws:PrincipalTag/acct": A}
    assert ev("ArnLike", ["arn:aws:eks:*:${aws:PrincipalTag/acct}:cluster/c"], CLUSTER, ctx)
    assert not ev("ArnLike", ["arn:aws:eks:*:${aws:PrincipalTag/acct}:cluster/c"], "xrn" + CLUSTER[3:], ctx)
    assert not ev("ArnNotLike", ["arn:aws:eks:*:${aws:PrincipalTag/acct}:cluster/c"], "xrn" + CLUSTER[3:], ctx)
    assert ev("ArnNotLike", ["arn:aws:eks:*:${aws:PrincipalTag/acct}:cluster/d"], CLUSTER, ctx)
    # a variable's value is literal and stays in its segment: "us-east-1:123456789012" is no region
    two = {"aws:PrincipalTag/where": f"us-east-1:{A}"}
    assert not ev("ArnLike", ["arn:aws:eks:${aws:PrincipalTag/where}:cluster/c"], CLUSTER, two)
    # an unresolvable variable cannot be compared: neither polarity holds
    assert not ev("ArnLike", ["arn:aws:eks:*:${aws:PrincipalTag/none}:cluster/c"], CLUSTER)
    assert not ev("ArnNotLike", ["arn:aws:eks:*:${aws:PrincipalTag/none}:cluster/c"], CLUSTER)


def test_split_helpers() -> None:
    assert split_arn_pattern(CLUSTER) == ("arn", "aws", "eks", "us-east-1", A, "cluster/c")
    assert split_arn_pattern("arn:aws:logs:r:1:log-group:/a:b") == ("arn", "aws", "logs", "r", "1", "log-group:/a:b")
    assert split_arn_pattern("arn:aws:iam::1") is None
    assert split_arn(PATTERN) == ["arn", "aws", "eks", "*", A, "cluster/c"]
    assert is_request_arn(CLUSTER) and not is_request_arn("xrn" + CLUSTER[3:]) and not is_request_arn("arn:a:b")


def _pod_identity_trust(value: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "pods.eks.amazonaws.com"},
                "Action": ["sts:AssumeRole", "sts:TagSession"],
                "Condition": {"StringEquals": {"aws:SourceAccount": A}, "ArnLike": {"aws:SourceArn": value}},
            }
        ],
    }


@pytest.mark.parametrize(
    ("source_arn", "decision"),
    [
        (CLUSTER, "Allowed"),
        (f"xrn:aws:eks:us-east-1:{A}:cluster/c", "ImplicitlyDenied"),
        (f":aws:eks::{A}:cluster/c", "ImplicitlyDenied"),
    ],
)
def test_pod_identity_trust_compares_the_whole_source_arn(source_arn: str, decision: str) -> None:
    compiled = compile_policies(PolicySet(resource=_pod_identity_trust(PATTERN)))
    req = Request(
        "pods.eks.amazonaws.com",
        "sts:TagSession",
        f"arn:aws:iam::{A}:role/r",
        A,
        {"aws:SourceAccount": A, "aws:SourceArn": source_arn},
    )
    assert compiled.evaluate(req).decision == decision


def test_deny_arn_not_like_applies_to_another_arn_and_not_to_a_value_that_is_no_arn() -> None:
    """A Deny guarded by ArnNotLike applies to another cluster's ARN; a value that is no ARN cannot be compared
    (as iam-simulate decides), so the Deny does not apply to it."""
    allow = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    deny = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"ArnNotLike": {"aws:SourceArn": f"arn:aws:eks:*:{A}:cluster/*"}},
            }
        ],
    }
    compiled = compile_policies(PolicySet(identity=[allow, deny]))
    for value, decision in [
        (CLUSTER, "Allowed"),
        (f"arn:aws:eks:us-east-1:{A}:nodegroup/c/n/1", "ExplicitlyDenied"),
        ("xrn" + CLUSTER[3:], "Allowed"),
        ("boop", "Allowed"),
    ]:
        req = Request(f"arn:aws:iam::{A}:role/r", "s3:GetObject", "arn:aws:s3:::b/k", None, {"aws:SourceArn": value})
        assert compiled.evaluate(req).decision == decision, value


@pytest.mark.parametrize("source_arn", [f"xrn:aws:eks:us-east-1:{A}:cluster/c", f":aws:eks::{A}:cluster/c"])
def test_simulate_cli_denies_a_source_arn_that_is_no_arn(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], source_arn: str
) -> None:
    trust = tmp_path / "pi.json"
    trust.write_text(json.dumps(_pod_identity_trust(PATTERN)))
    args = ["simulate", "--resource-policy", str(trust), "-a", "sts:TagSession", "-r", f"arn:aws:iam::{A}:role/r"]
    args += [
        "--principal",
        "pods.eks.amazonaws.com",
        "-c",
        f"aws:SourceAccount={A}",
        "-c",
        f"aws:SourceArn={source_arn}",
    ]
    with pytest.raises(SystemExit) as info:
        main([*args, "-o", "json"])
    assert info.value.code == 0
    assert json.loads(capsys.readouterr().out)["decision"] == "ImplicitlyDenied"


@pytest.mark.parametrize(
    ("resource", "decision"),
    [
        ("arn:aws:s3:::b/k", "Allowed"),
        ("arn:aws:s3:::b/*", "Allowed"),  # a request written as a pattern: "any such resource"
        ("xrn:aws:s3:::b/k", "ImplicitlyDenied"),
        ("xrn:aws:s3:::b/*", "ImplicitlyDenied"),  # the pattern path compared the first segment too
        (":aws:s3:::b/*", "ImplicitlyDenied"),
    ],
)
def test_a_statement_resource_compares_the_first_arn_segment(resource: str, decision: str) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
    }
    compiled = compile_policies(PolicySet(identity=[doc]))
    req = Request(f"arn:aws:iam::{A}:role/r", "s3:GetObject", resource, A)
    assert compiled.evaluate(req).decision == decision
