"""CLI: plan, apply, link-cluster, destroy and operator-policy (the AWS lifecycle of the role).

Heavy imports (boto3, the blueprint, pydantic models) happen inside the commands.
"""

from __future__ import annotations

import contextlib
import functools
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from byoc_iam.cli.aws_options import AwsOptions, extend_signature, with_aws_options
from byoc_iam.cli.files import read_text, write_file
from byoc_iam.errors import ByocError, ExitCode, RefusedError, UsageError

if TYPE_CHECKING:
    from byoc_iam.aws.session import AwsContext
    from byoc_iam.model import RoleSpec
    from byoc_iam.plan import Change, Plan

F = TypeVar("F", bound=Callable[..., Any])
CONSOLE_HINT = "Paste it in the Zilliz Cloud console: EKS settings → IAM role ARN."
DEFAULT_ROLE_NAME = "zilliz-byoc-eks-role"


# -- shared options ------------------------------------------------------------------------------------------

# The shared AWS options (one decorator for every AWS command): plan/apply take --region from the role options.
with_aws = with_aws_options(region=False)
with_aws_region = with_aws_options(region=True)
_extend_signature = extend_signature


# Options that several commands below declare alike.
def _roles_option() -> Any:
    return typer.Option(
        None, "--role", help="Roles of the set: eks, storage, cross-account, all \\[default: eks].", metavar="KIND"
    )


def _name_prefix_option() -> Any:
    return typer.Option(
        None, "--name-prefix", help="Name prefix of the storage/cross-account roles \\[default: zilliz-byoc]."
    )


def _layout_option(what: str) -> Any:
    return typer.Option(None, "--layout", help=f"{what} \\[default: combined].")


def _yes_option() -> Any:
    return typer.Option(False, "--yes", "-y", help="Do not ask for confirmation.")


def _dry_run_option() -> Any:
    return typer.Option(False, "--dry-run", help="Only show the plan.")


def _max_attached_option() -> Any:
    return typer.Option(
        10,
        "--max-attached-policies",
        help="The account's quota of managed policies per role (IAM's default 10; up to 20 once raised).",
        min=1,
        max=20,
    )


class RoleSource:
    """Where the desired role comes from: ``--role ROLESPEC.json`` or the shared role options (rendered)."""

    def __init__(self, role_file: Path | None, values: dict[str, Any]) -> None:
        self.role_file = role_file
        self.values = values

    @property
    def region(self) -> str | None:
        region = self.values.get("region")
        return str(region) if region else None

    @property
    def given(self) -> bool:
        return self.role_file is not None or any(v not in (None, [], ()) for v in self.values.values())

    def load(self, ctx: AwsContext) -> RoleSpec:
        """The desired RoleSpec; rendered inputs must name the account the credentials are for."""
        if self.role_file is not None:
            from byoc_iam.model import RoleSpec

            if self.given_options():
                raise UsageError("--role cannot be combined with the role options (they would be ignored)")
            return RoleSpec.from_json(read_text(self.role_file), str(self.role_file))
        from byoc_iam.blueprint import render_role
        from byoc_iam.cli.roleset import set_inputs

        return render_role(set_inputs(self.values, ctx))

    def given_options(self) -> bool:
        return any(v not in (None, [], ()) for v in self.values.values())

    def set_inputs(self, ctx: AwsContext) -> Any:
        """The validated inputs when they select more than the EKS role (``--role all``...), else None."""
        from byoc_iam.cli.roleset import is_set, set_inputs

        if self.role_file is not None:
            return None
        inputs = set_inputs(self.values, ctx)
        return inputs if is_set(inputs) else None


