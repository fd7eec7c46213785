"""Execute a plan against IAM: phase by phase, independent changes concurrently (bounded), reconciling
when someone else created the same thing meanwhile, and waiting until a new role is usable."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

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


def check_fresh(ctx: AwsContext, plan: Plan) -> None:
    """Refuse a saved plan made for another account, or whose live state changed since it was computed."""
    if plan.account and plan.account != ctx.account_id():
        raise RefusedError(
            f"this plan was made for account {plan.account}, but the AWS credentials are for {ctx.account_id()}"
        )
    live = read_for(ctx, plan.role_name, plan.scope)
    if live.fingerprint() != plan.fingerprint:
        raise RefusedError(
            f"role {plan.role_name} changed since this plan was made (live state {live.fingerprint()[:19]}..., "
            f"plan computed against {plan.fingerprint[:19]}...); run `byoc-iam plan` again"
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


def apply_saved(ctx: AwsContext, plan: Plan, *, on_change: Callable[[Change], None] | None = None) -> ApplyOutcome:
    """Apply exactly a saved plan: refuse when the live state changed since it was computed."""
    check_refusals(plan)
    check_fresh(ctx, plan)
    result = execute(ctx, plan, on_change=on_change)
    if result.conflicts:
        raise RefusedError(
            f"{result.conflicts[0].target} appeared while the saved plan was applied; run `byoc-iam plan` again"
        )
    return ApplyOutcome(plan=plan, applied=result.applied, role_arn=plan.role_arn)
