"""Execute a plan against IAM: phase by phase, independent changes concurrently (bounded), reconciling
when someone else created the same thing meanwhile, and waiting until a new role is usable."""

from __future__ import annotations

import json
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from byoc_iam.aws.read import read_live
from byoc_iam.aws.session import AwsCallError, AwsContext
from byoc_iam.errors import AwsError, RefusedError
from byoc_iam.model import RoleSpec
from byoc_iam.plan import Change, LiveState, Plan, apply_scope, plan_apply

WORKERS = 4
MAX_ROUNDS = 3
CREATES = {"iam:CreateRole", "iam:CreatePolicy", "iam:CreateOpenIDConnectProvider"}
# Removals that found nothing to remove reached their goal (someone else removed it meanwhile).
REMOVALS = {
    "iam:DetachRolePolicy",
    "iam:DeleteRolePolicy",
    "iam:UntagRole",
    "iam:DeletePolicyVersion",
    "iam:DeletePolicy",
    "iam:DeleteRole",
    "iam:DeleteOpenIDConnectProvider",
    "iam:DeleteRolePermissionsBoundary",
}


@dataclass
class ExecResult:
    """What one execution did: the changes made, and creates that found the entity already there."""

    applied: list[Change] = field(default_factory=list)
    conflicts: list[Change] = field(default_factory=list)


def read_for(ctx: AwsContext, role_name: str, scope: dict[str, list[str]]) -> LiveState:
    return read_live(
        ctx,
        role_name,
        policy_arns=tuple(scope.get("policy_arns", ())),
        oidc_arns=tuple(scope.get("oidc_arns", ())),
    )


def make_plan(ctx: AwsContext, desired: RoleSpec, *, adopt: bool = False, notes: tuple[str, ...] = ()) -> Plan:
    """Read what ``desired`` touches and plan it."""
    account, partition = ctx.account_id(), ctx.partition
    live = read_for(ctx, desired.role_name, apply_scope(desired, account, partition))
    return plan_apply(desired, live, account=account, partition=partition, adopt=adopt, notes=notes)


def _canon(changes: tuple[Change, ...]) -> str:
    """The changes as canonical JSON (what a saved plan file holds after a round trip)."""
    return json.dumps([c.to_dict() for c in changes], sort_keys=True, default=list)


def verify_saved(ctx: AwsContext, plan: Plan, *, adopt: bool = False) -> Plan:
    """Check a saved plan against what it claims, and return it re-derived (never trusted as written).

    The file is data from disk: its ``changes`` (the AWS calls apply makes), ``refusals``, ``scope`` and the
    ``security`` markers could have been edited. So the plan is computed again from its ``desired`` RoleSpec
    and the live state, and refused unless the same changes come out; it is refused, too, when made for
    another account, when the live state changed since (fingerprint), or when it takes over something
    byoc-iam does not own (made with ``--adopt``) and this apply is not given ``--adopt`` as well.
    """
    if plan.command != "apply":
        raise RefusedError(f"this is a {plan.command} plan; only plans saved by `byoc-iam plan --out` can be applied")
    if not isinstance(plan.desired, dict):
        raise RefusedError("this saved plan has no desired role; run `byoc-iam plan --out` again")
    try:
        desired = RoleSpec.model_validate(plan.desired)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "desired"
        raise RefusedError(f"the saved plan's desired role is invalid ({where}: {first['msg']})") from None
    if desired.role_name != plan.role_name:
        raise RefusedError(f"the saved plan is for role {plan.role_name} but its desired role is {desired.role_name}")
    account = ctx.account_id()
    if plan.account != account:
        raise RefusedError(f"this plan was made for account {plan.account}, but the AWS credentials are for {account}")
    partition = ctx.partition
    live = read_for(ctx, plan.role_name, apply_scope(desired, account, partition))
    if live.fingerprint() != plan.fingerprint:
        raise RefusedError(
            f"role {plan.role_name} changed since this plan was made (live state {live.fingerprint()[:19]}..., "
            f"plan computed against {plan.fingerprint[:19]}...); run `byoc-iam plan` again"
        )
    again = plan_apply(desired, live, account=account, partition=partition, adopt=plan.adopt)
    if (
        _canon(again.changes) != _canon(plan.changes)
        or list(again.refusals) != list(plan.refusals)
        or again.scope != plan.scope
        or again.role_arn != plan.role_arn
    ):
        raise RefusedError(
            "the saved plan's changes do not match its desired role and the live state "
            "(was the file edited?); run `byoc-iam plan --out` again"
        )
    if plan.adopt and not adopt:
        unowned = plan_apply(desired, live, account=account, partition=partition, adopt=False).refusals
        if unowned:
            raise RefusedError(f"this plan was made with --adopt: {unowned[0]}; pass --adopt to apply it")
    return Plan(
        command=again.command,
        role_name=again.role_name,
        fingerprint=again.fingerprint,
        changes=again.changes,
        scope=again.scope,
        refusals=again.refusals,
        notes=plan.notes,
        adopt=again.adopt,
        role_arn=again.role_arn,
        desired=again.desired,
        account=again.account,
    )