def with_role(func: F) -> F:
    """Add ``--role ROLESPEC.json`` and the shared role options; the command receives ``role: RoleSource``."""
    from byoc_iam.cli.role_options import role_option_table

    table = role_option_table()
    names = [n for n, _, _ in table]
    role_file = (
        "role_file",
        Path | None,
        typer.Option(
            None,
            "--role",
            help="A RoleSpec JSON file (instead of the role options), or the roles of the set: "
            "eks, storage, cross-account, all (comma-separated).",
            metavar="ROLESPEC.json|KIND",
            rich_help_panel="Role",
        ),
    )
    sig, annotations = _extend_signature(func, {"role"}, [role_file, *table])

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        path = kwargs.pop("role_file")
        values = {n: kwargs.pop(n, None) for n in names}
        if path is not None:  # --role eks|storage|cross-account|all, or a RoleSpec file
            from byoc_iam.blueprint.set_rules import role_flag_value

            try:
                kinds = role_flag_value(str(path), path.exists())
            except ValueError as exc:
                raise UsageError(f"--role: {exc} (or a RoleSpec file)") from None
            if kinds is not None:
                values["roles"], path = [kinds], None
        kwargs["role"] = RoleSource(path, values)
        return func(*args, **kwargs)

    wrapper.__signature__ = sig  # type: ignore[attr-defined]
    wrapper.__annotations__ = annotations
    return wrapper  # type: ignore[return-value]


# -- output ----------------------------------------------------------------------------------------------------


def err(message: str) -> None:
    sys.stderr.write(f"byoc-iam: {message}\n")


def _console() -> Any:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True)


STYLES = {"+": "green", "~": "yellow", "-": "red", "!": "bold red", "r": "bold red", "n": "cyan", "P": "bold"}


def show_plan(plan: Plan, *, full: bool = False) -> None:
    from rich.text import Text

    from byoc_iam.plan import plan_lines

    console = _console()
    for line in plan_lines(plan, full=full):
        stripped = line.strip()
        style = ""
        if stripped.startswith("! "):
            style = STYLES["!"]
        elif stripped.startswith(("refused:",)):
            style = STYLES["r"]
        elif stripped.startswith("note:"):
            style = STYLES["n"]
        elif stripped.startswith("Plan:"):
            style = STYLES["P"]
        elif stripped[:1] in "+~-" and stripped[1:2] == " ":
            style = STYLES[stripped[0]]
        console.print(Text(line, style=style))


def emit_plan(plan: Plan, output: str, *, full: bool = False, quiet_if_json: bool = False) -> None:
    """The plan on stdout: ``text`` as Terraform shows one, ``table`` one row per change, ``json`` the plan
    value (as ``plan --out`` saves it). ``quiet_if_json``: the command prints its JSON result later instead."""
    if output == "json":
        if not quiet_if_json:
            typer.echo(plan.to_json())
        return
    if output == "table":
        _plan_table(plan)
        return
    show_plan(plan, full=full)


def _plan_table(plan: Plan) -> None:
    from rich.table import Table

    table = Table(title=f"{plan.command}: role {plan.role_name}", title_justify="left")
    for col in ("", "change", "target", "AWS call", "security"):
        table.add_column(col)
    for c in plan.changes:
        table.add_row(c.symbol, c.kind, c.target, c.action, c.security)
    console = _console()
    console.print(table)
    for line in [*(f"note: {n}" for n in plan.notes), *(f"refused: {r}" for r in plan.refusals)]:
        console.print(line, markup=False, highlight=False)


def _progress(change: Change) -> None:
    _console().print(f"  [green]✓[/green] {change.symbol} {change.kind} {change.target}", markup=True, highlight=False)


def confirm(
    plan: Plan, *, yes: bool, allow_trust_widening: bool, question: str, allow_boundary_removal: bool = False
) -> None:
    """Ask before changing anything; never widen a trust policy or remove a boundary silently.

    ``--yes`` skips the question, except that a trust change the trust guard marked (apply, link-cluster,
    saved plans: :func:`byoc_iam.plan.trust.guard_trust`) also needs ``--allow-trust-widening``, and removing
    the permissions boundary ``--allow-boundary-removal`` (:func:`byoc_iam.plan.trust.unapproved`)."""
    from byoc_iam.plan.trust import unapproved

    if yes:
        why = unapproved(plan, allow_trust_widening=allow_trust_widening, allow_boundary_removal=allow_boundary_removal)
        if why:
            raise RefusedError(why)
        return
    if not sys.stdin.isatty():
        raise UsageError(f"{question.rstrip('?')} needs confirmation: pass --yes (stdin is not a terminal)")
    if not typer.confirm(question, default=False):
        raise ByocError("nothing changed (not confirmed)", ExitCode.OK)


