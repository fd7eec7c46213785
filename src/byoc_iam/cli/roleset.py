"""CLI glue for the role set (``--role storage|cross-account|all``): render, and the lifecycle as a loop over
the set's members (:class:`byoc_iam.blueprint.roleset.RoleSet`), each member through the single-role code.

Commands call in here only when the selection is more than the EKS role, so ``--role eks`` (the default)
keeps every command's output byte-for-byte.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.roleset import RoleSet, RoleSetMember

SET_FORMAT = "byoc-iam-roleset/1"


def is_set(inputs: BlueprintInputs) -> bool:
    """Whether the selection is more (or other) than the single EKS role."""
    return tuple(inputs.roles) != ("eks",) or inputs.layout != "combined"


def lint_member(member: RoleSetMember, *, trust_size_limit: int) -> tuple[list[str], list[str]]:
    """``(errors, notes)`` of one member, each line naming the role."""
    from byoc_iam.lint import Severity, lint_role

    mode: Any = member.trust_mode
    findings = lint_role(member.spec, trust_mode=mode, trust_size_limit=trust_size_limit)
    errors = [
        f"error: {member.name}: {f.code} {f.path or '/'}: {f.message}\n"
        for f in findings
        if f.severity is Severity.ERROR
    ]
    notes = [
        f"note: {member.name}: {f.severity} {f.code} {f.path or '/'}: {f.message}\n"
        for f in findings
        if f.severity in (Severity.WARNING, Severity.SECURITY_WARNING)
    ]
    if any(f.code == "I4002" for f in findings):
        notes.append(
            f"note: {member.name}: placeholder trust: usable once the cluster is linked (byoc-iam link-cluster)\n"
        )
    return errors, notes


def lint_set_gate(roles: RoleSet, *, trust_size_limit: int) -> str:
    """Refuse the whole set (exit 1, nothing written) when any member has an ERROR finding; else the notes."""
    from byoc_iam.errors import ByocError, ExitCode

    errors: list[str] = []
    notes: list[str] = []
    for member in roles:
        e, n = lint_member(member, trust_size_limit=trust_size_limit)
        errors += e
        notes += n
    if errors:
        sys.stderr.write("".join(errors))
        noun = "finding" if len(errors) == 1 else "findings"
        raise ByocError(
            f"render: refusing to output the roles with {len(errors)} ERROR {noun} (above); nothing was written",
            ExitCode.FINDINGS,
        )
    return "".join(notes)


def set_header(inputs: BlueprintInputs, roles: RoleSet) -> list[str]:
    from byoc_iam import __version__

    return [
        f"Rendered by byoc-iam {__version__}: IAM roles for Zilliz Cloud BYOC on AWS: "
        + ", ".join(f"{m.kind} {m.name}" for m in roles)
        + ".",
        f"Partition {inputs.resolved_partition}; policies {inputs.policy_placement}; trust mode "
        f"{inputs.resolved_trust_mode} (the EKS and storage roles' OIDC trust; link-cluster rewrites both).",
    ]


def set_document(roles: RoleSet) -> dict[str, Any]:
    """The JSON form of a rendered set: ``{"format", "roles": [{"kind", "console_label", "rolespec"}]}``."""
    return {"format": SET_FORMAT, "roles": [_member_document(m) for m in roles]}


def _member_document(m: RoleSetMember) -> dict[str, Any]:
    """One member; a split layout's workload roles add ``service_account`` and, with Pod Identity, ``association``."""
    doc: dict[str, Any] = {"kind": m.kind, "console_label": m.console_label, "rolespec": json.loads(m.spec.to_json())}
    if m.service_account is not None:
        doc["service_account"] = m.service_account
    if m.association is not None:
        a = m.association
        doc["association"] = {
            "cluster_name": a.cluster_name,
            "namespace": a.namespace,
            "service_account": a.service_account,
        }
    return doc


def set_document_specs(text: str, label: str) -> list[Any] | None:
    """The RoleSpecs of a set document (:func:`set_document`), or None when ``text`` is not one."""
    members = set_document_members(text, label)
    return None if members is None else [spec for _, spec in members]


