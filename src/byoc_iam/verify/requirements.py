"""The requirements catalog: which AWS calls each cluster component makes with the role (data/requirements/*.json).

Each component file lists its calls with the IAM action, the resources the call is authorized against (ARN
templates with ``${partition}``, ``${region}``, ``${account}``, ``${cluster}``), the tags it sends or finds, extra
request context, and whether it happens in default operation or only with a named feature. :func:`components`
loads and validates them once; :meth:`Call.requests` expands a call into the concrete authorizations AWS makes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from functools import cache, cached_property
from typing import Any, Literal

from byoc_iam import data as knowledge
from byoc_iam.model.record import field, record, replace
from byoc_iam.verify.data import component_order

CallKind = Literal[
    "direct", "tag-on-create", "registry-side", "service-side", "no-permission-needed", "other-principal"
]
NOT_EVALUATED_KINDS = ("no-permission-needed", "other-principal")
ContextValue = str | list[str]
_PLACEHOLDER = re.compile(r"\$\{(partition|region|account|cluster)\}")
# services whose own <service>:ResourceTag/<key> is presented along with aws:ResourceTag/<key>
_SERVICE_RESOURCE_TAG = ("ec2", "autoscaling", "elasticloadbalancing")


@record(frozen=True)
class Resource:
    """A resource the call is authorized against, with the tags it carries (``aws:ResourceTag/...``);
    ``created``: the call creates it, so the request's tags are in the context of its authorization only (the
    sources are on :class:`byoc_iam.verify.requirements_model.Resource`)."""

    arn: str
    tags: dict[str, str] = field(default_factory=dict)
    created: bool = False


@record(frozen=True)
class Evidence:
    """Why the catalog lists a call: an upstream source path or an AWS documentation page, with the release."""

    source: str | None = None
    doc: str | None = None
    release: str


@record(frozen=True)
class Call:
    """One AWS API call of a component, as IAM authorizes it."""

    id: str
    action: str
    kind: CallKind = "direct"
    feature: str | None = None
    summary: str
    resources: list[Resource]
    request_tags: dict[str, str] = field(default_factory=dict)
    context: dict[str, ContextValue] = field(default_factory=dict)
    resource_policy: dict[str, Any] | None = None
    source: str | None = None
    note: str | None = None
    evidence: list[Evidence]

    @property
    def has_request_tags(self) -> bool:
        """True when the request carries tags (``request_tags``, or ``aws:RequestTag/*``/``aws:TagKeys`` context)."""
        return bool(self.request_tags) or any(_is_request_tag_key(k) for k in self.context)

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
        tags: dict[str, ContextValue] = {}
        for key, value in self.request_tags.items():
            tags[f"aws:RequestTag/{target.sub(key)}"] = target.sub(value)
        if self.request_tags and "aws:TagKeys" not in self.context:
            tags["aws:TagKeys"] = [target.sub(k) for k in self.request_tags]
        for key, raw in self.context.items():
            filled: ContextValue = target.sub(raw) if isinstance(raw, str) else [target.sub(v) for v in raw]
            (tags if _is_request_tag_key(key) else base)[key] = filled
        policy = None
        if self.resource_policy is not None:
            policy = json.loads(target.sub(json.dumps(self.resource_policy)))
        single = len(self.resources) == 1
        out: list[Authorization] = []
        for res in self.resources:
            arn = target.sub(res.arn)
            # the request's tags describe the resource being created, not the others the call touches
            ctx = {**base, **tags} if single or res.created else dict(base)
            service = arn.split(":")[2] if arn.startswith("arn:") else ""
            for key, value in res.tags.items():
                k, v = target.sub(key), target.sub(value)
                ctx[f"aws:ResourceTag/{k}"] = v
                if service in _SERVICE_RESOURCE_TAG:
                    ctx[f"{service}:ResourceTag/{k}"] = v
            out.append(Authorization(resource=arn, context=ctx, resource_policy=policy))
        return out


def _is_request_tag_key(key: str) -> bool:
    return key.startswith("aws:RequestTag/") or key == "aws:TagKeys"


@record(frozen=True)
class ObtainsRole:
    """How the component gets the role's credentials; ``layouts``: the role layouts whose trust must admit it."""

    via: Literal["service", "instance-profile", "irsa"]
    principal: str | None = None
    service_account: str | None = None
    note: str | None = None
    layouts: tuple[Literal["combined", "split"], ...] = ("combined", "split")


@record(frozen=True)
class Upstream:
    """The upstream source a component's calls were read from: repository, release, commit, date, what."""

    repo: str
    release: str
    commit: str | None = None
    date: str | None = None
    what: str


@record(frozen=True)
class PolicyAttribution:
    """Which of the role's policies are meant for this component."""

    managed: list[str] = field(default_factory=list)
    controller: str | None = None
    name_hints: list[str] = field(default_factory=list)
    signature_actions: list[str] = field(default_factory=list)


@record(frozen=True)
class Setting:
    """A deployment setting of the component that changes what its calls carry: with it, every request and every
    existing resource that carries ``marker`` (the component's own tag) also carries ``tags``, and the instances it
    acts on carry ``instance_tags``. ``helm_value``: the chart value path that turns it on (set to the cluster's
    name). Example: the EBS CSI driver's ``--k8s-tag-cluster-id``, which the cluster-scoped policy needs."""

    summary: str
    helm_value: list[str]
    marker: str
    tags: dict[str, str]
    instance_tags: dict[str, str] = field(default_factory=dict)
    note: str | None = None
    evidence: list[Evidence]

    def apply(self, call: Call) -> Call:
        """``call`` as made with this setting on (a new Call; unchanged calls are returned as they are)."""
        request = {**call.request_tags, **self.tags} if self.marker in call.request_tags else call.request_tags
        resources = [self._resource(r) for r in call.resources]
        if request == call.request_tags and resources == call.resources:
            return call
        return replace(call, request_tags=request, resources=resources)

    def _resource(self, res: Resource) -> Resource:
        if self.marker in res.tags:
            return replace(res, tags={**res.tags, **self.tags})
        if ":instance/" in res.arn and self.instance_tags:
            return replace(res, tags={**res.tags, **self.instance_tags})
        return res


@record(frozen=True)
class Component:
    """A component of the cluster that uses the role, and the calls it makes (``settings``: the deployment
    settings that change them, see :meth:`configured`). Read from ``data/requirements/<id>.json`` (its schema:
    :class:`byoc_iam.verify.requirements_model.ComponentFile`)."""

    id: str
    name: str
    runs: str
    obtains_role: list[ObtainsRole]
    upstream: list[Upstream]
    policies: PolicyAttribution
    features: dict[str, str] = field(default_factory=dict)
    settings: dict[str, Setting] = field(default_factory=dict)
    calls: list[Call]

    def configured(self, names: frozenset[str]) -> Component:
        """This component as deployed with the settings ``names`` it declares (others are ignored): its calls
        with the tags those settings add. Cached per component and names."""
        chosen = tuple(sorted(n for n in names if n in self.settings))
        if not chosen:
            return self
        key = (id(self), chosen)
        hit = _CONFIGURED.get(key)
        if hit is not None and hit[0] is self:
            return hit[1]
        calls = list(self.calls)
        for name in chosen:
            calls = [self.settings[name].apply(c) for c in calls]
        out = replace(self, calls=calls)
        _CONFIGURED[key] = (self, out)
        return out


def _obtains(data: Mapping[str, Any]) -> ObtainsRole:
    more: dict[str, Any] = {k: (tuple(v) if k == "layouts" else v) for k, v in data.items()}
    return ObtainsRole(**more)


def component_of(data: Mapping[str, Any]) -> Component:
    """A requirements file's JSON (valid under :class:`~byoc_iam.verify.requirements_model.ComponentFile`; its
    ``$schema``/``$comment`` ignored) as a :class:`Component`, with the schema's defaults; not validated."""

    def ev(items: Any) -> list[Evidence]:
        return [Evidence(**e) for e in items]

    calls = [
        Call(
            **{k: v for k, v in c.items() if k not in ("resources", "evidence")},
            resources=[Resource(**r) for r in c["resources"]],
            evidence=ev(c["evidence"]),
        )
        for c in data["calls"]
    ]
    return Component(
        id=data["id"],
        name=data["name"],
        runs=data["runs"],
        obtains_role=[_obtains(o) for o in data["obtains_role"]],
        upstream=[Upstream(**u) for u in data["upstream"]],
        policies=PolicyAttribution(**data["policies"]),
        features=dict(data.get("features", {})),
        settings={
            n: Setting(**{k: v for k, v in st.items() if k != "evidence"}, evidence=ev(st["evidence"]))
            for n, st in data.get("settings", {}).items()
        },
        calls=calls,
    )


@record(frozen=True, kw_only=False)
class Target:
    """The values substituted into the catalog's templates. ``account_inferred``: the role's account was not
    given (it was taken from the trust's OIDC provider, or is the default), so verify cannot check that the
    provider is in the role's account. ``region_inferred``: likewise for the cluster's region (then an EKS
    provider's region is not checked against it)."""

    account: str = "123456789012"
    region: str = "us-east-1"
    partition: str = "aws"
    cluster: str = "zilliz-byoc"
    account_inferred: bool = False
    region_inferred: bool = False

    def sub(self, text: str) -> str:
        """``text`` with its ``${partition}``, ``${region}``, ``${account}`` and ``${cluster}`` filled in."""
        if "${" not in text:
            return text
        values = self._values
        return _PLACEHOLDER.sub(lambda m: values[m.group(1)], text)

    @cached_property
    def _values(self) -> dict[str, str]:
        return {"partition": self.partition, "region": self.region, "account": self.account, "cluster": self.cluster}


_REQUESTS: dict[tuple[int, Target], tuple[Call, list[Authorization]]] = {}
_CONFIGURED: dict[tuple[int, tuple[str, ...]], tuple[Component, Component]] = {}


@record(frozen=True, kw_only=False)
class Authorization:
    """One authorization of a call: a resource ARN and the request context AWS evaluates."""

    resource: str
    context: dict[str, ContextValue]
    resource_policy: dict[str, Any] | None = None


def parse_component(text: str, source: str) -> Component:
    """Parse one requirements file (``$schema`` ``byoc-iam/requirements/1``), validated by its schema
    (:class:`~byoc_iam.verify.requirements_model.ComponentFile`); problems become one UsageError line
    (:class:`byoc_iam.data.DataError`)."""
    from byoc_iam.verify.requirements_model import ComponentFile

    return component_of(knowledge.parse(ComponentFile, text, source).model_dump())


@cache
def components() -> tuple[Component, ...]:
    """Every component of the catalog, in a stable order (control plane first, then nodes, then controllers)."""
    # read raw: every packaged file passes ComponentFile (tests/test_data_files.py), so no pydantic here
    loaded = [component_of(knowledge.raw("requirements", name)) for name in knowledge.names("requirements")]
    order = {cid: i for i, cid in enumerate(COMPONENT_ORDER)}
    return tuple(sorted(loaded, key=lambda c: (order.get(c.id, len(order)), c.id)))


# the report order of components (data/verify/components.json)
COMPONENT_ORDER = component_order()


def all_features() -> dict[str, list[str]]:
    """Feature name → the components that declare it."""
    out: dict[str, list[str]] = {}
    for comp in components():
        for name in comp.features:
            out.setdefault(name, []).append(comp.id)
    return out


@cache
def requirement_keys() -> frozenset[str]:
    """Every condition key some call's requirements set in its ``context`` (the EKS role's components, and the
    set roles' calls and ``must_deny`` cases of ``data/requirements/roles``): verify models these keys, set for
    the calls that set them and absent from the others (an action that does not support a key is not sent it)."""
    keys = {k for comp in components() for call in comp.calls for k in call.context}
    for kind in knowledge.names("role-requirements"):
        raw = knowledge.raw("role-requirements", kind)
        keys.update(
            k for section in ("calls", "must_deny") for call in raw.get(section, ()) for k in call.get("context", {})
        )
    return frozenset(keys)
