"""Issue 12: never leave resources behind, never report success that did not happen — under injected faults
(the loopback fault proxy), kill -9 at chosen calls (byoc-iam as a subprocess), and concurrent runs.
Small, fast versions; the measurement is ``bench/reliability.py``."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from lifecycle_helpers import TRUST, FaultProxy, make_spec, new_ctx, raw_client, run_cli
from reliability_harness import (
    kill_at,
    leftovers,
    make_cluster,
    role_args,
    run_sub,
    trust_names_provider,
    until_ok,
)

from byoc_iam.aws.apply import apply_desired, make_plan
from byoc_iam.aws.destroy import destroy, plan_for
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.errors import ByocError, RefusedError

ROLE = "rel-role"


@pytest.fixture
def via_proxy(fault_proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch) -> FaultProxy:
    """In-process CLI runs go through the fault proxy."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.endpoint_url)
    return fault_proxy


def applied(endpoint: str, *extra: str) -> None:
    res = run_sub(("apply", *role_args(ROLE), "--yes", *extra), endpoint)
    assert res.returncode == 0, res.stderr


# -- destroy ----------------------------------------------------------------------------------------------------


def test_destroy_whose_delete_policy_fails_finishes_on_rerun(lc_env: MotoServer, via_proxy: FaultProxy) -> None:
    assert run_cli("apply", *role_args(ROLE), "--yes").code == 0
    via_proxy.fail("DeletePolicy", times=1000)
    failed = run_cli("destroy", "--role-name", ROLE, "--yes", "--max-attempts", "1")
    assert failed.code == 4 and "run `byoc-iam destroy` again" in failed.err
    assert ROLE in leftovers(lc_env.endpoint_url, ROLE)  # the role stays until its policies are gone
    via_proxy.reset()
    again = run_cli("destroy", "--role-name", ROLE, "--yes")
    assert again.code == 0 and "Nothing to destroy" not in again.out, again.err
    assert leftovers(lc_env.endpoint_url, ROLE) == []


def test_destroy_killed_between_detach_and_delete_finishes_on_rerun(
    lc_env: MotoServer, fault_proxy: FaultProxy
) -> None:
    applied(lc_env.endpoint_url)
    assert kill_at(fault_proxy, "DeletePolicy", ("destroy", "--role-name", ROLE, "--yes"), forward=False)
    iam = raw_client(lc_env.endpoint_url)
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []  # detached, not deleted
    assert [a for a in leftovers(lc_env.endpoint_url, ROLE) if ":policy/" in a]
    again = run_sub(("destroy", "--role-name", ROLE, "--yes"), lc_env.endpoint_url)
    assert again.returncode == 0 and "Nothing to destroy" not in again.stdout, again.stderr
    assert leftovers(lc_env.endpoint_url, ROLE) == []


def test_policies_left_by_an_old_interrupted_destroy_are_found_by_tag_and_name(lc_env: MotoServer) -> None:
    assert run_cli("apply", *role_args(ROLE), "--yes").code == 0
    iam = raw_client(lc_env.endpoint_url)
    for att in iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]:
        iam.detach_role_policy(RoleName=ROLE, PolicyArn=att["PolicyArn"])
    iam.delete_role(RoleName=ROLE)  # the role gone first (what an older byoc-iam could leave)
    theirs = iam.create_policy(PolicyName=f"{ROLE}-theirs", PolicyDocument=json.dumps(_DOC))["Policy"]["Arn"]
    res = run_cli("destroy", "--role-name", ROLE, "--yes")
    assert res.code == 0 and "Nothing to destroy" not in res.out, res.err
    assert leftovers(lc_env.endpoint_url, ROLE) == [theirs]  # untagged: not ours, kept


_DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeTags", "Resource": "*"}]}


# -- link-cluster -----------------------------------------------------------------------------------------------


def _linkable(endpoint: str) -> tuple[str, ...]:
    assert run_cli("apply", *role_args(ROLE), "--yes").code == 0
    make_cluster(endpoint, "c1", ROLE)
    return ("link-cluster", "--cluster", "c1", "--role-name", ROLE, "--yes", "--region", "us-east-1")


def test_link_cluster_whose_create_provider_answer_is_lost_still_links(
    lc_env: MotoServer, via_proxy: FaultProxy
) -> None:
    args = _linkable(lc_env.endpoint_url)
    via_proxy.lose("CreateOpenIDConnectProvider")
    res = run_cli(*args)
    assert res.code == 0, res.err
    assert trust_names_provider(lc_env.endpoint_url, ROLE)  # "Linked" means linked


def test_link_cluster_reports_linked_only_after_reading_the_trust_back(
    lc_env: MotoServer, via_proxy: FaultProxy
) -> None:
    args = _linkable(lc_env.endpoint_url)
    via_proxy.fake_ok("UpdateAssumeRolePolicy")  # AWS says done; nothing happened
    res = run_cli(*args)
    assert res.code == 4 and "Linked" not in res.out and "does not name" in res.err, (res.out, res.err)
    assert not trust_names_provider(lc_env.endpoint_url, ROLE)
    via_proxy.reset()
    assert run_cli(*args).code == 0 and trust_names_provider(lc_env.endpoint_url, ROLE)


def test_link_cluster_killed_after_creating_the_provider_converges(lc_env: MotoServer, fault_proxy: FaultProxy) -> None:
    args = _linkable(lc_env.endpoint_url)
    assert kill_at(fault_proxy, "CreateOpenIDConnectProvider", args, forward=True)
    assert not trust_names_provider(lc_env.endpoint_url, ROLE)
    again = run_sub(args, lc_env.endpoint_url)
    assert again.returncode == 0 and "Linked" in again.stdout, again.stderr
    assert trust_names_provider(lc_env.endpoint_url, ROLE)
    assert run_cli("destroy", "--role-name", ROLE, "--yes").code == 0
    assert leftovers(lc_env.endpoint_url, ROLE) == []


