"""The rules of the blueprint inputs, without pydantic: one copy, called by pydantic and by render's plain path.

:class:`~byoc_iam.blueprint.inputs.BlueprintInputs` declares its fields with pydantic and validates with the
functions here (its field validators *are* these functions, its ``Annotated`` types
:mod:`byoc_iam.model.role_plain`'s); :mod:`byoc_iam.blueprint.fast_inputs` calls the same functions, in the
order pydantic does, from :data:`BEFORE`, :data:`AFTER` and :data:`MODEL_CHECKS`, without importing pydantic
(issue 18, cold start). ``tests/render/test_plain_path.py`` holds these tables equal to the model's decorators.

Each field validator returns the value or raises ``ValueError`` naming the rule; a cross-field check raises
:class:`FieldProblem` naming the field too. :class:`InputsViews` is the derived values (issuer, partition, trust
mode) both kinds of inputs have.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, NamedTuple
from urllib.parse import urlsplit

from byoc_iam.blueprint import data, set_rules
from byoc_iam.model import arn as arns
from byoc_iam.model import role_plain, rules
from byoc_iam.model.quotas import quotas

Partition = Literal["aws", "aws-cn", "aws-us-gov"]
TrustMode = Literal["placeholder", "resolved"]
Placement = Literal["inline", "managed"]
Layout = Literal["combined", "split"]
Identity = Literal["irsa", "pod-identity"]
TRUST_MODES = ("placeholder", "resolved")
PLACEMENTS = ("inline", "managed")

_DEFAULTS = data.blueprint().defaults
DEFAULT_ROLE_NAME: str = _DEFAULTS["role_name"]
DEFAULT_PATH: str = _DEFAULTS["path"]
DEFAULT_DESCRIPTION: str = _DEFAULTS["description"]
DEFAULT_MAX_SESSION: int = _DEFAULTS["max_session_duration"]
DEFAULT_PLACEMENT: Placement = _DEFAULTS["policy_placement"]

if TYPE_CHECKING:
    from typing import Protocol

    class _Settings(Protocol):
        @property
        def oidc_issuer(self) -> str | None: ...
        @property
        def allow_custom_issuer(self) -> bool: ...
        @property
        def partition(self) -> str | None: ...
        @property
        def region(self) -> str | None: ...


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


# -- field validators ("before": the raw value; "after": a value of the field's type) ---------------------------
def valid_account_id(v: Any) -> Any:
    """before: a string of 12 digits (a number is refused: it loses leading zeros)."""
    if isinstance(v, int) and not isinstance(v, bool):
        raise ValueError("must be a string of exactly 12 digits (quote it; a number loses leading zeros)")
    if isinstance(v, str):
        rules.checked(rules.check_account_id, v)
    return v


def valid_partition(v: Any) -> Any:
    """before: one of the supported partitions."""
    return _one_of(v, rules.PARTITIONS)


def valid_trust_mode(v: Any) -> Any:
    """before: placeholder or resolved."""
    return _one_of(v, TRUST_MODES)


def valid_placement(v: Any) -> Any:
    """before: inline or managed."""
    return _one_of(v, PLACEMENTS)


def valid_roles(v: Any) -> Any:
    """before: a role kind or a list of them, expanded (``all``) and ordered; a string alone is one kind."""
    if isinstance(v, str):
        v = (v,)
    if isinstance(v, list | tuple):
        chosen = set_rules.expand_roles([str(x) for x in v])
        if not chosen:
            raise ValueError("names no role (eks, storage, cross-account or all)")
        return chosen
    return v


def valid_layout(v: Any) -> Any:
    """before: combined or split."""
    return _one_of(v, ("combined", "split"))


def valid_identity(v: Any) -> Any:
    """before: irsa or pod-identity."""
    return _one_of(v, ("irsa", "pod-identity"))


def valid_region(v: str | None) -> str | None:
    """after: an AWS region of a supported partition."""
    if v is None:
        return v
    rules.checked(rules.check_region, v)
    if region_partition(v) is None:
        raise ValueError(f"{v} is in a partition byoc-iam does not support ({', '.join(rules.PARTITIONS)})")
    return v


def valid_description(v: str) -> str:
    """after: IAM's description characters and length."""
    if not DESCRIPTION.match(v):
        raise ValueError(f"must be at most {_Q.role_description_length} characters of printable Latin-1 text")
    return v


def valid_max_session(v: int) -> int:
    """after: IAM's session length range, in seconds."""
    if not _Q.session_min <= v <= _Q.session_max:
        raise ValueError(f"must be {_Q.session_min}-{_Q.session_max} seconds (1 to 12 hours)")
    return v


def valid_service_accounts(v: tuple[str, ...]) -> tuple[str, ...]:
    """after: every item ``namespace:name``."""
    for sa in v:
        problem = rules.check_service_account(sa)
        if problem:
            raise ValueError(f"{sa!r}: {problem}")
    return v


def valid_cluster_name(v: str | None) -> str | None:
    """after: an EKS cluster name."""
    return v if v is None else rules.checked(set_rules.check_cluster_name, v)


def valid_name_prefix(v: str) -> str:
    """after: a prefix the role set's names can start with."""
    return rules.checked(set_rules.check_name_prefix, v)


def valid_bucket(v: str | None) -> str | None:
    """after: an S3 bucket name."""
    return v if v is None else rules.checked(set_rules.check_bucket, v)


def valid_external_id(v: str | None) -> str | None:
    """after: an sts:ExternalId value."""
    return v if v is None else rules.checked(set_rules.check_external_id, v)


def valid_kms_key_arn(v: str | None) -> str | None:
    """after: a KMS key ARN."""
    return v if v is None else rules.checked(set_rules.check_kms_key_arn, v)