def _checked_role_name(value: str) -> str:
    """Option callback: a role name that breaks IAM's rules is a one-line UsageError before any AWS call."""
    from byoc_iam.model import rules

    problem = rules.check_role_name(value)
    if problem:
        raise UsageError(f"--role-name: {problem}")
    return value


def write_atomic(path: Path, text: str) -> None:
    write_file(path, text, flag="--out")


def _sealed(plan: Plan, flags: dict[str, Any]) -> Plan:
    """The plan as saved: its origin recorded and signed with the local plan key (byoc_iam.plan.saved)."""
    from byoc_iam import __version__
    from byoc_iam.cli.plan_key import load_key
    from byoc_iam.plan.saved import seal

    return seal(plan, load_key(create=True), version=__version__, flags=flags)


def _managed_notes(ctx: AwsContext, spec: RoleSpec) -> tuple[str, ...]:
    from byoc_iam.aws.managed_check import managed_updates

    return tuple(managed_updates(ctx, spec))


# -- commands ------------------------------------------------------------------------------------------------


@with_aws
@with_role
def plan(
    role: RoleSource,
    aws: AwsOptions,
    adopt: bool = typer.Option(False, "--adopt", help="Plan to take over a role byoc-iam does not own."),
    out: Path | None = typer.Option(
        None, "--out", help="Save the plan as JSON for `byoc-iam apply PLAN`.", metavar="PLAN.json"
    ),
    detailed_exitcode: bool = typer.Option(
        False, "--detailed-exitcode", help="Exit 0 no changes, 2 changes present, 1 error."
    ),
    full: bool = typer.Option(False, "--full", help="Show every statement of new documents."),
    check_managed: bool = typer.Option(
        True,
        "--check-managed/--no-check-managed",
        help="Note AWS managed policies AWS changed since byoc-iam's snapshot.",
    ),
    max_attached: int = _max_attached_option(),
) -> None:
    """Show what apply would change (+ create, ~ update, - delete), without changing anything."""
    from byoc_iam.aws.apply import make_plan

    try:
        with aws.context(role.region) as ctx:
            set_inputs = role.set_inputs(ctx)
            single = _only_member(set_inputs) if set_inputs is not None and out is not None else None
            if set_inputs is not None and single is None:
                _plan_set(
                    ctx,
                    set_inputs,
                    adopt=adopt,
                    out=out,
                    full=full,
                    check_managed=check_managed,
                    detailed_exitcode=detailed_exitcode,
                    output=aws.output,
                )
                return
            spec = single or role.load(ctx)
            notes = _managed_notes(ctx, spec) if check_managed else ()
            the_plan = make_plan(ctx, spec, adopt=adopt, notes=notes, max_attached=max_attached)
        emit_plan(the_plan, aws.output, full=full)
        if out is not None:
            flags = {"adopt": adopt, "max_attached_policies": max_attached}
            write_atomic(out, _sealed(the_plan, flags).to_json() + "\n")
            saved_line = f"Saved the plan to {out}; apply it with: byoc-iam apply {out}"
            typer.echo(saved_line, err=aws.output == "json")
        if the_plan.refusals:  # apply would refuse this plan: say so with apply's exit code, not 0
            from byoc_iam.aws.apply import check_refusals

            check_refusals(the_plan)
    except ByocError as exc:
        if detailed_exitcode and exc.exit_code != ExitCode.OK:
            raise ByocError(exc.message, ExitCode.FINDINGS) from None
        raise
    if detailed_exitcode and not the_plan.empty:
        raise typer.Exit(2)


