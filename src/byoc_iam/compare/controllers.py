"""Controller policy upgrades: what access does a newer upstream release of a controller's policy add?

Releases: the pin in ``data/controllers/<name>.json`` and earlier releases in
``data/controller_history/<name>.json`` (each with repository, path, commit; ARNs written with
``${partition}``).
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any

from byoc_iam.compare.encode import Side
from byoc_iam.compare.prove import Comparison, compare_sides, new_access_by_action
from byoc_iam.model.policy import PolicyDocument


@cache
def _history(name: str) -> dict[str, Any]:
    path = resources.files("byoc_iam") / "data" / "controller_history" / f"{name}.json"
    if not path.is_file():
        return {"versions": []}
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def releases(name: str) -> dict[str, dict[str, Any]]:
    """``{release: {"repository", "path", "commit", "policy" (template)}}``, oldest first, the pin last.
    Raises ``KeyError`` for an unknown controller."""
    from byoc_iam.blueprint.data import controller

    ctl = controller(name)
    out = {v["release"]: v for v in _history(name)["versions"]}
    pin = ctl.pin
    out[pin.release] = {
        "release": pin.release,
        "repository": pin.repository,
        "path": pin.path,
        "commit": pin.commit,
        "policy": ctl.template,
    }
    return out


def policy_at(name: str, release: str, partition: str = "aws") -> PolicyDocument:
    """The controller's policy at ``release`` in ``partition``. Raises ``KeyError`` for an unknown release."""
    entry = releases(name)[release]
    text = json.dumps(entry["policy"]).replace("${partition}", partition)
    return PolicyDocument.from_dict(json.loads(text))


def upgrade(
    name: str, old: str, new: str, partition: str = "aws"
) -> tuple[Comparison, list[tuple[tuple[str, ...], dict[str, Any]]]]:
    """The comparison of two releases and every action the newer one newly allows (with a request each)."""
    a, b = Side((policy_at(name, old, partition),)), Side((policy_at(name, new, partition),))
    return compare_sides(a, b, "identity"), new_access_by_action(a, b, "identity")
