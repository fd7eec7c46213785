"""Condition operators, one family at a time, plus set operators, IfExists, Null and policy variables."""

from __future__ import annotations

import pytest

from byoc_iam.engine.conditions import evaluate_operator as ev
from byoc_iam.engine.conditions import known_operator


class TestString:
    def test_equals_is_case_sensitive_and_literal(self) -> None:
        assert ev("StringEquals", ["prod"], "prod")
        assert not ev("StringEquals", ["prod"], "PROD")
        assert not ev("StringEquals", ["pro*"], "prod")

    def test_ignore_case(self) -> None:
        assert ev("StringEqualsIgnoreCase", ["Prod"], "pROD")
        assert not ev("StringNotEqualsIgnoreCase", ["Prod"], "pROD")
        assert ev("StringNotEqualsIgnoreCase", ["Prod"], "dev")

    def test_like_wildcards(self) -> None:
        assert ev("StringLike", ["system:serviceaccount:kube-system:*"], "system:serviceaccount:kube-system:ebs")
        assert ev("StringLike", ["a?c"], "abc")
        assert not ev("StringLike", ["a?c"], "abbc")
        assert ev("StringNotLike", ["a*"], "ba")
        assert not ev("StringNotLike", ["a*", "b*"], "ba")

    def test_not_equals_needs_every_value_to_differ(self) -> None:
        assert ev("StringNotEquals", ["a", "b"], "c")
        assert not ev("StringNotEquals", ["a", "b"], "b")

    def test_variables_are_resolved_and_literal(self) -> None:
        ctx = {"aws:username": "bo*"}
        assert ev("StringLike", ["home/${aws:username}"], "home/bo*", ctx)
        assert not ev("StringLike", ["home/${aws:username}"], "home/bob", ctx)
        assert ev("StringEquals", ["${aws:PrincipalTag/team}"], "red", {"aws:principaltag/TEAM": "red"})

    def test_variable_default_and_specials(self) -> None:
        assert ev("StringEquals", ["${aws:PrincipalTag/team, 'none'}"], "none")
        assert ev("StringEquals", ["a${*}b${?}c${$}"], "a*b?c$")
        assert ev("StringLike", ["a${*}"], "a*")
        assert not ev("StringLike", ["a${*}"], "ab")

    def test_unresolvable_variable_never_matches_either_polarity(self) -> None:
        assert not ev("StringEquals", ["${aws:username}"], "x")
        assert not ev("StringNotEquals", ["${aws:username}"], "x")
        assert not ev("StringLike", ["${aws:TagKeys}"], "a", {"aws:TagKeys": ["a", "b"]})


class TestNumericDate:
    def test_numeric(self) -> None:
        assert ev("NumericLessThan", ["10"], "9.5")
        assert ev("NumericEquals", ["10"], "10.0")
        assert ev("NumericGreaterThanEquals", ["10"], "10")
        assert not ev("NumericGreaterThan", ["10"], "ten")
        assert not ev("NumericNotEquals", ["x"], "3")

    def test_dates_iso_and_epoch(self) -> None:
        assert ev("DateEquals", ["2024-01-01"], "2024-01-01T00:00:00Z")
        assert ev("DateEquals", ["2024-01-01T00:00:00Z"], "1704067200")  # epoch seconds
        assert ev("DateEquals", ["2024-01-01T00:00:00Z"], "1704067200000")  # epoch milliseconds
        assert ev("DateEquals", ["2024-01-01T02:00:00+02:00"], "2024-01-01T00:00:00Z")
        assert ev("DateLessThan", ["2024-01-01T00:00:00Z"], "2023-12-31T23:59:59Z")
        assert not ev("DateGreaterThan", ["2024-01-01T00:00:00Z"], "not a date")


class TestBoolBinaryIp:
    def test_bool(self) -> None:
        assert ev("Bool", ["true"], "TRUE")
        assert not ev("Bool", ["true"], "false")
        assert not ev("Bool", ["true"], "yes")

    def test_binary(self) -> None:
        assert ev("BinaryEquals", ["QmluYXJ5"], "QmluYXJ5")
        assert not ev("BinaryEquals", ["QmluYXJ5"], "qmluyxj5")

    def test_ipv4_and_ipv6(self) -> None:
        assert ev("IpAddress", ["10.0.0.0/8"], "10.1.2.3")
        assert not ev("IpAddress", ["10.0.0.0/8"], "11.0.0.1")
        assert ev("IpAddress", ["2001:db8::/32"], "2001:db8:1::5")
        assert ev("IpAddress", ["203.0.113.7"], "203.0.113.7")
        assert ev("NotIpAddress", ["10.0.0.0/8"], "2001:db8::1")  # other family: not in the block
        assert not ev("NotIpAddress", ["10.0.0.0/8"], "not-an-ip")
        assert not ev("IpAddress", ["bad/99"], "10.0.0.1")


class TestArn:
    def test_wildcards_stay_within_segments_except_resource(self) -> None:
        assert ev("ArnLike", ["arn:aws:sns:*:111122223333:topic-*"], "arn:aws:sns:us-east-1:111122223333:topic-a")
        assert not ev("ArnLike", ["arn:aws:sns:*:111122223333:*"], "arn:aws:sns:us-east-1:444455556666:x")
        assert ev("ArnLike", ["arn:aws:logs:*:*:log-group:*"], "arn:aws:logs:us-east-1:1:log-group:/a:b")
        assert ev("ArnEquals", ["arn:aws:iam::*:role/*"], "arn:aws:iam::111122223333:role/r")

    def test_negated_and_invalid(self) -> None:
        assert ev("ArnNotLike", ["arn:aws:iam::111122223333:*"], "arn:aws:iam::444455556666:root")
        assert not ev("ArnNotLike", ["arn:aws:iam::111122223333:*"], "arn:aws:iam::111122223333:root")
        assert not ev("ArnLike", ["arn:aws:iam::1:root"], "not-an-arn")
        # a request value that is no ARN cannot be compared: neither polarity holds (as iam-simulate decides)
        assert not ev("ArnNotEquals", ["arn:aws:iam::1:root"], "not-an-arn")
        # a policy value that is no ARN pattern cannot be compared: neither polarity holds
        assert not ev("ArnLike", ["arn:aws:iam::1"], "arn:aws:iam::1:root")
        assert not ev("ArnNotLike", ["arn:aws:iam::1"], "arn:aws:iam::1:root")


