"""``verify --layout split``: each component against the role it gets (rendered, or read live with ``--live``),
the z3 proof that every split role is within the combined role with what each no longer grants, and with
``--role all`` the storage and cross-account roles; as text, JSON, SARIF and HTML (``--html``)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

LAYOUT_VERIFY_FORMAT = "byoc-iam-layout-verify/1"


def _live_specs(ctx: Any, roles: Any) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """``(specs by kind, AWS managed documents by ARN, boundary documents by ARN)`` of the live split roles; an
    absent role is one AwsError line (the CNI role only when ``--cni-role`` rendered it)."""
    from byoc_iam.aws.read import read_role_for_verify

    specs: dict[str, Any] = {}
    docs: dict[str, Any] = {}
    boundaries: dict[str, Any] = {}
    for m in roles:
        if m.kind in ("storage", "cross-account"):
            continue
        spec, managed, boundary, _ = read_role_for_verify(ctx, m.name)
        specs[m.kind] = spec
        docs.update(managed)
        if boundary is not None and spec.permissions_boundary:
            boundaries[spec.permissions_boundary] = boundary
    return specs, docs, boundaries


def run_layout_verify(
    role_values: dict[str, Any], *, cluster: str | None, features: list[str], ctx: Any | None
) -> dict[str, Any]:
    """The layout verify document (``format`` byoc-iam-layout-verify/1): ``ok``, ``source``, ``components``,
    ``proof`` (each role's relation and ``no_longer``), ``no_imds_finding``, ``roles`` (storage and
    cross-account, when selected) and ``beyond`` (live: each split role's grants beyond its blueprint).
    ``ctx``: an AwsContext to read the roles live, else the rendered roles."""
    from byoc_iam.blueprint.config import gather
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.cli.role_options import role_inputs
    from byoc_iam.verify.layout import prove_layout
    from byoc_iam.verify.requirements import Target
    from byoc_iam.verify.split import verify_split
    from byoc_iam.verify.split_trust import check_split_trust

    if ctx is not None and not gather(role_values)[0].get("account_id"):
        role_values = {**role_values, "account_id": ctx.account_id()}  # the live account (STS GetCallerIdentity)
    inputs = role_inputs(role_values)
    roles = render_role_set(inputs)
    target = Target(
        account=inputs.account_id,
        region=inputs.region or "us-east-1",
        partition=inputs.resolved_partition,
        cluster=cluster or inputs.cluster_name or "zilliz-byoc",
    )
    docs: dict[str, Any] | None = None
    boundaries: dict[str, Any] | None = None
    federation = None
    if ctx is not None:
        specs, docs, boundaries = _live_specs(ctx, roles)
        from byoc_iam.aws.read import read_federation

        federation = read_federation(ctx, specs.values(), ctx.account_id(), cluster)
    else:
        specs = {m.kind: m.spec for m in roles}
    results = verify_split(inputs, specs, target, set(features), boundaries=boundaries, managed_docs=docs)
    trust = check_split_trust(inputs, specs, target, federation)
    proof = prove_layout(inputs, specs if ctx is not None else None, {**(docs or {}), **(boundaries or {})})
    beyond = _beyond(roles, specs, docs, boundaries, inputs.resolved_partition) if ctx is not None else []
    set_roles = _set_roles(role_values, roles, ctx=ctx, cluster=cluster, features=features)
    pods = _associations(ctx, roles, cluster or inputs.cluster_name) if _live_pods(ctx, inputs) else []
    ok = all(r.ok for r in results) and proof.ok and all(r["ok"] for r in set_roles) and not beyond
    ok = ok and not any(t.failed for t in trust) and not any(a.status == "failed" for a in pods)
    waiting = any(t.not_linked for t in trust) or any(r["status"] == "not-linked" for r in set_roles)
    waiting = waiting or any(a.status == "not-linked" for a in pods)
    status = "fails" if not ok else ("not-linked" if waiting else "ready")
    return {
        "format": LAYOUT_VERIFY_FORMAT,
        "ok": status == "ready",  # exit 0 without --allow-unlinked (the CLI sets it for its flags)
        "status": status,
        "trust": [t.to_dict() for t in trust],
        "layout": "split",
        "identity": inputs.identity,
        "source": "live" if ctx is not None else "rendered",
        "components": [r.to_dict() for r in results],
        "proof": proof.to_dict(),
        "no_imds_finding": no_imds_finding(proof),
        "roles": set_roles,
        "associations": [a.to_dict() for a in pods],
        "beyond": beyond,
    }


def _beyond(roles: Any, specs: dict[str, Any], docs: Any, boundaries: Any, partition: str) -> list[dict[str, str]]:
    """``{role_name, id, what}`` per grant of a split role read live beyond its rendered blueprint: an AWS managed
    policy or Allow statement the rendered role has not, a policy without a document (not evaluated: fails)."""
    from byoc_iam.verify.set_guard import attached, beyond_blueprint

    out: list[dict[str, str]] = []
    for m in roles:
        spec = specs.get(m.kind)
        if spec is None or m.kind in ("storage", "cross-account"):
            continue
        boundary = (boundaries or {}).get(spec.permissions_boundary) if spec.permissions_boundary else None
        found = attached(spec, docs, boundary)
        lines = beyond_blueprint(found, m.spec, partition) + found.problems()
        out += [{"role_name": spec.role_name, "id": i, "what": what} for i, what in lines]
    return out


def _live_pods(ctx: Any | None, inputs: Any) -> bool:
    return ctx is not None and inputs.identity == "pod-identity"


def _associations(ctx: Any, roles: Any, cluster: str | None) -> list[Any]:
    """The live Pod Identity associations of ``cluster`` against the layout's (every association of the cluster
    is read: one naming a split role for another service account fails too)."""
    from byoc_iam.aws.pod_identity import PodIdentityUnavailable, read_associations
    from byoc_iam.cli.pod_identity import wanted
    from byoc_iam.errors import AwsError
    from byoc_iam.verify.associations import check_associations

    partition, account = ctx.partition, ctx.account_id()
    want = wanted(roles, partition, account)
    arns = {m.arn(partition, account) for m in roles}
    try:
        live = read_associations(ctx, cluster, None, []) if cluster else None
    except PodIdentityUnavailable as exc:
        raise AwsError(str(exc).split(";", 1)[0] + "; the associations cannot be verified") from None
    return check_associations(cluster, want, live, arns)


IMDS_ACTIONS = ("elasticloadbalancing:deleteloadbalancer", "ec2:deletevolume")


def no_imds_finding(proof: Any) -> bool:
    """Whether the proof shows the node role no longer grants what made the combined role's IMDS finding."""
    from byoc_iam.verify.layout import lost_actions

    node = next((r for r in proof.roles if r.kind == "node"), None)
    return node is not None and node.ok and set(IMDS_ACTIONS) <= lost_actions(node)