def check_refusals(plan: Plan) -> None:
    if plan.refusals:
        more = len(plan.refusals) - 1
        raise RefusedError(plan.refusals[0] + (f" (and {more} more)" if more else ""))


def execute(
    ctx: AwsContext,
    plan: Plan,
    *,
    workers: int | None = None,
    on_change: Callable[[Change], None] | None = None,
    what: str = "apply",
) -> ExecResult:
    """Make the plan's calls. A failure stops after its phase with one line saying what was done and that
    running the command again converges (every change is safe to repeat or is re-planned from the state)."""
    result = ExecResult()
    total = len(plan.changes)
    with ThreadPoolExecutor(max_workers=max(1, workers or WORKERS)) as pool:
        for phase in plan.phases():
            futures = [(c, pool.submit(_run, ctx, c)) for c in phase]
            errors: list[AwsCallError] = []
            for change, future in futures:
                try:
                    future.result()
                except AwsCallError as exc:
                    if exc.code == "EntityAlreadyExists" and change.action in CREATES:
                        result.conflicts.append(change)
                        continue
                    if exc.code == "NoSuchEntity" and change.action in REMOVALS:
                        result.applied.append(change)
                        continue
                    errors.append(exc)
                    continue
                result.applied.append(change)
                if on_change is not None:
                    on_change(change)
            if errors:
                done = len(result.applied)
                raise AwsError(
                    f"{errors[0].message} — {done} of {total} changes were made before it failed; "
                    f"fix the cause and run `byoc-iam {what}` again: it continues from here"
                )
            if result.conflicts:
                return result
            for change in phase:
                if change.action == "iam:CreateRole" and change in result.applied:
                    ctx.wait("iam:GetRole", "role_exists", RoleName=change.params["RoleName"])
    return result


def _run(ctx: AwsContext, change: Change) -> Any:
    return ctx.call(change.action, **change.params)


@dataclass
class ApplyOutcome:
    plan: Plan  # the first plan (what was shown)
    applied: list[Change] = field(default_factory=list)
    rounds: int = 1
    role_arn: str = ""


def apply_desired(
    ctx: AwsContext,
    desired: RoleSpec,
    plan: Plan,
    *,
    on_change: Callable[[Change], None] | None = None,
) -> ApplyOutcome:
    """Execute ``plan`` (made from ``desired``); when a create finds the entity already there (another apply
    ran at the same time), read again, plan again and continue — refusing if it is not ours."""
    outcome = ApplyOutcome(plan=plan, role_arn=plan.role_arn)
    current = plan
    for round_no in range(1, MAX_ROUNDS + 1):
        check_refusals(current)
        result = execute(ctx, current, on_change=on_change)
        outcome.applied += result.applied
        if not result.conflicts:
            return outcome
        current = make_plan(ctx, desired, adopt=plan.adopt)
        outcome.rounds = round_no + 1
        outcome.role_arn = current.role_arn
        if current.empty:
            return outcome
    raise AwsError(
        f"role {desired.role_name} kept changing while byoc-iam applied it (another apply running?); "
        "run `byoc-iam apply` again"
    )


def apply_saved(
    ctx: AwsContext,
    plan: Plan,
    *,
    adopt: bool = False,
    on_change: Callable[[Change], None] | None = None,
) -> ApplyOutcome:
    """Apply exactly a saved plan, after :func:`verify_saved` (account, fingerprint, changes re-derived)."""
    checked = verify_saved(ctx, plan, adopt=adopt)
    check_refusals(checked)
    result = execute(ctx, checked, on_change=on_change)
    if result.conflicts:
        raise RefusedError(
            f"{result.conflicts[0].target} appeared while the saved plan was applied; run `byoc-iam plan` again"
        )
    return ApplyOutcome(plan=checked, applied=result.applied, role_arn=checked.role_arn)
