"""CLI: ``byoc-iam catalog`` — the AWS managed-policy catalog: list, show, history, diff (live), refresh.

boto3 is imported inside the functions that talk to AWS, so the module is cheap to import.
"""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byoc_iam.cli.aws_options import AwsOptions, with_aws_options
from byoc_iam.cli.files import write_file
from byoc_iam.cli.tables import print_policy, print_table
from byoc_iam.cli.typer_app import ByocTyper
from byoc_iam.errors import AwsError, ExitCode, UsageError

if TYPE_CHECKING:
    from byoc_iam.managed import ManagedPolicy
    from byoc_iam.managed.snapshot import SourceRecord


class Output(StrEnum):
    text = "text"
    json = "json"
    table = "table"


OUTPUTS = tuple(o.value for o in Output)
with_aws = with_aws_options(region=True, outputs=OUTPUTS)


catalog_app = ByocTyper(
    name="catalog",
    help="The AWS managed policies for EKS: what they grant, their history, and whether AWS changed them.",
    no_args_is_help=True,
)

OUTPUT = typer.Option(Output.text, "--output", "-o", help="text, json or table.")
NAMES_SHOWN = 40  # refresh lists added/removed policy names up to this many (all of them with --output json)


def register(app: typer.Typer) -> None:
    """Add the ``catalog`` sub-app."""
    app.add_typer(catalog_app, name="catalog")


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------- AWS edge (thin)


def _require(aws: AwsOptions, from_aws: bool) -> None:
    """For commands that read AWS only with ``--from-aws``: the AWS flags alone are a usage error."""
    if not from_aws and aws.given:
        raise UsageError("--profile/--region/--endpoint-url/--sandbox read AWS: add --from-aws")


def _record(name: str, meta: dict[str, Any], pv: dict[str, Any]) -> SourceRecord:
    from byoc_iam.managed.snapshot import SourceRecord

    return SourceRecord(name, meta["Path"], pv["VersionId"], meta["CreateDate"], pv["CreateDate"], pv["Document"])


def _fetch(
    aws: AwsOptions, wanted: list[tuple[str, str, str | None]], *, names: bool = False
) -> tuple[str, list[SourceRecord | None], list[tuple[str, str]]]:
    """The partition read, one record (or None: no such policy) per (name, path, version) wanted, and with
    ``names`` the name and path of every AWS managed policy (every read through :mod:`byoc_iam.aws.read`)."""
    from byoc_iam.aws.read import list_aws_managed_policy_names, read_policy_version
    from byoc_iam.managed import policy_arn

    with aws.context() as ctx:
        ctx.session()  # resolves the region, hence the partition
        partition = ctx.partition
        records: list[SourceRecord | None] = []
        for name, path, version in wanted:
            found = read_policy_version(ctx, policy_arn(name, path, partition), version)
            records.append(None if found is None else _record(name, *found))
        return partition, records, list_aws_managed_policy_names(ctx) if names else []


# ---------------------------------------------------------------- commands