def set_document_members(text: str, label: str) -> list[tuple[str, Any]] | None:
    """``(kind, RoleSpec)`` of each role of a set document (:func:`set_document`), or None when ``text`` is not
    one; UsageError naming the file for a malformed one."""
    if SET_FORMAT not in text:
        return None
    from byoc_iam.errors import UsageError
    from byoc_iam.model import RoleSpec

    try:
        doc = json.loads(text)
    except json.JSONDecodeError:
        return None
    if not isinstance(doc, dict) or doc.get("format") != SET_FORMAT:
        return None
    roles = doc.get("roles")
    if not isinstance(roles, list) or not all(isinstance(r, dict) and "rolespec" in r for r in roles):
        raise UsageError(f"{label}: roles: must be a list of {{kind, console_label, rolespec}}")
    return [
        (str(r.get("kind")), RoleSpec.from_json(json.dumps(r["rolespec"]), source=f"{label}: {r.get('kind')}"))
        for r in roles
    ]


def explain_text(kinds: tuple[str, ...]) -> str:
    """``render --explain``: where the blueprints differ from Zilliz's docs and Terraform, one note a line."""
    from byoc_iam.blueprint.roleset import explain

    kinds = tuple(k for k in kinds if k != "eks") or ("storage", "cross-account")
    return "".join(f"{kind}: {note}\n" for kind, note in explain(kinds))


def render_set(
    inputs: BlueprintInputs,
    *,
    fmt: str,
    out: Path | None,
    force: bool,
    trust_size_limit: int,
    quiet: bool,
    write_tree: Callable[..., None],
    output: str | None = None,
) -> None:
    """``render`` for a set: lint every member, then print the set document or export, or write ``--out``;
    ``output`` (``-o``) shows the set on stdout instead (:func:`byoc_iam.cli.render_output.show`)."""
    from byoc_iam.blueprint.roleset import render_role_set
    from byoc_iam.cli.render_output import show
    from byoc_iam.export.roleset import bundle_set, export_set

    roles = render_role_set(inputs)
    notes = lint_set_gate(roles, trust_size_limit=trust_size_limit)
    header = set_header(inputs, roles)
    members = [(m.kind, m.spec) for m in roles]
    shown = [(m.kind, m.spec, m.arn(inputs.resolved_partition, inputs.account_id)) for m in roles]
    if out is not None:
        files = bundle_set(members, fmt, header)
        files["roleset.json"] = json.dumps(set_document(roles), indent=2) + "\n"
        if inputs.layout == "split":
            from byoc_iam.cli.layout import wiring_files

            files.update(wiring_files(roles, inputs))
        write_tree(out, files, force=force)
        if output is not None:
            show(output, shown, files["roleset.json"])
        if not quiet:
            sys.stderr.write(f"wrote {len(files)} files to {out}\n" + notes)
        return
    if output is not None:
        show(output, shown, json.dumps(set_document(roles), indent=2) + "\n")
    else:
        text = json.dumps(set_document(roles), indent=2) + "\n" if fmt == "json" else export_set(members, fmt, header)
        sys.stdout.write(text)
        sys.stdout.flush()
    if not quiet:
        sys.stderr.write(notes)


def console_lines(roles: RoleSet, partition: str, account: str, inputs: BlueprintInputs | None = None) -> list[str]:
    """What to paste where in the Zilliz Cloud console, labelled as the console labels it."""
    from byoc_iam.blueprint.roleset import blueprint

    lines = ["Paste in the Zilliz Cloud console:"]
    for m in roles:
        lines.append(f"  {m.console_label}: {m.arn(partition, account)}")
    if inputs is not None and roles.get("storage") is not None and inputs.bucket:
        lines.append(f"  {blueprint('storage-role').console['bucket_label']}: {inputs.bucket}")
    return lines


# -- lifecycle: plan, apply, link-cluster, destroy over the set ------------------------------------------------


def set_inputs(values: dict[str, Any], ctx: Any) -> BlueprintInputs:
    """Validated inputs for a lifecycle command (the sandbox's account by default), for the credentials' account."""
    import os

    from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID
    from byoc_iam.cli.role_options import role_inputs
    from byoc_iam.errors import UsageError

    values = dict(values)
    if ctx.sandbox and not values.get("account_id") and not os.environ.get("BYOC_IAM_ACCOUNT_ID"):
        values["account_id"] = SANDBOX_ACCOUNT_ID
    inputs = role_inputs(values)
    account = ctx.account_id()
    if inputs.account_id != account:
        raise UsageError(f"--account-id is {inputs.account_id} but the AWS credentials are for account {account}")
    return inputs


