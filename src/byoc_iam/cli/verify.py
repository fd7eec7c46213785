"""CLI: ``byoc-iam verify`` — will every component of the cluster work with the role, and is it safe?

The role comes from the same flags as ``render`` (default), from a RoleSpec file (``--role``), or from AWS
(``--live --role-name NAME``). Heavy imports (pydantic, the engine, jinja2, boto3) happen inside the command.
Exit 0 when every required call is allowed and every trust check passes, 3 otherwise.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byoc_iam.cli import role_options

if TYPE_CHECKING:
    from byoc_iam.model import PolicyDocument, RoleSpec
    from byoc_iam.verify import VerifyReport

OUTPUTS = ("text", "json", "sarif")


@role_options.with_role_options(inputs_param="role_values", lazy=True)
def verify(
    role: Path | None = typer.Option(
        None,
        "--role",
        help="Verify this RoleSpec JSON file instead of rendering; or the roles of the set to render and verify: "
        "eks, storage, cross-account, all.",
        metavar="FILE|KIND",
    ),
    live: bool = typer.Option(False, "--live", help="Read the role named by --role-name from AWS."),
    profile: str | None = typer.Option(None, "--profile", help="AWS profile (with --live)."),
    endpoint_url: str | None = typer.Option(
        None, "--endpoint-url", help="AWS endpoint URL (with --live).", metavar="URL"
    ),
    feature: list[str] | None = typer.Option(
        None, "--feature", help="Also require the calls of this optional feature (repeatable).", metavar="NAME"
    ),
    list_features: bool = typer.Option(False, "--list-features", help="List the optional features and exit."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="EKS cluster name used in tags \\[default: zilliz-byoc]."
    ),
    output: str = typer.Option("text", "--output", "-o", help="text, json or sarif (on stdout)."),
    html: Path | None = typer.Option(
        None, "--html", help="Also write a self-contained HTML report here.", metavar="FILE"
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="text: list every call with its deciding statement."),
    *,
    role_values: role_options.RoleValues,
) -> None:
    """Verify the role: every component's required AWS calls are allowed, and only intended principals can assume it.

    Exit 0: all required calls allowed and all trust checks passed; 3: something failed (named in the output).
    """
    from byoc_iam.errors import UsageError

    if output not in OUTPUTS:
        raise UsageError(f"--output must be one of {', '.join(OUTPUTS)}")
    if list_features:
        _print_features()
        return
    role = _role_selection(role, role_values)
    if role is None:
        from byoc_iam.cli.layout import layout_requested, verify_layout

        if layout_requested(role_values):
            if live or output == "sarif" or html is not None:
                raise UsageError(
                    "--layout split: verify checks the rendered roles in text or json (not yet --live, sarif, --html)"
                )
            if not verify_layout(role_values, cluster=cluster, features=feature or [], output=output):
                raise typer.Exit(3)
            return
    if role is None and output != "sarif" and html is None:
        from byoc_iam.cli.roleset import verify_set_requested

        if verify_set_requested(role_values):
            _verify_set(role_values, live, profile, endpoint_url, cluster, feature or [], output)
            return
    if role is not None and live:
        raise UsageError("--role and --live are mutually exclusive")
    # the deciding statement of every allowed call: for the machine-readable and HTML reports, and --verbose
    explain = output != "text" or html is not None or verbose
    report = run_verify(role, live, profile, endpoint_url, feature or [], cluster, role_values, explain=explain)
    if html is not None:
        from byoc_iam.report.verify_html import render_html

        _write_atomic(html, render_html(report))
    if output == "json":
        import json

        sys.stdout.write(json.dumps(report.to_json_dict(), indent=2) + "\n")
    elif output == "sarif":
        import json

        from byoc_iam.report.verify_sarif import to_sarif

        sys.stdout.write(json.dumps(to_sarif(report, artifact_uri=str(role) if role else None), indent=2) + "\n")
    else:
        from rich.console import Console

        from byoc_iam.report.verify_text import render_text

        render_text(report, Console(), verbose=verbose)
    if not report.ok:
        raise typer.Exit(3)


def _role_selection(role: Path | None, role_values: dict[str, Any]) -> Path | None:
    """``--role eks|storage|cross-account|all`` selects roles (into ``role_values``); else it names a file."""
    from byoc_iam.blueprint.set_rules import role_flag_value
    from byoc_iam.errors import UsageError

    if role is None:
        return None
    try:
        kinds = role_flag_value(str(role), role.exists())
    except ValueError as exc:
        raise UsageError(f"--role: {exc} (or a RoleSpec file)") from None
    if kinds is None:
        return role
    role_values["roles"] = [kinds]
    return None


def _verify_set(
    role_values: dict[str, Any],
    live: bool,
    profile: str | None,
    endpoint_url: str | None,
    cluster: str | None,
    features: list[str],
    output: str,
) -> None:
    """verify for a role set (``--role all``): each role's checks; exit 3 when any fails."""
    from byoc_iam.cli.roleset import print_verify_set, run_verify_set

    if live:
        from byoc_iam.aws.session import AwsContext

        ctx = AwsContext(profile=profile, region=role_values.get("region"), endpoint_url=endpoint_url)
        try:
            results = run_verify_set(role_values, ctx=ctx, cluster=cluster, features=features)
        finally:
            ctx.close()
    else:
        results = run_verify_set(role_values, ctx=None, cluster=cluster, features=features)
    print_verify_set(results, output)
    if not all(ok for _, _, ok, _ in results):
        raise typer.Exit(3)