@with_aws
@with_role
def apply(
    role: RoleSource,
    aws: AwsOptions,
    plan_file: Path | None = typer.Argument(
        None, help="A plan saved by `byoc-iam plan --out` (applied exactly).", metavar="[PLAN.json]"
    ),
    yes: bool = _yes_option(),
    adopt: bool = typer.Option(False, "--adopt", help="Take over a role (or policy) byoc-iam does not own."),
    allow_trust_widening: bool = typer.Option(
        False, "--allow-trust-widening", help="With --yes: accept a trust change that admits new principals."
    ),
    allow_boundary_removal: bool = typer.Option(
        False, "--allow-boundary-removal", help="With --yes: accept removing the role's permissions boundary."
    ),
    max_attached: int = _max_attached_option(),
) -> None:
    """Create or update the role so it matches (idempotent), then print its ARN."""
    from byoc_iam.aws.apply import apply_checked, apply_desired, check_refusals, check_saved_live, make_plan
    from byoc_iam.plan import Plan

    saved: Plan | None = None
    if plan_file is not None:
        from byoc_iam import __version__
        from byoc_iam.cli.plan_key import load_key
        from byoc_iam.plan.saved import check_signature

        if role.given:
            raise UsageError("a saved plan is applied as it is: drop the role options")
        saved = Plan.from_json(read_text(plan_file), str(plan_file))
        check_signature(saved, load_key(create=False), version=__version__)  # before any AWS call
    flags = {"allow_trust_widening": allow_trust_widening, "allow_boundary_removal": allow_boundary_removal}
    with aws.context(role.region) as ctx:
        set_inputs = None if saved is not None else role.set_inputs(ctx)
        if set_inputs is not None:
            from byoc_iam.blueprint.roleset import render_role_set
            from byoc_iam.cli.roleset import apply_set

            # -o json: the people's lines go to stderr, one JSON result to stdout
            with contextlib.redirect_stdout(sys.stderr) if aws.output == "json" else contextlib.nullcontext():
                applied = apply_set(
                    ctx,
                    render_role_set(set_inputs),
                    set_inputs,
                    yes=yes,
                    adopt=adopt,
                    show=show_plan,
                    confirm=confirm,
                    progress=_progress,
                    max_attached=max_attached,
                    **flags,
                )
            if aws.output == "json":
                _set_done(applied, f"arn:{ctx.partition}:iam::{ctx.account_id()}:role")
            return
        if saved is not None:
            # checked once: re-derived from its desired role and the live state, refused on any mismatch
            the_plan = check_saved_live(ctx, saved, adopt=adopt)
        else:
            spec = role.load(ctx)
            the_plan = make_plan(ctx, spec, adopt=adopt, max_attached=max_attached)
        quiet = aws.output == "json"
        if not quiet:
            emit_plan(the_plan, aws.output)
        if the_plan.empty:
            _done(the_plan, [], aws.output)
            return
        check_refusals(the_plan)
        # a saved plan was the confirmation (as `terraform apply PLANFILE`); the trust guard still holds
        confirm(the_plan, yes=yes or saved is not None, question="Apply these changes?", **flags)
        progress = None if quiet else _progress
        if saved is not None:
            outcome = apply_checked(ctx, the_plan, on_change=progress)
        else:
            outcome = apply_desired(ctx, spec, the_plan, on_change=progress, max_attached=max_attached, **flags)
    _done(the_plan, outcome.applied, aws.output, role_arn=outcome.role_arn)


SET_PLAN_FORMAT = "byoc-iam-roleset-plan/1"


def _only_member(inputs: Any) -> Any:
    """The RoleSpec when the selection is exactly one role (``--role storage``), else None."""
    from byoc_iam.blueprint.roleset import render_role_set

    members = render_role_set(inputs).members
    return members[0].spec if len(members) == 1 else None


