"""CLI: `sandbox start|stop|status` (a local moto server acting as AWS) and `demo` (the whole flow on it)."""

from __future__ import annotations

import importlib.util
from collections.abc import Callable
from typing import Any

import typer

from byoc_iam.errors import ByocError, ExitCode

sandbox_app = typer.Typer(
    help="The embedded sandbox: a local AWS (moto server) that commands reach with --sandbox.",
    no_args_is_help=True,
)

DEMO_CLUSTER = "byoc-demo"
DEMO_REGION = "us-east-1"


@sandbox_app.command("start")
def start(port: int = typer.Option(0, "--port", help="Port on 127.0.0.1 [default: a free one].")) -> None:
    """Start a sandbox that outlives this command; later commands with --sandbox use it."""
    from byoc_iam.aws import sandbox as sb

    running = sb.running_endpoint()
    if running:
        typer.echo(f"The sandbox is already running at {running}.")
        return
    state = sb.start_detached(port)
    typer.echo(f"Sandbox running at {state['endpoint_url']} (pid {state['pid']}); state in {sb.state_path()}.")
    typer.echo("Commands with --sandbox use it; `byoc-iam sandbox stop` ends it (and forgets everything in it).")


@sandbox_app.command("stop")
def stop() -> None:
    """Stop the sandbox started by `byoc-iam sandbox start`."""
    from byoc_iam.aws import sandbox as sb

    state = sb.stop_detached()
    typer.echo(f"Stopped the sandbox at {state['endpoint_url']}." if state else "No sandbox is running.")


@sandbox_app.command("status")
def status() -> None:
    """Say whether a sandbox is running, and where."""
    from byoc_iam.aws import sandbox as sb

    running = sb.running_endpoint()
    typer.echo(f"The sandbox is running at {running}." if running else "No sandbox is running.")


def demo(
    keep: bool = typer.Option(
        False, "--keep", help="Leave the sandbox running at the end (stop it with `byoc-iam sandbox stop`)."
    ),
) -> None:
    """Run the whole flow on a fresh sandbox: render → lint → apply → EKS cluster → link-cluster → verify."""
    from rich.console import Console

    from byoc_iam.aws import sandbox as sb
    from byoc_iam.aws.session import AwsContext

    console = Console(highlight=False)
    console.print("[bold]byoc-iam demo[/bold] — the whole flow against a local sandbox, no AWS account needed")
    server = sb.MotoServer()
    with console.status("starting the sandbox (a local AWS)..."):
        server.start()
    _ok(console, f"sandbox running at {server.endpoint_url}")
    try:
        ctx = AwsContext(endpoint_url=server.endpoint_url, region=DEMO_REGION, sandbox=True)
        _run_demo(console, ctx)
    finally:
        if keep and sb.running_endpoint() is None:
            sb.detach(server)
            console.print(
                f"The sandbox keeps running at {server.endpoint_url}: commands with --sandbox use it; "
                "`byoc-iam sandbox stop` ends it."
            )
        else:
            server.stop()
            _ok(console, "sandbox stopped")


def _ok(console: Any, text: str) -> None:
    console.print(f"[green]✓[/green] {text}")


def _step(console: Any, label: str, fn: Callable[[], str]) -> None:
    with console.status(label + "..."):
        result = fn()
    _ok(console, result)


def _run_demo(console: Any, ctx: Any) -> None:
    from byoc_iam.aws.apply import apply_desired, execute, make_plan
    from byoc_iam.aws.link import link_plan
    from byoc_iam.aws.read import read_role
    from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID
    from byoc_iam.blueprint import BlueprintInputs, render_role

    spec = render_role(BlueprintInputs(account_id=SANDBOX_ACCOUNT_ID, region=DEMO_REGION))
    _ok(
        console,
        f"rendered role {spec.role_name}: {len(spec.trust().statements)} trust statements, "
        f"{len(spec.managed_policy_arns)} AWS managed policies, "
        f"{len(spec.inline_policies) + len(spec.customer_managed_policies)} controller policies",
    )

    if importlib.util.find_spec("byoc_iam.lint") is not None:
        from byoc_iam.lint import failing, lint_role

        findings = lint_role(spec)
        verdict = "fails" if failing(findings) else "passes"
        _ok(console, f"lint {verdict}: {len(findings)} finding(s)")
    else:
        console.print("[yellow]-[/yellow] lint skipped (byoc_iam.lint is not installed)")

    state: dict[str, Any] = {}

    def do_apply() -> str:
        plan = make_plan(ctx, spec)
        before = len(ctx.writes)
        outcome = apply_desired(ctx, spec, plan)
        state["arn"] = outcome.role_arn
        return f"apply: {len(plan.changes)} changes, {len(ctx.writes) - before} write calls → {outcome.role_arn}"

    _step(console, "applying the role", do_apply)

    def do_reapply() -> str:
        before = len(ctx.writes)
        plan = make_plan(ctx, spec)
        if not plan.empty:
            apply_desired(ctx, spec, plan)
        return f"apply again: {len(plan.changes)} changes, {len(ctx.writes) - before} write calls (idempotent)"

    _step(console, "applying again", do_reapply)

    def do_cluster() -> str:
        ctx.call("eks:CreateCluster", name=DEMO_CLUSTER, roleArn=state["arn"], resourcesVpcConfig={"subnetIds": []})
        return f"created EKS cluster {DEMO_CLUSTER} in the sandbox"

    _step(console, "creating an EKS cluster", do_cluster)

    def do_link() -> str:
        plan, _ = link_plan(ctx, DEMO_CLUSTER, spec.role_name)
        execute(ctx, plan, what=f"link-cluster --cluster {DEMO_CLUSTER}")
        return f"link-cluster: {len(plan.changes)} changes (OIDC provider + trust policy now name the cluster's issuer)"

    _step(console, "linking the cluster", do_link)

    if _has_verify():

        def do_verify() -> str:
            from byoc_iam.verify import infer_target, verify_role

            live = read_role(ctx, spec.role_name)
            assert live is not None
            target = infer_target(live, account=SANDBOX_ACCOUNT_ID, region=DEMO_REGION, cluster=DEMO_CLUSTER)
            report = verify_role(live, target=target, source="live", role_arn=state["arn"], explain=False)
            if not report.ok:
                first = report.failures()[0] if report.failures() else "see `byoc-iam verify`"
                raise ByocError(f"verify failed on the live role: {first}", ExitCode.VERIFY_FAILED)
            calls, trust = report.summary.calls, report.summary.trust_passed
            return f"verify (live role): {calls.passed} required calls allowed, {trust} trust checks pass"

        _step(console, "verifying the live role", do_verify)
    else:
        console.print("[yellow]-[/yellow] verify skipped (byoc_iam.verify is not available in this build)")

    console.print(f"\nRole ARN: [bold]{state['arn']}[/bold]")
    console.print(
        "On real AWS: `byoc-iam apply --account-id <ID>` prints the ARN to paste in the Zilliz console "
        "(EKS settings → IAM role ARN)."
    )


def _has_verify() -> bool:
    if importlib.util.find_spec("byoc_iam.verify") is None:
        return False
    import byoc_iam.verify as v

    return hasattr(v, "verify_role")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(sandbox_app, name="sandbox")
    app.command("demo")(demo)
