"""The prover encodes the ARN condition operators as the engine evaluates them: all six segments compared, the
leading ``arn`` too, and a request value that is no ARN matches no policy ARN (ArnLike never holds for it,
ArnNotLike always does). Every counterexample is re-checked by the engine, so a disagreement fails loudly."""

from __future__ import annotations

from typing import Any

import pytest

from byoc_iam.compare import compare_policies, trust_admits_more
from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.model.policy import PolicyDocument

A = "123456789012"
PATTERN = f"arn:aws:eks:*:{A}:cluster/c"


def pod_identity_trust(op: str, value: str) -> PolicyDocument:
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"Service": "pods.eks.amazonaws.com"},
                    "Action": ["sts:AssumeRole", "sts:TagSession"],
                    "Condition": {"StringEquals": {"aws:SourceAccount": A}, op: {"aws:SourceArn": value}},
                }
            ],
        }
    )


def identity(op: str, value: str) -> PolicyDocument:
    return PolicyDocument.from_dict(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {op: {"aws:SourceArn": value}},
                }
            ],
        }
    )


def test_arn_like_admits_no_source_arn_that_is_no_arn() -> None:
    """StringLike admits every value ArnLike does (its ``*`` also crosses colons): with the first segment compared,
    the ArnLike trust admits nothing more. (It used to admit ``:aws:eks::<account>:cluster/c``.)"""
    string_like = pod_identity_trust("StringLike", PATTERN)
    arn_like = pod_identity_trust("ArnLike", PATTERN)
    assert trust_admits_more(string_like, arn_like) is None
    wider = trust_admits_more(arn_like, string_like)
    assert wider is not None
    source = wider["context"]["aws:SourceArn"]
    assert source.startswith("arn:") and source.count(":") > 5  # a colon inside a segment ArnLike keeps apart


@pytest.mark.parametrize("first", ["*", "a?n", "arn"])
def test_a_wildcard_first_segment_is_the_same_pattern(first: str) -> None:
    """A request value is an ARN, so its first segment is ``arn``: ``*:...`` admits exactly what ``arn:...`` does."""
    old = pod_identity_trust("ArnLike", PATTERN)
    new = pod_identity_trust("ArnLike", f"{first}:aws:eks:*:{A}:cluster/c")
    assert compare_policies(old, new, "trust").relation == "equivalent"


def test_a_first_segment_other_than_arn_admits_nothing() -> None:
    old = pod_identity_trust("ArnLike", PATTERN)
    new = pod_identity_trust("ArnLike", f"xrn:aws:eks:*:{A}:cluster/c")
    assert compare_policies(old, new, "trust").relation == "narrower"
    assert trust_admits_more(new, old) is not None


def test_arn_not_like_and_string_not_like_each_admit_what_the_other_does_not() -> None:
    """ArnNotLike compares segment by segment and holds for no value that is no ARN (as the engine); StringNotLike
    is a glob whose ``*`` spans colons and holds for any other string: each admits a value the other does not,
    and the engine confirms each witness."""
    arn_not = identity("ArnNotLike", PATTERN)
    string_not = identity("StringNotLike", PATTERN)
    for old, new in ((arn_not, string_not), (string_not, arn_not)):
        result = compare_policies(old, new)
        assert result.new_access and result.counterexample is not None
        witness: dict[str, Any] = result.counterexample
        value = witness["context"]["aws:SourceArn"]
        req = Request(witness["principal"], witness["action"], witness["resource"], None, {"aws:SourceArn": value})
        assert compile_policies(PolicySet(identity=[new.to_dict()])).evaluate(req).decision == "Allowed", value
        assert compile_policies(PolicySet(identity=[old.to_dict()])).evaluate(req).decision != "Allowed", value
