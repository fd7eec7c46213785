"""Issue 12, pure parts: the one trust guard (semantic: NotAction, new actions, weaker conditions; fail closed),
permissions-boundary removal named as what it is, saved plans signed and checked, plan text escaped."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lifecycle_helpers import ACCOUNT, TRUST, make_spec

from byoc_iam.errors import RefusedError
from byoc_iam.plan import OWNER_TAG, LiveRole, LiveState, Plan, plan_apply, plan_lines
from byoc_iam.plan.saved import check_signature, seal
from byoc_iam.plan.trust import guard_trust, retarget_oidc, unapproved, widening

PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
HOST = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/boundary"


def linked() -> dict[str, Any]:
    return retarget_oidc(TRUST, PROVIDER)


def edit(index: int, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(linked()))
    doc["Statement"][index].update(changes)
    for key in [k for k, v in changes.items() if v is None]:
        doc["Statement"][index].pop(key)
    return doc


def cond(**ops: Any) -> dict[str, Any]:
    return {"Condition": ops}


SA = "system:serviceaccount:kube-system:cluster-autoscaler"
AUD, SUB = f"{HOST}:aud", f"{HOST}:sub"
WIDER = {
    "Action to NotAction": edit(0, Action=None, NotAction="sts:TagSession"),
    "Action to NotAction, same value": edit(0, Action=None, NotAction="sts:AssumeRole"),  # textual rules miss it
    "NotAction that excludes less": (
        edit(0, Action=None, NotAction=["sts:TagSession", "sts:SetSourceIdentity"]),
        edit(0, Action=None, NotAction="sts:TagSession"),
    ),
    "action wildcard": edit(0, Action="sts:*"),
    "new action": edit(1, Action=["sts:AssumeRole", "sts:AssumeRoleWithSAML"]),
    "StringEquals to StringNotEquals": edit(
        2, **cond(StringEquals={AUD: "sts.amazonaws.com"}, StringNotEquals={SUB: SA})
    ),
    "condition to IfExists": edit(2, **cond(StringEqualsIfExists={AUD: "sts.amazonaws.com", SUB: SA})),
    "new Resource element": edit(0, Resource="*"),
    "NotPrincipal": edit(0, Principal=None, NotPrincipal={"AWS": f"arn:aws:iam::{ACCOUNT}:root"}),
    "new service principal": edit(0, Principal={"Service": ["eks.amazonaws.com", "lambda.amazonaws.com"]}),
    "Bool value changed": (
        edit(0, **cond(Bool={"aws:SecureTransport": "true"})),
        edit(0, **cond(Bool={"aws:SecureTransport": ["true", "false"]})),
    ),
    "negated operator loses a value": (
        edit(0, **cond(StringNotEquals={"aws:SourceAccount": ["111111111111", "222222222222"]})),
        edit(0, **cond(StringNotEquals={"aws:SourceAccount": "111111111111"})),
    ),
}
NOT_WIDER = {
    "drop a statement": {"Version": "2012-10-17", "Statement": linked()["Statement"][:2]},
    "drop a sub value": (
        edit(2, **cond(StringEquals={AUD: "sts.amazonaws.com", SUB: [SA, "system:serviceaccount:x:y"]})),
        linked(),
    ),
    "add a condition": edit(0, **cond(StringEquals={"aws:SourceAccount": ACCOUNT})),
    "Sid and order only": {
        "Version": "2012-10-17",
        "Statement": [dict(s, Sid=f"S{i}") for i, s in enumerate(reversed(linked()["Statement"]))],
    },
    "negated operator gains a value": (
        edit(0, **cond(StringNotEquals={"aws:SourceAccount": "111111111111"})),
        edit(0, **cond(StringNotEquals={"aws:SourceAccount": ["111111111111", "222222222222"]})),
    ),
    "narrower NotAction": (
        edit(0, Action=None, NotAction="sts:TagSession"),
        edit(0, Action=None, NotAction=["sts:TagSession", "sts:SetSourceIdentity"]),
    ),
    "action case": edit(0, Action="STS:assumerole"),
    "add a Deny": {
        **linked(),
        "Statement": [*linked()["Statement"], {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}],
    },
}


def pair(value: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    return value if isinstance(value, tuple) else (linked(), value)


@pytest.mark.parametrize("case", sorted(WIDER))
def test_the_guard_marks_every_widening(case: str) -> None:
    old, new = pair(WIDER[case])
    assert widening(old, new), case
    assert guard_trust(old, new).startswith("admits new principal(s)"), case
    plan = plan_apply(make_spec(trust_policy=new), live_of(old), account=ACCOUNT)
    assert unapproved(plan, allow_trust_widening=False).startswith("the plan widens the trust policy"), case
    assert unapproved(plan, allow_trust_widening=True) == ""


@pytest.mark.parametrize("case", sorted(NOT_WIDER))
def test_the_guard_accepts_what_it_proves_narrower(case: str) -> None:
    old, new = pair(NOT_WIDER[case])
    assert widening(old, new) == [], case
    assert guard_trust(old, new) == ""


def test_link_mode_accepts_the_retarget_and_marks_what_else_it_makes_live() -> None:
    assert guard_trust(TRUST, linked(), linking_to=PROVIDER).startswith("links the trust")
    loose = json.loads(json.dumps(TRUST))
    loose["Statement"][2]["Condition"] = {"StringEquals": {"eks_oidc_url:aud": "sts.amazonaws.com"}}
    assert "no StringEquals on" in guard_trust(TRUST, retarget_oidc(loose, PROVIDER), linking_to=PROVIDER)


def live_of(trust: dict[str, Any], **fields: Any) -> LiveState:
    spec = make_spec(trust_policy=trust)
    data = spec.model_dump(mode="json")
    data.pop("customer_managed_policies")
    data.update(tags={**spec.tags, **OWNER_TAG}, **fields)
    cmp = f"arn:aws:iam::{ACCOUNT}:policy/byoc-test-ebs"
    from byoc_iam.plan import LivePolicy

    pol = LivePolicy(
        cmp, "byoc-test-ebs", "/", "v1", ("v1",), spec.customer_managed_policies["byoc-test-ebs"], dict(OWNER_TAG), 1
    )
    arns = tuple(sorted([*spec.managed_policy_arns, cmp]))
    role = LiveRole(f"arn:aws:iam::{ACCOUNT}:role/{spec.role_name}", "AROA1", data, arns)
    return LiveState(spec.role_name, role, {cmp: pol})


def test_removing_the_permissions_boundary_is_named_as_that() -> None:
    plan = plan_apply(
        make_spec(trust_policy=linked()), live_of(linked(), permissions_boundary=BOUNDARY), account=ACCOUNT
    )
    [change] = plan.security_changes
    assert change.kind == "permissions boundary" and "removes the permissions boundary" in change.security
    why = unapproved(plan, allow_trust_widening=True)
    assert why.startswith(f"the plan removes the permissions boundary of byoc-test-role ({BOUNDARY})")
    assert "--allow-boundary-removal" in why and "trust" not in why
    assert unapproved(plan, allow_trust_widening=False, allow_boundary_removal=True) == ""
    text = "\n".join(plan_lines(plan))
    assert "permissions boundary would be removed" in text and "trust policy would admit" not in text


KEY = b"k" * 32


def saved_plan() -> Plan:
    spec = make_spec(trust_policy=linked(), description="changed")
    return seal(plan_apply(spec, live_of(linked()), account=ACCOUNT), KEY, version="1.0", flags={"adopt": False})


def test_a_consistently_edited_saved_plan_is_refused() -> None:
    plan = saved_plan()
    check_signature(Plan.from_json(plan.to_json()), KEY, version="1.0")  # the honest file passes
    data = json.loads(plan.to_json())
    admin = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    data["desired"]["inline_policies"]["Admin"] = admin
    data["changes"].append(
        {"symbol": "+", "kind": "inline policy", "target": "Admin", "action": "iam:PutRolePolicy", "phase": 2,
         "params": {"RoleName": "byoc-test-role", "PolicyName": "Admin", "PolicyDocument": json.dumps(admin)}}
    )  # fmt: skip
    from byoc_iam.plan.saved import desired_digest

    data["origin"]["desired_digest"] = desired_digest(data["desired"])  # even the digest made to match
    with pytest.raises(RefusedError, match="do not match its signature"):
        check_signature(Plan.from_json(json.dumps(data)), KEY, version="1.0")
    with pytest.raises(RefusedError, match="not signed"):
        check_signature(Plan.from_json(json.dumps({**data, "signature": ""})), KEY, version="1.0")
    with pytest.raises(RefusedError, match=r"made by byoc-iam 1\.0"):
        check_signature(plan, KEY, version="2.0")
    with pytest.raises(RefusedError, match="signature"):
        check_signature(plan, b"other" * 8, version="1.0")


def test_plan_text_from_a_file_is_printed_escaped() -> None:
    plan = Plan("apply", "r", "sha256:x", notes=("\x1b]0;pwned\x07\x1b[2J\rnote\u009b",))
    [line] = [x for x in plan_lines(plan) if x.startswith("note:")]
    assert "\x1b" not in line and "\x07" not in line and "\r" not in line and "\u009b" not in line
    assert "\\x1b]0;pwned\\x07" in line


def _big(n: int) -> dict[str, Any]:
    actions = [f"ec2:DescribeThing{i:05d}" for i in range(n)]
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"inline_policies": {"A": _big(250), "B": _big(250)}}, "IAM allows 10,240 per role"),
        ({"customer_managed_policies": {"byoc-test-ebs": _big(300)}}, "IAM allows 6,144"),
        ({"managed_policy_arns": [f"arn:aws:iam::aws:policy/P{i}" for i in range(10)]}, "allows 10"),
        ({"tags": {f"k{i}": "v" for i in range(50)}}, "IAM allows 50"),
    ],
)
def test_iam_quotas_are_refusals_before_any_write(changes: dict[str, Any], expected: str) -> None:
    plan = plan_apply(make_spec(**changes), LiveState("byoc-test-role"), account=ACCOUNT)
    assert any(expected in r for r in plan.refusals), plan.refusals
    assert not plan_apply(make_spec(), LiveState("byoc-test-role"), account=ACCOUNT).refusals


def test_the_attached_policies_quota_can_be_raised() -> None:
    spec = make_spec(managed_policy_arns=[f"arn:aws:iam::aws:policy/P{i}" for i in range(12)])
    assert plan_apply(spec, LiveState("byoc-test-role"), account=ACCOUNT).refusals
    assert not plan_apply(spec, LiveState("byoc-test-role"), account=ACCOUNT, max_attached=20).refusals