def _plan_set(
    ctx: AwsContext,
    inputs: Any,
    *,
    adopt: bool,
    out: Path | None,
    full: bool,
    check_managed: bool,
    detailed_exitcode: bool,
    output: str = "text",
) -> None:
    """``plan`` for a role set: one plan per role, in apply order (``-o json``: one document, ``format``
    byoc-iam-roleset-plan/1)."""
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.cli.roleset import plan_set, show_set

    if out is not None:
        raise UsageError("--out saves one role's plan: choose one with --role eks, storage or cross-account")
    from byoc_iam.cli import pod_identity

    roles = render_role_set(inputs)
    plans = plan_set(ctx, roles, adopt=adopt, check_managed=check_managed)
    pods = pod_identity.plan_for(ctx, roles, inputs, adopt=adopt) if pod_identity.uses_pod_identity(inputs) else None
    if output == "json":  # one document: each role's plan value (as plan --out saves one), the associations
        doc = {
            "format": SET_PLAN_FORMAT,
            "roles": [{"kind": m.kind, "role_name": m.name, "plan": p.to_dict()} for m, p in plans],
            "pod_identity": None if pods is None else pod_identity.as_plan(pods).to_dict(),
        }
        typer.echo(json.dumps(doc, indent=2))
    else:
        show_set(plans, show_plan, full=full)
        if pods is not None:
            pod_identity.show(pods)
    for _, the_plan in plans:
        if the_plan.refusals:  # apply would refuse: exit 5, as for one role
            from byoc_iam.aws.apply import check_refusals

            check_refusals(the_plan)
    if pods is not None:
        pod_identity.check(pods)
    if detailed_exitcode and (any(not p.empty for _, p in plans) or (pods is not None and not pods.empty)):
        raise typer.Exit(2)


def _set_done(applied: list[tuple[Any, Plan]], role_prefix: str) -> None:
    """apply's JSON result for a role set: each role's ARN (``role_prefix`` + path + name) and its changes."""
    roles = [
        {
            "kind": m.kind,
            "role_name": p.role_name,
            "role_arn": p.role_arn or f"{role_prefix}{m.spec.path}{m.spec.role_name}",
            "changes": [c.to_dict() for c in p.changes],
            "changed": not p.empty,
        }
        for m, p in applied
    ]
    typer.echo(json.dumps({"command": "apply", "roles": roles}, indent=2))


def _done(the_plan: Plan, applied: list[Change], output: str, *, role_arn: str = "") -> None:
    """apply's result: the role ARN for people (and the console hint), or one JSON object for pipelines."""
    arn = role_arn or the_plan.role_arn
    if output == "json":
        result: dict[str, Any] = {"command": the_plan.command, "role_name": the_plan.role_name, "role_arn": arn}
        result["changes"] = [c.to_dict() for c in applied]
        result["changed"] = bool(applied)
        typer.echo(json.dumps(result, indent=2))
        return
    typer.echo(f"Role ARN: {arn}")
    typer.echo(CONSOLE_HINT)


