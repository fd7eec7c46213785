"""The requirements catalog: which AWS calls each cluster component makes with the role (data/requirements/*.json).

Each component file lists its calls with the IAM action, the resources the call is authorized against (ARN
templates with ``${partition}``, ``${region}``, ``${account}``, ``${cluster}``), the tags it sends or finds, extra
request context, and whether it happens in default operation or only with a named feature. :func:`components`
loads and validates them once; :meth:`Call.requests` expands a call into the concrete authorizations AWS makes.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from byoc_iam import data as knowledge
from byoc_iam.model.policy import PolicyDocument, PolicyParseError

CallKind = Literal[
    "direct", "tag-on-create", "registry-side", "service-side", "no-permission-needed", "other-principal"
]
NOT_EVALUATED_KINDS = ("no-permission-needed", "other-principal")
ContextValue = str | list[str]
_PLACEHOLDER = re.compile(r"\$\{(partition|region|account|cluster)\}")
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")
# services whose own <service>:ResourceTag/<key> is presented along with aws:ResourceTag/<key>
_SERVICE_RESOURCE_TAG = ("ec2", "autoscaling", "elasticloadbalancing")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Resource(_Strict):
    """A resource the call is authorized against, with the tags it carries (``aws:ResourceTag/...``)."""

    arn: str
    tags: dict[str, str] = Field(default_factory=dict)


class Call(_Strict):
    """One AWS API call of a component, as IAM authorizes it."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    action: str
    kind: CallKind = "direct"
    feature: str | None = None
    summary: str
    resources: list[Resource] = Field(min_length=1)
    request_tags: dict[str, str] = Field(default_factory=dict)
    context: dict[str, ContextValue] = Field(default_factory=dict)
    resource_policy: dict[str, Any] | None = None
    source: str | None = None
    note: str | None = None

    @field_validator("action")
    @classmethod
    def _action(cls, v: str) -> str:
        if not _ACTION.match(v):
            raise ValueError(f"{v!r} is not service:Action")
        return v

    @field_validator("resource_policy")
    @classmethod
    def _resource_policy(cls, v: dict[str, Any] | None) -> dict[str, Any] | None:
        if v is not None:
            try:
                PolicyDocument.from_dict(v)
            except PolicyParseError as exc:
                raise ValueError(f"resource_policy: {exc}") from None
        return v

    @property
    def evaluated(self) -> bool:
        """False for calls IAM does not authorize against this role (recorded, not evaluated)."""
        return self.kind not in NOT_EVALUATED_KINDS

    def requests(self, target: Target) -> list[Authorization]:
        """The authorizations AWS makes for this call: one per resource, each with its full request context
        (cached per target; treat the result as read-only)."""
        key = (id(self), target)
        hit = _REQUESTS.get(key)
        if hit is not None and hit[0] is self:
            return hit[1]
        out = self._requests(target)
        _REQUESTS[key] = (self, out)
        return out

    def _requests(self, target: Target) -> list[Authorization]:
        base: dict[str, ContextValue] = {}
        for key, value in self.request_tags.items():
            base[f"aws:RequestTag/{target.sub(key)}"] = target.sub(value)
        if self.request_tags and "aws:TagKeys" not in self.context:
            base["aws:TagKeys"] = [target.sub(k) for k in self.request_tags]
        for key, raw in self.context.items():
            base[key] = target.sub(raw) if isinstance(raw, str) else [target.sub(v) for v in raw]
        policy = None
        if self.resource_policy is not None:
            policy = json.loads(target.sub(json.dumps(self.resource_policy)))
        out: list[Authorization] = []
        for res in self.resources:
            arn = target.sub(res.arn)
            ctx = dict(base)
            service = arn.split(":")[2] if arn.startswith("arn:") else ""
            for key, value in res.tags.items():
                k, v = target.sub(key), target.sub(value)
                ctx[f"aws:ResourceTag/{k}"] = v
                if service in _SERVICE_RESOURCE_TAG:
                    ctx[f"{service}:ResourceTag/{k}"] = v
            out.append(Authorization(resource=arn, context=ctx, resource_policy=policy))
        return out


class ObtainsRole(_Strict):
    """How the component gets the role's credentials."""

    via: Literal["service", "instance-profile", "irsa"]
    principal: str | None = None
    service_account: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> ObtainsRole:
        if self.via == "irsa" and not self.service_account:
            raise ValueError("irsa needs service_account (namespace:name)")
        if self.via != "irsa" and not self.principal:
            raise ValueError(f"{self.via} needs principal (a service principal)")
        return self


class Upstream(_Strict):
    repo: str
    release: str
    commit: str | None = None
    date: str | None = None
    what: str


class PolicyAttribution(_Strict):
    """Which of the role's policies are meant for this component."""

    managed: list[str] = Field(default_factory=list)
    controller: str | None = None
    name_hints: list[str] = Field(default_factory=list)
    signature_actions: list[str] = Field(default_factory=list)


class Component(_Strict):
    """A component of the cluster that uses the role, and the calls it makes."""

    KIND: ClassVar[str] = "requirements"
    id: str
    name: str
    runs: str
    obtains_role: list[ObtainsRole] = Field(min_length=1)
    upstream: list[Upstream] = Field(min_length=1)
    policies: PolicyAttribution
    features: dict[str, str] = Field(default_factory=dict)
    calls: list[Call] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> Component:
        ids = [c.id for c in self.calls]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate call ids: {', '.join(dupes)}")
        unknown = sorted({c.feature for c in self.calls if c.feature and c.feature not in self.features})
        if unknown:
            raise ValueError(f"calls name undeclared features: {', '.join(unknown)}")
        return self


@dataclass(frozen=True)
class Target:
    """The values substituted into the catalog's templates."""

    account: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"
    cluster: str = "zilliz-byoc"

    def sub(self, text: str) -> str:
        values = {"partition": self.partition, "region": self.region, "account": self.account, "cluster": self.cluster}
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)


_REQUESTS: dict[tuple[int, Target], tuple[Call, list[Authorization]]] = {}


@dataclass(frozen=True)
class Authorization:
    """One authorization of a call: a resource ARN and the request context AWS evaluates."""

    resource: str
    context: dict[str, ContextValue]
    resource_policy: dict[str, Any] | None = None


def parse_component(text: str, source: str) -> Component:
    """Parse one requirements file (``$schema`` ``byoc-iam/requirements/1``); problems become one UsageError
    line (:class:`byoc_iam.data.DataError`)."""
    return knowledge.parse(Component, text, source)


@cache
def components() -> tuple[Component, ...]:
    """Every component of the catalog, in a stable order (control plane first, then nodes, then controllers)."""
    loaded = [knowledge.load(Component, name) for name in knowledge.names("requirements")]
    order = {cid: i for i, cid in enumerate(COMPONENT_ORDER)}
    return tuple(sorted(loaded, key=lambda c: (order.get(c.id, len(order)), c.id)))


COMPONENT_ORDER = (
    "eks-control-plane",
    "vpc-resource-controller",
    "worker-node",
    "amazon-vpc-cni",
    "aws-ebs-csi-driver",
    "aws-load-balancer-controller",
    "cluster-autoscaler",
)


def all_features() -> dict[str, list[str]]:
    """Feature name → the components that declare it."""
    out: dict[str, list[str]] = {}
    for comp in components():
        for name in comp.features:
            out.setdefault(name, []).append(comp.id)
    return out
