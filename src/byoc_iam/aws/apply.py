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
from byoc_iam.plan.quotas import ATTACHED_DEFAULT
from byoc_iam.plan.saved import check_saved, saved_desired
from byoc_iam.plan.trust import unapproved

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


def make_plan(
    ctx: AwsContext,
    desired: RoleSpec,
    *,
    adopt: bool = False,
    notes: tuple[str, ...] = (),
    max_attached: int = ATTACHED_DEFAULT,
) -> Plan:
    """Read what ``desired`` touches and plan it (``max_attached``: the account's attached-policies quota)."""
    account, partition = ctx.account_id(), ctx.partition
    live = read_for(ctx, desired.role_name, apply_scope(desired, account, partition))
    return plan_apply(
        desired, live, account=account, partition=partition, adopt=adopt, notes=notes, max_attached=max_attached
    )


def check_saved_live(ctx: AwsContext, plan: Plan, *, adopt: bool = False) -> Plan:
    """A saved plan (its signature already checked by the caller) checked once against the live state: read
    what it touches and run the pure :func:`byoc_iam.plan.saved.check_saved`; the answer is what to execute."""
    desired = saved_desired(plan)
    account, partition = ctx.account_id(), ctx.partition
    if plan.account != account:
        raise RefusedError(f"this plan was made for account {plan.account}, but the AWS credentials are for {account}")
    live = read_for(ctx, plan.role_name, apply_scope(desired, account, partition))
    return check_saved(plan, live, account=account, partition=partition, adopt=adopt)


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


def converge(
    ctx: AwsContext,
    plan: Plan,
    replan: Callable[[], Plan],
    *,
    allow_trust_widening: bool = False,
    allow_boundary_removal: bool = False,
    on_change: Callable[[Change], None] | None = None,
    what: str = "apply",
) -> ApplyOutcome:
    """The one converge loop (apply, link-cluster, destroy, the demo): execute ``plan``; when a create finds
    the entity already there (someone created it meanwhile, or an answer was lost), ``replan()`` from a fresh
    read and continue. A plan made again is checked like the first: ownership refusals, and the trust guard
    and boundary rule (nobody saw it, so what needs a flag is refused without it)."""
    outcome = ApplyOutcome(plan=plan, role_arn=plan.role_arn)
    current = plan
    for round_no in range(1, MAX_ROUNDS + 1):
        check_refusals(current)
        if round_no > 1:
            why = unapproved(
                current, allow_trust_widening=allow_trust_widening, allow_boundary_removal=allow_boundary_removal
            )
            if why:
                raise RefusedError(f"{why} (planned again after a conflict)")
        result = execute(ctx, current, on_change=on_change, what=what)
        outcome.applied += result.applied
        if not result.conflicts:
            return outcome
        current = replan()
        outcome.rounds = round_no + 1
        outcome.role_arn = current.role_arn or outcome.role_arn
        if current.empty:
            return outcome
    raise AwsError(
        f"role {plan.role_name} kept changing while byoc-iam ran (another byoc-iam running?); "
        f"run `byoc-iam {what}` again"
    )


def apply_desired(
    ctx: AwsContext,
    desired: RoleSpec,
    plan: Plan,
    *,
    allow_trust_widening: bool = False,
    allow_boundary_removal: bool = False,
    max_attached: int = ATTACHED_DEFAULT,
    on_change: Callable[[Change], None] | None = None,
) -> ApplyOutcome:
    """Execute ``plan`` (made from ``desired``) through :func:`converge`: when a create finds the entity
    already there (another apply ran at the same time), read again, plan again and continue — refusing if it
    is not ours, or if the new plan widens the trust without ``allow_trust_widening``."""
    return converge(
        ctx,
        plan,
        lambda: make_plan(ctx, desired, adopt=plan.adopt, max_attached=max_attached),
        allow_trust_widening=allow_trust_widening,
        allow_boundary_removal=allow_boundary_removal,
        on_change=on_change,
    )


def apply_checked(ctx: AwsContext, checked: Plan, *, on_change: Callable[[Change], None] | None = None) -> ApplyOutcome:
    """Execute a saved plan already checked by :func:`check_saved_live` (not checked again)."""
    check_refusals(checked)
    result = execute(ctx, checked, on_change=on_change)
    if result.conflicts:
        raise RefusedError(
            f"{result.conflicts[0].target} appeared while the saved plan was applied; run `byoc-iam plan` again"
        )
    return ApplyOutcome(plan=checked, applied=result.applied, role_arn=checked.role_arn)


def apply_saved(
    ctx: AwsContext, plan: Plan, *, adopt: bool = False, on_change: Callable[[Change], None] | None = None
) -> ApplyOutcome:
    """Check a saved plan once against the live state (:func:`check_saved_live`) and execute what that gives.
    Its signature is the caller's part (``byoc_iam.plan.saved.check_signature``, before any AWS call)."""
    return apply_checked(ctx, check_saved_live(ctx, plan, adopt=adopt), on_change=on_change)
