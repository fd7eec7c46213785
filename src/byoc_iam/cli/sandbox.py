"""CLI: `sandbox start|stop|status` (a local moto server acting as AWS) and `demo` (the whole flow on it)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import typer

from byoc_iam.cli.typer_app import ByocTyper
from byoc_iam.errors import ByocError, ExitCode

sandbox_app = ByocTyper(
    help="The embedded sandbox: a local AWS (moto server) that commands reach with --sandbox.",
    no_args_is_help=True,
)

DEMO_CLUSTER = "byoc-demo"
DEMO_REGION = "us-east-1"


def _output() -> Any:
    """``-o/--output``, as on every command."""
    return typer.Option("text", "--output", "-o", help="text, json or table (on stdout).", metavar="FORMAT")


def _say(output: str, text: str, data: dict[str, Any]) -> None:
    """The command's result: ``text`` a sentence, ``json`` ``data``, ``table`` ``data`` as one row."""
    import json

    from byoc_iam.cli.tables import check_output, print_table

    check_output(output)
    if output == "json":
        typer.echo(json.dumps(data))
    elif output == "table":
        print_table("sandbox", list(data), [["" if v is None else str(v) for v in data.values()]])
    else:
        typer.echo(text)


@sandbox_app.command("start")
def start(
    port: int = typer.Option(0, "--port", help="Port on 127.0.0.1 [default: a free one]."),
    output: str = _output(),
) -> None:
    """Start a sandbox that outlives this command; later commands with --sandbox use it."""
    from byoc_iam.aws import sandbox as sb
    from byoc_iam.cli.tables import check_output

    check_output(output)
    running = sb.running_endpoint()
    if running:
        data = {"running": True, "endpoint_url": running, "started": False, "pid": None, "state_file": None}
        _say(output, f"The sandbox is already running at {running}.", data)
        return
    state = sb.start_detached(port)
    text = (
        f"Sandbox running at {state['endpoint_url']} (pid {state['pid']}); state in {sb.state_path()}.\n"
        "Commands with --sandbox use it; `byoc-iam sandbox stop` ends it (and forgets everything in it)."
    )
    data = {
        "running": True,
        "endpoint_url": state["endpoint_url"],
        "started": True,
        "pid": state["pid"],
        "state_file": str(sb.state_path()),
    }
    _say(output, text, data)


@sandbox_app.command("stop")
def stop(output: str = _output()) -> None:
    """Stop the sandbox started by `byoc-iam sandbox start`."""
    from byoc_iam.aws import sandbox as sb
    from byoc_iam.cli.tables import check_output

    check_output(output)
    state = sb.stop_detached()
    text = f"Stopped the sandbox at {state['endpoint_url']}." if state else "No sandbox is running."
    _say(output, text, {"stopped": bool(state), "endpoint_url": state["endpoint_url"] if state else None})


@sandbox_app.command("status")
def status(output: str = _output()) -> None:
    """Say whether a sandbox is running, and where."""
    from byoc_iam.aws import sandbox as sb

    running = sb.running_endpoint()
    text = f"The sandbox is running at {running}." if running else "No sandbox is running."
    _say(output, text, {"running": running is not None, "endpoint_url": running})


@sandbox_app.command("create-cluster")
def create_cluster(
    name: str = typer.Argument(..., help="The cluster name."),
    role_name: str = typer.Option(
        "zilliz-byoc-eks-role", "--role-name", help="The cluster's IAM role (in the sandbox account)."
    ),
    region: str = typer.Option(DEMO_REGION, "--region", help="The cluster's region."),
    output: str = _output(),
) -> None:
    """Create a stand-in EKS cluster (with an OIDC issuer) in the running sandbox, to try link-cluster by hand."""
    from byoc_iam.aws import sandbox as sb
    from byoc_iam.aws.session import AwsContext
    from byoc_iam.cli.tables import check_output
    from byoc_iam.errors import UsageError

    check_output(output)
    running = sb.running_endpoint()
    if running is None:
        raise UsageError("no sandbox is running: start one with `byoc-iam sandbox start`")
    role_arn = f"arn:aws:iam::{sb.SANDBOX_ACCOUNT_ID}:role/{role_name}"
    with AwsContext(endpoint_url=running, region=region, sandbox=True) as ctx:
        cluster = ctx.call("eks:CreateCluster", name=name, roleArn=role_arn, resourcesVpcConfig={"subnetIds": []})
    issuer = str(((cluster["cluster"].get("identity") or {}).get("oidc") or {}).get("issuer", ""))
    text = (
        f"Created EKS cluster {name} in the sandbox ({region}), OIDC issuer {issuer}.\n"
        f"Link the role to it: byoc-iam link-cluster --cluster {name} --sandbox"
    )
    _say(output, text, {"cluster": name, "region": region, "role_arn": role_arn, "oidc_issuer": issuer})


