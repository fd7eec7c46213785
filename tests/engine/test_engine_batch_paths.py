"""The batch runner's fast paths (issue 18) against the plain paths: the inline context check (typed values
read once per key and value), the member cut, and static resource patterns tested by their regexes alone.
Each must agree with the plain path: the same requests accepted, the same errors, the same decisions."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byoc_iam.engine.batch import PolicySets, check_request, compile_batch_policies, request_parts
from byoc_iam.engine.batch_text import KnownMembers
from byoc_iam.errors import UsageError

ACCOUNT = "111122223333"
V = "2012-10-17"
KEYS = ["aws:SourceIp", "AWS:SourceIP", "aws:SecureTransport", "aws:CurrentTime", "aws:EpochTime", "aws:TagKeys"]
KEYS += ["aws:ResourceTag/team", "aws:PrincipalTag/Project", "s3:prefix", "aws:RequestedRegion"]
VALUES = ["203.0.113.7", "10.0.0.0/8", "nope", "true", "false", "TRUE", "maybe", "2026-01-01T00:00:00Z"]
VALUES += ["1700000000", "-1", "red", "", "x/*"]
CONTEXTS = st.one_of(
    st.none(),
    st.just([]),
    st.just("x"),
    st.dictionaries(
        st.sampled_from(KEYS),
        st.one_of(
            st.sampled_from(VALUES),
            st.lists(st.sampled_from(VALUES), max_size=3),
            st.integers(-5, 2_000_000_000),
            st.booleans(),
            st.none(),
        ),
        max_size=4,
    ),
)


def _request(context: Any) -> dict[str, Any]:
    request = {
        "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::data/k",
        "resource_account": ACCOUNT,
    }
    if context != "absent":
        request["context"] = context
    return request


@settings(max_examples=500)
@given(CONTEXTS)
def test_the_context_is_checked_and_normalised_like_the_plain_path(context: Any) -> None:
    data = _request(context)
    try:
        r = check_request(data, "b[0].request")
    except UsageError as exc:
        with pytest.raises(UsageError) as caught:
            request_parts(data, 0, "b")
        assert str(caught.value) == str(exc)
        return
    assert request_parts(data, 0, "b")[4] == r.get("context")


def test_a_typed_value_is_refused_every_time_once_accepted_values_are_remembered() -> None:
    """The accepted (key, value) pairs are remembered; a value that does not read as its type never is."""
    for _ in range(3):
        assert request_parts(_request({"aws:SourceIp": "203.0.113.7"}), 0, "b")[4] == {"aws:SourceIp": "203.0.113.7"}
        with pytest.raises(UsageError, match=r"b\[0\]\.request\.context\.aws:SourceIp"):
            request_parts(_request({"aws:SourceIp": "not-an-ip"}), 0, "b")
        with pytest.raises(UsageError, match="expected an object"):
            request_parts(_request([]), 0, "b")  # refused as check_request refuses it (no longer read as {})


POLICIES = {
    "identity": [
        {
            "Version": V,
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "*",
                    "Condition": {
                        "IpAddress": {"aws:SourceIp": "203.0.113.0/24"},
                        "Bool": {"aws:SecureTransport": "true"},
                    },
                },
                {
                    "Effect": "Deny",
                    "Action": "s3:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/Team": "red"}},
                },
            ],
        }
    ]
}


@pytest.mark.parametrize(
    "text",
    [
        '{"identity": []\x0c}',  # a form feed is not JSON whitespace
        '\x0c{"identity": []}',
        '{"identity"\x0c: []}',
        "{ }",
        '{"identity": [], }',
        '{"Identity": []}',  # keys are case-sensitive
    ],
)
def test_the_member_cut_declines_what_json_does_not_allow(text: str) -> None:
    known = KnownMembers()
    known.add("identity", "[]")
    assert known.cut(text) is None
    assert known.cut(' \n{\t"identity"\r\n:\n[] \t}\n ') == [("identity", "[]")]


def test_sets_compiled_from_cut_members_decide_like_sets_compiled_whole() -> None:
    """Two texts with the same members (different whitespace) compile to sets that decide alike."""
    import json

    sets = PolicySets()
    a, b = json.dumps(POLICIES), json.dumps(POLICIES, indent=2)
    assert sets.compile_text(a) and sets.compile_text(b)
    whole = compile_batch_policies(POLICIES, "p")
    for context in ({}, {"aws:sourceip": "203.0.113.7", "aws:securetransport": "true"}):
        parts = ("arn:aws:iam::111122223333:role/app", "s3:GetObject", "arn:aws:s3:::d/k", ACCOUNT, context)
        expected = whole.decide_parts(*parts)
        assert sets.by_text[a].decide_parts(*parts) == expected == sets.by_text[b].decide_parts(*parts)


PATTERNS = [
    "arn:aws:s3:::data/*",
    "arn:aws:s3:::data",
    "arn:aws:s3:::logs-?/x*",
    "arn:aws:ec2:*:111122223333:instance/*",
    "arn:aws:ec2:us-east-1:*:volume/vol-1",
    "arn:aws:s3:::${aws:username}/*",  # a policy variable: the general path
    "arn:aws:iam::111122223333",  # a short ARN (expanded, or refused by policy type)
    "not-an-arn",
]
RESOURCES = [
    "arn:aws:s3:::data/k",
    "arn:aws:s3:::data",
    "arn:aws:s3:::logs-1/xy",
    "arn:aws:s3:::bob/k",
    "arn:aws:ec2:us-east-1:111122223333:instance/i-1",
    "arn:aws:ec2:us-east-1:444455556666:volume/vol-1",
    "arn:aws:iam::111122223333:role/r",
]


@settings(max_examples=400)
@given(
    st.lists(st.sampled_from(PATTERNS), min_size=1, max_size=4),
    st.sampled_from(["Resource", "NotResource"]),
    st.sampled_from(["Allow", "Deny"]),
    st.sampled_from(["identity", "resource", "scp", "pb", "session"]),
    st.sampled_from(RESOURCES),
)
def test_static_resource_patterns_match_like_each_pattern_tested(
    values: list[str], element: str, effect: str, policy_type: str, resource: str
) -> None:
    """A statement whose Resource/NotResource values are all static regexes tests a concrete resource with their
    ``fullmatch`` alone; the answer is the one each pattern's own test gives."""
    from byoc_iam.engine.resources import MATCH, NO_MATCH
    from byoc_iam.engine.statements import RM_LIST, RM_NOT_LIST, Prepared, compile_document

    doc = {"Version": V, "Statement": [{"Effect": effect, "Action": "s3:GetObject", element: values}]}
    st_ = compile_document(doc, policy_type).statements[0]
    req = Prepared()
    req.resource, req.context, req.wild, req.wildcard_only = resource, {"aws:username": "bob"}, False, False
    tests = [p.test(resource, req.context) for p in st_.patterns]
    if st_.res_mode == RM_LIST:
        expected = MATCH in tests
    elif st_.res_mode == RM_NOT_LIST:
        expected = all(t == NO_MATCH for t in tests)
    else:
        return
    assert st_.resource_matches(req) == expected


