"""CLI glue of ``destroy --layout split --cluster-name C``: remove the cluster's OIDC provider byoc-iam created
when no role federates it any more (:mod:`byoc_iam.aws.cluster_provider`), after the roles are gone."""

from __future__ import annotations

import json
import sys
from typing import Any


def candidate_roles(prefix: str, eks_role_name: str) -> list[str]:
    """Every role of byoc-iam's layouts that may federate the cluster's provider: the split roles and the combined
    layout's EKS and storage roles."""
    from byoc_iam.blueprint.layout import split_names
    from byoc_iam.cli.roleset import names_for

    names = [n for _, n in split_names(prefix)] + [n for _, n in names_for(("eks", "storage"), prefix, eks_role_name)]
    return list(dict.fromkeys(names))


def destroy_provider(aws: Any, cluster: str, roles: list[str], *, yes: bool, dry_run: bool) -> None:
    """Plan, show, confirm (``yes``) and make the provider's removal; ``dry_run`` only shows it."""
    import typer

    from byoc_iam.aws.cluster_provider import plan_provider_removal, remove_provider

    with aws.context() as ctx:
        removal = plan_provider_removal(ctx, cluster, roles)
        for note in removal.notes:
            sys.stderr.write(f"note: {note}\n")
        change = removal.change
        if change is None:
            return
        if not aws.json:
            typer.echo(f"== OIDC provider of cluster {cluster} (no role federates it any more)")
            typer.echo(f"  - {change.kind} {change.target}")
        if dry_run:
            return
        question = f"Delete the OIDC provider of cluster {cluster}?"
        if not yes and (not sys.stdin.isatty() or not typer.confirm(question, default=False)):
            from byoc_iam.errors import UsageError

            raise UsageError("deleting the OIDC provider needs confirmation: pass --yes")
        remove_provider(ctx, change)
    if aws.json:
        typer.echo(json.dumps({"command": "destroy", "changes": [change.to_dict()], "applied": True}, indent=2))
    else:
        typer.echo(f"Destroyed OIDC provider {change.target}.")
