"""CLI glue for the split layout's EKS Pod Identity associations: plan and apply show them as changes, apply makes
them once the cluster exists, destroy removes the ones byoc-iam owns (:mod:`byoc_iam.aws.pod_identity`)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.roleset import RoleSet
    from byoc_iam.plan.associations import AssociationPlan, WantedAssociation


def uses_pod_identity(inputs: BlueprintInputs) -> bool:
    return inputs.layout == "split" and inputs.identity == "pod-identity"


def wanted(roles: RoleSet, partition: str, account: str) -> list[WantedAssociation]:
    """One association per member that carries one (the split layout's Pod Identity roles)."""
    from byoc_iam.plan.associations import WantedAssociation

    return [
        WantedAssociation(m.association.namespace, m.association.service_account, m.arn(partition, account))
        for m in roles
        if m.association is not None
    ]


def _commands(roles: RoleSet, partition: str, account: str, cluster: str | None) -> list[str]:
    from byoc_iam.cli.layout import association_commands

    return association_commands(roles, partition, account, cluster)


def plan_for(ctx: Any, roles: RoleSet, inputs: BlueprintInputs, *, adopt: bool) -> AssociationPlan | None:
    """The associations' plan, or None (with a note on stderr) when there is no cluster to make them in yet."""
    from byoc_iam.aws.pod_identity import read_associations
    from byoc_iam.plan.associations import plan_associations

    partition, account = ctx.partition, ctx.account_id()
    want = wanted(roles, partition, account)
    cluster = inputs.cluster_name
    if not want:
        return None
    if cluster is None:
        _note(
            "Pod Identity associations: none made without --cluster-name; once the cluster exists, run apply "
            "again with --cluster-name, or the commands of render --out (wiring/pod-identity-associations.sh)"
        )
        return None
    commands = _commands(roles, partition, account, cluster)
    try:
        live = read_associations(ctx, cluster, [w.key for w in want], commands)
    except Exception as exc:
        _print_commands(exc)
        raise
    if live is None:
        _note(f"Pod Identity associations: cluster {cluster} does not exist yet; run apply again once it does")
        return None
    return plan_associations(cluster, want, live, adopt=adopt)


def _note(text: str) -> None:
    sys.stderr.write(f"note: {text}\n")


def _print_commands(exc: BaseException) -> None:
    """Before an endpoint-without-the-API error: the commands that make the associations by hand (stdout)."""
    from byoc_iam.aws.pod_identity import PodIdentityUnavailable

    if isinstance(exc, PodIdentityUnavailable):
        sys.stdout.write("".join(f"{c}\n" for c in exc.commands))
        sys.stdout.flush()


def show(plan: AssociationPlan) -> None:
    """The associations' part of plan/apply output, as the roles' plans show theirs."""
    import typer

    from byoc_iam.plan.text import change_lines

    typer.echo(f"== Pod Identity associations in cluster {plan.cluster}")
    if plan.empty and plan.refusals:
        typer.echo("The Pod Identity associations do not match; refused (below), nothing would change.")
    elif plan.empty:
        typer.echo("No changes. The Pod Identity associations match.")
    for change in plan.changes:
        for line in change_lines(change):
            typer.echo(line)
    if not plan.empty:
        c = {s: sum(1 for x in plan.changes if x.symbol == s) for s in "+~-"}
        typer.echo(f"Plan: {c['+']} to add, {c['~']} to change, {c['-']} to destroy.")
    for note in plan.notes:
        typer.echo(f"note: {note}")
    for refusal in plan.refusals:
        typer.echo(f"refused: {refusal}")


def as_plan(plan: AssociationPlan) -> Any:
    """The associations' changes as a :class:`byoc_iam.plan.Plan` for the one confirmation of apply."""
    from byoc_iam.plan import Plan

    return Plan("apply", f"Pod Identity associations in {plan.cluster}", "", plan.changes, notes=plan.notes)


def check(plan: AssociationPlan) -> None:
    from byoc_iam.errors import RefusedError

    if plan.refusals:
        more = len(plan.refusals) - 1
        raise RefusedError(plan.refusals[0] + (f" (and {more} more)" if more else ""))


def execute(ctx: Any, plan: AssociationPlan, roles: RoleSet) -> int:
    """Make the associations' changes (the commands are printed if the endpoint lacks the API)."""
    from byoc_iam.aws.pod_identity import execute_associations

    commands = _commands(roles, ctx.partition, ctx.account_id(), plan.cluster)
    try:
        done = execute_associations(ctx, plan, commands)
    except Exception as exc:
        _print_commands(exc)
        raise
    for change in plan.changes:
        sys.stdout.write(f"  ✓ {change.symbol} {change.kind} {change.target}\n")
    return done


def destroy(ctx: Any, cluster: str, role_arns: set[str], *, adopt: bool, yes: bool, dry_run: bool) -> None:
    """Before the roles go: delete the owned associations in ``cluster`` that point at one of ``role_arns``."""
    import typer

    from byoc_iam.aws.pod_identity import read_associations
    from byoc_iam.blueprint.layout import layout_data
    from byoc_iam.blueprint.roleset import RoleSet
    from byoc_iam.plan.associations import plan_association_removal

    raw = layout_data()
    keys = [tuple(raw["cni"]["service_account"].split(":", 1))]
    keys += [tuple(_controller_sa(c["controller"]).split(":", 1)) for c in raw["controllers"]]
    live = read_associations(ctx, cluster, [(k[0], k[1]) for k in keys], [])
    if live is None:
        return
    plan = plan_association_removal(cluster, role_arns, live, adopt=adopt)
    show(plan)
    if plan.empty or dry_run:
        return
    question = f"Delete these associations in {cluster}?"
    if not yes and (not sys.stdin.isatty() or not typer.confirm(question, default=False)):
        from byoc_iam.errors import UsageError

        raise UsageError("deleting the Pod Identity associations needs confirmation: pass --yes")
    execute(ctx, plan, RoleSet(()))


def _controller_sa(name: str) -> str:
    from byoc_iam.blueprint.data import controller

    return controller(name).service_account


__all__ = ["as_plan", "check", "destroy", "execute", "plan_for", "show", "uses_pod_identity", "wanted"]
