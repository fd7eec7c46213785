"""ARNs, partitions and OIDC providers: the one place byoc-iam spells them.

* :class:`Arn` — ``arn:partition:service:region:account:resource`` parsed (:func:`parse_arn`) and formatted
  (AWS General Reference, "Amazon Resource Names (ARNs)"); :func:`role_arn`, :func:`policy_arn`;
  :func:`split_arn_pattern` the six segments of an ARN pattern (the ARN condition operators').
* Partitions come from ``data/iam/partitions.json``: :func:`supported_partitions`, :func:`all_partitions`,
  :func:`partition_facts`, :func:`region_partition`, :func:`partition_of_region`.
* An IAM OIDC provider is named by its issuer URL without ``https://`` (the *provider name*: the ARN suffix and
  the prefix of its ``:sub``/``:aud`` condition keys; IAM User Guide, "Create an OpenID Connect (OIDC) identity
  provider"): :func:`provider_name` (issuer URL → name), :func:`issuer_url` (name → URL),
  :func:`oidc_provider_arn` (→ ARN), :func:`parse_oidc_provider_arn` (ARN → partition, account, name).
* :func:`is_placeholder_provider` is THE test for "the trust names no real issuer yet" (the ``eks_oidc_url``
  placeholder of Zilliz's console document); :func:`is_rendered_placeholder` the exact form the blueprint
  renders; :func:`eks_issuer` recognises an EKS cluster issuer.

Pure; reads only packaged data (cached), without pydantic.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import re
from functools import cache
from typing import Any, NamedTuple

from byoc_iam import data
from byoc_iam.model.patterns import lazy

# one Terraform variable/local or CloudFormation pseudo parameter (as written, or as lint's decoder spells it)
_TEMPLATE = lazy(r"\$\{(?:(?:var|local)\.\w+|AWS(?:::|__)\w+)\}")
PLACEHOLDER_PROVIDER = "eks_oidc_url"  # the literal of Zilliz's console trust document, until the cluster exists
_OIDC_PROVIDER = lazy(
    r"^arn:(?P<partition>[a-z-]+|\$\{(?:(?:var|local)\.\w+|AWS(?:::|__)\w+)\}):iam::(?P<account>[^:]*):oidc-provider/(?P<name>.+)$"
)
_EKS_ISSUER = lazy(
    r"^oidc\.eks\.(?P<region>[a-z0-9-]+)\.(?P<suffix>amazonaws\.com(?:\.cn)?)/id/(?P<id>[0-9A-Za-z]{1,64})$"
)
_ACCOUNT = lazy(r"^\d{12}$")
_PROVIDER_KINDS = ("oidc-provider", "saml-provider")


class Arn(NamedTuple):
    """The six parts of an ARN (``resource`` keeps its own ``:`` and ``/``)."""

    partition: str
    service: str
    region: str
    account: str
    resource: str

    def __str__(self) -> str:
        return f"arn:{self.partition}:{self.service}:{self.region}:{self.account}:{self.resource}"


def parse_arn(text: str) -> Arn | None:
    """The parts of ``text``, or None when it is not ``arn:`` followed by five ``:``-separated parts."""
    parts = text.split(":", 5)
    if len(parts) < 6 or parts[0] != "arn":
        return None
    return Arn(*parts[1:])


def split_arn_pattern(text: str) -> tuple[str, str, str, str, str, str] | None:
    """The six ``:``-separated segments of an ARN or ARN pattern — ``(prefix, partition, service, region, account,
    resource)``, the prefix ``arn`` in an ARN (a pattern may have a wildcard there), the resource keeping its own
    ``:`` — or None when ``text`` has fewer than six. The ARN condition operators match each segment on its own
    (IAM User Guide, "IAM JSON policy elements: Condition operators", Amazon Resource Name (ARN) condition
    operators: "each of the six colon-delimited components of the ARN is checked separately")."""
    parts = text.split(":", 5)
    if len(parts) < 6:
        return None
    return parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]


def format_arn(partition: str, service: str, region: str, account: str, resource: str) -> str:
    """``arn:<partition>:<service>:<region>:<account>:<resource>``."""
    return str(Arn(partition, service, region, account, resource))


def is_account_id(value: str) -> bool:
    """Whether ``value`` is an AWS account id (exactly 12 digits)."""
    return _ACCOUNT.match(value) is not None


def partition_of(arn: str) -> str | None:
    """The partition part of an ARN (None when ``arn`` is not one)."""
    parsed = parse_arn(arn)
    return parsed.partition if parsed else None


def role_arn(partition: str, account: str, name: str, path: str = "/") -> str:
    """``arn:<partition>:iam::<account>:role<path><name>``."""
    return format_arn(partition, "iam", "", account, f"role{path}{name}")


def policy_arn(partition: str, account: str, name: str, path: str = "/") -> str:
    """``arn:<partition>:iam::<account>:policy<path><name>`` (``account`` is ``aws`` for AWS managed policies)."""
    return format_arn(partition, "iam", "", account, f"policy{path}{name}")


# -- partitions ----------------------------------------------------------------------------------------
@cache
def _partitions() -> dict[str, Any]:
    return data.raw("partitions", "partitions")


def supported_partitions() -> tuple[str, ...]:
    """The partitions byoc-iam renders, plans and verifies for: ``("aws", "aws-cn", "aws-us-gov")``."""
    return tuple(_partitions()["partitions"])


def all_partitions() -> tuple[str, ...]:
    """Every AWS partition (a value outside these is not an ARN partition), supported or not."""
    return tuple(_partitions()["all_partitions"])


def partition_facts(partition: str) -> dict[str, Any]:
    """A supported partition's facts (``dns_suffix``, ``region_pattern``, ``example_region``, ``sts_audience``,
    ``service_principals``); KeyError for another partition."""
    facts: dict[str, Any] = _partitions()["partitions"][partition]
    return facts


def example_region(partition: str) -> str:
    """A region of the partition for examples and defaults (``us-east-1`` for an unsupported partition)."""
    return str(partition_facts(partition)["example_region"]) if partition in supported_partitions() else "us-east-1"


def region_partition(region: str) -> str | None:
    """The supported partition whose region pattern ``region`` matches, or None."""
    for name in supported_partitions():
        if re.match(partition_facts(name)["region_pattern"], region):
            return name
    return None


def partition_of_region(region: str | None) -> str:
    """The partition of ``region`` (``cn-*`` → aws-cn, ``us-gov-*`` → aws-us-gov), ``aws`` otherwise or without one."""
    return (region_partition(region) if region else None) or "aws"


# -- OIDC providers -----------------------------------------------------------------------------------
class OidcProviderArn(NamedTuple):
    """An IAM OIDC provider ARN's parts; ``name`` is the issuer URL without ``https://``."""

    partition: str
    account: str
    name: str

    def __str__(self) -> str:
        return oidc_provider_arn(self.partition, self.account, self.name)