@with_aws_region
def link_cluster(
    aws: AwsOptions,
    cluster: str = typer.Option(..., "--cluster", help="The EKS cluster name."),
    role_name: str = typer.Option(
        DEFAULT_ROLE_NAME, "--role-name", help="The role to link.", callback=_checked_role_name
    ),
    thumbprint: list[str] | None = typer.Option(
        None,
        "--thumbprint",
        help="OIDC provider thumbprint (SHA-1 hex); "
        "repeatable. Else computed from the issuer's TLS chain when "
        "possible, or none (IAM no longer needs one for EKS).",
    ),
    yes: bool = _yes_option(),
    adopt: bool = typer.Option(False, "--adopt", help="Change a role or OIDC provider byoc-iam does not own."),
    dry_run: bool = _dry_run_option(),
    allow_trust_widening: bool = typer.Option(
        False,
        "--allow-trust-widening",
        help="With --yes: link a trust that admits more than AWS services and pinned service accounts.",
    ),
    roles: list[str] | None = _roles_option(),
    name_prefix: str | None = _name_prefix_option(),
    layout: str | None = _layout_option("split: link the split layout's IRSA controller (and CNI) roles"),
) -> None:
    """After the EKS cluster exists: ensure its IAM OIDC provider and point the role's trust at it (with
    --role all: the EKS and storage roles' trusts together)."""
    from byoc_iam.aws.apply import check_refusals
    from byoc_iam.aws.link import link_cluster as run_link
    from byoc_iam.aws.link import link_plan
    from byoc_iam.cli.roleset import layout_selection, link_targets, names_for, selection

    kinds, prefix = selection(roles, name_prefix, role_name)
    chosen_layout = layout_selection(layout)
    if not [k for k, _ in names_for(kinds, prefix, role_name) if k in ("eks", "storage")]:
        raise UsageError("--role: link-cluster rewrites the eks and storage roles' trust; name one of them")
    thumbs = tuple(thumbprint or ())
    with aws.context() as ctx:
        targets = link_targets(ctx, kinds, prefix, role_name, chosen_layout)
        for i, (kind, name) in enumerate(targets):
            the_plan, notes = link_plan(ctx, cluster, name, thumbprints=thumbs, adopt=adopt)
            for note in notes if i == 0 else ():
                err(note)
            if len(targets) > 1 and not aws.json:
                typer.echo(f"== {kind} role {name}")
            emit_plan(the_plan, aws.output, quiet_if_json=not (the_plan.empty or dry_run))
            check_refusals(the_plan)  # a refusal exits 5, also with --dry-run or nothing to change
            if the_plan.empty or dry_run:
                continue
            confirm(
                the_plan,
                yes=yes,
                allow_trust_widening=allow_trust_widening,
                question=f"Link {name} to cluster {cluster}?",
            )
            run_link(
                ctx,
                cluster,
                name,
                the_plan,
                thumbprints=thumbs,
                adopt=adopt,
                allow_trust_widening=allow_trust_widening,
                on_change=None if aws.json else _progress,
            )
            _finished(the_plan, aws.output, f"Linked {name} to the OIDC provider of cluster {cluster}.")


def _finished(the_plan: Plan, output: str, message: str) -> None:
    """The last line of link-cluster/destroy, or with ``--output json`` the applied plan as JSON."""
    if output == "json":
        typer.echo(json.dumps({**the_plan.to_dict(), "applied": True}, indent=2))
    else:
        typer.echo(message)


@with_aws_region
def destroy(
    aws: AwsOptions,
    role_name: str = typer.Option(
        DEFAULT_ROLE_NAME, "--role-name", help="The role to remove.", callback=_checked_role_name
    ),
    yes: bool = _yes_option(),
    adopt: bool = typer.Option(False, "--adopt", help="Also remove a role byoc-iam does not own."),
    keep_oidc_provider: bool = typer.Option(
        False, "--keep-oidc-provider", help="Keep the OIDC provider even if byoc-iam created it."
    ),
    dry_run: bool = _dry_run_option(),
    roles: list[str] | None = _roles_option(),
    name_prefix: str | None = _name_prefix_option(),
    layout: str | None = _layout_option("combined or split (remove the split layout's roles)"),
    cluster_name: str | None = typer.Option(
        None,
        "--cluster-name",
        help="With --layout split: also delete the Pod Identity associations byoc-iam made in this cluster.",
    ),
) -> None:
    """Remove what byoc-iam created for the role, in dependency order (plan first, then confirm); with --role
    all, the cross-account role first (Zilliz's access goes first), the EKS role (and its OIDC provider) last;
    with --layout split, the last IRSA role's destroy removes the OIDC provider byoc-iam created."""
    from byoc_iam.cli.roleset import layout_selection, names_for, provider_owner, selection

    kinds, prefix = selection(roles, name_prefix, role_name)
    chosen = layout_selection(layout)
    targets = list(reversed(names_for(kinds, prefix, role_name, chosen)))
    cluster = _cluster_selection(cluster_name) if chosen == "split" else None
    if cluster is not None:
        with aws.context() as ctx:
            from byoc_iam.cli import pod_identity

            arns = {f"arn:{ctx.partition}:iam::{ctx.account_id()}:role/{name}" for _, name in targets}
            pod_identity.destroy(ctx, cluster, arns, adopt=adopt, yes=yes, dry_run=dry_run)
    owner = provider_owner(aws, targets) if chosen == "split" else "eks"
    for kind, name in targets:
        if len(targets) > 1 and not aws.json:
            typer.echo(f"== {kind} role {name}")
        # only one role's destroy removes the OIDC provider: the EKS role, or the split layout's last IRSA role
        keep = keep_oidc_provider or kind != owner
        _destroy_one(aws, name, yes=yes, adopt=adopt, keep_oidc_provider=keep, dry_run=dry_run)
    if cluster is not None and not owner and not keep_oidc_provider:  # e.g. after a switch to Pod Identity
        from byoc_iam.cli.layout_provider import candidate_roles, destroy_provider

        destroy_provider(aws, cluster, candidate_roles(prefix, role_name), yes=yes, dry_run=dry_run)