# -- apply --------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("action", ["CreateRole", "CreatePolicy", "AttachRolePolicy"])
def test_apply_killed_midway_converges(lc_env: MotoServer, fault_proxy: FaultProxy, action: str) -> None:
    assert kill_at(fault_proxy, action, ("apply", *role_args(ROLE), "--yes"), forward=True)
    applied(lc_env.endpoint_url)
    plan = run_sub(("plan", *role_args(ROLE), "--detailed-exitcode", "--no-check-managed"), lc_env.endpoint_url)
    assert plan.returncode == 0, plan.stdout  # nothing left to do
    assert run_cli("destroy", "--role-name", ROLE, "--yes").code == 0
    assert leftovers(lc_env.endpoint_url, ROLE) == []


def test_a_replan_after_entity_already_exists_is_guarded(lc_env: MotoServer) -> None:
    """Apply meets a role created meanwhile (by another byoc-iam, so ours) with a narrower trust: the plan made
    again widens it, which nobody saw, so it needs the flag like any other."""
    spec = make_spec()
    ctx = new_ctx(lc_env.endpoint_url)
    stale = make_plan(ctx, spec)  # planned while nothing existed: a create, no trust change to guard
    narrow = {"Version": "2012-10-17", "Statement": TRUST["Statement"][:1]}
    apply_desired(
        new_ctx(lc_env.endpoint_url), make_spec(trust_policy=narrow), make_plan(ctx, make_spec(trust_policy=narrow))
    )
    with pytest.raises(RefusedError, match=r"widens the trust policy.*planned again after a conflict"):
        apply_desired(ctx, spec, stale)
    iam = raw_client(lc_env.endpoint_url)
    live = iam.get_role(RoleName=spec.role_name)["Role"]["AssumeRolePolicyDocument"]
    assert "ec2.amazonaws.com" not in json.dumps(live)  # not widened
    outcome = apply_desired(ctx, spec, make_plan(ctx, make_spec(trust_policy=narrow)), allow_trust_widening=True)
    assert outcome.rounds == 1


# -- concurrency ----------------------------------------------------------------------------------------------------


def _threads(*targets: Any) -> list[BaseException]:
    errors: list[BaseException] = []

    def guard(fn: Any) -> None:
        try:
            fn()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=guard, args=(t,)) for t in targets]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


def test_four_concurrent_applies_converge(lc_env: MotoServer) -> None:
    spec = make_spec()

    def one() -> None:
        ctx = new_ctx(lc_env.endpoint_url)
        apply_desired(ctx, spec, make_plan(ctx, spec))

    errors = _threads(*[one] * 4)
    assert all(isinstance(e, ByocError) for e in errors), errors  # at worst "run apply again", never a crash
    ctx = new_ctx(lc_env.endpoint_url)
    if not make_plan(ctx, spec).empty:
        apply_desired(ctx, spec, make_plan(ctx, spec))
    assert make_plan(ctx, spec).empty


def test_apply_racing_destroy_converges_on_rerun(lc_env: MotoServer) -> None:
    spec = make_spec()
    ctx = new_ctx(lc_env.endpoint_url)
    apply_desired(ctx, spec, make_plan(ctx, spec))

    def apply_once() -> None:
        c = new_ctx(lc_env.endpoint_url)
        apply_desired(c, spec, make_plan(c, spec.model_copy(update={"description": "racing"})))

    def destroy_once() -> None:
        c = new_ctx(lc_env.endpoint_url)
        destroy(c, plan_for(c, spec.role_name))

    errors = _threads(apply_once, destroy_once)
    assert all(isinstance(e, ByocError) for e in errors), errors  # partial states are fine, crashes are not
    assert until_ok(lambda: _apply_code(lc_env.endpoint_url, spec), 3)
    assert make_plan(new_ctx(lc_env.endpoint_url), spec).empty
    c = new_ctx(lc_env.endpoint_url)
    destroy(c, plan_for(c, spec.role_name))
    assert leftovers(lc_env.endpoint_url, spec.role_name) == []


def _apply_code(endpoint: str, spec: Any) -> int:
    try:
        ctx = new_ctx(endpoint)
        apply_desired(ctx, spec, make_plan(ctx, spec))
    except ByocError as exc:
        return int(exc.exit_code)
    return 0


# -- 30% injected faults -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2])
def test_lifecycle_at_thirty_percent_faults_converges(lc_env: MotoServer, via_proxy: FaultProxy, seed: int) -> None:
    via_proxy.chaos(0.3, seed)
    assert until_ok(lambda: run_cli("apply", *role_args(ROLE), "--yes").code, 6)
    make_cluster(lc_env.endpoint_url, "c1", ROLE)
    link = ("link-cluster", "--cluster", "c1", "--role-name", ROLE, "--yes", "--region", "us-east-1")
    assert until_ok(lambda: run_cli(*link).code, 6)
    via_proxy.reset()
    assert trust_names_provider(lc_env.endpoint_url, ROLE)
    via_proxy.chaos(0.3, seed + 100)
    assert until_ok(lambda: run_cli("destroy", "--role-name", ROLE, "--yes").code, 6)
    via_proxy.reset()
    assert leftovers(lc_env.endpoint_url, ROLE) == []
    assert len(via_proxy.injected) >= 10  # faults were injected