def heading(member: RoleSetMember) -> str:
    return f"== {member.kind} role {member.name}"


def plan_set(ctx: Any, roles: RoleSet, *, adopt: bool, check_managed: bool) -> list[tuple[RoleSetMember, Any]]:
    """One plan per member, in apply order."""
    from byoc_iam.aws.apply import make_plan
    from byoc_iam.aws.managed_check import managed_updates

    out = []
    for member in roles:
        notes = tuple(managed_updates(ctx, member.spec)) if check_managed and member.spec.managed_policy_arns else ()
        out.append((member, make_plan(ctx, member.spec, adopt=adopt, notes=notes)))
    return out


def show_set(plans: list[tuple[RoleSetMember, Any]], show: Any, *, full: bool = False) -> None:
    import typer

    for member, the_plan in plans:
        typer.echo(heading(member))
        show(the_plan, full=full)


def apply_set(
    ctx: Any,
    roles: RoleSet,
    inputs: BlueprintInputs,
    *,
    yes: bool,
    adopt: bool,
    allow_trust_widening: bool,
    allow_boundary_removal: bool,
    show: Any,
    confirm: Any,
    progress: Any,
    max_attached: int,
) -> list[tuple[RoleSetMember, Any]]:
    """Plan every member, refuse or confirm once for all, then apply member by member in apply order; returns
    each member and its plan (applied when not empty).

    Every member's apply is idempotent, so when one fails half-way, running apply again finishes the set."""
    import typer

    from byoc_iam.aws.apply import apply_desired, check_refusals
    from byoc_iam.cli import pod_identity

    plans = plan_set(ctx, roles, adopt=adopt, check_managed=False)
    show_set(plans, show)
    for _, the_plan in plans:
        check_refusals(the_plan)
    pods = pod_identity.plan_for(ctx, roles, inputs, adopt=adopt) if pod_identity.uses_pod_identity(inputs) else None
    if pods is not None:
        pod_identity.show(pods)
        pod_identity.check(pods)
    pending = [(m, p) for m, p in plans if not p.empty]
    to_confirm = [p for _, p in pending] + ([pod_identity.as_plan(pods)] if pods and not pods.empty else [])
    if to_confirm:
        flags = {"allow_trust_widening": allow_trust_widening, "allow_boundary_removal": allow_boundary_removal}
        # with --yes every member's plan passes the trust guard; without it the question is asked once
        for the_plan in to_confirm if yes else to_confirm[:1]:
            confirm(the_plan, yes=yes, question="Apply these changes?", **flags)
        for member, the_plan in pending:
            typer.echo(heading(member))
            apply_desired(ctx, member.spec, the_plan, on_change=progress, max_attached=max_attached, **flags)
        if pods is not None and not pods.empty:
            typer.echo(f"== Pod Identity associations in cluster {pods.cluster}")
            pod_identity.execute(ctx, pods, roles)
    for line in console_lines(roles, ctx.partition, ctx.account_id(), inputs):
        typer.echo(line)
    return plans


def selection(roles: list[str] | None, name_prefix: str | None, role_name: str) -> tuple[tuple[str, ...], str]:
    """The kinds and name prefix of link-cluster/destroy/operator-policy: flags, else ``BYOC_IAM_*`` and the
    ``[role]`` table of ``$BYOC_IAM_CONFIG`` (default: the EKS role, prefix zilliz-byoc)."""
    from byoc_iam.blueprint import set_rules
    from byoc_iam.blueprint.config import gather
    from byoc_iam.errors import UsageError

    values, origins = gather({})
    raw = list(roles) if roles else list(values.get("roles") or ["eks"])
    prefix = name_prefix or str(values.get("name_prefix") or "zilliz-byoc")
    label = "--role" if roles else origins["roles"].label if "roles" in origins else "--role"
    try:
        kinds = set_rules.expand_roles(raw)
    except ValueError as exc:
        raise UsageError(f"{label}: {exc}") from None
    problem = set_rules.check_name_prefix(prefix)
    if problem:
        raise UsageError(f"--name-prefix: {problem}")
    if "cross-account" in kinds and not role_name.startswith(prefix):
        raise UsageError(
            f"--role-name: must start with the name prefix {prefix} when the cross-account role is included"
        )
    return kinds or ("eks",), prefix