def layout_selection_of(flag: str | None) -> str:
    from byoc_iam.cli.roleset import layout_selection

    return layout_selection(flag)


def _cluster_selection(flag: str | None) -> str | None:
    """``--cluster-name``, else ``BYOC_IAM_CLUSTER_NAME`` or the config's ``role.cluster_name``."""
    from byoc_iam.blueprint.config import gather

    value = flag or gather({})[0].get("cluster_name")
    return str(value) if value else None


def _destroy_one(
    aws: AwsOptions,
    role_name: str,
    *,
    yes: bool,
    adopt: bool,
    keep_oidc_provider: bool,
    dry_run: bool,
) -> None:
    """Destroy one role (and, unless kept, the OIDC provider byoc-iam created for it)."""
    from byoc_iam.aws.apply import check_refusals
    from byoc_iam.aws.destroy import destroy as run_destroy
    from byoc_iam.aws.destroy import plan_for

    with aws.context() as ctx:
        the_plan = plan_for(ctx, role_name, adopt=adopt, keep_oidc_provider=keep_oidc_provider)
        emit_plan(the_plan, aws.output, quiet_if_json=not (the_plan.empty or dry_run))
        check_refusals(the_plan)  # a refusal exits 5, also with --dry-run or nothing to change
        if the_plan.empty or dry_run:
            return
        confirm(the_plan, yes=yes, allow_trust_widening=False, question=f"Destroy {role_name}?")
        progress = None if aws.json else _progress
        run_destroy(ctx, the_plan, adopt=adopt, keep_oidc_provider=keep_oidc_provider, on_change=progress)
    _finished(the_plan, aws.output, f"Destroyed {role_name}.")