@catalog_app.command("list")
def list_(output: Output = OUTPUT) -> None:
    """Every policy in the catalog: version, date, attachable to a role or service-linked only, deprecated."""
    from byoc_iam.managed import get_catalog

    cat = get_catalog()
    if output is Output.json:
        _emit(
            {
                "source": cat.source,
                "policies": [p.to_dict(document=False) for p in cat],
                "missing": [{"name": n, "reason": r} for n, r in cat.gaps.items()],
            }
        )
        return
    rows = [("NAME", "VERSION", "UPDATED", "ATTACHABLE TO", "NOTE")]
    for p in cat:
        note = "deprecated" if p.deprecated else ("" if p.on_eks_page else "not on the EKS page")
        rows.append((p.name, p.default_version, p.updated.isoformat(), p.attachable_to, note))
    if output is Output.table:
        gaps = [(name, "", "", "", f"missing: {reason}") for name, reason in cat.gaps.items()]
        print_table(f"AWS managed policies for EKS ({cat.source})", [c.lower() for c in rows[0]], [*rows[1:], *gaps])
        return
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    for r in rows:
        typer.echo("  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)) + "  " + r[4])
    for name, reason in cat.gaps.items():
        typer.echo(f"missing: {name}: {reason}")


def _show_text(p: ManagedPolicy, version: str, update: str, document: dict[str, Any], source: str) -> None:
    typer.echo(f"{p.name}  {version}  updated {update}  ({source})")
    typer.echo(f"arn: {p.arn()}")
    for partition in ("aws-cn", "aws-us-gov"):
        typer.echo(f"     {p.arn(partition)}")
    slr = f" ({p.service_linked_role})" if p.service_linked_role else ""
    typer.echo(f"attachable to: {p.attachable_to}{slr}")
    if p.deprecated:
        typer.echo(f"deprecated: {p.deprecation}")
    typer.echo(f"purpose: {p.purpose}")
    for g in p.grants:
        typer.echo(f"  {g.service}: {g.what}")
    typer.echo(json.dumps(document, indent=2, ensure_ascii=False))


@catalog_app.command("show")
@with_aws
def show(
    aws: AwsOptions,
    name: str = typer.Argument(..., help="Policy name or ARN."),
    version: str | None = typer.Option(
        None, "--version", help="A version id (vN); other than the snapshot's needs --from-aws."
    ),
    from_aws: bool = typer.Option(False, "--from-aws", help="Fetch the document from AWS instead of the snapshot."),
) -> None:
    """A policy's metadata and its current (snapshot) document, or a given version from AWS."""
    from byoc_iam.managed import get_catalog
    from byoc_iam.managed.snapshot import utc_time

    _require(aws, from_aws)
    output = Output(aws.output)
    p = get_catalog().get(name)
    if version is not None and not (version.startswith("v") and version[1:].isdigit()):
        raise UsageError(f"--version must look like v1, v2, ... (got {version!r})")
    if from_aws:
        partition, (record,), _ = _fetch(aws, [(p.name, p.path, version)])
        if record is None:
            raise AwsError(f"AWS has no policy {p.arn(partition)}")
        vid, update, document, source = (
            record.default_version,
            utc_time(record.update_date),
            dict(record.document),
            "AWS",
        )
    else:
        if version is not None and version != p.default_version:
            raise UsageError(f"the snapshot holds {p.name} {p.default_version} only; fetch {version} with --from-aws")
        vid, update, document, source = p.default_version, p.update_time, p.document.to_dict(), "snapshot"
    if output is Output.json:
        data = p.to_dict(document=False)
        data.update({"version": vid, "version_date": update, "source": source, "document": document})
        _emit(data)
    elif output is Output.table:
        facts = [("version", vid), ("updated", update), ("source", source), ("arn", p.arn())]
        facts += [("attachable to", p.attachable_to), ("purpose", p.purpose)]
        facts += [("deprecated", p.deprecation or "")] if p.deprecated else []
        facts += [(f"grants ({g.service})", g.what) for g in p.grants]
        print_table(p.name, ("field", "value"), facts)
        print_policy(document, "table", f"{p.name} {vid}: the document")
    else:
        _show_text(p, vid, update, document, source)


@catalog_app.command("history")
def history(
    name: str | None = typer.Argument(None, help="Policy name or ARN (default: every entry)."),
    output: Output = OUTPUT,
) -> None:
    """The dated change history from AWS's EKS managed-policies page, newest first."""
    from byoc_iam.managed import get_catalog

    cat = get_catalog()
    entries = cat.history() if name is None else cat.history(cat.get(name).name)
    if output is Output.json:
        _emit([e.to_dict() for e in entries])
        return
    if output is Output.table:
        columns = ("date", "policy", "kind", "description", "actions added", "actions removed", "note")
        rows = [
            (e.date.isoformat(), e.policy or "(all policies)", e.kind, e.description,
             "\n".join(e.actions_added), "\n".join(e.actions_removed), e.note or "")
            for e in entries
        ]  # fmt: skip
        print_table("AWS managed policies for EKS: dated changes, newest first", columns, rows)
        return
    if not entries:
        typer.echo(f"{name}: no dated change entries on the EKS page")
    for e in entries:
        typer.echo(f"{e.date.isoformat()}  {e.policy or '(all policies)'}  [{e.kind}]")
        typer.echo(f"  {e.description}")
        for label, values in (
            ("actions added", e.actions_added),
            ("actions removed", e.actions_removed),
            ("resources added", e.resources_added),
            ("resources removed", e.resources_removed),
        ):
            if values:
                typer.echo(f"  {label}: {', '.join(values)}")
        if e.note:
            typer.echo(f"  note: {e.note}")


@catalog_app.command("diff")
@with_aws
def diff(
    aws: AwsOptions,
    name: str | None = typer.Argument(None, help="Policy name or ARN."),
    all_: bool = typer.Option(False, "--all", help="Compare every policy in the catalog."),
) -> None:
    """AWS's live default version against the snapshot: actions added/removed (literal), statement diff, and
    whether the new version grants new access (a proof, or an engine-checked request)."""
    import dataclasses

    from byoc_iam.managed import diff_policies, get_catalog
    from byoc_iam.managed.diff import access_change, with_partition

    output = Output(aws.output)
    cat = get_catalog()
    if (name is None) == (not all_):
        raise UsageError("give a policy NAME or --all (not both)")
    policies = list(cat) if all_ else [cat.get(name or "")]
    partition, records, _ = _fetch(aws, [(p.name, p.path, None) for p in policies])
    results = []
    for p, record in zip(policies, records, strict=True):
        if record is None:
            raise AwsError(f"AWS has no policy {p.arn(partition)}")
        d = diff_policies(
            with_partition(p.document, partition),
            record.document,
            name=p.name,
            old_version=p.default_version,
            new_version=record.default_version,
        )
        if d.changed:
            d = dataclasses.replace(d, access=access_change(with_partition(p.document, partition), record.document))
        results.append(d)
    if output is Output.json:
        data = [d.to_dict() for d in results]
        _emit(data if all_ else data[0])
        return
    if output is Output.table:
        columns = ("policy", "snapshot", "AWS", "document", "actions added", "actions removed", "access")
        rows = [
            (d.name, d.old_version, d.new_version, "changed" if d.changed else "same",
             "\n".join(d.actions.added), "\n".join(d.actions.removed), (d.access or {}).get("relation", ""))
            for d in results
        ]  # fmt: skip
        print_table(f"AWS's live default versions against the snapshot ({partition})", columns, rows)
        return
    for d in results:
        for line in d.describe():
            typer.echo(line)


def _print_refresh(report: dict[str, Any], output: Output, check: bool) -> None:
    """What ``catalog refresh`` did (or, with ``--check``, would do), as ``output`` says."""
    if output is Output.json:
        _emit(report)
    elif output is Output.table:
        verb = "would change" if check else "updated"
        rows = [(f["target"], "unchanged" if f["unchanged"] else verb, "") for f in report["files"]]
        rows += [
            (c["name"], f"{c['old_version']} -> {c['new_version']}",
             "document changed" if c["document_changed"] else "same document")
            for c in report["changes"]
        ]  # fmt: skip
        print_table("catalog refresh", ("file or policy", "status", "document"), rows)
    else:
        verb = "would change" if check else "updated"
        for f in report["files"]:
            typer.echo(f"{f['target']}: {'unchanged' if f['unchanged'] else verb}")
        for c in report["changes"]:
            doc = "document changed" if c["document_changed"] else "same document"
            typer.echo(f"  {c['name']}: {c['old_version']} -> {c['new_version']} ({doc})")
        added, removed = report["names"]["added"], report["names"]["removed"]
        if added or removed:
            typer.echo(f"  AWS managed policy names: {len(added)} added, {len(removed)} removed")
            if len(added) + len(removed) <= NAMES_SHOWN:
                typer.echo("".join(f"  + {n}\n" for n in added) + "".join(f"  - {n}\n" for n in removed), nl=False)


def _package_data() -> Path:
    import byoc_iam

    return Path(byoc_iam.__file__).parent / "data" / "managed"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    write_file(path, data, flag="--dest")


def _check_dest(folder: Path) -> None:
    """UsageError unless ``folder`` is a directory or can be made one (its nearest existing ancestor is one)."""
    from byoc_iam.errors import UsageError

    probe = folder
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    if not probe.is_dir():
        raise UsageError(f"--dest: {probe} exists and is not a directory")


def _old(target: Path) -> tuple[bytes, dict[str, Any]]:
    """A data file's bytes and parsed JSON ({} when absent or unreadable)."""
    try:
        data = target.read_bytes() if target.is_file() else b""
    except OSError:
        data = b""
    try:
        parsed = json.loads(data) if data else {}
    except ValueError:
        parsed = {}
    return data, parsed if isinstance(parsed, dict) else {}


@catalog_app.command("refresh")
@with_aws
def refresh(
    aws: AwsOptions,
    from_aws: bool = typer.Option(False, "--from-aws", help="Read a live account instead of moto's bundled data."),
    dest: Path | None = typer.Option(None, "--dest", help="Directory to write the files to (default: the package's)."),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 when a file would change."),
) -> None:
    """Regenerate data/managed/snapshot.json and aws_managed_policy_names.json from moto's copy of the AWS
    managed policies, or from AWS (GetPolicy, GetPolicyVersion, ListPolicies --scope AWS)."""
    from byoc_iam import data as knowledge
    from byoc_iam.errors import UsageError
    from byoc_iam.managed.catalog import NAMES_FILE, SNAPSHOT_FILE
    from byoc_iam.managed.snapshot import (
        catalog_names,
        policy_names_changes,
        policy_names_from_moto,
        render_policy_names,
        render_snapshot,
        snapshot_changes,
        snapshot_from_moto,
    )

    _require(aws, from_aws)
    output = Output(aws.output)
    folder = dest if dest is not None else _package_data()
    _check_dest(folder)
    meta = knowledge.raw("managed-catalog", "catalog")
    if from_aws:
        paths = {str(m["name"]): str(m["path"]) for m in meta["policies"]}
        wanted = catalog_names(meta)
        _, fetched, names = _fetch(aws, [(n, paths[n], None) for n in wanted], names=True)
        records = [r for r in fetched if r is not None]
        missing = {
            n: "not found in the AWS account read (NoSuchEntity); no document recorded"
            for n, r in zip(wanted, fetched, strict=True)
            if r is None
        }
        snapshot, names_file = render_snapshot(records, missing, "aws"), render_policy_names(names, "aws")
    else:
        snapshot, names_file = snapshot_from_moto(meta), render_policy_names(policy_names_from_moto(), "moto")

    report: dict[str, Any] = {"source": "aws" if from_aws else "moto"}
    writes: list[tuple[Path, bytes]] = []
    for file, data, key, compare in (
        (SNAPSHOT_FILE, snapshot, "changes", snapshot_changes),
        (NAMES_FILE, names_file, "names", policy_names_changes),
    ):
        target = folder / file
        old_bytes, old = _old(target)
        unchanged = old_bytes == data
        if not check and not unchanged:
            writes.append((target, data))
        report.setdefault("files", []).append({"target": str(target), "unchanged": unchanged})
        report[key] = compare(old, json.loads(data))
    for target, data in writes:  # every file computed before the first is written
        try:
            _write_atomic(target, data)
        except OSError as exc:  # the folder could not be made
            raise UsageError(f"--dest: cannot write {target}: {exc.strerror or exc}") from None
    report["target"] = report["files"][0]["target"]  # the snapshot (kept for scripts reading this key)
    report["unchanged"] = all(f["unchanged"] for f in report["files"])
    _print_refresh(report, output, check)
    if check and not report["unchanged"]:
        raise typer.Exit(int(ExitCode.FINDINGS))
