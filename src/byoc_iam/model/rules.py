"""IAM's naming rules, as small checks shared by RoleSpec and the blueprint inputs.

Each check returns ``None`` when the value is fine, or the rule it breaks (one line, for people);
:func:`checked` turns that into a ``ValueError`` for validators (pydantic reports it as ``field: rule``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import TypeVar

from byoc_iam.model.arn import supported_partitions
from byoc_iam.model.patterns import lazy
from byoc_iam.model.quotas import quotas

_Q = quotas()
PARTITIONS = supported_partitions()
# \Z, not $: `$` also matches before a trailing newline ("role\n" is no role name); digits are ASCII [0-9].
ROLE_NAME = lazy(rf"^[\w+=,.@-]{{1,{_Q.role_name_length}}}\Z", re.ASCII)
POLICY_NAME = lazy(rf"^[\w+=,.@-]{{1,{_Q.policy_name_length}}}\Z", re.ASCII)
PATH = lazy(rf"^(/|/[\x21-\x7e]{{1,{_Q.path_length - 2}}}/)\Z")
ACCOUNT_ID = lazy(r"^[0-9]{12}\Z")
REGION = lazy(r"^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-[0-9]{1,2}\Z")
TAG_KEY = lazy(rf"^[\w\s.:/=+\-@]{{1,{_Q.tag_key_length}}}\Z")
TAG_VALUE = lazy(rf"^[\w\s.:/=+\-@]{{0,{_Q.tag_value_length}}}\Z")
# Kubernetes: a namespace is a DNS label, a service account name a DNS subdomain.
K8S_NAMESPACE = lazy(r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\Z")
K8S_NAME = lazy(r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?\Z")
CLUSTER_NAME = lazy(r"^[0-9A-Za-z][A-Za-z0-9_-]{0,99}\Z")
POLICY_ARN = lazy(
    rf"^arn:({'|'.join(PARTITIONS)}):iam::(aws|[0-9]{{12}}):policy/([\x21-\x7e]*/)?[\w+=,.@-]{{1,{_Q.policy_name_length}}}\Z"
)
MAX_TAGS = _Q.tags_per_role
T = TypeVar("T")


def check_role_name(value: str) -> str | None:
    if not ROLE_NAME.match(value):
        return f"must be 1-{_Q.role_name_length} characters of letters, digits and +=,.@_-"
    return None


def check_policy_name(value: str) -> str | None:
    if not POLICY_NAME.match(value):
        return f"must be 1-{_Q.policy_name_length} characters of letters, digits and +=,.@_-"
    return None


def check_path(value: str) -> str | None:
    if not PATH.match(value):
        return f"must be '/' or start and end with '/' (printable ASCII, at most {_Q.path_length} characters)"
    return None


def check_account_id(value: str) -> str | None:
    if not ACCOUNT_ID.match(value):
        return "must be exactly 12 digits"
    return None


def check_partition(value: str) -> str | None:
    if value not in PARTITIONS:
        return f"must be one of {', '.join(PARTITIONS)}"
    return None


def check_region(value: str) -> str | None:
    if not REGION.match(value):
        return "must look like us-east-1, cn-north-1 or us-gov-west-1"
    return None


def check_tag(key: str, value: str) -> str | None:
    if not TAG_KEY.match(key):
        return f"tag key {key!r} must be 1-{_Q.tag_key_length} characters of letters, digits, spaces and _.:/=+-@"
    if key.lower().startswith("aws:"):
        return f"tag key {key!r} must not start with 'aws:' (reserved by AWS)"
    if not TAG_VALUE.match(value):
        return f"tag value {value!r} must be 0-{_Q.tag_value_length} characters of letters, digits, spaces and _.:/=+-@"
    return None


def check_service_account(value: str) -> str | None:
    """``namespace:name`` of a Kubernetes service account."""
    ns, sep, name = value.partition(":")
    if not sep:
        return "must be namespace:name, e.g. kube-system:my-controller"
    if not K8S_NAMESPACE.match(ns):
        return f"namespace {ns!r} must be a DNS label (lowercase letters, digits, '-'; at most 63)"
    if not K8S_NAME.match(name):
        return f"name {name!r} must be a DNS subdomain (lowercase letters, digits, '-', '.'; at most 253)"
    return None


def check_cluster_name(value: str) -> str | None:
    if not CLUSTER_NAME.match(value):
        return "must be 1-100 characters of letters, digits, '-' and '_', starting with a letter or digit"
    return None


def check_policy_arn(value: str) -> str | None:
    if not POLICY_ARN.match(value):
        return "must be a policy ARN, e.g. arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"
    return None


def check_tags(tags: Mapping[str, str]) -> str | None:
    """The role's tags: at most :data:`MAX_TAGS`, each key and value by :func:`check_tag`."""
    if len(tags) > MAX_TAGS:
        return f"at most {MAX_TAGS} tags per role"
    for key, value in tags.items():
        problem = check_tag(key, value)
        if problem:
            return problem
    return None


def checked(check: Callable[[T], str | None], value: T) -> T:
    """``value`` when ``check`` passes it; else ``ValueError`` with the rule it breaks."""
    problem = check(value)
    if problem:
        raise ValueError(problem)
    return value