def demo(
    keep: bool = typer.Option(
        False, "--keep", help="Leave the sandbox running at the end (stop it with `byoc-iam sandbox stop`)."
    ),
    roles: list[str] | None = typer.Option(
        None,
        "--role",
        help="eks (the EKS role only) or all (with the storage and cross-account roles) \\[default: all].",
        metavar="KIND",
    ),
    layout: str = typer.Option(
        "combined", "--layout", help="split: also apply, verify and prove the split layout's roles on the sandbox."
    ),
    output: str = typer.Option(
        "text",
        "--output",
        "-o",
        metavar="FORMAT",
        help="text (the steps as they run), json or table (the steps on stderr, the result on stdout).",
    ),
) -> None:
    """Run the whole flow on a fresh sandbox: render → lint → apply → EKS cluster → link-cluster → verify.

    The sandbox is stopped at the end, also when a step fails or on Ctrl-C. Exit 0 when every step passed;
    otherwise the failing step's exit code (1 lint, 3 verify, 4 AWS error).
    """
    from rich.console import Console

    from byoc_iam.aws import sandbox as sb
    from byoc_iam.aws.session import AwsContext
    from byoc_iam.cli.tables import check_output

    check_output(output)
    whole_set = _demo_selection(roles, layout)
    paste: list[str] = []
    wiring: list[str] = []

    console = Console(highlight=False, soft_wrap=True, stderr=output != "text")
    console.print(
        "[bold]byoc-iam demo[/bold]: the BYOC EKS role end to end, on a local sandbox (no AWS account needed)"
    )
    server = sb.MotoServer()
    restore = _stop_on_sigterm()
    arn = ""
    try:
        _step(
            console, "starting the sandbox", lambda: f"sandbox started (a local AWS at {server.start().endpoint_url})"
        )
        ctx = AwsContext(endpoint_url=server.endpoint_url, region=DEMO_REGION, sandbox=True)
        arn = _run_demo(console, ctx)
        if whole_set:
            from byoc_iam.cli.demo_roleset import run_set_steps

            paste = run_set_steps(console, ctx, region=DEMO_REGION, cluster=DEMO_CLUSTER, step=_step, ok=_ok)
        if layout == "split":
            from byoc_iam.cli.demo_layout import run_layout_steps

            wiring = run_layout_steps(console, ctx, region=DEMO_REGION, cluster=DEMO_CLUSTER, step=_step, ok=_ok)
    finally:
        restore()
        if keep and arn and sb.running_endpoint() is None:
            sb.detach(server)
            console.print(
                f"The sandbox keeps running at {server.endpoint_url}: commands with --sandbox use it; "
                "`byoc-iam sandbox stop` ends it."
            )
        else:
            server.stop()
            _ok(console, "sandbox stopped")
    _print_summary(console, arn, paste, wiring)
    if output != "text":
        _print_result(output, arn, paste)


def _print_result(output: str, arn: str, paste: list[str]) -> None:
    """``-o json|table``: the demo's result on stdout (the steps went to stderr): the EKS role's ARN (in the
    sandbox) and the console lines, ``{"passed": true, "role_arn": ..., "console": {label: value}}``."""
    import json

    from byoc_iam.cli.tables import print_table

    console = dict(line.strip().rsplit(": ", 1) for line in paste[1:] if ": " in line)
    if output == "json":
        typer.echo(json.dumps({"passed": True, "role_arn": arn, "console": console}))
        return
    print_table("byoc-iam demo: every step passed", ("what", "value"), [("role ARN", arn), *console.items()])


def _demo_selection(roles: list[str] | None, layout: str) -> bool:
    """Check the demo's --role and --layout; True when it runs the whole role set (``all``), False for ``eks``."""
    from byoc_iam.blueprint.set_rules import expand_roles
    from byoc_iam.errors import UsageError

    try:
        whole_set = expand_roles(roles or ["all"]) != ("eks",)
    except ValueError as exc:
        raise UsageError(f"--role: {exc}") from None
    if whole_set and expand_roles(roles or ["all"]) != ("eks", "storage", "cross-account"):
        raise UsageError("--role: the demo runs eks or all")
    if layout not in ("combined", "split"):
        raise UsageError("--layout: must be one of combined, split")
    return whole_set


