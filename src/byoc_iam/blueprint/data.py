"""Small generic loaders for the blueprint's knowledge: ``data/blueprints/*.json`` and ``data/controllers/*.json``.

Controller policies are written once with ``${partition}`` in their ARNs; :func:`controller_policy` substitutes
the partition (the upstream ``aws-cn`` and ``aws-us-gov`` variants differ from the ``aws`` one only in that).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from byoc_iam.model.policy import PolicyDocument

PARTITION_TOKEN = "${partition}"


def _load(area: str, name: str) -> Any:
    text = resources.files("byoc_iam").joinpath("data", area, f"{name}.json").read_text(encoding="utf-8")
    return json.loads(text)


@dataclass(frozen=True)
class Partition:
    """Facts about one AWS partition."""

    name: str
    dns_suffix: str
    region_pattern: str
    example_region: str
    sts_audience: str
    service_principals: dict[str, str]


@dataclass(frozen=True)
class ControllerPin:
    """The upstream release a controller policy is pinned to."""

    controller: str
    title: str
    repository: str
    release: str
    path: str
    commit: str
    unchanged_through: str
    actions: int
    url: str

    def label(self) -> str:
        """``AWS Load Balancer Controller v2.13.0 (kubernetes-sigs/aws-load-balancer-controller docs/...)``."""
        return f"{self.title} {self.release} ({self.repository}: {self.path})"


@dataclass(frozen=True)
class Controller:
    """One controller: its IRSA service account, inline policy name, pin and policy template."""

    name: str
    title: str
    service_account: str
    policy_name: str
    pin: ControllerPin
    partitions: tuple[str, ...]
    template: dict[str, Any]


@dataclass(frozen=True)
class Blueprint:
    """The BYOC EKS role blueprint (``data/blueprints/byoc-eks-role.json``)."""

    name: str
    defaults: dict[str, Any]
    placeholder_issuer: str
    service_statements: tuple[tuple[str, str | None], ...]
    controllers: tuple[str, ...]
    aws_managed_policies: tuple[str, ...]


@cache
def partitions() -> dict[str, Partition]:
    raw = _load("blueprints", "partitions")["partitions"]
    return {name: Partition(name=name, **facts) for name, facts in raw.items()}


@cache
def blueprint(name: str = "byoc-eks-role") -> Blueprint:
    raw = _load("blueprints", name)
    return Blueprint(
        name=raw["name"],
        defaults=dict(raw["defaults"]),
        placeholder_issuer=raw["placeholder_issuer"],
        service_statements=tuple((s["service"], s["sid"]) for s in raw["service_statements"]),
        controllers=tuple(raw["controllers"]),
        aws_managed_policies=tuple(raw["aws_managed_policies"]),
    )


@cache
def controller(name: str) -> Controller:
    raw = _load("controllers", name)
    pin = ControllerPin(controller=raw["name"], title=raw["title"], **raw["pinned"])
    return Controller(
        name=raw["name"],
        title=raw["title"],
        service_account=raw["service_account"],
        policy_name=raw["policy_name"],
        pin=pin,
        partitions=tuple(raw["partitions"]),
        template=raw["policy"],
    )


def _substitute(value: Any, partition: str) -> Any:
    if isinstance(value, str):
        return value.replace(PARTITION_TOKEN, partition)
    if isinstance(value, list):
        return [_substitute(v, partition) for v in value]
    if isinstance(value, dict):
        return {k: _substitute(v, partition) for k, v in value.items()}
    return value


def controller_policy(name: str, partition: str = "aws") -> PolicyDocument:
    """The controller's policy for ``partition`` (a fresh document each call)."""
    ctl = controller(name)
    if partition not in ctl.partitions:
        raise ValueError(f"{name} has no policy for partition {partition}")
    return PolicyDocument.from_dict(_substitute(ctl.template, partition))


def controller_pins() -> tuple[ControllerPin, ...]:
    """The upstream release each of the blueprint's controller policies is pinned to, in blueprint order."""
    return tuple(controller(name).pin for name in blueprint().controllers)
