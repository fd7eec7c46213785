"""CLI: ``byoc-iam catalog`` — the AWS managed-policy catalog: list, show, history, diff (live), refresh.

boto3 is imported inside the functions that talk to AWS, so the module is cheap to import.
"""

from __future__ import annotations

import json
import os
import tempfile
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from byoc_iam.errors import AwsError, ExitCode, UsageError

if TYPE_CHECKING:
    from byoc_iam.managed import ManagedPolicy
    from byoc_iam.managed.snapshot import SourceRecord


class Output(StrEnum):
    text = "text"
    json = "json"


catalog_app = typer.Typer(
    name="catalog",
    help="The AWS managed policies for EKS: what they grant, their history, and whether AWS changed them.",
    no_args_is_help=True,
)

OUTPUT = typer.Option(Output.text, "--output", "-o", help="text or json.")
PROFILE = typer.Option(None, "--profile", help="AWS profile (default: the usual boto3 chain).")
REGION = typer.Option(None, "--region", help="AWS region; picks the partition (cn-*, us-gov-*).")
ENDPOINT = typer.Option(None, "--endpoint-url", help="IAM endpoint (e.g. the sandbox's URL).")
SANDBOX = typer.Option(False, "--sandbox", help="Read the embedded sandbox (a local moto AWS) instead of AWS.")


def register(app: typer.Typer) -> None:
    """Add the ``catalog`` sub-app."""
    app.add_typer(catalog_app, name="catalog")


def _emit(data: Any) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


# ---------------------------------------------------------------- AWS edge (thin)


class _Live:
    """Reads AWS managed policies through :class:`byoc_iam.aws.session.AwsContext` (retries, error lines)."""

    def __init__(self, profile: str | None, region: str | None, endpoint_url: str | None, sandbox: bool) -> None:
        from byoc_iam.aws.session import AwsContext

        self.ctx = AwsContext(profile=profile, region=region, endpoint_url=endpoint_url, sandbox=sandbox)
        self.ctx.session()  # resolves the region, hence the partition
        self.partition = self.ctx.partition

    def fetch(self, name: str, path: str, version: str | None = None) -> SourceRecord | None:
        """The policy's default (or given) version as a snapshot record; None when AWS has no such policy."""
        from byoc_iam.aws.session import AwsCallError
        from byoc_iam.managed import policy_arn
        from byoc_iam.managed.snapshot import SourceRecord

        arn = policy_arn(name, path, self.partition)
        try:
            policy = self.ctx.call("iam:GetPolicy", PolicyArn=arn)["Policy"]
        except AwsCallError as exc:
            if exc.code == "NoSuchEntity":
                return None
            raise
        vid = version or policy["DefaultVersionId"]
        pv = self.ctx.call("iam:GetPolicyVersion", PolicyArn=arn, VersionId=vid)["PolicyVersion"]
        document = pv["Document"]
        if isinstance(document, str):  # botocore decodes it; keep a fallback for raw URL-encoded text
            from urllib.parse import unquote

            document = json.loads(unquote(document))
        return SourceRecord(name, policy["Path"], vid, policy["CreateDate"], pv["CreateDate"], document)

    def close(self) -> None:
        self.ctx.close()


def _fetch(
    aws: tuple[str | None, str | None, str | None, bool], wanted: list[tuple[str, str, str | None]]
) -> tuple[str, list[SourceRecord | None]]:
    """The partition read and one record (or None: no such policy) per (name, path, version) wanted."""
    live = _Live(*aws)
    try:
        return live.partition, [live.fetch(*w) for w in wanted]
    finally:
        live.close()


