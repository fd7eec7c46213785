"""``byoc-iam --version``: the package version, the upstream releases the controller policies are pinned to,
and the date of the AWS managed-policy snapshot (the newest policy version it holds)."""

from __future__ import annotations

import json
from importlib import resources


def snapshot_summary() -> str:
    """``14 policies, newest version dated 2026-08-21 (source: moto)`` from ``data/managed/snapshot.json``."""
    text = resources.files("byoc_iam").joinpath("data", "managed", "snapshot.json").read_text(encoding="utf-8")
    data = json.loads(text)
    policies = data.get("policies", [])
    newest = max((str(p.get("update_date", "")) for p in policies), default="")
    return f"{len(policies)} policies, newest version dated {newest[:10] or 'unknown'} (source: {data.get('source')})"


def version_lines() -> list[str]:
    """What ``--version`` prints, one fact a line."""
    from byoc_iam import __version__
    from byoc_iam.blueprint import controller_pins

    lines = [f"byoc-iam {__version__}", "controller policies pinned to:"]
    lines += [f"  {pin.label()}" for pin in controller_pins()]
    lines.append(f"AWS managed-policy snapshot: {snapshot_summary()}")
    return lines