def provider_name(issuer_or_arn: str) -> str:
    """The provider name IAM uses: ``https://oidc.eks.us-east-1.amazonaws.com/id/ABC`` (an issuer URL) or an OIDC
    provider ARN → ``oidc.eks.us-east-1.amazonaws.com/id/ABC``; any other text is returned as it is."""
    parsed = parse_oidc_provider_arn(issuer_or_arn)
    if parsed:
        return parsed.name
    return issuer_or_arn.removeprefix("https://").removeprefix("http://").rstrip("/")


def issuer_url(name: str) -> str:
    """The issuer URL of a provider name: ``https://<name>``."""
    return f"https://{name}"


def oidc_provider_arn(partition: str, account: str, issuer_or_name: str) -> str:
    """``arn:<partition>:iam::<account>:oidc-provider/<provider name>`` from an issuer URL or provider name."""
    return format_arn(partition, "iam", "", account, f"oidc-provider/{provider_name(issuer_or_name)}")


def parse_oidc_provider_arn(arn: str) -> OidcProviderArn | None:
    """The parts of an OIDC provider ARN (any partition and account text), or None when ``arn`` is not one."""
    m = _OIDC_PROVIDER.match(arn)
    return OidcProviderArn(m["partition"], m["account"], m["name"]) if m else None


def is_oidc_provider_arn(value: str) -> bool:
    """Whether ``value`` is an OIDC provider ARN in a supported partition."""
    parsed = parse_oidc_provider_arn(value)
    return parsed is not None and parsed.partition in supported_partitions()


def is_provider_arn(value: str) -> bool:
    """Whether ``value`` is an IAM identity provider ARN as a Federated principal names one:
    ``arn:<partition>:iam::<12 digits or *>:oidc-provider/<name>`` or ``...:saml-provider/<name>``."""
    parsed = parse_arn(value)
    if parsed is None or not parsed.partition or (parsed.service, parsed.region) != ("iam", ""):
        return False
    kind, _, name = parsed.resource.partition("/")
    return (is_account_id(parsed.account) or parsed.account == "*") and kind in _PROVIDER_KINDS and bool(name)


def is_placeholder_provider(value: str) -> bool:
    """THE placeholder test: the OIDC provider (an ARN or a provider name) names no issuer host — its host part
    has no dot, as ``eks_oidc_url`` or any other unfilled token. Such a provider cannot exist in IAM yet:
    plan creates no provider for it, link-cluster replaces it, verify reports the trust as not linked."""
    name = provider_name(value)
    return "." not in name.split("/", 1)[0]


def is_rendered_placeholder(value: str) -> bool:
    """The blueprint's placeholder exactly: ``arn:<supported partition>:iam::<account>:oidc-provider/eks_oidc_url``,
    partition and account may each be one template expression (``${var.account_id}`` in byoc-iam's Terraform
    export, ``${AWS::AccountId}`` in its CloudFormation template);
    lint tells this intended placeholder from any other."""
    parsed = parse_oidc_provider_arn(value)
    return (
        parsed is not None
        and (parsed.partition in supported_partitions() or _TEMPLATE.fullmatch(parsed.partition) is not None)
        and (is_account_id(parsed.account) or _TEMPLATE.fullmatch(parsed.account) is not None)
        and parsed.name == PLACEHOLDER_PROVIDER
    )


class EksIssuer(NamedTuple):
    """An EKS cluster's OIDC issuer: region, DNS suffix and the issuer id."""

    region: str
    suffix: str
    id: str


def eks_issuer(value: str) -> EksIssuer | None:
    """The EKS issuer that a provider name, issuer URL or provider ARN names, or None:
    ``oidc.eks.<region>.amazonaws.com[.cn]/id/<ID>`` (Amazon EKS User Guide, "Create an IAM OIDC provider")."""
    m = _EKS_ISSUER.match(provider_name(value))
    return EksIssuer(m["region"], m["suffix"], m["id"]) if m else None
