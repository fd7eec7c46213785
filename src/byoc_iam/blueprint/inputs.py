"""BlueprintInputs: everything a user chooses about the BYOC EKS role, validated with pydantic.

Each rule breaks with one line naming the rule; :func:`describe_problem` turns a pydantic error into
``<field>: <rule>`` with the field labelled as the user wrote it (``--account-id``, ``BYOC_IAM_ACCOUNT_ID``...).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, Literal, NamedTuple
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from byoc_iam.blueprint import data, set_rules
from byoc_iam.model import arn as arns
from byoc_iam.model import rules
from byoc_iam.model.quotas import quotas
from byoc_iam.model.role import PolicyArn, RoleName, RolePath, RoleTags

Partition = Literal["aws", "aws-cn", "aws-us-gov"]
TrustMode = Literal["placeholder", "resolved"]
Placement = Literal["inline", "managed"]
TRUST_MODES = ("placeholder", "resolved")
PLACEMENTS = ("inline", "managed")

_DEFAULTS = data.blueprint().defaults
DEFAULT_ROLE_NAME: str = _DEFAULTS["role_name"]
DEFAULT_PATH: str = _DEFAULTS["path"]
DEFAULT_DESCRIPTION: str = _DEFAULTS["description"]
DEFAULT_MAX_SESSION: int = _DEFAULTS["max_session_duration"]
DEFAULT_PLACEMENT: Placement = _DEFAULTS["policy_placement"]

_Q = quotas()
# IAM's description rule (CreateRole): tab, newline, CR and Latin-1 printable characters, at most 1000.
DESCRIPTION = re.compile(rf"^[\t\n\r\x20-\x7e\xa1-\xff]{{0,{_Q.role_description_length}}}$")


class FieldProblem(ValueError):
    """A rule broken by ``field`` (raised by cross-field checks, which pydantic reports without a location)."""

    def __init__(self, field: str, rule: str) -> None:
        super().__init__(rule)
        self.field = field
        self.rule = rule


class Issuer(NamedTuple):
    """An OIDC issuer as IAM names it: ``provider`` is the URL without ``https://`` (the provider ARN suffix and
    the condition-key prefix)."""

    url: str
    provider: str
    region: str | None
    partition: str | None


def region_partition(region: str) -> str | None:
    """The partition a region belongs to, or None when byoc-iam supports none that matches."""
    return arns.region_partition(region)


def parse_issuer(url: str, *, allow_custom: bool = False) -> Issuer:
    """Parse an OIDC issuer URL; raise ValueError naming the rule it breaks."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise ValueError("must be a URL such as https://oidc.eks.us-east-1.amazonaws.com/id/<ID>") from None
    if parts.scheme != "https":
        raise ValueError("must be an https:// URL")
    host = parts.hostname or ""
    if not host or parts.username or parts.password or port or parts.query or parts.fragment or "#" in url:
        raise ValueError("must be https://<host>/<path> with no user, port, query or fragment")
    path = parts.path.rstrip("/")
    eks = arns.eks_issuer(f"{host}{path}")
    if eks:
        region = eks.region
        if rules.check_region(region):
            raise ValueError(f"names region {region!r}, which is not an AWS region")
        partition = region_partition(region)
        suffix_partition = "aws-cn" if eks.suffix.endswith(".cn") else None
        if partition is None or (partition == "aws-cn") != (suffix_partition == "aws-cn"):
            raise ValueError(f"host {host} does not match its region's partition (China issuers end in .com.cn)")
        return Issuer(url=url, provider=f"{host}{path}", region=region, partition=partition)
    if not allow_custom:
        raise ValueError(
            "must be an EKS issuer https://oidc.eks.<region>.amazonaws.com[.cn]/id/<ID> "
            "(use --allow-custom-issuer for another https issuer)"
        )
    if not re.match(r"^[a-z0-9.-]+$", host) or not re.match(r"^[\x21-\x7e]*$", path):
        raise ValueError("host and path must be printable ASCII")
    return Issuer(url=url, provider=f"{host}{path}", region=None, partition=None)


def _one_of(value: Any, allowed: tuple[str, ...]) -> Any:
    if value is not None and value not in allowed:
        raise ValueError(f"must be one of {', '.join(allowed)}")
    return value


