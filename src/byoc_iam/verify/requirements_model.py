"""The requirements files' schema (kind ``requirements``, ``data/requirements/*.json``): pydantic models that
validate a file and word its problems. Verify reads the packaged files raw into the plain values of
:mod:`byoc_iam.verify.requirements` (no pydantic on its start-up path, issue 18); ``tests/test_data_files.py``
holds every packaged file to :class:`ComponentFile`, :func:`byoc_iam.verify.requirements.parse_component` validates
text that is not packaged with it, and ``tests/verify/test_verify_requirements_raw.py`` checks that both readings
give the same values."""

from __future__ import annotations

import re
from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from byoc_iam.model.policy import PolicyDocument, PolicyParseError

CallKind = Literal[
    "direct", "tag-on-create", "registry-side", "service-side", "no-permission-needed", "other-principal"
]
ContextValue = str | list[str]
_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9]+$")


class _Strict(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class Resource(_Strict):
    """A resource the call is authorized against, with the tags it carries (``aws:ResourceTag/...``).

    ``created``: the call creates this resource, so the request's tags (``aws:RequestTag/*``, ``aws:TagKeys``)
    are in the context of its authorization only, not of the other resources of the call (the VPC of
    CreateSecurityGroup, the snapshot of CreateVolume, the subnet of CreateNetworkInterface). Source: Amazon
    VPC User Guide, "Amazon VPC policy examples" (docs.aws.amazon.com/vpc/latest/userguide/vpc-policy-examples.html:
    the VPC resource is granted without the request-tag condition), and kubernetes/kops#13436 (an
    ``aws:RequestTag`` condition on ``Resource: *`` fails CreateSecurityGroup on the VPC).
    """

    arn: str
    tags: dict[str, str] = Field(default_factory=dict)
    created: bool = False


class Evidence(_Strict):
    """Why the catalog lists a call: an upstream source path (``owner/repo:path``) or an AWS documentation page
    (``https://docs.aws.amazon.com/...``), with the upstream release or the date the page was read."""

    source: str | None = None
    doc: str | None = None
    release: str = Field(min_length=1)

    @model_validator(mode="after")
    def _one(self) -> Evidence:
        if (self.source is None) == (self.doc is None):
            raise ValueError("evidence needs exactly one of source (owner/repo:path) or doc (an AWS doc URL)")
        if self.doc is not None and not self.doc.startswith("https://docs.aws.amazon.com/"):
            raise ValueError(f"evidence doc {self.doc!r} is not an AWS documentation page")
        return self


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
    evidence: list[Evidence] = Field(min_length=1)

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

    @model_validator(mode="after")
    def _created(self) -> Call:
        if self.has_request_tags and len(self.resources) > 1 and not any(r.created for r in self.resources):
            raise ValueError(
                "a call with request tags and several resources must mark the resource it creates (created: true)"
            )
        return self

    @property
    def has_request_tags(self) -> bool:
        return bool(self.request_tags) or any(
            k.startswith("aws:RequestTag/") or k == "aws:TagKeys" for k in self.context
        )


class ObtainsRole(_Strict):
    """How the component gets the role's credentials; ``layouts``: the role layouts whose trust must admit it
    (default both)."""

    via: Literal["service", "instance-profile", "irsa"]
    principal: str | None = None
    service_account: str | None = None
    note: str | None = None
    layouts: tuple[Literal["combined", "split"], ...] = ("combined", "split")

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


class Setting(_Strict):
    """A deployment setting of the component that changes what its calls carry: with it, every request and every
    existing resource that carries ``marker`` (the component's own tag) also carries ``tags``, and the instances it
    acts on carry ``instance_tags``. ``helm_value``: the chart value path that turns it on (set to the cluster's
    name). Example: the EBS CSI driver's ``--k8s-tag-cluster-id``, which the cluster-scoped policy needs."""

    summary: str
    helm_value: list[str] = Field(min_length=1)
    marker: str
    tags: dict[str, str] = Field(min_length=1)
    instance_tags: dict[str, str] = Field(default_factory=dict)
    note: str | None = None
    evidence: list[Evidence] = Field(min_length=1)


class ComponentFile(_Strict):
    """A component of the cluster that uses the role, and the calls it makes (``settings``: the deployment
    settings that change them, see :meth:`configured`)."""

    KIND: ClassVar[str] = "requirements"
    id: str
    name: str
    runs: str
    obtains_role: list[ObtainsRole] = Field(min_length=1)
    upstream: list[Upstream] = Field(min_length=1)
    policies: PolicyAttribution
    features: dict[str, str] = Field(default_factory=dict)
    settings: dict[str, Setting] = Field(default_factory=dict)
    calls: list[Call] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ComponentFile:
        ids = [c.id for c in self.calls]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate call ids: {', '.join(dupes)}")
        unknown = sorted({c.feature for c in self.calls if c.feature and c.feature not in self.features})
        if unknown:
            raise ValueError(f"calls name undeclared features: {', '.join(unknown)}")
        return self
