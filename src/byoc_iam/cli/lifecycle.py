"""CLI: plan, apply, link-cluster, destroy and operator-policy (the AWS lifecycle of the role).

Heavy imports (boto3, the blueprint, pydantic models) happen inside the commands.
"""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import typer

from byoc_iam.cli.files import read_text
from byoc_iam.errors import ByocError, ExitCode, RefusedError, UsageError

if TYPE_CHECKING:
    from byoc_iam.aws.session import AwsContext
    from byoc_iam.model import RoleSpec
    from byoc_iam.plan import Change, Plan

F = TypeVar("F", bound=Callable[..., Any])
AWS_PANEL = "AWS"
CONSOLE_HINT = "Paste it in the Zilliz Cloud console: EKS settings → IAM role ARN."
DEFAULT_ROLE_NAME = "zilliz-byoc-eks-role"


# -- shared options ------------------------------------------------------------------------------------------


def _aws_opt(default: Any, *decls: str, help: str, **kw: Any) -> Any:
    return typer.Option(default, *decls, help=help, rich_help_panel=AWS_PANEL, **kw)


AWS_OPTIONS: list[tuple[str, Any, Any]] = [
    ("profile", str | None, _aws_opt(None, "--profile", help="AWS profile (else the standard credential chain).")),
    (
        "endpoint_url",
        str | None,
        _aws_opt(None, "--endpoint-url", help="AWS endpoint (else $AWS_ENDPOINT_URL).", metavar="URL"),
    ),
    ("retry_mode", str, _aws_opt("standard", "--retry-mode", help="botocore retry mode: standard or adaptive.")),
    ("max_attempts", int | None, _aws_opt(None, "--max-attempts", help="Total attempts per call (botocore).")),
    ("sandbox", bool, _aws_opt(False, "--sandbox", help="Use the embedded sandbox (a local moto server) as AWS.")),
    ("verbose", bool, _aws_opt(False, "--verbose", "-v", help="Show the AWS calls made.")),
]
AWS_OPTION_NAMES = tuple(name for name, _, _ in AWS_OPTIONS)


def _extend_signature(func: Callable[..., Any], drop: set[str], extra: list[tuple[str, Any, Any]]) -> Any:
    sig = inspect.signature(func)
    own = [p for p in sig.parameters.values() if p.name not in drop]
    params = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=o, annotation=a) for n, a, o in extra]
    annotations = {k: v for k, v in getattr(func, "__annotations__", {}).items() if k not in drop}
    annotations.update({n: a for n, a, _ in extra})
    return sig.replace(parameters=[*own, *params]), annotations


def with_aws(func: F) -> F:
    """Add the AWS options; the command receives ``ctx_factory(region)`` → an :class:`AwsContext`."""
    sig, annotations = _extend_signature(func, {"aws"}, AWS_OPTIONS)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        values = {name: kwargs.pop(name) for name in AWS_OPTION_NAMES}
        kwargs["aws"] = AwsOptions(**values)
        return func(*args, **kwargs)

    wrapper.__signature__ = sig  # type: ignore[attr-defined]
    wrapper.__annotations__ = annotations
    return wrapper  # type: ignore[return-value]


