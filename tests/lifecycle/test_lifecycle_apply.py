"""Integration: read → plan → apply against the moto server process over HTTP (library level)."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from lifecycle_helpers import ACCOUNT, AWS_POLICY, CMP, FaultProxy, make_spec, new_ctx

from byoc_iam.aws.apply import apply_desired, apply_saved, execute, make_plan, read_for
from byoc_iam.aws.read import read_live, read_role
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import AwsContext
from byoc_iam.errors import AwsError, RefusedError
from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.plan import OWNER_TAG, Plan, plan_destroy

CMP_ARN = f"arn:aws:iam::{ACCOUNT}:policy/byoc-test-ebs"


def converge(ctx: AwsContext, spec: RoleSpec, *, adopt: bool = False) -> Plan:
    plan = make_plan(ctx, spec, adopt=adopt)
    if not plan.empty:
        apply_desired(ctx, spec, plan)
    return plan


def assert_matches(ctx: AwsContext, spec: RoleSpec) -> None:
    live = read_role(ctx, spec.role_name)
    assert live is not None
    assert PolicyDocument.from_dict(live.trust_policy).semantically_equal(spec.trust())
    assert sorted(live.managed_policy_arns) == sorted(spec.managed_policy_arns)
    assert set(live.inline_policies) == set(spec.inline_policies)
    assert set(live.customer_managed_policies) == set(spec.customer_managed_policies)
    assert live.tags == {**spec.tags, **OWNER_TAG}
    assert live.description == spec.description


def test_create_from_scratch_then_reapply_makes_zero_writes(ctx: AwsContext, spec: RoleSpec) -> None:
    plan = make_plan(ctx, spec)
    actions = [c.action for c in plan.changes]
    assert actions[:2] == ["iam:CreateRole", "iam:CreatePolicy"]  # phase 1 before the attachments
    assert actions.count("iam:AttachRolePolicy") == 3 and "iam:PutRolePolicy" in actions
    outcome = apply_desired(ctx, spec, plan)
    assert outcome.role_arn == f"arn:aws:iam::{ACCOUNT}:role/byoc-test-role"
    assert_matches(ctx, spec)
    assert read_role(ctx, spec.role_name).customer_managed_policies["byoc-test-ebs"] == CMP  # type: ignore[union-attr]

    again = new_ctx(ctx.endpoint_url or "")
    second = make_plan(again, spec)
    assert second.empty
    assert again.writes == []  # idempotent: the second apply makes no write call
    assert again.reads  # ... but it did read


def test_drift_is_planned_and_repaired(ctx: AwsContext, spec: RoleSpec, iam: Any) -> None:
    converge(ctx, spec)
    # behind the tool's back: detach a managed policy, edit the inline policy, add a principal to the trust
    iam.detach_role_policy(RoleName=spec.role_name, PolicyArn=AWS_POLICY + "AmazonEKS_CNI_Policy")
    edited = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    iam.put_role_policy(RoleName=spec.role_name, PolicyName="ClusterAutoscaler", PolicyDocument=json.dumps(edited))
    trust = json.loads(json.dumps(spec.trust_policy))
    trust["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    )
    iam.update_assume_role_policy(RoleName=spec.role_name, PolicyDocument=json.dumps(trust))

    plan = make_plan(ctx, spec)
    by_action = {c.action: c for c in plan.changes}
    assert set(by_action) == {"iam:AttachRolePolicy", "iam:PutRolePolicy", "iam:UpdateAssumeRolePolicy"}
    assert by_action["iam:AttachRolePolicy"].target == AWS_POLICY + "AmazonEKS_CNI_Policy"
    assert by_action["iam:UpdateAssumeRolePolicy"].security == ""  # removing a principal narrows the trust
    apply_desired(ctx, spec, plan)
    assert_matches(ctx, spec)
    assert make_plan(ctx, spec).empty


def test_a_new_principal_in_the_desired_trust_is_security_relevant(ctx: AwsContext, spec: RoleSpec) -> None:
    converge(ctx, spec)
    trust = json.loads(json.dumps(spec.trust_policy))
    trust["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    )
    plan = make_plan(ctx, spec.model_copy(update={"trust_policy": trust}))
    [change] = plan.changes
    assert "AWS arn:aws:iam::999999999999:root" in change.security


def test_a_role_not_owned_is_refused_unless_adopted(ctx: AwsContext, spec: RoleSpec, iam: Any) -> None:
    iam.create_role(RoleName=spec.role_name, AssumeRolePolicyDocument=json.dumps(spec.trust_policy))
    plan = make_plan(ctx, spec)
    assert plan.refusals and "not managed by byoc-iam" in plan.refusals[0]
    with pytest.raises(RefusedError):
        apply_desired(ctx, spec, plan)
    assert read_role(ctx, spec.role_name).managed_policy_arns == []  # type: ignore[union-attr]  # untouched

    adopted = make_plan(ctx, spec, adopt=True)
    assert not adopted.refusals
    assert any(c.action == "iam:TagRole" and "byoc-iam:managed-by" in str(c.params) for c in adopted.changes)
    apply_desired(ctx, spec, adopted)
    assert_matches(ctx, spec)
    assert make_plan(ctx, spec).empty  # owned from now on: no --adopt needed


def test_saved_plan_applies_exactly_and_is_refused_when_the_role_changed(
    ctx: AwsContext, spec: RoleSpec, iam: Any
) -> None:
    converge(ctx, spec)
    changed = make_spec(description="new description", tags={"team": "data", "env": "prod"})
    saved = Plan.from_json(make_plan(ctx, changed).to_json())
    assert [c.action for c in saved.changes] == ["iam:UpdateRole", "iam:TagRole"]

    stale = Plan.from_json(saved.to_json())
    iam.tag_role(RoleName=spec.role_name, Tags=[{"Key": "someone", "Value": "else"}])
    with pytest.raises(RefusedError, match="changed since this plan was made"):
        apply_saved(ctx, stale)

    fresh = Plan.from_json(make_plan(ctx, changed).to_json())
    before = len(ctx.writes)
    apply_saved(ctx, fresh)
    assert len(ctx.writes) - before == len(fresh.changes)
    role = read_role(ctx, spec.role_name)
    assert role is not None and role.description == "new description" and "someone" not in role.tags


def test_policy_versions_stay_under_five(ctx: AwsContext, spec: RoleSpec) -> None:
    converge(ctx, spec)
    for i in range(6):
        doc = {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": f"ec2:Describe{i}x", "Resource": "*"}],
        }
        plan = converge(ctx, make_spec(customer_managed_policies={"byoc-test-ebs": doc}))
        live = read_live(ctx, spec.role_name).policies[CMP_ARN]
        assert len(live.versions) <= 5
        assert live.document == doc
        if i >= 4:  # v1 + 4 new versions = 5; the next one first deletes the oldest non-default
            assert plan.changes[0].action == "iam:DeletePolicyVersion"


def test_destroy_removes_only_ours(ctx: AwsContext, spec: RoleSpec, iam: Any) -> None:
    # someone else's: a role, and a policy of theirs attached to our role
    iam.create_role(RoleName="not-ours", AssumeRolePolicyDocument=json.dumps(spec.trust_policy))
    theirs = iam.create_policy(PolicyName="theirs", PolicyDocument=json.dumps(CMP))["Policy"]["Arn"]
    converge(ctx, spec)
    iam.attach_role_policy(RoleName=spec.role_name, PolicyArn=theirs)
    # several versions of our customer-managed policy
    v2 = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeTags", "Resource": "*"}]}
    converge(ctx, make_spec(customer_managed_policies={"byoc-test-ebs": v2}))

    plan = plan_destroy(read_live(ctx, spec.role_name))
    actions = [c.action for c in plan.changes]
    assert (
        actions.index("iam:DetachRolePolicy")
        < actions.index("iam:DeletePolicyVersion")
        < actions.index("iam:DeletePolicy")
    )
    assert actions[-1] == "iam:DeleteRole"
    execute(ctx, plan, what="destroy")

    assert read_role(ctx, spec.role_name) is None
    names = {p["PolicyName"] for p in iam.list_policies(Scope="Local")["Policies"]}
    assert names == {"theirs"}  # ours deleted, theirs kept
    assert iam.get_role(RoleName="not-ours")["Role"]["RoleName"] == "not-ours"
    assert plan_destroy(read_live(ctx, spec.role_name)).empty


def test_destroy_refuses_a_role_it_does_not_own(ctx: AwsContext, spec: RoleSpec, iam: Any) -> None:
    iam.create_role(RoleName=spec.role_name, AssumeRolePolicyDocument=json.dumps(spec.trust_policy))
    plan = plan_destroy(read_live(ctx, spec.role_name))
    assert plan.refusals


def test_failure_midway_then_reapply_converges(lc_env: MotoServer, fault_proxy: FaultProxy, spec: RoleSpec) -> None:
    fault_proxy.fail("PutRolePolicy", code="ServiceFailure", status=500)
    failing = new_ctx(fault_proxy.endpoint_url, max_attempts=1)
    plan = make_plan(failing, spec)
    with pytest.raises(AwsError, match=r"changes were made before it failed; .* again: it continues from here"):
        apply_desired(failing, spec, plan)
    partial = read_live(failing, spec.role_name)
    assert partial.role is not None and not partial.role.fields["inline_policies"]

    fault_proxy.faults.clear()
    healthy = new_ctx(lc_env.endpoint_url)
    plan2 = make_plan(healthy, spec)
    assert [c.action for c in plan2.changes] == ["iam:PutRolePolicy"]  # only what was left
    apply_desired(healthy, spec, plan2)
    assert_matches(healthy, spec)


def test_entity_already_exists_is_reconciled(lc_env: MotoServer, spec: RoleSpec) -> None:
    first = new_ctx(lc_env.endpoint_url)
    stale_plan = make_plan(first, spec)  # planned while nothing existed
    converge(new_ctx(lc_env.endpoint_url), spec)  # someone (another byoc-iam) creates everything meanwhile
    outcome = apply_desired(first, spec, stale_plan)
    assert outcome.rounds == 2
    assert_matches(first, spec)


def test_two_applies_at_once_converge(lc_env: MotoServer, spec: RoleSpec) -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            converge(new_ctx(lc_env.endpoint_url), spec)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    check = new_ctx(lc_env.endpoint_url)
    assert_matches(check, spec)
    assert make_plan(check, spec).empty


def test_read_scope_fingerprint_is_stable(ctx: AwsContext, spec: RoleSpec) -> None:
    plan = converge(ctx, spec)
    a = read_for(ctx, spec.role_name, plan.scope).fingerprint()
    b = read_for(new_ctx(ctx.endpoint_url or ""), spec.role_name, plan.scope).fingerprint()
    assert a == b