def test_a_string_subclass_is_not_taken_for_a_field_seen_before() -> None:
    """fast_parts trusts a principal, action and account that passed before by set membership; a ``str`` subclass
    (only a Python caller can pass one) may claim to equal one, so request_parts (any data) does not hand it to
    fast_parts (parsed JSON only) and check_request refuses it."""
    from byoc_iam.engine.batch import fast_parts

    class Claims(str):
        def __eq__(self, other: object) -> bool:
            return True

        def __hash__(self) -> int:
            return str.__hash__(self)  # the hash of the string it claims to be

    good = {
        "principal": "arn:aws:iam::111122223333:role/app",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::d/k",
        "resource_account": ACCOUNT,
    }
    assert fast_parts(good) is not None  # the fields are now known
    for field in ("principal", "action", "resource_account"):
        odd = {**good, field: Claims(good[field])}
        with pytest.raises(UsageError):
            request_parts(odd, 0, "batch.json")


@pytest.mark.parametrize("field", ["principal", "action", "resource", "resource_account"])
@pytest.mark.parametrize("value", [["s3:GetObject"], {"a": "b"}, 7, True])
def test_a_json_value_that_is_no_string_is_declined_where_fields_passed_before(field: str, value: Any) -> None:
    """fast_parts' set membership meets a list or object (unhashable: TypeError) or a number where a field that
    passed before was a string: it declines, and the runner names the field."""
    from byoc_iam.engine.batch import fast_parts, run_batch

    good = {
        "principal": "arn:aws:iam::111122223333:role/app",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::d/k",
        "resource_account": ACCOUNT,
        "context": {},
    }
    assert fast_parts(good) is not None  # the fields are now known
    odd = {**good, field: value}
    assert fast_parts(odd) is None
    text = json.dumps({"policies": {"identity": []}, "requests": [good, odd]})
    out = io.StringIO()
    with pytest.raises(UsageError, match=rf"b\.json\.requests\[1\]\.{field}"):
        run_batch(io.StringIO(text), out, "b.json")
    assert len(out.getvalue().splitlines()) == 1  # the line before it stays
