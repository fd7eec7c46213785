"""CLI: ``byoc-iam verify`` — will every component of the cluster work with the role, and is it safe?

The role comes from the same flags as ``render`` (default), from a RoleSpec file (``--role``), or from AWS
(``--live --role-name NAME``). Heavy imports (pydantic, the engine, jinja2, boto3) happen inside the command.
Exit 0 when every required call is allowed and every trust check passes, 3 otherwise.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byoc_iam.cli import role_options
from byoc_iam.cli.aws_options import AwsOptions, with_aws_options

if TYPE_CHECKING:
    from byoc_iam.model import PolicyDocument, RoleSpec
    from byoc_iam.verify import VerifyReport

OUTPUTS = ("text", "json", "sarif", "table")  # table: the text report (its tables)


@with_aws_options(region=False, outputs=OUTPUTS, verbose=False)
@role_options.with_role_options(inputs_param="role_values", lazy=True)
def verify(
    role: Path | None = typer.Option(
        None, "--role", help="Verify this RoleSpec JSON file instead of rendering.", metavar="FILE"
    ),
    live: bool = typer.Option(False, "--live", help="Read the role named by --role-name from AWS."),
    feature: list[str] | None = typer.Option(
        None, "--feature", help="Also require the calls of this optional feature (repeatable).", metavar="NAME"
    ),
    list_features: bool = typer.Option(False, "--list-features", help="List the optional features and exit."),
    cluster: str | None = typer.Option(
        None, "--cluster", help="EKS cluster name used in tags \\[default: zilliz-byoc]."
    ),
    html: Path | None = typer.Option(
        None, "--html", help="Also write a self-contained HTML report here.", metavar="FILE"
    ),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="text: list every call with its deciding statement."),
    *,
    role_values: role_options.RoleValues,
    aws: AwsOptions,
) -> None:
    """Verify the role: every component's required AWS calls are allowed, and only intended principals can assume it.

    Exit 0: all required calls allowed and all trust checks passed; 3: something failed (named in the output).
    """
    from byoc_iam.errors import UsageError

    output = aws.output
    aws.verbose = verbose
    if list_features:
        _print_features()
        return
    if role is not None and live:
        raise UsageError("--role and --live are mutually exclusive")
    if aws.given and not live:
        raise UsageError("--profile/--endpoint-url/--sandbox read AWS: add --live")
    # the deciding statement of every allowed call: for the machine-readable and HTML reports, and --verbose
    explain = output != "text" or html is not None or verbose
    report = run_verify(role, live, aws, feature or [], cluster, role_values, explain=explain)
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


def run_verify(
    role: Path | None,
    live: bool,
    aws: AwsOptions,
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
        spec, managed_docs, boundary, role_arn = _read_live(name, aws, role_values.get("region"))
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
    name: str, aws: AwsOptions, region: str | None
) -> tuple[RoleSpec, dict[str, PolicyDocument], PolicyDocument | None, str]:
    """The live role, the documents (default versions) of its AWS managed policies and of its permissions
    boundary, and its ARN (read by :func:`byoc_iam.aws.read.read_role_for_verify`)."""
    from byoc_iam.aws.read import read_role_for_verify
    from byoc_iam.model import PolicyDocument

    with aws.context(region) as ctx:
        spec, docs, boundary, arn = read_role_for_verify(ctx, name)
    managed = {policy_arn: PolicyDocument.from_dict(doc) for policy_arn, doc in docs.items()}
    return spec, managed, PolicyDocument.from_dict(boundary) if boundary is not None else None, arn


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
    """Write ``text`` to ``path`` atomically (never a half-written report; only a regular file)."""
    from byoc_iam.cli.files import write_file

    write_file(path, text, flag="--html")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("verify")(verify)