def run_verify(
    role: Path | None,
    live: bool,
    profile: str | None,
    endpoint_url: str | None,
    features: list[str],
    cluster: str | None,
    role_values: dict[str, Any],
    *,
    explain: bool = True,
) -> VerifyReport:
    """Load the role (rendered, file or live) and verify it."""
    from byoc_iam.errors import UsageError
    from byoc_iam.verify import infer_target, verify_role

    managed_docs: dict[str, PolicyDocument] | None = None
    boundary: PolicyDocument | None = None
    role_arn: str | None = None
    if role is not None:
        from byoc_iam.cli.files import read_text
        from byoc_iam.model import RoleSpec

        spec = RoleSpec.from_json(read_text(role), str(role))
        source = "file"
    elif live:
        name = role_values.get("role_name")
        if not name:
            raise UsageError("--live needs --role-name NAME")
        spec, managed_docs, boundary, role_arn = _read_live(name, profile, role_values.get("region"), endpoint_url)
        source = "live"
    else:
        from byoc_iam.blueprint import render_role

        spec = render_role(role_options.role_inputs(role_values))
        source = "rendered"
    target = infer_target(
        spec, account=role_values.get("account_id"), region=role_values.get("region"), cluster=cluster
    )
    if role_arn:
        target = type(target)(
            account=role_arn.split(":")[4],
            region=target.region,
            partition=role_arn.split(":")[1],
            cluster=target.cluster,
        )
    return verify_role(
        spec,
        features,
        managed_docs,
        target=target,
        source=source,
        role_arn=role_arn,
        explain=explain,
        boundary=boundary,
    )


def _read_live(
    name: str, profile: str | None, region: str | None, endpoint_url: str | None
) -> tuple[RoleSpec, dict[str, PolicyDocument], PolicyDocument | None, str]:
    """The live role, the documents (default versions) of its AWS managed policies and of its permissions
    boundary, and its ARN."""
    from byoc_iam.aws.read import decode_document, read_role
    from byoc_iam.aws.session import AwsContext
    from byoc_iam.errors import AwsError
    from byoc_iam.model import PolicyDocument

    ctx = AwsContext(profile=profile, region=region, endpoint_url=endpoint_url)
    spec = read_role(ctx, name)
    if spec is None:
        raise AwsError(f"role {name} does not exist in this account")
    arn = str(ctx.call("iam:GetRole", RoleName=name)["Role"]["Arn"])

    def document(policy_arn: str) -> PolicyDocument:
        meta = ctx.call("iam:GetPolicy", PolicyArn=policy_arn)["Policy"]
        version = ctx.call("iam:GetPolicyVersion", PolicyArn=policy_arn, VersionId=meta["DefaultVersionId"])
        return PolicyDocument.from_dict(decode_document(version["PolicyVersion"]["Document"]))

    docs = {policy_arn: document(policy_arn) for policy_arn in spec.managed_policy_arns}
    boundary = document(spec.permissions_boundary) if spec.permissions_boundary else None
    return spec, docs, boundary, arn


def _print_features() -> None:
    from rich.console import Console
    from rich.table import Table

    from byoc_iam.verify import components

    table = Table(title="Optional features (--feature NAME)", title_justify="left")
    for col in ("feature", "component", "what", "calls"):
        table.add_column(col)
    for comp in components():
        for name, what in comp.features.items():
            n = sum(1 for c in comp.calls if c.feature == name)
            table.add_row(name, comp.id, what, str(n))
    Console().print(table)


def _write_atomic(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` via a temporary file in the same folder (never a half-written report)."""
    from byoc_iam.errors import UsageError

    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=folder)
    except OSError as exc:
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise UsageError(f"{path}: cannot write: {exc.strerror or exc}") from None


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("verify")(verify)