def _needs_from_aws(
    from_aws: bool, profile: str | None, region: str | None, endpoint: str | None, sandbox: bool
) -> None:
    if not from_aws and (profile or region or endpoint or sandbox):
        raise UsageError("--profile/--region/--endpoint-url/--sandbox read AWS: add --from-aws")


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
def show(
    name: str = typer.Argument(..., help="Policy name or ARN."),
    version: str | None = typer.Option(
        None, "--version", help="A version id (vN); other than the snapshot's needs --from-aws."
    ),
    from_aws: bool = typer.Option(False, "--from-aws", help="Fetch the document from AWS instead of the snapshot."),
    profile: str | None = PROFILE,
    region: str | None = REGION,
    endpoint_url: str | None = ENDPOINT,
    sandbox: bool = SANDBOX,
    output: Output = OUTPUT,
) -> None:
    """A policy's metadata and its current (snapshot) document, or a given version from AWS."""
    from byoc_iam.managed import get_catalog
    from byoc_iam.managed.snapshot import utc_time

    _needs_from_aws(from_aws, profile, region, endpoint_url, sandbox)
    p = get_catalog().get(name)
    if version is not None and not (version.startswith("v") and version[1:].isdigit()):
        raise UsageError(f"--version must look like v1, v2, ... (got {version!r})")
    if from_aws:
        partition, (record,) = _fetch((profile, region, endpoint_url, sandbox), [(p.name, p.path, version)])
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
def diff(
    name: str | None = typer.Argument(None, help="Policy name or ARN."),
    all_: bool = typer.Option(False, "--all", help="Compare every policy in the catalog."),
    profile: str | None = PROFILE,
    region: str | None = REGION,
    endpoint_url: str | None = ENDPOINT,
    sandbox: bool = SANDBOX,
    output: Output = OUTPUT,
) -> None:
    """AWS's live default version against the snapshot: actions added/removed (literal) and statement diff."""
    from byoc_iam.managed import diff_policies, get_catalog
    from byoc_iam.managed.diff import with_partition

    cat = get_catalog()
    if (name is None) == (not all_):
        raise UsageError("give a policy NAME or --all (not both)")
    policies = list(cat) if all_ else [cat.get(name or "")]
    partition, records = _fetch((profile, region, endpoint_url, sandbox), [(p.name, p.path, None) for p in policies])
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
        results.append(d)
    if output is Output.json:
        data = [d.to_dict() for d in results]
        _emit(data if all_ else data[0])
        return
    for d in results:
        for line in d.describe():
            typer.echo(line)


def _package_snapshot() -> Path:
    import byoc_iam

    return Path(byoc_iam.__file__).parent / "data" / "managed" / "snapshot.json"


def _write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@catalog_app.command("refresh")
def refresh(
    from_aws: bool = typer.Option(False, "--from-aws", help="Read a live account instead of moto's bundled data."),
    dest: Path | None = typer.Option(
        None, "--dest", help="Directory to write snapshot.json to (default: the package's)."
    ),
    check: bool = typer.Option(False, "--check", help="Write nothing; exit 1 when the snapshot would change."),
    profile: str | None = PROFILE,
    region: str | None = REGION,
    endpoint_url: str | None = ENDPOINT,
    sandbox: bool = SANDBOX,
    output: Output = OUTPUT,
) -> None:
    """Regenerate data/managed/snapshot.json from moto's copy of the AWS managed policies, or from AWS."""
    from importlib import resources

    from byoc_iam.managed.snapshot import catalog_names, render_snapshot, snapshot_changes, snapshot_from_moto

    _needs_from_aws(from_aws, profile, region, endpoint_url, sandbox)
    meta = json.loads(resources.files("byoc_iam").joinpath("data/managed/catalog.json").read_text(encoding="utf-8"))
    if from_aws:
        paths = {str(m["name"]): str(m["path"]) for m in meta["policies"]}
        names = catalog_names(meta)
        _, fetched = _fetch((profile, region, endpoint_url, sandbox), [(n, paths[n], None) for n in names])
        records: list[SourceRecord] = []
        missing: dict[str, str] = {}
        for name, record in zip(names, fetched, strict=True):
            if record is None:
                missing[name] = "not found in the AWS account read (NoSuchEntity); no document recorded"
            else:
                records.append(record)
        data = render_snapshot(records, missing, "aws")
    else:
        data = snapshot_from_moto(meta)
    target = (dest / "snapshot.json") if dest is not None else _package_snapshot()
    old_bytes = target.read_bytes() if target.is_file() else b""
    try:
        old = json.loads(old_bytes) if old_bytes else {}
    except ValueError:
        old = {}
    changes = snapshot_changes(old, json.loads(data))
    unchanged = old_bytes == data
    if not check and not unchanged:
        _write_atomic(target, data)
    if output is Output.json:
        _emit(
            {"target": str(target), "source": "aws" if from_aws else "moto", "unchanged": unchanged, "changes": changes}
        )
    else:
        verb = "would change" if check else "updated"
        typer.echo(f"{target}: {'unchanged' if unchanged else verb}")
        for c in changes:
            doc = "document changed" if c["document_changed"] else "same document"
            typer.echo(f"  {c['name']}: {c['old_version']} -> {c['new_version']} ({doc})")
    if check and not unchanged:
        raise typer.Exit(int(ExitCode.FINDINGS))
