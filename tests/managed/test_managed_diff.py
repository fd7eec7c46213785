"""The pure diff: literal case-insensitive action diff, statement-level diff."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from byoc_iam.managed import diff_policies, get_catalog
from byoc_iam.managed.diff import action_diff, statement_diff, with_partition


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(actions: list[str] | str, resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": actions, "Resource": resource, **extra}


def test_identical_documents_have_no_change() -> None:
    p = get_catalog().by_name("AWSServiceRoleForAmazonEKSNodegroup")
    assert p is not None
    d = diff_policies(p.document, p.document.to_dict(), name=p.name, old_version="v1", new_version="v1")
    assert not d.changed and not d.actions.changed
    assert d.statements.unchanged == len(p.document.statements)
    assert d.describe() == [f"{p.name}: no change (v1, same document)"]


def test_reordering_and_case_and_sid_are_not_changes() -> None:
    a = doc(allow(["ec2:DescribeVpcs", "ec2:DescribeSubnets"]), allow("s3:GetObject", "arn:aws:s3:::b/*"))
    b = doc(
        allow("s3:getobject", ["arn:aws:s3:::b/*"], Sid="S3"),
        allow(["EC2:DescribeSubnets", "ec2:describevpcs"]),
    )
    d = diff_policies(a, b, old_version="v1", new_version="v2")
    assert not d.changed and d.version_changed
    assert "semantically the same" in d.describe()[0]


def test_actions_added_and_removed_are_literal() -> None:
    a = doc(allow(["ec2:DescribeSubnets", "ec2:DescribeVpcs"]))
    b = doc(allow(["ec2:Describe*", "ec2:DescribeVpcs", "ec2:CreateTags"]))
    d = action_diff(a, b)
    assert d.added == ("ec2:CreateTags", "ec2:Describe*")  # the wildcard is not expanded
    assert d.removed == ("ec2:DescribeSubnets",)


def test_deny_and_not_action_are_their_own_kinds() -> None:
    a = doc(allow("s3:*"))
    b = doc(allow("s3:*"), {"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "*"})
    d = action_diff(a, b)
    assert d.added == () and d.removed == ()
    assert d.changed
    assert d.to_dict()["other"] == [{"kind": "Deny", "added": ["s3:DeleteBucket"], "removed": []}]
    c = doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})
    assert action_diff(a, c).to_dict()["other"] == [{"kind": "Allow NotAction", "added": ["iam:*"], "removed": []}]


def test_statement_pairing_by_sid_and_element_changes() -> None:
    a = doc(
        allow(["ec2:CreateTags"], "arn:aws:ec2:*:*:network-interface/*", Sid="Tag"),
        allow(["ec2:DescribeInstances"]),
    )
    b = doc(
        allow(["ec2:DescribeInstances"]),
        allow(
            ["ec2:CreateTags"],
            ["arn:aws:ec2:*:*:network-interface/*", "arn:aws:ec2:*:*:instance/*"],
            Sid="Tag",
            Condition={"StringEquals": {"aws:RequestTag/eks": "owned"}},
        ),
    )
    s = statement_diff(a, b)
    assert s.unchanged == 1 and not s.added and not s.removed
    (c,) = s.changed
    assert (c.old_index, c.new_index, c.sid) == (0, 1, "Tag")
    by = {e.element: (e.added, e.removed) for e in c.elements}
    assert by == {
        "Resource": (("arn:aws:ec2:*:*:instance/*",), ()),
        "Condition": (("StringEquals aws:RequestTag/eks=owned",), ()),
    }


def test_condition_value_case_is_a_change_but_key_case_is_not() -> None:
    a = doc(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/Team": "a"}}))
    b = doc(allow("s3:GetObject", Condition={"StringEquals": {"aws:principaltag/team": "a"}}))
    assert not diff_policies(a, b).changed
    c = doc(allow("s3:GetObject", Condition={"StringEquals": {"aws:PrincipalTag/Team": "A"}}))
    (change,) = statement_diff(a, c).changed
    assert [(e.element, e.added, e.removed) for e in change.elements] == [
        ("Condition", ("StringEquals aws:PrincipalTag/Team=A",), ("StringEquals aws:PrincipalTag/Team=a",))
    ]


def test_unrelated_statements_are_added_and_removed() -> None:
    a = doc(allow("s3:GetObject", "arn:aws:s3:::a/*"))
    b = doc(allow("kms:Decrypt", "arn:aws:kms:*:*:key/1"))
    s = statement_diff(a, b)
    assert not s.changed
    assert [i for i, _ in s.added] == [0] and [i for i, _ in s.removed] == [0]
    assert s.added[0][1]["Action"] == "kms:Decrypt"  # as written
    lines = diff_policies(a, b, name="P", old_version="v1", new_version="v2").describe()
    assert lines[0] == "P: changed (v1 -> v2)"
    assert "  + kms:Decrypt" in lines and "  - s3:GetObject" in lines


ACTIONS = st.sampled_from(
    ["ec2:DescribeVpcs", "ec2:DescribeSubnets", "ec2:CreateTags", "s3:GetObject", "s3:*", "iam:PassRole", "eks:*"]
)
CASED = ACTIONS.flatmap(lambda a: st.sampled_from([a, a.lower(), a.upper()]))
STATEMENTS = st.lists(CASED, min_size=1, max_size=4).map(lambda acts: allow(acts))
DOCS = st.lists(STATEMENTS, min_size=1, max_size=4).map(lambda sts: doc(*sts))


def _actions(d: dict[str, Any]) -> set[str]:
    return {a.lower() for s in d["Statement"] for a in ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}


@given(DOCS, DOCS)
def test_action_diff_is_the_case_insensitive_set_difference(a: dict[str, Any], b: dict[str, Any]) -> None:
    d = diff_policies(a, b)
    assert {x.lower() for x in d.actions.added} == _actions(b) - _actions(a)
    assert {x.lower() for x in d.actions.removed} == _actions(a) - _actions(b)
    back = diff_policies(b, a)
    assert {x.lower() for x in back.actions.added} == {x.lower() for x in d.actions.removed}
    s = d.statements
    assert s.unchanged + len(s.removed) + len(s.changed) == len(a["Statement"])
    assert s.unchanged + len(s.added) + len(s.changed) == len(b["Statement"])
    assert not diff_policies(a, a).changed


def test_with_partition_rewrites_arns_only() -> None:
    a = doc(
        allow("ec2:CreateTags", ["arn:aws:ec2:*:*:network-interface/*", "*"], Condition={"ArnLike": {"k": "arn:aws:x"}})
    )
    cn = with_partition(a, "aws-cn")
    assert cn["Statement"][0]["Resource"] == ["arn:aws-cn:ec2:*:*:network-interface/*", "*"]
    assert cn["Statement"][0]["Condition"] == {"ArnLike": {"k": "arn:aws-cn:x"}}
    assert cn["Statement"][0]["Action"] == "ec2:CreateTags"
    assert with_partition(a, "aws") == a
    assert diff_policies(with_partition(a, "aws-us-gov"), with_partition(a, "aws-us-gov")).changed is False
    assert diff_policies(a, cn).changed
