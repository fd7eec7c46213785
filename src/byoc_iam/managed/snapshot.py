"""The generated data files, rendered deterministically from a source.

* ``data/managed/snapshot.json``: the catalog's policies (path, default version, dates, document).
* ``data/managed/aws_managed_policy_names.json``: the name and path of every AWS managed policy (lint's E4003
  tells a made-up ``arn:aws:iam::aws:policy/...`` from a real one with it).

A source is moto's bundled copy of the AWS managed policies (``records_from_moto``, ``policy_names_from_moto``)
or a live account (the CLI fetches ``iam:GetPolicy`` + ``iam:GetPolicyVersion``, and ``iam:ListPolicies
--scope AWS`` for the names, and builds the same records). Which policies the snapshot takes comes from the
hand-written ``catalog.json``; :func:`render_snapshot` turns records into bytes the same way every time
(policies sorted by name, each document in its source's key order, 2-space indent, times in UTC
``YYYY-MM-DDTHH:MM:SSZ``) and :func:`render_policy_names` likewise (sorted, one policy a line), so a refresh
from unchanged data reproduces both files byte for byte.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from byoc_iam.data import SCHEMA_KEY, schema

SNAPSHOT_SCHEMA = schema("managed-snapshot")  # "byoc-iam/managed-snapshot/1": the file's first key
NAMES_SCHEMA = schema("managed-policy-names")


@dataclass(frozen=True)
class SourceRecord:
    """One policy as a source reports it (default version only)."""

    name: str
    path: str
    default_version: str
    create_date: str
    update_date: str
    document: Mapping[str, Any]


def utc_time(value: str | datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC, from an ISO 8601 string or an aware datetime."""
    when = value if isinstance(value, datetime) else datetime.fromisoformat(value.replace("Z", "+00:00"))
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def render_snapshot(records: Iterable[SourceRecord], missing: Mapping[str, str], source: str) -> bytes:
    """The snapshot file's bytes (UTF-8, trailing newline)."""
    body = {
        SCHEMA_KEY: SNAPSHOT_SCHEMA,
        "source": source,
        "policies": [
            {
                "name": r.name,
                "path": r.path,
                "default_version": r.default_version,
                "create_date": utc_time(r.create_date),
                "update_date": utc_time(r.update_date),
                "document": r.document,
            }
            for r in sorted(records, key=lambda r: r.name)
        ],
        "missing": [{"name": n, "reason": missing[n]} for n in sorted(missing)],
    }
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def catalog_names(meta: Mapping[str, Any]) -> tuple[str, ...]:
    """The policy names the hand-written ``catalog.json`` lists."""
    return tuple(str(p["name"]) for p in meta.get("policies", []))


def moto_managed_policies() -> dict[str, Any]:
    """moto's bundled copy of the AWS managed policies (``moto/iam/aws_managed_policies.py``), by name."""
    try:
        from moto.iam.aws_managed_policies import aws_managed_policies_data
    except ImportError:
        from byoc_iam.errors import UsageError

        raise UsageError(
            "catalog refresh reads moto's bundled copy: pip install 'byoc-iam[sandbox]' (or pass --from-aws)"
        ) from None

    data: dict[str, Any] = json.loads(aws_managed_policies_data)
    return data


def records_from_moto(
    names: Iterable[str], data: Mapping[str, Any] | None = None
) -> tuple[list[SourceRecord], dict[str, str]]:
    """Records for ``names`` from moto's data; names moto lacks go to ``missing`` (name -> reason)."""
    source = moto_managed_policies() if data is None else data
    records: list[SourceRecord] = []
    missing: dict[str, str] = {}
    for name in names:
        item = source.get(name)
        if item is None:
            missing[name] = "moto's bundled AWS managed policies do not include it; no document recorded"
            continue
        records.append(
            SourceRecord(
                name=name,
                path=str(item["Path"]),
                default_version=str(item["DefaultVersionId"]),
                create_date=str(item["CreateDate"]),
                update_date=str(item["UpdateDate"]),
                document=item["Document"],
            )
        )
    return records, missing


def snapshot_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Per policy, what a refresh changes: ``{"name", "old_version", "new_version", "document_changed"}``."""
    before = {p["name"]: p for p in old.get("policies", [])}
    after = {p["name"]: p for p in new.get("policies", [])}
    out: list[dict[str, Any]] = []
    for name in sorted(set(before) | set(after)):
        b, a = before.get(name), after.get(name)
        if b == a:
            continue
        out.append(
            {
                "name": name,
                "old_version": b["default_version"] if b else None,
                "new_version": a["default_version"] if a else None,
                "document_changed": (b or {}).get("document") != (a or {}).get("document"),
            }
        )
    return out


def snapshot_from_moto(meta: Mapping[str, Any], data: Mapping[str, Any] | None = None) -> bytes:
    """The snapshot bytes for the policies ``catalog.json`` lists, from moto's bundled data."""
    records, missing = records_from_moto(catalog_names(meta), data)
    return render_snapshot(records, missing, "moto")


def render_policy_names(entries: Iterable[tuple[str, str]], source: str) -> bytes:
    """The names file's bytes: ``{"$schema", "source", "paths": {path: [name, ...]}}``, paths and names sorted,
    one name a line (UTF-8, trailing newline)."""
    by_path: dict[str, list[str]] = {}
    for name, path in sorted(set(entries)):
        by_path.setdefault(path, []).append(name)
    body = {SCHEMA_KEY: NAMES_SCHEMA, "source": source, "paths": dict(sorted(by_path.items()))}
    return (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


def policy_names_from_moto(data: Mapping[str, Any] | None = None) -> list[tuple[str, str]]:
    """``(name, path)`` of every AWS managed policy in moto's bundled data."""
    source = moto_managed_policies() if data is None else data
    return [(str(name), str(item["Path"])) for name, item in source.items()]


def policy_names_changes(old: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, list[str]]:
    """What a refresh changes in the names file: ``{"added": [...], "removed": [...]}`` (``path + name``)."""

    def flat(body: Mapping[str, Any]) -> set[str]:
        return {f"{path}{name}" for path, names in body.get("paths", {}).items() for name in names}

    before, after = flat(old), flat(new)
    return {"added": sorted(after - before), "removed": sorted(before - after)}
