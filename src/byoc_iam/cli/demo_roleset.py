"""The demo's role-set steps: after the EKS role's flow, the storage and cross-account roles on the same sandbox —
apply (and again: 0 writes), link the storage role to the demo cluster, verify both live, print what to paste."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from byoc_iam.errors import ByocError, ExitCode

DEMO_BUCKET = "zilliz-byoc-demo-bucket"
DEMO_EXTERNAL_ID = "demo-external-id-0001"

Step = Callable[[Any, str, Callable[[], str]], None]


def run_set_steps(
    console: Any, ctx: Any, *, region: str, cluster: str, step: Step, ok: Callable[[Any, str], None]
) -> list[str]:
    """Run the set's steps; returns the console lines (what to paste where). A failing step raises ByocError."""
    from byoc_iam.aws.apply import apply_desired, execute, make_plan
    from byoc_iam.aws.link import link_plan
    from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID
    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.cli.roleset import console_lines, run_verify_set

    values: dict[str, Any] = {
        "account_id": SANDBOX_ACCOUNT_ID,
        "region": region,
        "roles": ("all",),
        "bucket": DEMO_BUCKET,
        "external_id": DEMO_EXTERNAL_ID,
    }
    inputs = BlueprintInputs.model_validate(values)
    roles = render_role_set(inputs)
    others = [m for m in roles if m.kind != "eks"]
    lint_members(others)
    ok(console, "rendered and linted " + " and ".join(f"the {m.kind} role {m.name}" for m in others))

    def do_apply() -> str:
        before = len(ctx.writes)
        for m in others:
            apply_desired(ctx, m.spec, make_plan(ctx, m.spec))
        return f"apply: created the storage and cross-account roles ({len(ctx.writes) - before} write calls)"

    step(console, "applying the storage and cross-account roles", do_apply)

    def do_reapply() -> str:
        before = len(ctx.writes)
        changes = apply_members(ctx, roles)
        return f"apply the whole set again: {changes} changes, {len(ctx.writes) - before} write calls (idempotent)"

    step(console, "applying the whole set again", do_reapply)

    def do_link() -> str:
        storage = roles.get("storage")
        assert storage is not None
        plan, _ = link_plan(ctx, cluster, storage.name)
        execute(ctx, plan, what=f"link-cluster --cluster {cluster} --role storage")
        return f"link-cluster: the storage role's trust names the cluster's issuer ({len(plan.changes)} change)"

    step(console, "linking the storage role", do_link)

    def do_verify() -> str:
        results = run_verify_set(dict(values), ctx=ctx, cluster=None, features=[])
        failed = [(kind, rep) for kind, _, good, rep in results if not good]
        if failed:
            raise ByocError(
                f"verify failed on the live {failed[0][0]} role: {failed[0][1].failures()[0]}", ExitCode.VERIFY_FAILED
            )
        counts = ", ".join(f"{kind} {len(rep.checks)}" for kind, _, _, rep in results if kind != "eks")
        return f"verify (live roles): storage and cross-account checks pass ({counts}), service-linked roles covered"

    step(console, "verifying the live storage and cross-account roles", do_verify)
    return console_lines(roles, ctx.partition, ctx.account_id(), inputs)


def lint_members(members: Iterable[Any]) -> None:
    """Lint each rendered member of a role set; the first error raises ByocError (exit code FINDINGS)."""
    from byoc_iam.cli.roleset import lint_member

    for m in members:
        errors, _ = lint_member(m, trust_size_limit=2048)
        if errors:
            raise ByocError(f"lint: {errors[0].strip()}", ExitCode.FINDINGS)


def apply_members(ctx: Any, members: Iterable[Any]) -> int:
    """Plan each member against the account and apply the non-empty plans; returns the number of changes."""
    from byoc_iam.aws.apply import apply_desired, make_plan

    changes = 0
    for m in members:
        plan = make_plan(ctx, m.spec)
        changes += len(plan.changes)
        if not plan.empty:
            apply_desired(ctx, m.spec, plan)
    return changes
