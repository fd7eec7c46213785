"""The demo's split-layout steps (``byoc-iam demo --layout split``): on the same sandbox, after the combined role's
flow, render and lint the split roles, apply them (and again: 0 changes), link the controller roles to the demo
cluster, verify each component against its live role, prove each split role within the combined role, and print
the Helm values each controller needs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from byoc_iam.errors import ByocError, ExitCode

Step = Callable[[Any, str, Callable[[], str]], None]


def run_layout_steps(
    console: Any, ctx: Any, *, region: str, cluster: str, step: Step, ok: Callable[[Any, str], None]
) -> list[str]:
    """Run the split layout's steps; returns the wiring lines to print. A failing step raises ByocError."""
    from byoc_iam.aws.apply import execute
    from byoc_iam.aws.link import link_plan
    from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID
    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.cli.demo_roleset import apply_members, lint_members
    from byoc_iam.cli.layout import helm_values

    inputs = BlueprintInputs(account_id=SANDBOX_ACCOUNT_ID, region=region, layout="split", cluster_name=cluster)
    roles = render_role_set(inputs)
    lint_members(roles)
    ok(console, f"split layout: rendered and linted {len(roles)} roles ({', '.join(roles.kinds)})")

    def do_apply() -> str:
        return f"apply: {apply_members(ctx, roles)} changes over {len(roles)} roles"

    step(console, "applying the split roles", do_apply)
    step(
        console,
        "applying the split roles again",
        lambda: do_apply().replace("apply:", "apply again:") + " (idempotent)",
    )

    def do_link() -> str:
        for m in roles.linked():
            plan, _ = link_plan(ctx, cluster, m.name)
            execute(ctx, plan, what=f"link-cluster --cluster {cluster} ({m.kind})")
        return (
            f"link-cluster: {len(roles.linked())} controller roles trust the cluster's issuer, one service account each"
        )

    step(console, "linking the controller roles", do_link)
    step(console, "verifying each component against its live role", lambda: _verify_live(ctx, inputs, roles, cluster))
    step(console, "proving each split role within the combined role (z3)", lambda: _prove(inputs))
    values = helm_values(roles, ctx.partition, ctx.account_id())
    return [f"  helm {chart}: {_flat(v)}" for chart, v in values.items()]


def _verify_live(ctx: Any, inputs: Any, roles: Any, cluster: str) -> str:
    from byoc_iam.aws.read import read_role
    from byoc_iam.verify.requirements import Target
    from byoc_iam.verify.split import verify_split

    specs = {}
    for m in roles:
        live = read_role(ctx, m.name)
        if live is None:
            raise ByocError(f"verify: role {m.name} is not in the sandbox", ExitCode.VERIFY_FAILED)
        specs[m.kind] = live
    target = Target(
        account=inputs.account_id, region=inputs.region, partition=inputs.resolved_partition, cluster=cluster
    )
    results = verify_split(inputs, specs, target)
    failed = [r for r in results if not r.ok]
    if failed:
        raise ByocError(f"verify failed: {failed[0].result.name} on the {failed[0].kind} role", ExitCode.VERIFY_FAILED)
    return f"verify (live roles): {len(results)} components pass, each against its own role"


def _prove(inputs: Any) -> str:
    from byoc_iam.verify.layout import lost_actions, prove_layout

    proof = prove_layout(inputs)
    if not proof.ok:
        bad = next(r for r in proof.roles if not r.ok)
        raise ByocError(f"proof: the {bad.kind} role grants more than the combined role", ExitCode.VERIFY_FAILED)
    node = next(r for r in proof.roles if r.kind == "node")
    gone = "elasticloadbalancing:deleteloadbalancer" in lost_actions(node)
    extra = "; the node role can no longer elasticloadbalancing:DeleteLoadBalancer" if gone else ""
    return f"proved: no split role grants anything the combined role does not{extra}"


def _flat(values: dict[str, Any], prefix: str = "") -> str:
    """One Helm ``--set`` argument (dots inside a key escaped, as helm requires)."""
    key, value = next(iter(values.items()))
    path = (f"{prefix}." if prefix else "") + key.replace(".", "\\.")
    return _flat(value, path) if isinstance(value, dict) else f"--set {path}={value}"
