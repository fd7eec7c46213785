"""Literal and trailing-``*`` values match without a regex (equality, ``startswith``): each must answer as the
regex IAM's wildcard rules give (``*`` within one of the first five ARN segments, anything in the resource part,
``/`` and ``:`` included)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from byoc_iam.engine.actions import ActionMatcher
from byoc_iam.engine.resources import MATCH, ResourcePattern
from byoc_iam.engine.statements import CStatement
from byoc_iam.model.policy import Statement
from byoc_iam.model.wildcard import glob_regex_source

_PIECE = st.sampled_from(["a", "b", "/", ":", "-", "x1", "*", "?", ""])
_TEXT = st.lists(_PIECE, max_size=4).map("".join)


def _arn_regex(value: str) -> re.Pattern[str]:
    """IAM's match of a Resource ARN, written out: ``*``/``?`` stay within each of the first five segments and match
    anything in the resource part (AWS IAM User Guide, "IAM JSON policy elements: Resource")."""
    parts = value.split(":", 5)
    head = [glob_regex_source(p, star="[^:]*", question="[^:]") for p in parts[:5]]
    return re.compile(":".join(head) + ":" + glob_regex_source(parts[5]), re.DOTALL)


_VALUES = st.builds(
    lambda region, account, rest: f"arn:aws:s3:{region}:{account}:{rest}",
    st.sampled_from(["", "us-east-1", "*", "us-*"]),
    st.sampled_from(["", "111122223333", "*"]),
    _TEXT,
)
_RESOURCES = st.builds(
    lambda region, account, rest: f"arn:aws:s3:{region}:{account}:{rest}",
    st.sampled_from(["", "us-east-1", "us-west-2"]),
    st.sampled_from(["", "111122223333"]),
    _TEXT.filter(lambda t: "*" not in t and "?" not in t),
)


@settings(max_examples=600)
@given(_VALUES, _RESOURCES)
def test_a_static_resource_value_matches_as_its_regex(value: str, resource: str) -> None:
    p = ResourcePattern(value, "identity")
    assert (p.test(resource, {}) == MATCH) == (_arn_regex(value).fullmatch(resource) is not None)
    *head, rest = value.split(":", 5)
    if not any(c in "".join(head) for c in "*?") and "?" not in rest:  # no regex for these two shapes:
        if "*" not in rest:
            assert (p.literal, p.prefix) == (value, None)  # a literal value
        elif rest.count("*") == 1 and rest.endswith("*"):
            assert (p.literal, p.prefix) == (None, value[:-1])  # its only wildcard is its last "*"


@settings(max_examples=300)
@given(st.lists(_VALUES, min_size=1, max_size=4), _RESOURCES, st.booleans())
def test_a_statement_s_static_matchers_answer_as_each_value(values: list[str], resource: str, listed: bool) -> None:
    """The grouped matchers (one set lookup, one ``startswith`` of a tuple, a regex each for the rest) give the
    answer of the values one by one, for Resource and NotResource."""
    element = {"Resource": values} if listed else {"NotResource": values}
    st_ = CStatement(Statement.from_dict({"Effect": "Allow", "Action": "s3:GetObject", **element}), "identity", 0, True)
    assert st_.matchers is not None
    any_match = any(_arn_regex(v).fullmatch(resource) is not None for v in values)
    req = type("Req", (), {"wild": False, "resource": resource, "context": {}})()
    assert st_.resource_matches(req) == (any_match if listed else not any_match)  # type: ignore[arg-type]


@settings(max_examples=600)
@given(st.lists(st.builds(lambda s, n: f"{s}:{n}", st.sampled_from(["s3", "S3", "ec2"]), _TEXT), max_size=4), _TEXT)
def test_an_action_matcher_matches_as_its_regex(values: list[str], name: str) -> None:
    """``s3:Get*`` matches by prefix, the rest by a regex: the answer is IAM's case-insensitive glob either way."""
    for service in ("s3", "ec2"):
        action = f"{service}:{name}".lower()
        expected = any(
            re.fullmatch(glob_regex_source(v.lower()), action, re.DOTALL) is not None for v in values if ":" in v
        )
        assert ActionMatcher(tuple(values)).matches(action) == expected