def names_for(
    kinds: tuple[str, ...], prefix: str, eks_role_name: str, layout: str = "combined"
) -> list[tuple[str, str]]:
    """``(kind, role name)`` in apply order; with the split layout the EKS role's place holds the split roles."""
    from byoc_iam.blueprint.layout import split_names
    from byoc_iam.blueprint.roleset import blueprint

    out = []
    for kind in kinds:
        if kind == "eks" and layout == "split":
            out.extend(split_names(prefix))
            continue
        name = eks_role_name if kind == "eks" else f"{prefix}-{blueprint(f'{kind}-role').defaults['role_name_suffix']}"
        out.append((kind, name))
    return out


def operator_roles(policy: dict[str, Any], role_arns: list[str]) -> dict[str, Any]:
    """The operator policy with its role statements (the role statement and the attach/detach statements on the
    role) covering every role of the set (and nothing more)."""
    original = next((s["Resource"] for s in policy["Statement"] if s.get("Sid") == "ByocRole"), None)
    for stmt in policy["Statement"]:
        if stmt.get("Sid") == "ByocRole" or (original is not None and stmt.get("Resource") == original):
            stmt["Resource"] = role_arns if len(role_arns) > 1 else role_arns[0]
    return policy


# -- verify over the set ---------------------------------------------------------------------------------------


LINKED_SPLIT_KINDS = ("cni", "lbc", "ebs-csi", "cluster-autoscaler")


def link_targets(
    ctx: Any, kinds: tuple[str, ...], prefix: str, eks_role_name: str, layout: str
) -> list[tuple[str, str]]:
    """``(kind, role name)`` link-cluster rewrites: the EKS and storage roles; with the split layout, in the EKS
    role's place, its IRSA roles that exist (the CNI role only with ``--cni-role``; a Pod Identity role, whose
    trust names no OIDC provider, raises ``UsageError``: it needs an association, not a link)."""
    from byoc_iam.aws.read import read_role
    from byoc_iam.errors import UsageError

    out = []
    for kind, name in names_for(kinds, prefix, eks_role_name, layout):
        if kind in ("eks", "storage"):
            out.append((kind, name))
        elif kind in LINKED_SPLIT_KINDS:
            live = read_role(ctx, name)
            if live is None:
                if kind == "cni":
                    continue
                raise UsageError(f"--layout split: role {name} does not exist (run `byoc-iam apply --layout split`)")
            if "Federated" not in json.dumps(live.trust_policy):
                raise UsageError(
                    f"--layout split: {name} trusts EKS Pod Identity, not an OIDC provider: create its Pod Identity "
                    "association instead (render --out writes wiring/pod-identity-associations.sh)"
                )
            out.append((kind, name))
    return out


def provider_owner(aws: Any, targets: list[tuple[str, str]]) -> str:
    """The kind whose destroy removes the cluster's OIDC provider in the split layout: the last IRSA role (in
    destroy order) that exists, so the provider goes only after every other role that trusts it (``""``: none)."""
    from byoc_iam.aws.read import read_role

    irsa = [(kind, name) for kind, name in targets if kind in LINKED_SPLIT_KINDS]
    with aws.context() as ctx:
        for kind, name in reversed(irsa):
            live = read_role(ctx, name)
            if live is not None and "Federated" in json.dumps(live.trust_policy):
                return kind
    return ""


def layout_selection(layout: str | None) -> str:
    """``--layout`` of destroy: the flag, else ``BYOC_IAM_LAYOUT`` or the config's ``role.layout``, else combined."""
    from byoc_iam.blueprint.config import gather
    from byoc_iam.errors import UsageError

    value = layout or str(gather({})[0].get("layout") or "combined")
    if value not in ("combined", "split"):
        raise UsageError(f"--layout: must be one of combined, split (got {value!r})")
    return value


