"""``byoc-iam --version``: the package version, the upstream releases the controller policies are pinned to,
and the date of the AWS managed-policy snapshot (the newest policy version it holds)."""

from __future__ import annotations

from byoc_iam.data import raw


def snapshot_summary() -> str:
    """``14 policies, newest version dated 2026-08-21 (source: moto)`` from ``data/managed/snapshot.json``."""
    data = raw("managed-snapshot", "snapshot")
    policies = data.get("policies", [])
    newest = max((str(p.get("update_date", "")) for p in policies), default="")
    return f"{len(policies)} policies, newest version dated {newest[:10] or 'unknown'} (source: {data.get('source')})"


def pin_labels() -> list[str]:
    """The controller pins as ``ControllerPin.label()`` words them, read from the data files directly (the
    blueprint package imports pydantic, which would double ``--version``'s start-up time)."""
    out = []
    for name in raw("blueprint", "byoc-eks-role")["controllers"]:
        controller = raw("controller", name)
        pin = controller["pinned"]
        out.append(f"{controller['title']} {pin['release']} ({pin['repository']}: {pin['path']})")
    return out


def version_lines() -> list[str]:
    """What ``--version`` prints, one fact a line."""
    from byoc_iam import __version__

    lines = [f"byoc-iam {__version__}", "controller policies pinned to:"]
    lines += [f"  {label}" for label in pin_labels()]
    lines.append(f"AWS managed-policy snapshot: {snapshot_summary()}")
    return lines