class AwsOptions:
    """The AWS flags of one command."""

    def __init__(
        self,
        profile: str | None,
        endpoint_url: str | None,
        retry_mode: str,
        max_attempts: int | None,
        sandbox: bool,
        verbose: bool,
    ) -> None:
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.retry_mode = retry_mode
        self.max_attempts = max_attempts
        self.sandbox = sandbox
        self.verbose = verbose

    @contextlib.contextmanager
    def context(self, region: str | None = None) -> Iterator[AwsContext]:
        from byoc_iam.aws.session import AwsContext

        ctx = AwsContext(
            profile=self.profile,
            region=region,
            endpoint_url=self.endpoint_url,
            retry_mode=self.retry_mode,
            max_attempts=self.max_attempts,
            sandbox=self.sandbox,
        )
        if ctx.sandbox_note:
            err(ctx.sandbox_note)
        try:
            yield ctx
        finally:
            if self.verbose:
                err(ctx.summary())
            ctx.close()


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
        from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID
        from byoc_iam.blueprint import render_role
        from byoc_iam.cli.role_options import role_inputs

        values = dict(self.values)
        if ctx.sandbox and not values.get("account_id") and not os.environ.get("BYOC_IAM_ACCOUNT_ID"):
            values["account_id"] = SANDBOX_ACCOUNT_ID
        inputs = role_inputs(values)
        account = ctx.account_id()
        if inputs.account_id != account:
            raise UsageError(f"--account-id is {inputs.account_id} but the AWS credentials are for account {account}")
        return render_role(inputs)

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


def _progress(change: Change) -> None:
    _console().print(f"  [green]✓[/green] {change.symbol} {change.kind} {change.target}", markup=True, highlight=False)


def confirm(plan: Plan, *, yes: bool, allow_trust_widening: bool, question: str) -> None:
    """Ask before changing anything; never widen a trust policy silently.

    ``--yes`` skips the question, except that a trust change admitting a new principal in an ``apply`` plan
    also needs ``--allow-trust-widening``; so does a link-cluster retarget that would make live a trust
    admitting more than AWS services and pinned service accounts (retargeting itself is that command's purpose)."""
    from byoc_iam.plan.trust import LINK_RISK

    widening = [c for c in plan.security_changes if plan.command == "apply" or c.security.startswith(LINK_RISK)]
    if yes:
        if widening and not allow_trust_widening:
            raise RefusedError(
                f"the plan widens the trust policy of {plan.role_name} ({widening[0].security}); "
                f"review it (`byoc-iam {'plan' if plan.command == 'apply' else plan.command + ' --dry-run'}`) "
                "and pass --allow-trust-widening to apply it"
            )
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
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise UsageError(f"{path}: cannot write: {exc.strerror}") from None


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
) -> None:
    """Show what apply would change (+ create, ~ update, - delete), without changing anything."""
    from byoc_iam.aws.apply import make_plan

    try:
        with aws.context(role.region) as ctx:
            set_inputs = role.set_inputs(ctx)
            if set_inputs is not None:
                _plan_set(
                    ctx,
                    set_inputs,
                    adopt=adopt,
                    out=out,
                    full=full,
                    check_managed=check_managed,
                    detailed_exitcode=detailed_exitcode,
                )
                return
            spec = role.load(ctx)
            notes = _managed_notes(ctx, spec) if check_managed else ()
            the_plan = make_plan(ctx, spec, adopt=adopt, notes=notes)
        show_plan(the_plan, full=full)
        if out is not None:
            write_atomic(out, the_plan.to_json() + "\n")
            typer.echo(f"Saved the plan to {out}; apply it with: byoc-iam apply {out}")
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
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    adopt: bool = typer.Option(False, "--adopt", help="Take over a role (or policy) byoc-iam does not own."),
    allow_trust_widening: bool = typer.Option(
        False, "--allow-trust-widening", help="With --yes: accept a trust change that admits new principals."
    ),
) -> None:
    """Create or update the role so it matches (idempotent), then print its ARN."""
    from byoc_iam.aws.apply import apply_desired, apply_saved, make_plan, verify_saved
    from byoc_iam.plan import Plan

    saved: Plan | None = None
    if plan_file is not None:
        if role.given:
            raise UsageError("a saved plan is applied as it is: drop the role options")
        saved = Plan.from_json(read_text(plan_file), str(plan_file))
    region = role.region
    with aws.context(region) as ctx:
        set_inputs = None if saved is not None else role.set_inputs(ctx)
        if set_inputs is not None:
            from byoc_iam.blueprint.roleset import render_role_set
            from byoc_iam.cli.roleset import apply_set

            apply_set(
                ctx,
                render_role_set(set_inputs),
                set_inputs,
                yes=yes,
                adopt=adopt,
                allow_trust_widening=allow_trust_widening,
                show=show_plan,
                confirm=confirm,
                progress=_progress,
            )
            return
        if saved is not None:
            # never trusted as written: re-derived from its desired role and the live state, refused on mismatch
            the_plan = verify_saved(ctx, saved, adopt=adopt)
        else:
            spec = role.load(ctx)
            the_plan = make_plan(ctx, spec, adopt=adopt)
        show_plan(the_plan)
        if the_plan.empty:
            _done(the_plan.role_arn, the_plan.command)
            return
        from byoc_iam.aws.apply import check_refusals

        check_refusals(the_plan)
        confirm(the_plan, yes=yes, allow_trust_widening=allow_trust_widening, question="Apply these changes?")
        if saved is not None:
            outcome = apply_saved(ctx, saved, adopt=adopt, on_change=_progress)
        else:
            outcome = apply_desired(ctx, spec, the_plan, on_change=_progress)
    _done(outcome.role_arn, the_plan.command)


