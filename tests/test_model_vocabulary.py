"""The one wildcard matcher and the one condition-operator parser (model/), as lint and the engine read them."""

from __future__ import annotations

import pytest

from byoc_iam import servicecatalog
from byoc_iam.engine.conditions import evaluate_operator
from byoc_iam.engine.resources import overlap
from byoc_iam.lint.helpers import operator_suggestion
from byoc_iam.lint.helpers import parse_operator as lint_parse
from byoc_iam.model.operators import parse_operator
from byoc_iam.model.wildcard import glob_covers, glob_match, globs_intersect


def test_servicecatalog_uses_the_model_matcher() -> None:
    assert servicecatalog.glob_match is glob_match and servicecatalog.globs_intersect is globs_intersect


@pytest.mark.parametrize(
    ("pattern", "value", "expected"),
    [("s3:Get*", "s3:GetObject", True), ("s3:?et*", "s3:PutObject", False), ("a*b", "a\nb", True), ("x", "X", False)],
)
def test_glob_match(pattern: str, value: str, expected: bool) -> None:
    assert glob_match(pattern, value) is expected


def test_intersect_and_cover() -> None:
    assert globs_intersect("role/a*", "role/*b") and not globs_intersect("role/a*", "user/*")
    assert glob_covers("role/*", "role/app-*") and not glob_covers("role/app-*", "role/*")


def test_engine_request_overlap_reads_the_same_matcher() -> None:
    assert overlap("us-*", "us-*") == "equal"
    assert overlap("role/app-1", "role/*") == "policy_is_subset"
    assert overlap("role/*", "role/app-*") == "policy_is_superset"
    assert overlap("role/a*", "role/*b") == "overlap"
    assert overlap("role/a*", "user/*") == "none"


def test_operator_parser_parts() -> None:
    p = parse_operator("ForAnyValue:StringLikeIfExists")
    assert (p.set_qualifier, p.base, p.if_exists, p.exact, p.known, p.kind) == (
        "ForAnyValue",
        "StringLike",
        True,
        True,
        True,
        "String",
    )
    lenient = parse_operator("foranyvalue:stringlikeifexists")
    assert lenient.canonical == "StringLike" and not lenient.exact and not lenient.known
    assert not parse_operator("NullIfExists").known and parse_operator("Null").is_null


def test_lint_and_engine_read_case_differently_through_one_parser() -> None:
    # lint: IAM's case is required (and a suggestion is offered); the engine evaluates leniently
    assert lint_parse("stringequals").base is None and operator_suggestion("stringequals") == "StringEquals"
    assert lint_parse("ForAllValues:StringEquals").base == "StringEquals"
    assert evaluate_operator("forallvalues:stringequals", ["a", "b"], ["a"]) is True
    assert evaluate_operator("ForAnyValue:StringEquals", ["a"], ["c"]) is False