# field -> its validators, in the order pydantic runs them: BEFORE on the raw value, then the type, then AFTER
# (the Annotated type's validator first, then the field validators). BlueprintInputs declares exactly these.
BEFORE: dict[str, tuple[Callable[[Any], Any], ...]] = {
    "account_id": (valid_account_id,),
    "partition": (valid_partition,),
    "trust_mode": (valid_trust_mode,),
    "policy_placement": (valid_placement,),
    "roles": (valid_roles,),
    "layout": (valid_layout,),
    "identity": (valid_identity,),
}
AFTER: dict[str, tuple[Callable[[Any], Any], ...]] = {
    "role_name": (role_plain.role_name,),
    "path": (role_plain.role_path,),
    "permissions_boundary": (role_plain.policy_arn,),
    "tags": (role_plain.role_tags,),
    "region": (valid_region,),
    "description": (valid_description,),
    "max_session_duration": (valid_max_session,),
    "service_accounts": (valid_service_accounts,),
    "cluster_name": (valid_cluster_name,),
    "name_prefix": (valid_name_prefix,),
    "bucket": (valid_bucket,),
    "external_id": (valid_external_id,),
    "bucket_kms_key_arn": (valid_kms_key_arn,),
    "storage_service_accounts": (valid_service_accounts,),
}


# -- cross-field checks (pydantic's "after" model validators) ----------------------------------------------------
def check_role_set(inputs: Any) -> Any:
    """The role set's and the layout's settings agree (FieldProblem otherwise); returns ``inputs``."""
    try:
        partition = inputs.resolved_partition
    except ValueError:  # a bad issuer: check_consistent names it
        return inputs
    problem = set_rules.check_set(
        roles=inputs.roles,
        partition=partition,
        role_name=inputs.role_name,
        name_prefix=inputs.name_prefix,
        bucket=inputs.bucket,
        external_id=inputs.external_id,
        kms_key_arn=inputs.bucket_kms_key_arn,
    )
    if problem:
        raise FieldProblem(*problem)
    problem = set_rules.check_layout(layout=inputs.layout, identity=inputs.identity, cni_role=inputs.cni_role)
    if problem:
        raise FieldProblem(*problem)
    return inputs


def check_consistent(inputs: Any) -> Any:
    """Region, partition, issuer, trust mode and boundary agree (FieldProblem otherwise); returns ``inputs``."""
    region_p = region_partition(inputs.region) if inputs.region else None
    if inputs.partition and region_p and region_p != inputs.partition:
        example = data.partitions()[inputs.partition].example_region
        raise FieldProblem("region", f"{inputs.region} is not in partition {inputs.partition} (e.g. {example})")
    if inputs.oidc_issuer is not None:
        if inputs.trust_mode == "placeholder":
            raise FieldProblem("oidc_issuer", "must not be set with trust mode placeholder")
        try:
            issuer = parse_issuer(inputs.oidc_issuer, allow_custom=inputs.allow_custom_issuer)
        except ValueError as exc:
            raise FieldProblem("oidc_issuer", str(exc)) from None
        if issuer.region and inputs.region and issuer.region != inputs.region:
            raise FieldProblem("oidc_issuer", f"is in region {issuer.region}, but region is {inputs.region}")
        if issuer.partition and inputs.partition and issuer.partition != inputs.partition:
            raise FieldProblem("oidc_issuer", f"is in partition {issuer.partition}, not {inputs.partition}")
    elif inputs.trust_mode == "resolved":
        raise FieldProblem("trust_mode", "resolved needs an OIDC issuer (--oidc-issuer)")
    partition = inputs.resolved_partition
    if inputs.permissions_boundary and not inputs.permissions_boundary.startswith(f"arn:{partition}:"):
        raise FieldProblem("permissions_boundary", f"must be an ARN in partition {partition}")
    return inputs


# in the order BlueprintInputs declares them (pydantic runs "after" model validators in that order)
MODEL_CHECKS: tuple[Callable[[Any], Any], ...] = (check_role_set, check_consistent)


def issuer_of(inputs: "_Settings") -> Issuer | None:
    """The parsed OIDC issuer of the inputs, or None without one."""
    if inputs.oidc_issuer is None:
        return None
    return parse_issuer(inputs.oidc_issuer, allow_custom=inputs.allow_custom_issuer)


def partition_of(inputs: "_Settings") -> str:
    """The partition: as given, else the region's, else the EKS issuer's, else ``aws``."""
    if inputs.partition:
        return inputs.partition
    if inputs.region:
        return region_partition(inputs.region) or "aws"
    issuer = issuer_of(inputs)
    if issuer and issuer.partition:
        return issuer.partition
    return "aws"


def trust_mode_of(inputs: "_Settings") -> TrustMode:
    """``resolved`` when an issuer is given, else ``placeholder``."""
    return "resolved" if inputs.oidc_issuer is not None else "placeholder"


class InputsViews:
    """The derived values of the inputs (:func:`issuer_of`, :func:`partition_of`, :func:`trust_mode_of`) as
    BlueprintInputs' properties; unset ``partition``/``trust_mode`` are inferred."""

    __slots__ = ()

    @property
    def issuer(self: "_Settings") -> Issuer | None:
        return issuer_of(self)

    @property
    def resolved_partition(self: "_Settings") -> str:
        """The partition: as given, else the region's, else the EKS issuer's, else ``aws``."""
        return partition_of(self)

    @property
    def resolved_trust_mode(self: "_Settings") -> TrustMode:
        """``resolved`` when an issuer is given, else ``placeholder``."""
        return trust_mode_of(self)