class TestQualifiers:
    def test_missing_key(self) -> None:
        assert not ev("StringEquals", ["a"], None)
        assert ev("StringEqualsIfExists", ["a"], None)
        assert ev("StringNotEquals", ["a"], None)  # negated operators hold for a missing key
        assert ev("NotIpAddress", ["10.0.0.0/8"], None)
        assert not ev("IpAddress", ["10.0.0.0/8"], None)
        assert ev("StringEqualsIfExists", ["a"], "a")
        assert not ev("StringEqualsIfExists", ["a"], "b")

    def test_missing_key_with_every_negated_operator_and_if_exists(self) -> None:
        for op, value in [
            ("StringNotEquals", "a"),
            ("StringNotEqualsIgnoreCase", "a"),
            ("StringNotLike", "a*"),
            ("NumericNotEquals", "1"),
            ("DateNotEquals", "2024-01-01"),
            ("ArnNotEquals", "arn:aws:iam::1:root"),
            ("ArnNotLike", "arn:aws:iam::*:root"),
        ]:
            assert ev(op, [value], None), op
            assert ev(f"{op}IfExists", [value], None), op
        for op, value in [("NumericLessThan", "1"), ("Bool", "true"), ("IpAddress", "10.0.0.0/8"), ("ArnLike", "*")]:
            assert not ev(op, [value], None), op
            assert ev(f"{op}IfExists", [value], None), op

    def test_set_operators_on_a_missing_key_ignore_polarity_and_if_exists(self) -> None:
        assert ev("ForAllValues:StringNotEquals", ["a"], None)
        assert not ev("ForAnyValue:StringNotEquals", ["a"], None)
        assert not ev("ForAnyValue:StringEqualsIfExists", ["a"], None)  # AWS: ForAnyValue needs a value

    def test_null(self) -> None:
        assert ev("Null", ["true"], None)
        assert not ev("Null", ["true"], "x")
        assert ev("Null", ["false"], "x")
        assert not ev("Null", ["false"], None)
        assert ev("Null", ["TRUE"], None)
        assert ev("Null", ["false"], ["a", "b"])  # a multi-valued key is present

    def test_multivalued_key_needs_a_set_operator(self) -> None:
        assert not ev("StringEquals", ["a"], ["a"])
        assert ev("ForAnyValue:StringEquals", ["a"], ["a", "z"])
        assert not ev("ForAllValues:StringEquals", ["a"], ["a", "z"])
        assert ev("ForAllValues:StringEquals", ["a", "z"], ["a", "z"])

    def test_set_operators_on_missing_empty_and_single(self) -> None:
        assert ev("ForAllValues:StringEquals", ["a"], None)
        assert ev("ForAllValues:StringEquals", ["a"], [])
        assert not ev("ForAnyValue:StringEquals", ["a"], None)
        assert not ev("ForAnyValue:StringEquals", ["a"], [])
        assert ev("ForAnyValue:StringLike", ["a*"], "abc")
        assert ev("forallvalues:stringlike", ["k8s.io/*"], ["k8s.io/a", "k8s.io/b"])

    def test_unknown_operator_never_matches(self) -> None:
        assert not known_operator("StringSortOf")
        assert not ev("StringSortOf", ["a"], "a")
        for op in ("StringNotSortOf", "StringSortOfIfExists", "ForAllValues:StringSortOf"):
            assert not ev(op, ["a"], None), op  # not even on a missing key
        assert known_operator("ForAnyValue:NumericLessThanIfExists")

    @pytest.mark.parametrize("key", ["oidc.eks.us-east-1.amazonaws.com/id/ABC:sub", "eks_oidc_url:sub"])
    def test_policy_defined_keys_are_case_insensitive(self, key: str) -> None:
        from byoc_iam.engine.conditions import make_clause, normalise_context

        clause = make_clause("StringEquals", key, ("system:serviceaccount:kube-system:x",))
        assert clause.test(normalise_context({key.upper(): "system:serviceaccount:kube-system:x"}))
        assert not clause.test(normalise_context({key: "SYSTEM:serviceaccount:kube-system:x"}))


def test_the_family_table_names_what_each_family_module_defines() -> None:
    """``FAMILIES`` (read without importing the families) lists exactly each module's ``OPERATORS``, and a lookup
    through ``OPERATORS`` gives the module's class."""
    from importlib import import_module

    from byoc_iam.engine.conditions import FAMILIES, OPERATORS

    for family, names in FAMILIES.items():
        module = import_module(f"byoc_iam.engine.conditions.{family}")
        assert tuple(c.name for c in module.OPERATORS) == names
        for cls in module.OPERATORS:
            assert OPERATORS[cls.name.lower()] is cls and cls.name.lower() in OPERATORS
    assert len(OPERATORS) == sum(len(n) for n in FAMILIES.values()) == len(set(OPERATORS))
    assert OPERATORS.get("stringequalz") is None and "stringequalz" not in OPERATORS