def verify_set_requested(role_values: dict[str, Any]) -> bool:
    """Whether flags, ``BYOC_IAM_ROLES`` or the config's ``role.roles`` select more than the EKS role."""
    from byoc_iam.blueprint.config import gather

    values, _ = gather({k: v for k, v in role_values.items()})
    raw = values.get("roles")
    if not raw:
        return False
    from byoc_iam.blueprint import set_rules

    try:
        return set_rules.expand_roles(list(raw)) != ("eks",)
    except ValueError:
        return True  # validation reports it as one line


def existing_service_linked_roles(ctx: Any) -> set[str]:
    """Which of the two EKS service-linked roles exist in the account (iam:GetRole)."""
    from byoc_iam.aws.operator import EKS_SERVICE_LINKED_ROLES
    from byoc_iam.aws.session import AwsCallError

    found: set[str] = set()
    for name in (path.rsplit("/", 1)[1] for path in EKS_SERVICE_LINKED_ROLES):
        try:
            ctx.call("iam:GetRole", RoleName=name)
            found.add(name)
        except AwsCallError as exc:
            if exc.code != "NoSuchEntity":
                raise
    return found


def run_verify_set(
    role_values: dict[str, Any],
    *,
    ctx: Any | None,
    cluster: str | None,
    features: list[str],
    allow_unlinked: bool = False,
    files: dict[str, Any] | None = None,
) -> list[tuple[str, str, bool, Any]]:
    """``(kind, role name, ok, report)`` per member; ``ctx`` given → verify the live roles (and the
    service-linked roles), ``files`` (kind → RoleSpec read from a file) → those, else the rendered ones (the
    rendered ones are the blueprint either way). An EKS role whose trust is not linked yet is not ok unless
    ``allow_unlinked``."""
    from byoc_iam.blueprint.roleset import blueprint, render_role_set, storage_subjects
    from byoc_iam.cli.role_options import role_inputs
    from byoc_iam.verify import infer_target, verify_role
    from byoc_iam.verify.roleset import SetFacts, verify_cross_account, verify_storage

    inputs = role_inputs(role_values)
    roles = render_role_set(inputs)
    partition, account = inputs.resolved_partition, inputs.account_id
    if inputs.layout == "split":  # the split roles are verify --layout split's; here the storage/cross-account
        from byoc_iam.blueprint.roleset import RoleSet

        roles = RoleSet(tuple(m for m in roles if m.kind in ("storage", "cross-account")))
    specs, read = _member_specs(ctx, roles, files)
    facts = SetFacts(
        **{
            "account": account,
            "partition": partition,
            "region": inputs.region or "us-west-2",
            "bucket": inputs.bucket or "",
            "kms_key_arn": inputs.bucket_kms_key_arn,
            "cluster": cluster or "zilliz-byoc-project",
            "eks_role_arn": f"arn:{partition}:iam::{account}:role{inputs.path}{inputs.role_name}",
            "storage_role_arn": f"arn:{partition}:iam::{account}:role{inputs.path}{inputs.name_prefix}-storage-role",
            **split_pass_facts(inputs),
        }
    )
    out: list[tuple[str, str, bool, Any]] = []
    for m in roles:
        spec = specs[m.kind]
        if m.kind == "eks":
            target = infer_target(spec, account=account, region=inputs.region, cluster=cluster)
            source = "live" if ctx else "file" if files else "rendered"
            live = read.get(m.kind, {})  # the documents of its AWS managed policies and boundary, read live
            report = verify_role(
                spec,
                features,
                live.get("managed_docs"),
                target=target,
                source=source,
                explain=False,
                boundary=live.get("boundary"),
            )
            out.append((m.kind, m.name, not report.fails_at("security", allow_unlinked=allow_unlinked), report))
        elif m.kind == "storage":
            verdict = verify_storage(spec, facts, storage_subjects(inputs)[0], blueprint=m.spec, **read.get(m.kind, {}))
            out.append((m.kind, m.name, verdict.ok and (allow_unlinked or not verdict.not_linked), verdict))
        else:
            existing = existing_service_linked_roles(ctx) if ctx is not None else None
            principal = str(blueprint("cross-account-role").raw["zilliz_principal"])
            verdict = verify_cross_account(
                spec,
                facts,
                external_id=inputs.external_id or "",
                zilliz_principal=principal,
                existing_slrs=existing,
                blueprint=m.spec,
                **read.get(m.kind, {}),
            )
            out.append((m.kind, m.name, verdict.ok, verdict))
    return out