def _print_summary(console: Any, arn: str, paste: list[str], wiring: list[str]) -> None:
    """The demo's closing lines: the role ARN, what to paste where, the split layout's Helm values, the next step."""
    console.print(f"\nRole ARN: [bold]{arn}[/bold] (in the sandbox)")
    for line in paste:
        console.print(line)
    if wiring:
        console.print("Split layout: annotate each controller's service account (Helm values):")
        for line in wiring:
            console.print(line)
    layout = " --layout split" if wiring else ""  # the next step applies what the demo showed
    if paste:
        console.print(
            f"On AWS: `byoc-iam apply --role all{layout} --account-id <ID> --bucket <NAME> --external-id <ID>` "
            "creates the roles and prints what to paste where."
        )
    else:
        console.print(
            f"On AWS: `byoc-iam apply{layout} --account-id <ID>` creates the role{'s' if wiring else ''} and prints "
            "the ARN to paste in the Zilliz console (EKS settings → IAM role ARN)."
        )
    console.print("[bold green]✓ Demo complete: every step passed.[/bold green]")


def _stop_on_sigterm() -> Callable[[], None]:
    """Turn SIGTERM into SystemExit (so ``finally`` stops the sandbox, which runs in its own session and so
    gets no signal of its own); returns the function that restores the previous handler."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return lambda: None

    def handler(signum: int, frame: Any) -> None:
        raise SystemExit(128 + signum)

    previous = signal.signal(signal.SIGTERM, handler)

    def restore() -> None:
        signal.signal(signal.SIGTERM, previous)

    return restore


def _ok(console: Any, text: str) -> None:
    console.print(f"[green]✓[/green] {text}")


def _step(console: Any, label: str, fn: Callable[[], str]) -> None:
    """Run one step under a spinner; ✓ and its result, or ✗ and the step's name when it fails."""
    try:
        with console.status(label + "..."):
            result = fn()
    except (KeyboardInterrupt, SystemExit):
        console.print(f"[red]✗[/red] {label}: interrupted")
        raise
    except BaseException:
        console.print(f"[red]✗[/red] {label} failed")
        raise
    _ok(console, result)


def _run_demo(console: Any, ctx: Any) -> str:
    """The steps; returns the role ARN. A failing step raises (ByocError: its one line and exit code)."""
    from byoc_iam.aws.apply import apply_desired, make_plan
    from byoc_iam.aws.link import link_cluster, link_plan
    from byoc_iam.aws.read import read_role
    from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID
    from byoc_iam.blueprint import BlueprintInputs, render_role
    from byoc_iam.lint import Severity, failing, lint_role
    from byoc_iam.verify import infer_target, verify_role

    inputs = BlueprintInputs(account_id=SANDBOX_ACCOUNT_ID, region=DEMO_REGION)
    spec = render_role(inputs)
    _ok(
        console,
        f"rendered role {spec.role_name}: {len(spec.trust().statements)} trust statements, "
        f"{len(spec.managed_policy_arns)} AWS managed policies, "
        f"{len(spec.inline_policies) + len(spec.customer_managed_policies)} controller policies",
    )

    def do_lint() -> str:
        findings = lint_role(spec, trust_mode=inputs.resolved_trust_mode)
        if failing(findings):
            first = next(f for f in findings if f.severity is Severity.ERROR)
            raise ByocError(f"lint: {first.code} {first.path}: {first.message}", ExitCode.FINDINGS)
        serious = [f for f in findings if f.severity in (Severity.WARNING, Severity.SECURITY_WARNING)]
        if serious:
            return f"lint: no errors, {len(serious)} warning(s): " + "; ".join(f.code for f in serious)
        return "lint: no errors or warnings (the trust names a placeholder OIDC provider until link-cluster)"

    _step(console, "linting the role", do_lint)
    state: dict[str, str] = {}

    def do_apply() -> str:
        plan = make_plan(ctx, spec)
        before = len(ctx.writes)
        state["arn"] = apply_desired(ctx, spec, plan).role_arn
        return f"apply: created the role ({len(plan.changes)} changes, {len(ctx.writes) - before} write calls)"

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
        link_cluster(ctx, DEMO_CLUSTER, spec.role_name, plan)
        return f"link-cluster: {len(plan.changes)} changes (OIDC provider + trust now name the cluster's issuer)"

    _step(console, "linking the cluster", do_link)

    def do_verify() -> str:
        live = read_role(ctx, spec.role_name)
        if live is None:
            raise ByocError(f"verify: the role {spec.role_name} is gone from the sandbox", ExitCode.VERIFY_FAILED)
        target = infer_target(live, account=SANDBOX_ACCOUNT_ID, region=DEMO_REGION, cluster=DEMO_CLUSTER)
        report = verify_role(live, target=target, source="live", role_arn=state["arn"], explain=False)
        if not report.ok:
            first = report.failures()[0] if report.failures() else "see `byoc-iam verify --live`"
            raise ByocError(f"verify failed on the live role: {first}", ExitCode.VERIFY_FAILED)
        calls, trust = report.summary.calls, report.summary.trust_passed
        return f"verify (live role): {calls.passed} required calls allowed, {trust} trust checks pass"

    _step(console, "verifying the live role", do_verify)
    return state["arn"]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(sandbox_app, name="sandbox")
    app.command("demo")(demo)
