"""The pure planner: diff(desired, live) → ordered changes; trust analysis; plan JSON; plan text."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import given
from hypothesis import strategies as st
from lifecycle_helpers import ACCOUNT, CMP, TRUST, make_spec

from byoc_iam.plan import (
    OWNER_TAG,
    LiveOidcProvider,
    LivePolicy,
    LiveRole,
    LiveState,
    Plan,
    plan_apply,
    plan_destroy,
    plan_lines,
    plan_link,
)
from byoc_iam.plan.diff import linked_trust
from byoc_iam.plan.trust import oidc_provider_arns, retarget_oidc, widening

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
CMP_ARN = f"arn:aws:iam::{ACCOUNT}:policy/byoc-test-ebs"


def live_of(spec: Any, *, tags: dict[str, str] | None = None, **fields: Any) -> LiveState:
    """The LiveState IAM would return for a role applied exactly from ``spec``."""
    data = spec.model_dump(mode="json")
    data.pop("customer_managed_policies")
    data["tags"] = {**spec.tags, **OWNER_TAG} if tags is None else tags
    data["managed_policy_arns"] = sorted(spec.managed_policy_arns)
    data.update(fields)
    attached = tuple(sorted([*spec.managed_policy_arns, CMP_ARN]))
    pol = LivePolicy(CMP_ARN, "byoc-test-ebs", "/", "v1", ("v1",), CMP, dict(OWNER_TAG), 1)
    return LiveState(
        spec.role_name,
        LiveRole(f"arn:aws:iam::{ACCOUNT}:role/{spec.role_name}", "AROA1", data, attached),
        {CMP_ARN: pol},
    )


def test_create_plan_is_ordered_in_phases() -> None:
    plan = plan_apply(make_spec(), LiveState("byoc-test-role"), account=ACCOUNT)
    phases = [[c.action for c in p] for p in plan.phases()]
    assert phases[0] == ["iam:CreateRole", "iam:CreatePolicy"]
    assert sorted(phases[1]) == sorted(["iam:AttachRolePolicy"] * 3 + ["iam:PutRolePolicy"])
    create = plan.changes[0].params
    assert {"Key": "byoc-iam:managed-by", "Value": "byoc-iam"} in create["Tags"]
    assert json.loads(create["AssumeRolePolicyDocument"]) == TRUST


def test_no_changes_when_live_matches() -> None:
    spec = make_spec()
    assert plan_apply(spec, live_of(spec), account=ACCOUNT).empty


def test_semantically_equal_documents_are_no_change() -> None:
    spec = make_spec()
    reordered = json.loads(json.dumps(TRUST))
    reordered["Statement"].reverse()
    reordered["Statement"][0]["Action"] = ["sts:assumerolewithwebidentity"]
    assert plan_apply(spec, live_of(spec, trust_policy=reordered), account=ACCOUNT).empty


def test_drift_changes() -> None:
    spec = make_spec()
    live = live_of(
        spec,
        tags={"team": "ops", "extra": "1"},
        description="old",
        inline_policies={"Other": CMP, "ClusterAutoscaler": CMP},
    )
    plan = plan_apply(spec, live, account=ACCOUNT)
    actions = sorted(c.action for c in plan.changes)
    assert actions == ["iam:DeleteRolePolicy", "iam:PutRolePolicy", "iam:TagRole", "iam:UntagRole", "iam:UpdateRole"]
    assert plan.refusals  # the live tags lost the ownership tag: not ours any more
    tag = next(c for c in plan.changes if c.action == "iam:TagRole")
    assert {"Key": "team", "Value": "data"} in tag.params["Tags"]


def test_new_policy_version_deletes_the_oldest_non_default_at_five() -> None:
    spec = make_spec(customer_managed_policies={"byoc-test-ebs": TRUST_FREE})
    live = live_of(spec)
    pol = LivePolicy(CMP_ARN, "byoc-test-ebs", "/", "v2", ("v2", "v3", "v4", "v5", "v6"), CMP, dict(OWNER_TAG), 1)
    live = LiveState(live.role_name, live.role, {CMP_ARN: pol})
    plan = plan_apply(spec, live, account=ACCOUNT)
    assert [(c.action, c.params.get("VersionId")) for c in plan.changes] == [
        ("iam:DeletePolicyVersion", "v3"),
        ("iam:CreatePolicyVersion", None),
    ]


TRUST_FREE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeTags", "Resource": "*"}],
}


def test_widening_detection() -> None:
    more = json.loads(json.dumps(TRUST))
    more["Statement"][2]["Condition"]["StringEquals"]["eks_oidc_url:sub"] = "system:serviceaccount:default:*"
    assert widening(TRUST, more) and not widening(more, more)
    fewer = {**TRUST, "Statement": TRUST["Statement"][:2]}
    assert widening(TRUST, fewer) == []  # removing a principal narrows
    star = {**TRUST, "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}]}
    assert widening(TRUST, star)[0].startswith("* [sts:assumerole]")
    deny = {**TRUST, "Statement": [*TRUST["Statement"], {"Effect": "Deny", "Principal": "*", "Action": "sts:*"}]}
    assert widening(deny, TRUST)[0].startswith("drops a Deny")


def test_retarget_replaces_the_placeholder_and_condition_keys() -> None:
    out = retarget_oidc(TRUST, PROVIDER)
    stmt = out["Statement"][2]
    assert stmt["Principal"]["Federated"] == PROVIDER
    host = PROVIDER.split("oidc-provider/")[1]
    assert set(stmt["Condition"]["StringEquals"]) == {f"{host}:aud", f"{host}:sub"}
    assert out["Statement"][:2] == TRUST["Statement"][:2]
    assert retarget_oidc(out, PROVIDER) == out  # idempotent
    assert oidc_provider_arns(out) == [PROVIDER]


def test_apply_keeps_a_linked_trust() -> None:
    linked = retarget_oidc(TRUST, PROVIDER)
    assert linked_trust(TRUST, linked) == linked
    spec = make_spec()
    plan = plan_apply(spec, live_of(spec, trust_policy=linked), account=ACCOUNT)
    assert plan.empty and any("stays linked" in n for n in plan.notes)


def test_link_plan() -> None:
    spec = make_spec()
    plan = plan_link(live_of(spec), issuer_url=ISSUER, account=ACCOUNT)
    assert [c.action for c in plan.changes] == ["iam:CreateOpenIDConnectProvider", "iam:UpdateAssumeRolePolicy"]
    assert plan.changes[0].params["ClientIDList"] == ["sts.amazonaws.com"]
    assert "ThumbprintList" not in plan.changes[0].params
    assert plan.changes[1].security  # visible: the trust admits the cluster's provider
    theirs = LiveOidcProvider(PROVIDER, ISSUER, ("other",), (), {})
    live = live_of(spec, trust_policy=retarget_oidc(TRUST, PROVIDER))
    live = LiveState(live.role_name, live.role, live.policies, {PROVIDER: theirs})
    plan = plan_link(live, issuer_url=ISSUER, account=ACCOUNT)
    assert [c.action for c in plan.changes] == ["iam:AddClientIDToOpenIDConnectProvider"]
    assert plan.refusals and "OIDC provider" in plan.refusals[0]
    ok = LiveState(
        live.role_name,
        live.role,
        live.policies,
        {PROVIDER: LiveOidcProvider(PROVIDER, ISSUER, ("sts.amazonaws.com",), (), {})},
    )
    assert plan_link(ok, issuer_url=ISSUER, account=ACCOUNT).empty  # using someone's provider needs no change


def test_destroy_order_and_ownership() -> None:
    spec = make_spec()
    live = live_of(spec, trust_policy=retarget_oidc(TRUST, PROVIDER))
    provider = LiveOidcProvider(PROVIDER, ISSUER, ("sts.amazonaws.com",), (), dict(OWNER_TAG))
    live = LiveState(live.role_name, live.role, live.policies, {PROVIDER: provider})
    plan = plan_destroy(live)
    order = [c.action for c in plan.changes]
    assert order.index("iam:DetachRolePolicy") < order.index("iam:DeletePolicy")
    assert order.index("iam:DeleteRolePolicy") < order.index("iam:DeleteRole")
    # the provider goes before the role: it is found through the role's trust, so a destroy that fails
    # midway must not have deleted the role first (the next destroy could no longer find the provider)
    assert order.index("iam:DeleteOpenIDConnectProvider") < order.index("iam:DeleteRole")
    assert any("other IRSA role" in n for n in plan.notes)
    theirs = LiveState(
        live.role_name, live.role, live.policies, {PROVIDER: LiveOidcProvider(PROVIDER, ISSUER, (), (), {})}
    )
    assert "iam:DeleteOpenIDConnectProvider" not in [c.action for c in plan_destroy(theirs).changes]


def test_plan_json_round_trip_and_text() -> None:
    spec = make_spec()
    live = live_of(spec, inline_policies={"ClusterAutoscaler": CMP})
    plan = plan_apply(spec, live, account=ACCOUNT)
    again = Plan.from_json(plan.to_json())
    assert again == plan
    text = "\n".join(plan_lines(plan))
    assert "~ inline policy ClusterAutoscaler" in text
    # the statement as nested, readable JSON, every line marked
    assert '- {\n      -   "Effect": "Allow",\n      -   "Action": "ec2:DescribeVolumes",' in text
    assert "Plan: 0 to add, 1 to change, 0 to destroy." in text


@given(st.sets(st.sampled_from(["a", "b", "c", "d"])), st.sets(st.sampled_from(["a", "b", "c", "d"])))
def test_applying_the_plan_reaches_the_desired_attachments(want: set[str], have: set[str]) -> None:
    arns = {x: f"arn:aws:iam::aws:policy/P{x}" for x in "abcd"}
    spec = make_spec(managed_policy_arns=[arns[x] for x in sorted(want)], customer_managed_policies={})
    live = live_of(spec)
    role = LiveRole(live.role.arn, "AROA1", live.role.fields, tuple(arns[x] for x in sorted(have)))  # type: ignore[union-attr]
    plan = plan_apply(spec, LiveState(spec.role_name, role), account=ACCOUNT)
    state = set(role.attached_arns)
    for c in plan.changes:
        if c.action == "iam:AttachRolePolicy":
            state.add(c.params["PolicyArn"])
        elif c.action == "iam:DetachRolePolicy":
            state.discard(c.params["PolicyArn"])
    assert state == {arns[x] for x in want}
    assert all(c.action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy") for c in plan.changes)


def test_apply_in_resolved_mode_ensures_the_oidc_provider() -> None:
    spec = make_spec(trust_policy=retarget_oidc(TRUST, PROVIDER))
    plan = plan_apply(spec, LiveState(spec.role_name), account=ACCOUNT)
    first = plan.changes[0]
    assert first.action == "iam:CreateOpenIDConnectProvider" and first.phase == 0
    assert first.params["Url"] == ISSUER
    theirs = LiveOidcProvider(PROVIDER, ISSUER, (), (), {})
    live = LiveState(spec.role_name, None, {}, {PROVIDER: theirs})
    assert plan_apply(spec, live, account=ACCOUNT).refusals  # it lacks the client id and is not ours
    adopted = plan_apply(spec, live, account=ACCOUNT, adopt=True)
    assert {"iam:AddClientIDToOpenIDConnectProvider", "iam:TagOpenIDConnectProvider"} <= {
        c.action for c in adopted.changes
    }
