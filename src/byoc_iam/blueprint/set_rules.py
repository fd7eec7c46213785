"""The rules of the role set's own settings (bucket, external id, KMS key, name prefix, role selection).

Each check returns the rule a value breaks, or ``None`` (the convention of :mod:`byoc_iam.model.rules`).
Sources: S3 user guide "General purpose bucket naming rules"; STS API reference ``AssumeRole`` (``ExternalId``:
2-1224 characters of ``[\\w+=,.@:/-]``); AWS KMS developer guide "Key identifiers" (key ARN).
"""

from __future__ import annotations

import re

from byoc_iam.model.patterns import lazy

ROLE_KINDS: tuple[str, ...] = ("eks", "storage", "cross-account")
ALL = "all"
BUCKET = lazy(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
BUCKET_BAD_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
BUCKET_BAD_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
EXTERNAL_ID = lazy(r"^[\w+=,.@:/-]{2,1224}$", re.ASCII)
KMS_KEY_ARN = lazy(
    r"^arn:(?P<partition>aws|aws-cn|aws-us-gov):kms:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"key/(?:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|mrk-[0-9a-f]{32})$"
)
NAME_PREFIX = lazy(r"^zilliz-byoc[\w+=,.@-]{0,30}$", re.ASCII)


def check_bucket(value: str) -> str | None:
    """An S3 general purpose bucket name."""
    if not BUCKET.match(value) or ".." in value or ".-" in value or "-." in value:
        return (
            "must be an S3 bucket name: 3-63 lowercase letters, digits, '.' and '-', "
            "starting and ending with a letter or digit"
        )
    import ipaddress  # here: verify --role imports this module for role_flag_value (issue 18)

    try:
        ipaddress.IPv4Address(value)
        return "must not be formatted as an IP address"
    except ValueError:
        pass
    if value.startswith(BUCKET_BAD_PREFIXES) or value.endswith(BUCKET_BAD_SUFFIXES):
        return "uses a prefix or suffix S3 reserves (xn--, sthree-, -s3alias, --ol-s3, ...)"
    return None


def check_external_id(value: str) -> str | None:
    """The external id Zilliz's control plane passes to AssumeRole."""
    if not EXTERNAL_ID.match(value):
        return "must be 2-1224 characters of letters, digits and +=,.@:/-_ (the External ID the Zilliz console shows)"
    return None


def check_kms_key_arn(value: str) -> str | None:
    """A KMS key ARN (an alias cannot be used in an IAM policy's Resource for the key)."""
    if not KMS_KEY_ARN.match(value):
        return "must be a KMS key ARN, arn:aws:kms:<region>:<account>:key/<key id>"
    return None


def check_name_prefix(value: str) -> str | None:
    """The role-name prefix; Zilliz's docs ask for role names starting with ``zilliz-byoc``."""
    if not NAME_PREFIX.match(value):
        return "must start with zilliz-byoc (Zilliz's policy is scoped to that prefix), at most 41 characters"
    return None


CLUSTER_NAME = lazy(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")


def check_cluster_name(value: str) -> str | None:
    """An EKS cluster name (EKS API reference ``CreateCluster``: 1-100 letters, digits, hyphens, underscores)."""
    if not CLUSTER_NAME.match(value):
        return "must be an EKS cluster name: 1-100 letters, digits, '-' and '_', starting with a letter or digit"
    return None


def check_layout(*, layout: str, identity: str, cni_role: bool) -> tuple[str, str] | None:
    """The layout's cross-field rules: Pod Identity and a CNI role apply to the split layout only (the combined
    role is Zilliz's console role, kept byte-compatible)."""
    if layout == "combined" and identity != "irsa":
        return (
            "identity",
            "pod-identity needs --layout split (the combined role keeps IRSA, as Zilliz's console has it)",
        )
    if layout == "combined" and cni_role:
        return "cni_role", "needs --layout split (the combined role carries the CNI policy itself)"
    return None


def expand_roles(values: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """The selected role kinds in set order; ``all`` means every kind; comma-separated items are split.

    Raises ValueError naming the unknown kind."""
    chosen: set[str] = set()
    for item in values:
        for part in (p.strip() for p in str(item).split(",")):
            if not part:
                continue
            if part == ALL:
                chosen.update(ROLE_KINDS)
            elif part in ROLE_KINDS:
                chosen.add(part)
            else:
                raise ValueError(f"{part!r} must be one of {', '.join((*ROLE_KINDS, ALL))}")
    return tuple(k for k in ROLE_KINDS if k in chosen)


def looks_like_selection(value: str) -> bool:
    """A bare word such as ``everything`` (no path separator or extension): meant as role kinds, not a file."""
    return "/" not in value and "." not in value


def is_role_selection(value: str) -> bool:
    """Whether ``value`` names role kinds (``eks``, ``storage,cross-account``, ``all``) rather than a file."""
    try:
        return bool(expand_roles([value]))
    except ValueError:
        return False


def role_flag_value(value: str, exists: bool) -> str | None:
    """``--role VALUE`` of commands that also take a RoleSpec file: the role kinds it selects, ``None`` for a
    file; raises ValueError for a bare word that is neither (``--role everything``)."""
    if is_role_selection(value):
        return value
    if not exists and looks_like_selection(value):
        expand_roles([value])  # raises naming the word
    return None


def check_set(
    *,
    roles: tuple[str, ...],
    partition: str,
    role_name: str,
    name_prefix: str,
    bucket: str | None,
    external_id: str | None,
    kms_key_arn: str | None,
) -> tuple[str, str] | None:
    """Cross-field rules of the role set: ``(field, rule)`` of the first one broken, or ``None``."""
    if "storage" in roles and bucket is None:
        return "bucket", "is required for the storage role (the Milvus data bucket's name)"
    if "cross-account" in roles:
        if external_id is None:
            return "external_id", "is required for the cross-account role (the External ID the Zilliz console shows)"
        if bucket is None:
            return "bucket", "is required for the cross-account role (Zilliz checks the bucket's location)"
        if partition != "aws":
            return (
                "roles",
                f"cross-account: Zilliz Cloud publishes no control-plane principal for partition {partition}",
            )
        if not role_name.startswith(name_prefix):
            return "role_name", (
                f"must start with the name prefix {name_prefix} when the cross-account role is rendered "
                f"(its iam:PassRole is scoped to {name_prefix}*)"
            )
    if kms_key_arn is not None:
        match = KMS_KEY_ARN.match(kms_key_arn)
        if match and match["partition"] != partition:
            return "bucket_kms_key_arn", f"must be a key in partition {partition}"
    return None