@with_aws
def operator_policy(
    aws: AwsOptions,
    command: list[str] | None = typer.Option(
        None,
        "--command",
        help="Only what these commands need (plan, apply, link-cluster, destroy, catalog for the --from-aws "
        "reads of catalog show/diff/refresh, verify for the reads of verify --live; repeatable) "
        "[default: the four lifecycle commands].",
    ),
    account_id: str | None = typer.Option(
        None, "--account-id", help="The account (else asked of AWS STS GetCallerIdentity with the AWS options)."
    ),
    partition: str = typer.Option("aws", "--partition", help="aws, aws-cn or aws-us-gov."),
    region: str = typer.Option("*", "--region", help="Scope eks:DescribeCluster to this region."),
    role_name: str = typer.Option(DEFAULT_ROLE_NAME, "--role-name", help="Scope to this role."),
    path: str = typer.Option("/", "--path", help="The role's path."),
    cluster: str = typer.Option("*", "--cluster", help="Scope eks:DescribeCluster to this cluster."),
    roles: list[str] | None = _roles_option(),
    name_prefix: str | None = _name_prefix_option(),
    allow_custom_issuer: bool = typer.Option(
        False,
        "--allow-custom-issuer",
        help="The role uses --allow-custom-issuer: allow OIDC provider writes outside oidc.eks.* too.",
    ),
    layout: str | None = typer.Option(
        None, "--layout", help="split: scope to the split layout's roles and policies \\[default: combined]."
    ),
    identity: str = typer.Option(
        "irsa", "--identity", help="With --layout split: irsa or pod-identity (adds the associations' calls)."
    ),
) -> None:
    """Print the least-privilege IAM policy for whoever runs plan/apply/link-cluster/destroy (and, with
    --command catalog or verify, the reads of catalog --from-aws or verify --live): writes only to the role's
    ARN, attach/detach only the blueprint's exact policy ARNs, no iam:PassRole, in one concrete account."""
    from byoc_iam.aws.operator import ALL_COMMANDS, COMMANDS
    from byoc_iam.aws.operator import operator_policy as build

    chosen = tuple(command or COMMANDS)
    unknown = sorted(set(chosen) - set(ALL_COMMANDS))
    if unknown:
        raise UsageError(f"--command {unknown[0]}: must be one of {', '.join(ALL_COMMANDS)}")
    _check_operator_scope(account_id, partition, region, role_name, path, cluster)
    if account_id is None:
        with aws.context(None) as ctx:
            account_id = ctx.account_id()
    scope: dict[str, Any] = {
        "partition": partition,
        "account": account_id,
        "region": region,
        "role_path": path,
        "cluster": cluster,
        "custom_issuer": allow_custom_issuer,
    }
    split = layout_selection_of(layout) == "split"
    if split:
        policy = _split_operator_policy(chosen, scope, identity, roles, name_prefix, role_name)
    else:
        policy = build(chosen, role_name=role_name, **scope)
    if (roles or name_prefix) and not split:
        from byoc_iam.cli.roleset import names_for, operator_roles, selection

        kinds, prefix = selection(roles, name_prefix, role_name)
        iam = f"arn:{partition}:iam::{account_id}:role{path}"
        policy = operator_roles(policy, [f"{iam}{name}" for _, name in names_for(kinds, prefix, role_name)])
    from byoc_iam.cli.tables import print_policy

    print_policy(policy, aws.output, f"operator policy for account {account_id}")


def _check_operator_scope(
    account_id: str | None, partition: str, region: str, role_name: str, path: str, cluster: str
) -> None:
    """Each scoping flag of operator-policy follows IAM's rules (``*`` allowed for region and cluster)."""
    from byoc_iam.model import rules

    scope = (
        ("--account-id", account_id, rules.check_account_id),
        ("--partition", partition, rules.check_partition),
        ("--region", region, rules.check_region),
        ("--role-name", role_name, rules.check_role_name),
        ("--path", path, rules.check_path),
        ("--cluster", cluster, rules.check_cluster_name),
    )
    for flag, value, check in scope:
        wildcard = value == "*" and flag in ("--region", "--cluster")
        problem = None if value is None or wildcard else check(value)
        if problem:
            raise UsageError(f"{flag}: {problem}")


def _split_operator_policy(
    chosen: tuple[str, ...],
    scope: dict[str, Any],
    identity: str,
    roles: list[str] | None,
    name_prefix: str | None,
    role_name: str,
) -> dict[str, Any]:
    """``operator-policy --layout split`` (:mod:`byoc_iam.cli.layout_operator`), with the set's other roles."""
    from byoc_iam.cli.layout_operator import layout_operator_policy
    from byoc_iam.cli.roleset import names_for, selection

    if identity not in ("irsa", "pod-identity"):
        raise UsageError(f"--identity: must be one of irsa, pod-identity (got {identity!r})")
    kinds, prefix = selection(roles, name_prefix, role_name)
    others = [n for _, n in names_for(tuple(k for k in kinds if k != "eks"), prefix, role_name)]
    partition, account, path = scope["partition"], scope["account"], scope["role_path"]
    return layout_operator_policy(
        chosen,
        account=account,
        partition=partition,
        region=scope["region"],
        prefix=prefix,
        path=path,
        cluster=scope["cluster"],
        identity=identity,
        custom_issuer=scope["custom_issuer"],
        other_roles=[f"arn:{partition}:iam::{account}:role{path}{n}" for n in others],
    )


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("plan")(plan)
    app.command("apply")(apply)
    app.command("link-cluster")(link_cluster)
    app.command("destroy")(destroy)
    app.command("operator-policy")(operator_policy)