def _plan_set(
    ctx: AwsContext,
    inputs: Any,
    *,
    adopt: bool,
    out: Path | None,
    full: bool,
    check_managed: bool,
    detailed_exitcode: bool,
) -> None:
    """``plan`` for a role set: one plan per role, in apply order."""
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.cli.roleset import plan_set, show_set

    if out is not None:
        raise UsageError("--out saves one role's plan: add --role eks, storage or cross-account")
    plans = plan_set(ctx, render_role_set(inputs), adopt=adopt, check_managed=check_managed)
    show_set(plans, show_plan, full=full)
    if detailed_exitcode and any(not p.empty for _, p in plans):
        raise typer.Exit(2)


def _done(role_arn: str, command: str) -> None:
    if command == "destroy":
        typer.echo("Done.")
        return
    typer.echo(f"Role ARN: {role_arn}")
    typer.echo(CONSOLE_HINT)


@with_aws
def link_cluster(
    aws: AwsOptions,
    cluster: str = typer.Option(..., "--cluster", help="The EKS cluster name."),
    role_name: str = typer.Option(
        DEFAULT_ROLE_NAME, "--role-name", help="The role to link.", callback=_checked_role_name
    ),
    region: str | None = typer.Option(None, "--region", help="The cluster's region (else the AWS default)."),
    thumbprint: list[str] | None = typer.Option(
        None,
        "--thumbprint",
        help="OIDC provider thumbprint (SHA-1 hex); "
        "repeatable. Else computed from the issuer's TLS chain when "
        "possible, or none (IAM no longer needs one for EKS).",
    ),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    adopt: bool = typer.Option(False, "--adopt", help="Change a role or OIDC provider byoc-iam does not own."),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only show the plan."),
    allow_trust_widening: bool = typer.Option(
        False,
        "--allow-trust-widening",
        help="With --yes: link a trust that admits more than AWS services and pinned service accounts.",
    ),
    roles: list[str] | None = typer.Option(
        None, "--role", help="Roles of the set: eks, storage, cross-account, all \\[default: eks].", metavar="KIND"
    ),
    name_prefix: str | None = typer.Option(
        None, "--name-prefix", help="Name prefix of the storage/cross-account roles \\[default: zilliz-byoc]."
    ),
    layout: str | None = typer.Option(
        None, "--layout", help="split: link the split layout's IRSA controller (and CNI) roles \\[default: combined]."
    ),
) -> None:
    """After the EKS cluster exists: ensure its IAM OIDC provider and point the role's trust at it (with
    --role all: the EKS and storage roles' trusts together)."""
    from byoc_iam.aws.apply import check_refusals, execute
    from byoc_iam.aws.link import link_plan
    from byoc_iam.cli.roleset import layout_selection, link_targets, names_for, selection

    kinds, prefix = selection(roles, name_prefix, role_name)
    chosen_layout = layout_selection(layout)
    if not [k for k, _ in names_for(kinds, prefix, role_name) if k in ("eks", "storage")]:
        raise UsageError("--role: link-cluster rewrites the eks and storage roles' trust; name one of them")
    with aws.context(region) as ctx:
        targets = link_targets(ctx, kinds, prefix, role_name, chosen_layout)
        for i, (kind, name) in enumerate(targets):
            the_plan, notes = link_plan(ctx, cluster, name, thumbprints=tuple(thumbprint or ()), adopt=adopt)
            for note in notes if i == 0 else ():
                err(note)
            if len(targets) > 1:
                typer.echo(f"== {kind} role {name}")
            show_plan(the_plan)
            if the_plan.empty or dry_run:
                continue
            check_refusals(the_plan)
            confirm(
                the_plan,
                yes=yes,
                allow_trust_widening=allow_trust_widening,
                question=f"Link {name} to cluster {cluster}?",
            )
            execute(ctx, the_plan, on_change=_progress, what=f"link-cluster --cluster {cluster}")
            typer.echo(f"Linked {name} to the OIDC provider of cluster {cluster}.")


