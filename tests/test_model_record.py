"""The hand-written value classes on the start-up paths (issue 18) behave as the dataclasses they replace:
each is held to a ``@dataclass`` declared here with the same fields (repr, equality, hash, immutability), and
``Explanation.to_dict()`` to ``dataclasses.asdict`` of the same explanation rebuilt as dataclasses."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from byoc_iam.engine import CompiledPolicies, Request
from byoc_iam.engine.explain import Trace
from byoc_iam.engine.statements import compile_document
from byoc_iam.engine.types import PolicySet
from byoc_iam.lint.context import DocContext, LintOptions, StatementView
from byoc_iam.lint.positions import SourceMap
from byoc_iam.lint.sources import EmbeddedPolicy
from byoc_iam.model.policy import PolicyDocument, Statement

DOC = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Tagged",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/${aws:username}/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["red", "${aws:username}"]}},
        },
        {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"},
    ],
}


@dataclasses.dataclass(frozen=True)
class _RequestDC:
    principal: str | None
    action: str
    resource: str
    resource_account: str | None = None
    context: Any = dataclasses.field(default_factory=dict)
    wildcard_only: bool | None = None


def test_request_is_a_frozen_dataclass_by_behaviour() -> None:
    args = ("arn:aws:iam::111122223333:role/r", "s3:GetObject", "arn:aws:s3:::b/k", "111122223333")
    req, ref = Request(*args, context={"aws:username": "bob"}), _RequestDC(*args, context={"aws:username": "bob"})
    assert repr(req) == repr(ref).replace("_RequestDC", "Request")
    assert req == Request(*args, context={"aws:username": "bob"}) and req != Request(*args)
    assert Request(*args).context == {} and Request(*args) != ref
    assert hash(Request(*args, context=())) == hash(_RequestDC(*args, context=()))
    with pytest.raises(AttributeError):
        req.action = "s3:PutObject"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del req.action  # type: ignore[misc]
    with pytest.raises(TypeError):  # a dict context is unhashable, as the dataclass's hash was
        hash(req)


def test_policy_set_compares_documents_by_identity() -> None:
    doc = PolicyDocument.from_dict(DOC)
    a, b = PolicySet(identity=[doc]), PolicySet(identity=[doc])
    assert a == b and hash(a) == hash(b)
    assert a != PolicySet(identity=[PolicyDocument.from_dict(DOC)])
    assert repr(a).startswith("PolicySet(identity=(PolicyDocument(statements=(Statement(effect='Allow', sid='Tagged'")
    with pytest.raises(AttributeError):
        a.identity = ()  # type: ignore[misc]


@dataclasses.dataclass(frozen=True, eq=False)
class Statement_:
    effect: str
    sid: str | None = None
    action: Any = None
    not_action: Any = None
    resource: Any = None
    not_resource: Any = None
    principal: Any = None
    not_principal: Any = None
    condition: Any = dataclasses.field(default_factory=dict)
    raw: Any = dataclasses.field(default_factory=dict, repr=False)


def test_statement_and_document_keep_their_dataclass_repr_identity_and_defaults() -> None:
    doc = PolicyDocument.from_dict(DOC)
    st = doc.statements[0]
    fields = {f: getattr(st, f) for f in ("effect", "sid", "action", "resource", "condition", "raw")}
    assert repr(st) == repr(Statement_(**fields)).replace("Statement_", "Statement")
    assert st != Statement.from_dict(DOC["Statement"][0]) and st == st
    built = Statement("Deny")
    assert (built.condition, built.raw, built.to_dict()) == ({}, {}, {"Effect": "Deny"})
    assert PolicyDocument((built,)).version == "2012-10-17" and PolicyDocument((built,)).raw == {}
    with pytest.raises(AttributeError):
        st.effect = "Deny"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        doc.statements = ()  # type: ignore[misc]


def test_lint_records_compare_by_value_and_are_unhashable() -> None:
    assert SourceMap("a\nb") == SourceMap("a\nb") and SourceMap("a\nb").line_col(2) == (2, 1)
    assert repr(SourceMap("x")) == "SourceMap(text='x', offsets={}, duplicates=[], _lines=[0])"
    view = StatementView(0, "/Statement/0", {"Effect": "Allow"})
    assert (
        view.ok
        and not StatementView(0, "/Statement/0", 3).ok
        and view == StatementView(0, "/Statement/0", {"Effect": "Allow"})
    )
    ctx = DocContext(DOC, "identity", LintOptions())
    other = DocContext(DOC, "identity", LintOptions(), memo={"x": 1})
    assert ctx == other  # memo is not compared
    assert "memo" not in repr(ctx) and repr(ctx).startswith("DocContext(doc={")
    assert EmbeddedPolicy("n", "identity", {}) == EmbeddedPolicy("n", "identity", {}, None, frozenset())
    assert Trace() == Trace({}, None) and Trace().results is not Trace().results
    for value in (view, ctx, SourceMap("x"), Trace(), EmbeddedPolicy("n", "identity", {})):
        with pytest.raises(TypeError):
            hash(value)


def _as_dataclasses(value: Any) -> Any:
    """The explanation's records rebuilt as dataclasses with the same fields (what the engine had before)."""
    if isinstance(value, tuple) and hasattr(value, "_fields"):
        cls = dataclasses.make_dataclass(type(value).__name__, value._fields, frozen=True)
        return cls(*(_as_dataclasses(v) for v in value))
    if isinstance(value, tuple):
        return tuple(_as_dataclasses(v) for v in value)
    if isinstance(value, list):
        return [_as_dataclasses(v) for v in value]
    if isinstance(value, dict):
        return {k: _as_dataclasses(v) for k, v in value.items()}
    return value


@pytest.mark.parametrize(
    "context", [{"aws:username": "bob", "aws:PrincipalTag/team": "red"}, {"aws:username": "bob"}, {}]
)
def test_explanation_to_dict_is_what_asdict_gave(context: dict[str, Any]) -> None:
    compiled = CompiledPolicies(identity=(compile_document(PolicyDocument.from_dict(DOC), "identity"),))
    exp = compiled.evaluate(Request(None, "s3:GetObject", "arn:aws:s3:::b/bob/k", None, context)).explain()
    expected = dataclasses.asdict(_as_dataclasses(exp))
    expected["blocked_by"] = list(exp.blocked_by)
    assert exp.to_dict() == expected
    assert json.dumps(exp.to_dict()) == json.dumps(expected)
    details = exp.to_dict()["statements"][0]["conditions"][0]["details"]
    if "aws:PrincipalTag/team" in context:  # the value results are there, as dicts
        assert details and details[0][1][1] == {
            "value": "${aws:username}",
            "matched": False,
            "resolved": "bob",
            "error": None,
        }