class BlueprintInputs(BaseModel):
    """Inputs of the BYOC EKS role blueprint. Unset ``partition``/``trust_mode`` are inferred (see properties)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    account_id: str
    partition: Partition | None = None
    region: str | None = None
    role_name: RoleName = DEFAULT_ROLE_NAME
    path: RolePath = DEFAULT_PATH
    description: str = DEFAULT_DESCRIPTION
    max_session_duration: int = Field(default=DEFAULT_MAX_SESSION)
    permissions_boundary: PolicyArn | None = None
    tags: RoleTags = Field(default_factory=dict)
    trust_mode: TrustMode | None = None
    oidc_issuer: str | None = None
    allow_custom_issuer: bool = False
    compact_trust: bool = False
    service_accounts: tuple[str, ...] = ()
    policy_placement: Placement = DEFAULT_PLACEMENT
    # The role set (storage and cross-account roles beside the EKS role; see blueprint/roleset.py).
    roles: tuple[str, ...] = ("eks",)
    name_prefix: str = "zilliz-byoc"
    bucket: str | None = None
    bucket_kms_key_arn: str | None = None
    external_id: str | None = None
    storage_service_accounts: tuple[str, ...] = ()
    storage_wildcard_subjects: bool = False
    # The layout of the EKS role (issue 15; see blueprint/layout.py).
    layout: Literal["combined", "split"] = "combined"
    identity: Literal["irsa", "pod-identity"] = "irsa"
    cni_role: bool = False
    cluster_name: str | None = None

    @field_validator("account_id", mode="before")
    @classmethod
    def _account(cls, v: Any) -> Any:
        if isinstance(v, int) and not isinstance(v, bool):
            raise ValueError("must be a string of exactly 12 digits (quote it; a number loses leading zeros)")
        if isinstance(v, str):
            rules.checked(rules.check_account_id, v)
        return v

    @field_validator("partition", mode="before")
    @classmethod
    def _partition(cls, v: Any) -> Any:
        return _one_of(v, rules.PARTITIONS)

    @field_validator("trust_mode", mode="before")
    @classmethod
    def _trust_mode(cls, v: Any) -> Any:
        return _one_of(v, TRUST_MODES)

    @field_validator("policy_placement", mode="before")
    @classmethod
    def _placement(cls, v: Any) -> Any:
        return _one_of(v, PLACEMENTS)

    @field_validator("region")
    @classmethod
    def _region(cls, v: str | None) -> str | None:
        if v is None:
            return v
        rules.checked(rules.check_region, v)
        if region_partition(v) is None:
            raise ValueError(f"{v} is in a partition byoc-iam does not support ({', '.join(rules.PARTITIONS)})")
        return v

    @field_validator("description")
    @classmethod
    def _description(cls, v: str) -> str:
        if not DESCRIPTION.match(v):
            raise ValueError(f"must be at most {_Q.role_description_length} characters of printable Latin-1 text")
        return v

    @field_validator("max_session_duration")
    @classmethod
    def _max_session(cls, v: int) -> int:
        if not _Q.session_min <= v <= _Q.session_max:
            raise ValueError(f"must be {_Q.session_min}-{_Q.session_max} seconds (1 to 12 hours)")
        return v

    @field_validator("service_accounts")
    @classmethod
    def _service_accounts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for sa in v:
            problem = rules.check_service_account(sa)
            if problem:
                raise ValueError(f"{sa!r}: {problem}")
        return v

    @field_validator("roles", mode="before")
    @classmethod
    def _roles(cls, v: Any) -> Any:
        if isinstance(v, str):
            v = (v,)
        if isinstance(v, list | tuple):
            chosen = set_rules.expand_roles([str(x) for x in v])
            if not chosen:
                raise ValueError("names no role (eks, storage, cross-account or all)")
            return chosen
        return v

    @field_validator("layout", mode="before")
    @classmethod
    def _layout(cls, v: Any) -> Any:
        return _one_of(v, ("combined", "split"))

    @field_validator("identity", mode="before")
    @classmethod
    def _identity(cls, v: Any) -> Any:
        return _one_of(v, ("irsa", "pod-identity"))

    @field_validator("cluster_name")
    @classmethod
    def _cluster_name(cls, v: str | None) -> str | None:
        return v if v is None else rules.checked(set_rules.check_cluster_name, v)

    @field_validator("name_prefix")
    @classmethod
    def _name_prefix(cls, v: str) -> str:
        return rules.checked(set_rules.check_name_prefix, v)

    @field_validator("bucket")
    @classmethod
    def _bucket(cls, v: str | None) -> str | None:
        return v if v is None else rules.checked(set_rules.check_bucket, v)

    @field_validator("external_id")
    @classmethod
    def _external_id(cls, v: str | None) -> str | None:
        return v if v is None else rules.checked(set_rules.check_external_id, v)

    @field_validator("bucket_kms_key_arn")
    @classmethod
    def _kms(cls, v: str | None) -> str | None:
        return v if v is None else rules.checked(set_rules.check_kms_key_arn, v)

    @field_validator("storage_service_accounts")
    @classmethod
    def _storage_accounts(cls, v: tuple[str, ...]) -> tuple[str, ...]:
        for sa in v:
            problem = rules.check_service_account(sa)
            if problem:
                raise ValueError(f"{sa!r}: {problem}")
        return v

    @model_validator(mode="after")
    def _role_set(self) -> BlueprintInputs:
        try:
            partition = self.resolved_partition
        except ValueError:  # a bad issuer: _consistent names it
            return self
        problem = set_rules.check_set(
            roles=self.roles,
            partition=partition,
            role_name=self.role_name,
            name_prefix=self.name_prefix,
            bucket=self.bucket,
            external_id=self.external_id,
            kms_key_arn=self.bucket_kms_key_arn,
        )
        if problem:
            raise FieldProblem(*problem)
        problem = set_rules.check_layout(layout=self.layout, identity=self.identity, cni_role=self.cni_role)
        if problem:
            raise FieldProblem(*problem)
        return self

    @model_validator(mode="after")
    def _consistent(self) -> BlueprintInputs:
        region_p = region_partition(self.region) if self.region else None
        if self.partition and region_p and region_p != self.partition:
            example = data.partitions()[self.partition].example_region
            raise FieldProblem("region", f"{self.region} is not in partition {self.partition} (e.g. {example})")
        if self.oidc_issuer is not None:
            if self.trust_mode == "placeholder":
                raise FieldProblem("oidc_issuer", "must not be set with trust mode placeholder")
            try:
                issuer = parse_issuer(self.oidc_issuer, allow_custom=self.allow_custom_issuer)
            except ValueError as exc:
                raise FieldProblem("oidc_issuer", str(exc)) from None
            if issuer.region and self.region and issuer.region != self.region:
                raise FieldProblem("oidc_issuer", f"is in region {issuer.region}, but region is {self.region}")
            if issuer.partition and self.partition and issuer.partition != self.partition:
                raise FieldProblem("oidc_issuer", f"is in partition {issuer.partition}, not {self.partition}")
        elif self.trust_mode == "resolved":
            raise FieldProblem("trust_mode", "resolved needs an OIDC issuer (--oidc-issuer)")
        partition = self.resolved_partition
        if self.permissions_boundary and not self.permissions_boundary.startswith(f"arn:{partition}:"):
            raise FieldProblem("permissions_boundary", f"must be an ARN in partition {partition}")
        return self

    # -- derived values ----------------------------------------------------------------------------------
    @property
    def issuer(self) -> Issuer | None:
        if self.oidc_issuer is None:
            return None
        return parse_issuer(self.oidc_issuer, allow_custom=self.allow_custom_issuer)

    @property
    def resolved_partition(self) -> str:
        """The partition: as given, else the region's, else the EKS issuer's, else ``aws``."""
        if self.partition:
            return self.partition
        if self.region:
            return region_partition(self.region) or "aws"
        issuer = self.issuer
        if issuer and issuer.partition:
            return issuer.partition
        return "aws"

    @property
    def resolved_trust_mode(self) -> TrustMode:
        """``resolved`` when an issuer is given, else ``placeholder``."""
        return "resolved" if self.oidc_issuer is not None else "placeholder"


def describe_problem(exc: ValidationError, label: Callable[[str], str] = lambda f: f) -> str:
    """The first problem of a validation error as one line ``<label(field)>: <rule>``."""
    err = exc.errors()[0]
    cause = (err.get("ctx") or {}).get("error")
    if isinstance(cause, FieldProblem):
        return f"{label(cause.field)}: {cause.rule}"
    loc = err["loc"]
    field = str(loc[0]) if loc else "input"
    msg = str(err["msg"]).removeprefix("Value error, ")
    if err["type"] == "missing":
        msg = "is required"
    elif err["type"] in ("int_parsing", "int_from_float", "int_type"):
        msg = "must be a whole number"
    elif err["type"] in ("bool_parsing", "bool_type"):
        msg = "must be true or false (also yes/no, 1/0)"
    elif err["type"] == "extra_forbidden":
        msg = "is not a setting byoc-iam knows"
    elif len(loc) > 1:
        msg = f"{'.'.join(str(p) for p in loc[1:])}: {msg}"
    return f"{label(field)}: {msg}"