@with_aws
def destroy(
    aws: AwsOptions,
    role_name: str = typer.Option(
        DEFAULT_ROLE_NAME, "--role-name", help="The role to remove.", callback=_checked_role_name
    ),
    region: str | None = typer.Option(None, "--region", help="AWS region (IAM is global; used for the endpoint)."),
    yes: bool = typer.Option(False, "--yes", "-y", help="Do not ask for confirmation."),
    adopt: bool = typer.Option(False, "--adopt", help="Also remove a role byoc-iam does not own."),
    keep_oidc_provider: bool = typer.Option(
        False, "--keep-oidc-provider", help="Keep the OIDC provider even if byoc-iam created it."
    ),
    dry_run: bool = typer.Option(False, "--dry-run", help="Only show the plan."),
    roles: list[str] | None = typer.Option(
        None, "--role", help="Roles of the set: eks, storage, cross-account, all \\[default: eks].", metavar="KIND"
    ),
    name_prefix: str | None = typer.Option(
        None, "--name-prefix", help="Name prefix of the storage/cross-account roles \\[default: zilliz-byoc]."
    ),
    layout: str | None = typer.Option(
        None, "--layout", help="combined or split (remove the split layout's roles) \\[default: combined]."
    ),
) -> None:
    """Remove what byoc-iam created for the role, in dependency order (plan first, then confirm); with --role
    all, the cross-account role first (Zilliz's access goes first), the EKS role (and its OIDC provider) last."""
    from byoc_iam.cli.roleset import layout_selection, names_for, selection

    kinds, prefix = selection(roles, name_prefix, role_name)
    targets = list(reversed(names_for(kinds, prefix, role_name, layout_selection(layout))))
    for kind, name in targets:
        if len(targets) > 1:
            typer.echo(f"== {kind} role {name}")
        keep = keep_oidc_provider or kind != "eks"  # only the EKS role's destroy removes the OIDC provider
        _destroy_one(aws, name, region, yes=yes, adopt=adopt, keep_oidc_provider=keep, dry_run=dry_run)