def _member_specs(
    ctx: Any | None, roles: RoleSet, files: dict[str, Any] | None
) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``(RoleSpec by kind, live documents by kind)``: read live (with the documents of their AWS managed
    policies and boundary: ``managed_docs``, ``boundary``), else from ``files``, else rendered."""
    from byoc_iam.errors import AwsError

    specs = {}
    read: dict[str, dict[str, Any]] = {}
    for m in roles:
        spec = (files or {}).get(m.kind, m.spec)
        if ctx is not None:
            from byoc_iam.aws.read import read_role_for_verify

            try:
                spec, docs, boundary, _ = read_role_for_verify(ctx, m.name)
            except AwsError as exc:
                if str(exc) != f"role {m.name} does not exist in this account":
                    raise
                raise AwsError(
                    f"role {m.name} does not exist in this account (run `byoc-iam apply --role ...` first)"
                ) from None
            read[m.kind] = {"managed_docs": docs, "boundary": boundary}
        specs[m.kind] = spec
    return specs, read


def split_pass_facts(inputs: BlueprintInputs) -> dict[str, Any]:
    """For the split layout: the cross-account role reads and passes the cluster role in the EKS role's place,
    passes the cluster and node roles, and no other role of the set (``SetFacts`` fields)."""
    if inputs.layout != "split":
        return {}
    from byoc_iam.blueprint.layout import passed_role_arns
    from byoc_iam.blueprint.roleset import render_role_set

    passed = passed_role_arns(inputs)
    every = [m.arn(inputs.resolved_partition, inputs.account_id) for m in render_role_set(inputs)]
    return {
        "eks_role_arn": passed[0],
        "passed_roles": tuple(passed),
        "unpassed_roles": tuple(a for a in every if a not in passed),
    }


def waits_for_link(kind: str, rep: Any) -> bool:
    """Every check of the role passes but its trust is not linked yet."""
    return set_member_not_linked(kind, rep) and (rep.status != "fails" if kind == "eks" else bool(rep.ok))


def set_member_not_linked(kind: str, rep: Any) -> bool:
    """Whether a role of a verified set has a trust not linked yet (the EKS report's status; the storage role's
    service accounts assume it only through the placeholder provider ``eks_oidc_url``, which cannot exist in IAM,
    until link-cluster)."""
    return bool(rep.status == "not-linked" if kind == "eks" else rep.not_linked)


def print_verify_set(results: list[tuple[str, str, bool, Any]], output: str) -> None:
    """Text: one line per role and per failed check; json: ``{"format", "ok", "roles": [...]}``."""
    import typer

    if output == "json":
        roles = []
        for kind, name, ok, rep in results:
            body = rep.to_json_dict() if kind == "eks" else rep.to_dict()
            status = "not-linked" if waits_for_link(kind, rep) else "passed" if ok else "failed"
            roles.append({"kind": kind, "role_name": name, "ok": ok, "status": status, "report": body})
        doc = {"format": "byoc-iam-roleset-verify/1", "ok": all(r[2] for r in results), "roles": roles}
        typer.echo(json.dumps(doc, indent=2))
        return
    for kind, name, ok, rep in results:
        checks = len(rep.checks) if kind != "eks" else rep.summary.calls.passed + rep.summary.trust_passed
        if waits_for_link(kind, rep):
            typer.echo(
                f"! {kind} role {name}: not linked yet: its trust names the placeholder eks_oidc_url, so the service "
                f"accounts cannot assume it until link-cluster ({checks} other checks pass"
                + (")" if ok else "; exit 3 unless --allow-unlinked)")
            )
        else:
            mark = "✓" if ok else "✗"
            typer.echo(f"{mark} {kind} role {name}: " + ("all checks pass" if ok else "FAILED") + f" ({checks} checks)")
        for failure in rep.failures():
            typer.echo(f"    ✗ {failure}")
        if kind == "cross-account":
            for c in rep.checks:
                if c.kind == "service-linked-role":
                    typer.echo(f"    {'✓' if c.passed else '✗'} {c.description}")
