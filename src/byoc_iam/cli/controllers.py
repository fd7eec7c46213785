"""CLI: ``byoc-iam controllers diff NAME [--from R] [--to R]`` — exactly what access a controller policy
upgrade adds: every newly allowed action with an engine-checked request, or a proof that it adds none.

Exit codes: 0 the upgrade adds no access, 1 it adds access, 2 bad usage (unknown controller or release).
"""

from __future__ import annotations

import json
import sys

import typer

from byoc_iam.cli.typer_app import ByocTyper
from byoc_iam.errors import ExitCode, UsageError

controllers_app = ByocTyper(help="Controller policies byoc-iam pins: what an upgrade changes.", no_args_is_help=True)


@controllers_app.command("diff")
def diff(
    name: str = typer.Argument(..., help="Controller, e.g. aws-load-balancer-controller."),
    old: str | None = typer.Option(
        None, "--from", metavar="RELEASE", help="Older release (default: the oldest known)."
    ),
    new: str | None = typer.Option(None, "--to", metavar="RELEASE", help="Newer release (default: the pin)."),
    partition: str = typer.Option("aws", "--partition", help="aws | aws-cn | aws-us-gov."),
    output: str = typer.Option("text", "--output", "-o", metavar="FORMAT", help="text, json or table (on stdout)."),
) -> None:
    """Prove what access upgrading a controller's upstream IAM policy adds (z3, offline)."""
    from byoc_iam.cli.tables import check_output
    from byoc_iam.compare.controllers import releases, upgrade

    check_output(output)
    from byoc_iam.data import names as data_names

    controllers = data_names("controller")
    if name not in controllers:
        raise UsageError(f"unknown controller {name!r} (known: {', '.join(controllers)})")
    known = releases(name)
    from byoc_iam.blueprint.data import controller

    if partition not in controller(name).partitions:
        allowed = ", ".join(controller(name).partitions)
        raise UsageError(f"--partition: {partition!r} is not one of {allowed}")
    names = list(known)
    old = old or names[0]
    new = new or names[-1]
    for flag, rel in (("--from", old), ("--to", new)):
        if rel not in known:
            raise UsageError(f"{flag}: {name} has no release {rel!r} (known: {', '.join(names)})")
    result, gained = upgrade(name, old, new, partition)
    if output == "json":
        data = {
            "controller": name,
            "from": old,
            "to": new,
            **result.to_dict(),
            "new_actions": [{"actions": list(acts), "request": req} for acts, req in gained],
        }
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
    elif output == "table":
        from byoc_iam.cli.tables import print_table

        rows = [
            (", ".join(acts), req["resource"], json.dumps(req["context"]) if req["context"] else "")
            for acts, req in gained
        ]
        title = f"{name} {old} -> {new}: {result.relation} ({result.time_ms:.0f} ms)" + (
            f"; approximate: {result.approximate}" if result.approximate else ""
        )
        print_table(title, ("newly allowed actions", "e.g. on", "with context"), rows)
    else:
        print(f"{name} {old} -> {new}: {result.relation} ({result.time_ms:.0f} ms)")
        for acts, req in gained:
            print(f"  + {', '.join(acts)}")
            print(
                f"      e.g. on {req['resource']}" + (f" with {json.dumps(req['context'])}" if req["context"] else "")
            )
        if not gained:
            print("  no new access")
        if result.approximate:
            print(f"  approximate: {result.approximate}")
    if gained:
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(controllers_app, name="controllers")
