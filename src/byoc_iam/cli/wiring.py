"""CLI: ``byoc-iam wiring`` — the controllers' service-account annotations for the role: Helm values for the
three charts, an eksctl ClusterConfig fragment and ``kubectl annotate`` lines (printed, or written with --out)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from byoc_iam.cli.role_options import with_role_options

if TYPE_CHECKING:
    from byoc_iam.blueprint import BlueprintInputs

OUTPUTS = ("text", "json", "table")


@with_role_options
def wiring(
    inputs: BlueprintInputs,
    cluster: str = typer.Option("zilliz-byoc", "--cluster", help="The EKS cluster name (Helm values, eksctl)."),
    output: str = typer.Option("text", "--output", "-o", help="text, json or table (on stdout).", metavar="FORMAT"),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Write wiring/values-<chart>.yaml, wiring/eksctl.yaml, wiring/annotate.sh here.",
        metavar="DIR",
    ),
) -> None:
    """Print how to wire the controllers to the role: Helm values, an eksctl fragment, kubectl annotate lines.

    The annotation is ``eks.amazonaws.com/role-arn: <role ARN>`` on each service account the trust policy admits.
    Exit codes: 0 printed or written; 2 bad input.
    """
    import json

    from byoc_iam.blueprint import render_role
    from byoc_iam.cli.files import write_file
    from byoc_iam.errors import UsageError
    from byoc_iam.export import wiring as w

    if output not in OUTPUTS:
        raise UsageError(f"--output must be one of {', '.join(OUTPUTS)}")
    spec = render_role(inputs)
    files = w.wiring_files(spec, cluster, inputs.region, inputs.account_id)
    if out is not None:
        if out.exists() and not out.is_dir():
            raise UsageError(f"--out: {out} exists and is not a directory")
        for rel, text in files.items():
            path = out / rel
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise UsageError(f"--out: cannot create {path.parent}: {exc.strerror or exc}") from None
            write_file(path, text, flag="--out", mode=0o755 if rel.endswith(".sh") else 0o644)
        sys.stderr.write(f"wrote {len(files)} files to {out / w.WIRING_DIR}\n")
        return
    arn = w.role_arn(spec, inputs.account_id, inputs.resolved_partition)
    accounts = w.service_accounts(spec)
    if output == "json":
        data = {
            "role_arn": arn,
            "service_accounts": [f"{ns}:{n}" for ns, n in accounts],
            "helm_values": w.helm_values(arn, accounts, cluster, inputs.region),
            "eksctl": w.eksctl_fragment(arn, accounts, cluster, inputs.region),
            "kubectl": w.kubectl_lines(arn, accounts),
        }
        typer.echo(json.dumps(data, indent=2))
    elif output == "table":
        _table(arn, accounts)
    else:
        typer.echo("".join(f"--- {rel}\n{text}" for rel, text in files.items()), nl=False)


def _table(arn: str, accounts: list[tuple[str, str]]) -> None:
    from rich.console import Console
    from rich.table import Table

    from byoc_iam.export.wiring import charts

    table = Table(title=f"Service accounts to annotate with {charts()['annotation']}", title_justify="left")
    for col in ("namespace", "service account", "role ARN"):
        table.add_column(col)
    for ns, name in accounts:
        table.add_row(ns, name, arn)
    Console().print(table)


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("wiring")(wiring)