def _set_roles(
    role_values: dict[str, Any], roles: Any, *, ctx: Any | None, cluster: str | None, features: list[str]
) -> list[dict[str, Any]]:
    """The storage and cross-account roles' verdicts when the set selects them (``roles`` of the document);
    ``status`` ``not-linked`` for one whose checks pass but whose trust waits for link-cluster (the layout's
    status and exit code decide on that, as for the split roles)."""
    if not any(m.kind in ("storage", "cross-account") for m in roles):
        return []
    from byoc_iam.cli.roleset import run_verify_set, waits_for_link

    results = run_verify_set(role_values, ctx=ctx, cluster=cluster, features=features, allow_unlinked=True)
    return [
        {
            "kind": k,
            "role_name": n,
            "ok": ok,
            "status": "not-linked" if waits_for_link(k, rep) else "passed" if ok else "failed",
            "failures": rep.failures(),
            "report": rep.to_dict(),
        }
        for k, n, ok, rep in results
    ]


def emit(doc: dict[str, Any], output: str, html: Path | None) -> None:
    """Write ``--html`` (atomically) and print the document as text, JSON or SARIF."""
    from byoc_iam.report import layout_report

    if html is not None:
        from byoc_iam.cli.files import write_file

        write_file(html, layout_report.render_html(doc), flag="--html")
    if output == "json":
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    elif output == "sarif":
        sys.stdout.write(json.dumps(layout_report.to_sarif(doc), indent=2) + "\n")
    else:
        sys.stdout.write(layout_report.render_text(doc))


def verify_layout(
    role_values: dict[str, Any],
    *,
    cluster: str | None,
    features: list[str],
    output: str,
    live: bool = False,
    aws: Any = None,
    html: Path | None = None,
    allow_unlinked: bool = False,
) -> bool:
    """``verify --layout split`` (:mod:`byoc_iam.cli.layout_verify`): the rendered roles, or with ``live`` the
    roles read through ``aws`` (the shared AWS options: ``--profile``, ``--endpoint-url``, ``--sandbox``...);
    printed as text, json or sarif, ``html`` also written. True when everything passes and the roles a pod
    assumes through the OIDC provider are linked (or ``allow_unlinked``)."""
    if live:
        with aws.context(role_values.get("region")) as ctx:
            doc = run_layout_verify(role_values, cluster=cluster, features=features, ctx=ctx)
    else:
        doc = run_layout_verify(role_values, cluster=cluster, features=features, ctx=None)
    doc["ok"] = doc["status"] == "ready" or (allow_unlinked and doc["status"] == "not-linked")  # <=> exit 0
    emit(doc, "text" if output == "table" else output, html)
    return bool(doc["ok"])
