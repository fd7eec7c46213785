"""The blueprint's knowledge, read through :mod:`byoc_iam.data`: ``data/blueprints/*.json`` (kind ``blueprint``),
``data/controllers/*.json`` (kind ``controller``) and the partitions of ``data/iam/partitions.json``.

The files are read raw (render's start-up path, issue 18: no pydantic); ``tests/test_data_files.py`` holds every
packaged file to its model in :mod:`byoc_iam.blueprint.files`.

Controller policies are written once with ``${partition}`` in their ARNs; :func:`controller_policy` substitutes
the partition (the upstream ``aws-cn`` and ``aws-us-gov`` variants differ from the ``aws`` one only in that).
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
from functools import cache
from typing import Any, NamedTuple

from byoc_iam import data as knowledge
from byoc_iam.model.arn import PLACEHOLDER_PROVIDER
from byoc_iam.model.policy import PolicyDocument


class Partition(NamedTuple):
    """Facts about one AWS partition."""

    name: str
    dns_suffix: str
    region_pattern: str
    example_region: str
    sts_audience: str
    service_principals: dict[str, str]


class ControllerPin(NamedTuple):
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


class Controller(NamedTuple):
    """One controller: its IRSA service account, inline policy name, pin and policy template."""

    name: str
    title: str
    service_account: str
    policy_name: str
    pin: ControllerPin
    partitions: tuple[str, ...]
    template: dict[str, Any]


class Blueprint(NamedTuple):
    """The BYOC EKS role blueprint (``data/blueprints/byoc-eks-role.json``)."""

    name: str
    defaults: dict[str, Any]
    placeholder_issuer: str
    service_statements: tuple[tuple[str, str | None], ...]
    controllers: tuple[str, ...]
    aws_managed_policies: tuple[str, ...]


@cache
def partitions() -> dict[str, Partition]:
    # read raw (render's start-up path); tests/test_data_files.py holds the file to PartitionsFile
    facts = knowledge.raw("partitions", "partitions")["partitions"]
    return {name: Partition(name=name, **f) for name, f in facts.items()}


@cache
def blueprint(name: str = "byoc-eks-role") -> Blueprint:
    raw = knowledge.raw("blueprint", name)
    return Blueprint(
        name=raw["name"],
        defaults=dict(raw["defaults"]),
        placeholder_issuer=PLACEHOLDER_PROVIDER,  # model/arn.py: the one placeholder
        service_statements=tuple((s["service"], s["sid"]) for s in raw["service_statements"]),
        controllers=tuple(raw["controllers"]),
        aws_managed_policies=tuple(raw["aws_managed_policies"]),
    )


@cache
def controller(name: str) -> Controller:
    raw = knowledge.raw("controller", name)
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


def controller_policy(name: str, partition: str = "aws") -> PolicyDocument:
    """The controller's policy for ``partition`` (a fresh document each call)."""
    ctl = controller(name)
    if partition not in ctl.partitions:
        raise ValueError(f"{name} has no policy for partition {partition}")
    return PolicyDocument.from_dict(knowledge.fill_partition(ctl.template, partition))


def controller_pins() -> tuple[ControllerPin, ...]:
    """The upstream release each of the blueprint's controller policies is pinned to, in blueprint order."""
    return tuple(controller(name).pin for name in blueprint().controllers)
