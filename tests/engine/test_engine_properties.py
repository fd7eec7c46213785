"""Property tests: monotonicity of Allow/Deny, NotAction as the complement of Action over the catalog,
and agreement between the fast path, explain mode and the batch CLI."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.engine._catalog import all_actions
from byoc_iam.engine.checked import compile_checked
from byoc_iam.errors import MalformedPolicyError

A = "111122223333"
B = "444455556666"
ACTIONS = [
    "s3:GetObject",
    "s3:PutObject",
    "s3:ListBucket",
    "ec2:CreateTags",
    "ec2:RunInstances",
    "iam:PassRole",
    "sts:AssumeRole",
]
ACTION_PATTERNS = [*ACTIONS, "s3:*", "ec2:Create*", "*", "s3:?etObject", "iam:*Role*"]
RESOURCES = [
    "arn:aws:s3:::b/k",
    "arn:aws:s3:::b",
    f"arn:aws:ec2:us-east-1:{A}:instance/i-1",
    f"arn:aws:iam::{A}:role/r",
    "*",
]
RESOURCE_PATTERNS = [
    "*",
    "arn:aws:s3:::b/*",
    "arn:aws:s3:::b",
    "arn:aws:ec2:*:*:instance/*",
    f"arn:aws:iam::{A}:role/*",
    "arn:aws:s3:::${aws:username}/*",
]
PRINCIPALS = [
    f"arn:aws:iam::{A}:role/r",
    f"arn:aws:sts::{A}:assumed-role/r/s",
    f"arn:aws:iam::{B}:user/u",
    "ec2.amazonaws.com",
    None,
]
CONDITIONS = [
    {},
    {"StringEquals": {"aws:PrincipalTag/team": "red"}},
    {"StringNotEquals": {"aws:RequestedRegion": "us-west-2"}},
    {"ForAnyValue:StringLike": {"aws:TagKeys": "k8s*"}},
    {"NumericLessThan": {"s3:max-keys": "10"}},
    {"BoolIfExists": {"aws:SecureTransport": "true"}},
    {"Null": {"aws:PrincipalTag/team": "true"}},
]
CONTEXTS = [
    {},
    {"aws:PrincipalTag/team": "red", "aws:RequestedRegion": "us-west-2"},
    {"aws:TagKeys": ["k8s.io/a", "x"], "s3:max-keys": "5", "aws:SecureTransport": "false", "aws:username": "b"},
]


@st.composite
def statements(draw: Any, effect: str | None = None) -> dict[str, Any]:
    s: dict[str, Any] = {"Effect": effect or draw(st.sampled_from(["Allow", "Deny"]))}
    key = draw(st.sampled_from(["Action", "NotAction"]))
    s[key] = draw(st.lists(st.sampled_from(ACTION_PATTERNS), min_size=1, max_size=3))
    rkey = draw(st.sampled_from(["Resource", "Resource", "NotResource"]))
    s[rkey] = draw(st.lists(st.sampled_from(RESOURCE_PATTERNS), min_size=1, max_size=2))
    cond = draw(st.sampled_from(CONDITIONS))
    if cond:
        s["Condition"] = cond
    return s


def principal_stmt(draw: Any, effect: str | None = None) -> dict[str, Any]:
    s = draw(statements(effect))
    s["Principal"] = draw(
        st.sampled_from(["*", {"AWS": f"arn:aws:iam::{A}:role/r"}, {"AWS": B}, {"Service": "ec2.amazonaws.com"}])
    )
    return s


def doc(stmts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": stmts}


@st.composite
def policy_sets(draw: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"identity": [doc(draw(st.lists(statements(), min_size=1, max_size=4)))]}
    if draw(st.booleans()):
        out["resource"] = doc([principal_stmt(draw) for _ in range(draw(st.integers(1, 3)))])
    if draw(st.booleans()):
        out["boundary"] = [doc(draw(st.lists(statements(), min_size=1, max_size=3)))]
    if draw(st.booleans()):
        out["scp"] = [[doc(draw(st.lists(statements(), min_size=1, max_size=3)))]]
    return out


requests = st.builds(
    lambda p, a, r, acct, c: Request(p, a, r, acct, c, wildcard_only=False),
    st.sampled_from(PRINCIPALS),
    st.sampled_from(ACTIONS),
    st.sampled_from(RESOURCES),
    st.sampled_from([A, B]),
    st.sampled_from(CONTEXTS),
)
RANK = {"ExplicitlyDenied": 0, "ImplicitlyDenied": 1, "Allowed": 2}


def run(ps: dict[str, Any], req: Request) -> str:
    return compile_policies(PolicySet(**ps)).evaluate(req).decision


def with_added(ps: dict[str, Any], where: str, stmt: dict[str, Any]) -> dict[str, Any]:
    new = json.loads(json.dumps(ps))
    if where == "identity":
        new["identity"].append(doc([stmt]))
    elif where == "resource" and new.get("resource"):
        # (adding a first resource policy is not "adding an Allow": for sts:AssumeRole it changes who is trusted)
        new["resource"]["Statement"].append(stmt)
    elif where == "boundary" and new.get("boundary"):
        new["boundary"].append(doc([stmt]))
    elif where == "scp" and new.get("scp"):
        new["scp"][0].append(doc([stmt]))
    else:
        stmt = {k: v for k, v in stmt.items() if k != "Principal"}
        new["identity"].append(doc([stmt]))
    return new


def before_and_after(ps: dict[str, Any], req: Request, data: Any, effect: str) -> tuple[str, str]:
    """The decision before and after adding a drawn ``effect`` statement to a drawn policy type."""
    where = data.draw(st.sampled_from(["identity", "resource", "boundary", "scp"]))
    stmt = principal_stmt(data.draw, effect) if where == "resource" else data.draw(statements(effect))
    return run(ps, req), run(with_added(ps, where, stmt), req)


@settings(max_examples=150)
@given(policy_sets(), requests, st.data())
def test_adding_an_allow_never_removes_access(ps: dict[str, Any], req: Request, data: Any) -> None:
    before, after = before_and_after(ps, req, data, "Allow")
    assert after == "Allowed" or before != "Allowed"


@settings(max_examples=150)
@given(policy_sets(), requests, st.data())
def test_adding_a_deny_never_adds_access(ps: dict[str, Any], req: Request, data: Any) -> None:
    before, after = before_and_after(ps, req, data, "Deny")
    assert RANK[after] <= RANK[before]


@settings(max_examples=100)
@given(policy_sets(), requests)
def test_explain_and_batch_agree_with_evaluate(ps: dict[str, Any], req: Request) -> None:
    from byoc_iam.engine.batch import run_batch

    d = compile_policies(PolicySet(**ps)).evaluate(req)
    exp = d.explain()
    # The statement-by-statement view must account for the decision the fast path made.
    assert all(s.applies for s in exp.deciding)
    results = exp.results
    for policy_type in d.blocked_by:
        assert results[policy_type] != "Allowed", (policy_type, results)
    applied = [s for s in exp.statements if s.applies]
    for s in applied:  # a Deny that applies makes that policy type deny explicitly (where the run consulted it)
        if s.effect == "Deny" and s.policy_type in ("identity", "pb", "scp") and s.policy_type in results:
            assert results[s.policy_type] == "ExplicitlyDenied", (s.label, results)
    if d.decision == "ExplicitlyDenied":
        assert exp.deciding and all(s.effect == "Deny" for s in exp.deciding)
        assert {"ExplicitlyDenied", "DeniedForAccount"} & set(results.values()), results
    elif d.decision == "Allowed":
        assert exp.deciding and all(s.effect == "Allow" for s in exp.deciding)
        assert results.get("identity") == "Allowed" or results.get("resource") in ("Allowed", "AllowedForAccount")
        assert "ExplicitlyDenied" not in results.values()
    json.dumps(exp.to_dict())
    line = {"policies": ps, "request": {**req.to_dict(), "resource_account": req.resource_account}}
    out = io.StringIO()
    try:  # the batch refuses exactly the sets the checked library entry point refuses
        compile_checked(PolicySet(**ps))
    except MalformedPolicyError as exc:
        with pytest.raises(MalformedPolicyError, match=re.escape(f"[{exc.rule}]")):
            run_batch(io.StringIO(json.dumps(line)), out, "t")
        return
    run_batch(io.StringIO(json.dumps(line)), out, "t")
    assert json.loads(out.getvalue()) == {"decision": d.decision, "blocked_by": list(d.blocked_by)}


CATALOG = all_actions()


@settings(max_examples=12)
@given(
    st.lists(
        st.sampled_from(["s3:Get*", "ec2:*", "iam:*Policy*", "*:List*", "sts:AssumeRole", "s3:?ut*", "kms:Decrypt"]),
        min_size=1,
        max_size=3,
    )
)
def test_not_action_is_the_complement_of_action_over_the_catalog(patterns: list[str]) -> None:
    act = compile_policies(PolicySet(identity=[doc([{"Effect": "Allow", "Action": patterns, "Resource": "*"}])]))
    nact = compile_policies(PolicySet(identity=[doc([{"Effect": "Allow", "NotAction": patterns, "Resource": "*"}])]))
    principal = f"arn:aws:iam::{A}:role/r"
    for action in CATALOG[::11]:
        if action.lower() == "sts:getcalleridentity":
            continue
        r = Request(principal, action, "*", A, wildcard_only=False)
        assert act.decide(r)[0] != nact.decide(r)[0], action


def test_catalog_is_large() -> None:
    assert len(CATALOG) > 10000


def test_explain_of_an_anonymous_request_does_not_report_identity_policies() -> None:
    """An anonymous caller has no identity policies (IAM policy evaluation logic): a resource policy allowing
    ``*`` decides, and the explanation does not claim an identity Deny it did not apply (found by hypothesis)."""
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "s3:GetObject", "Resource": "*"}]}
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}],
    }
    cp = compile_policies(PolicySet(identity=[deny], resource=allow))
    req = Request(principal=None, action="s3:GetObject", resource="arn:aws:s3:::b/k")
    d = cp.evaluate(req)
    exp = d.explain()
    assert d.decision == "Allowed" and exp.results.get("resource") == "Allowed"
    assert "identity" not in exp.results