def _destroy_one(
    aws: AwsOptions,
    role_name: str,
    region: str | None,
    *,
    yes: bool,
    adopt: bool,
    keep_oidc_provider: bool,
    dry_run: bool,
) -> None:
    """Destroy one role (and, unless kept, the OIDC provider byoc-iam created for it)."""
    from byoc_iam.aws.apply import check_refusals, execute
    from byoc_iam.aws.read import read_live
    from byoc_iam.model.arn import is_placeholder_provider
    from byoc_iam.plan import plan_destroy
    from byoc_iam.plan.trust import oidc_provider_arns

    with aws.context(region) as ctx:
        live = read_live(ctx, role_name)
        if live.role is not None and not keep_oidc_provider:
            arns = [a for a in oidc_provider_arns(live.role.fields["trust_policy"]) if not is_placeholder_provider(a)]
            live = read_live(ctx, role_name, oidc_arns=tuple(arns)) if arns else live
        the_plan = plan_destroy(live, adopt=adopt, delete_oidc_provider=not keep_oidc_provider)
        show_plan(the_plan)
        if the_plan.empty or dry_run:
            return
        check_refusals(the_plan)
        confirm(the_plan, yes=yes, allow_trust_widening=False, question=f"Destroy {role_name}?")
        execute(ctx, the_plan, on_change=_progress, what="destroy")
    typer.echo(f"Destroyed {role_name}.")


def operator_policy(
    command: list[str] | None = typer.Option(
        None,
        "--command",
        help="Only what these commands need (plan, apply, link-cluster, destroy, or catalog for the "
        "--from-aws reads of catalog show/diff/refresh; repeatable) [default: the four lifecycle commands].",
    ),
    account_id: str = typer.Option("*", "--account-id", help="Scope to this account."),
    partition: str = typer.Option("aws", "--partition", help="aws, aws-cn or aws-us-gov."),
    region: str = typer.Option("*", "--region", help="Scope eks:DescribeCluster to this region."),
    role_name: str = typer.Option(DEFAULT_ROLE_NAME, "--role-name", help="Scope to this role ('*' for any)."),
    path: str = typer.Option("/", "--path", help="The role's path."),
    cluster: str = typer.Option("*", "--cluster", help="Scope eks:DescribeCluster to this cluster."),
    roles: list[str] | None = typer.Option(
        None, "--role", help="Roles of the set: eks, storage, cross-account, all \\[default: eks].", metavar="KIND"
    ),
    name_prefix: str | None = typer.Option(
        None, "--name-prefix", help="Name prefix of the storage/cross-account roles \\[default: zilliz-byoc]."
    ),
) -> None:
    """Print the least-privilege IAM policy for whoever runs plan/apply/link-cluster/destroy (and, with
    --command catalog, the catalog's --from-aws reads)."""
    from byoc_iam.aws.operator import ALL_COMMANDS, COMMANDS
    from byoc_iam.aws.operator import operator_policy as build
    from byoc_iam.model import rules

    chosen = tuple(command or COMMANDS)
    unknown = sorted(set(chosen) - set(ALL_COMMANDS))
    if unknown:
        raise UsageError(f"--command {unknown[0]}: must be one of {', '.join(ALL_COMMANDS)}")
    scope = (
        ("--account-id", account_id, rules.check_account_id),
        ("--partition", partition, rules.check_partition),
        ("--region", region, rules.check_region),
        ("--role-name", role_name, rules.check_role_name),
        ("--path", path, rules.check_path),
        ("--cluster", cluster, rules.check_cluster_name),
    )
    for flag, value, check in scope:
        problem = None if value == "*" and flag not in ("--partition", "--path") else check(value)
        if problem:
            raise UsageError(f"{flag}: {problem}")
    policy = build(
        chosen,
        partition=partition,
        account=account_id,
        region=region,
        role_name=role_name,
        role_path=path,
        cluster=cluster,
    )
    if roles or name_prefix:
        from byoc_iam.cli.roleset import names_for, operator_roles, selection

        kinds, prefix = selection(roles, name_prefix, role_name)
        iam = f"arn:{partition}:iam::{account_id}:role{path}"
        policy = operator_roles(policy, [f"{iam}{name}" for _, name in names_for(kinds, prefix, role_name)])
    typer.echo(json.dumps(policy, indent=2))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("plan")(plan)
    app.command("apply")(apply)
    app.command("link-cluster")(link_cluster)
    app.command("destroy")(destroy)
    app.command("operator-policy")(operator_policy)
