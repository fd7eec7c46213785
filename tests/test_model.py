"""The policy model: lossless parse, canonical form, semantic equality, size; RoleSpec validation."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byoc_iam.errors import UsageError
from byoc_iam.model import PolicyDocument, PolicyParseError, RoleSpec, iam_size

DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "A", "Effect": "Allow", "Action": ["ec2:B", "ec2:A"], "Resource": "*"},
        {
            "Effect": "Deny",
            "NotAction": "s3:*",
            "NotResource": ["arn:aws:s3:::x"],
            "Condition": {"Bool": {"aws:SecureTransport": False}, "NumericLessThan": {"s3:max-keys": 10}},
        },
    ],
}


def test_parse_is_lossless() -> None:
    doc = PolicyDocument.from_dict(DOC)
    assert doc.to_dict() == DOC
    assert doc.statements[0].action == ("ec2:B", "ec2:A")
    assert doc.statements[1].not_action == ("s3:*",)
    assert doc.statements[1].condition["Bool"]["aws:SecureTransport"] == ("false",)
    assert doc.statements[1].condition["NumericLessThan"]["s3:max-keys"] == ("10",)


def test_single_statement_object_is_accepted() -> None:
    doc = PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": DOC["Statement"][0]})
    assert len(doc) == 1 and doc.statements[0].sid == "A"


def test_semantic_equality_ignores_order_case_and_list_shape() -> None:
    a = PolicyDocument.from_dict(DOC)
    other = json.loads(json.dumps(DOC))
    other["Statement"].reverse()
    other["Statement"][1]["Action"] = ["EC2:a", "ec2:b"]
    other["Statement"][0]["NotAction"] = ["s3:*"]
    other["Statement"][0]["Condition"]["Bool"]["AWS:SecureTransport"] = "false"
    del other["Statement"][0]["Condition"]["Bool"]["aws:SecureTransport"]
    assert a.semantically_equal(PolicyDocument.from_dict(other))
    other["Statement"][1]["Resource"] = "arn:aws:s3:::y"
    assert not a.semantically_equal(PolicyDocument.from_dict(other))


def test_resource_values_stay_case_sensitive() -> None:
    a = PolicyDocument.from_dict({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::A"}})
    b = PolicyDocument.from_dict({"Statement": {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::a"}})
    assert not a.semantically_equal(b)


def test_iam_size_excludes_whitespace() -> None:
    compact = json.dumps(DOC, separators=(",", ":"))
    assert iam_size(DOC) == len(compact)
    assert PolicyDocument.from_json(json.dumps(DOC, indent=4)).iam_size() == len(compact)
    assert iam_size({"a": "x y"}) == len('{"a":"xy"}')


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ('{"Statement": [}', "line 1"),
        ("[]", "must be a JSON object"),
        ('{"Version": "2012-10-17"}', "no Statement"),
        ('{"Statement": {"Effect": "Maybe"}}', "Effect"),
        ('{"Statement": {"Effect": "Allow", "Action": 3}}', "/Statement/Action"),
        ('{"Statement": {"Effect": "Allow", "Principal": "me"}}', "Principal"),
        ('{"Statement": {"Effect": "Allow", "Condition": {"StringEquals": "x"}}}', "StringEquals"),
    ],
)
def test_parse_errors_say_where(text: str, fragment: str) -> None:
    with pytest.raises(PolicyParseError) as err:
        PolicyDocument.from_json(text)
    assert fragment in str(err.value)


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda kids: st.lists(kids, max_size=3) | st.dictionaries(st.text(max_size=5), kids, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.sampled_from(["Version", "Statement", "Id", "x"]), _json, max_size=4))
def test_parse_never_crashes_on_random_json(data: dict[str, object]) -> None:
    try:
        doc = PolicyDocument.from_dict(data)
    except PolicyParseError:
        return
    assert doc.semantically_equal(PolicyDocument.from_dict(doc.canonical()))


TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def test_rolespec_round_trip() -> None:
    spec = RoleSpec(
        role_name="r", trust_policy=TRUST, managed_policy_arns=["arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"]
    )
    again = RoleSpec.from_json(spec.to_json())
    assert again == spec
    assert set(json.loads(spec.to_json())) == {
        "role_name",
        "path",
        "description",
        "max_session_duration",
        "permissions_boundary",
        "trust_policy",
        "managed_policy_arns",
        "inline_policies",
        "customer_managed_policies",
        "tags",
    }


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"role_name": "bad name"}, "role_name: must be 1-64"),
        ({"role_name": "x" * 65}, "role_name"),
        ({"path": "no-slash"}, "path: must be '/'"),
        ({"tags": {"aws:x": "y"}}, "reserved"),
        ({"tags": {"k": "v" * 257}}, "tag value"),
        ({"managed_policy_arns": ["not-an-arn"]}, "managed_policy_arns: must be a policy ARN"),
        ({"max_session_duration": 60}, "max_session_duration"),
        ({"trust_policy": {"Statement": 1}}, "trust_policy"),
        ({"unknown": 1}, "unknown"),
    ],
)
def test_rolespec_errors_are_one_line(change: dict[str, object], fragment: str) -> None:
    data = {"role_name": "r", "trust_policy": TRUST, **change}
    with pytest.raises(UsageError) as err:
        RoleSpec.from_json(json.dumps(data))
    assert fragment in err.value.message
    assert "\n" not in err.value.message


@pytest.mark.parametrize(
    ("field", "value", "rule"),
    [
        ("role_name", "has space", "must be 1-64 characters of letters, digits and +=,.@_-"),
        ("path", "nope", "must be '/' or start and end with '/'"),
        ("permissions_boundary", "arn:aws:iam::123:policy/x", "must be a policy ARN"),
        ("tags", {"aws:team": "x"}, "tag key 'aws:team' must not start with 'aws:'"),
        ("tags", {f"k{i}": "v" for i in range(51)}, "at most 50 tags per role"),
    ],
)
def test_rolespec_and_blueprint_inputs_share_the_naming_rules(field: str, value: object, rule: str) -> None:
    """One check per rule (model/rules.py via model/role.py's field types): both models break it alike."""
    from pydantic import ValidationError

    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.model.role import describe_validation_error

    messages = []
    for build in (
        lambda: RoleSpec.model_validate({"role_name": "r", "trust_policy": {"Statement": []}, field: value}),
        lambda: BlueprintInputs.model_validate({"account_id": "123456789012", field: value}),
    ):
        with pytest.raises(ValidationError) as info:
            build()
        messages.append(describe_validation_error(info.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"{field}: {rule}")


def test_rules_checked_raises_the_rule() -> None:
    from byoc_iam.model import rules

    assert rules.checked(rules.check_account_id, "123456789012") == "123456789012"
    with pytest.raises(ValueError, match="must be exactly 12 digits"):
        rules.checked(rules.check_account_id, "12")
    assert rules.check_tags({"team": "data"}) is None
