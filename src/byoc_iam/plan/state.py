"""The live state a plan is computed against, as plain values with a stable fingerprint (pure; no I/O)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from typing import Any

from pydantic import ValidationError

from byoc_iam.model import RoleSpec

OWNER_TAG_KEY = "byoc-iam:managed-by"
OWNER_TAG_VALUE = "byoc-iam"
OWNER_TAG = {OWNER_TAG_KEY: OWNER_TAG_VALUE}


def tag_value(tags: dict[str, str], key: str) -> str | None:
    """A tag's value, the key matched as IAM matches role tag keys: case-insensitively (case is preserved,
    but ``Team`` and ``team`` cannot both be set)."""
    if key in tags:
        return tags[key]
    return next((v for k, v in tags.items() if k.lower() == key.lower()), None)


def owned(tags: dict[str, str]) -> bool:
    """Whether byoc-iam's ownership tag is on a resource: the key in any case (IAM's), the value exactly
    ``byoc-iam`` (``BYOC-IAM``, ``byoc-iam `` or ``true`` are not ours)."""
    return tag_value(tags, OWNER_TAG_KEY) == OWNER_TAG_VALUE


@dataclass(frozen=True)
class LivePolicy:
    """A customer-managed policy as IAM has it. ``versions`` are oldest first."""

    arn: str
    name: str
    path: str
    default_version_id: str
    versions: tuple[str, ...]
    document: dict[str, Any]
    tags: dict[str, str] = field(default_factory=dict)
    attachment_count: int = 0


@dataclass(frozen=True)
class LiveOidcProvider:
    """An IAM OIDC identity provider."""

    arn: str
    url: str
    client_ids: tuple[str, ...] = ()
    thumbprints: tuple[str, ...] = ()
    tags: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LiveRole:
    """A role as IAM has it: ``fields`` are RoleSpec fields (without customer-managed policies)."""

    arn: str
    role_id: str
    fields: dict[str, Any]
    attached_arns: tuple[str, ...] = ()

    @property
    def tags(self) -> dict[str, str]:
        tags: dict[str, str] = self.fields.get("tags", {})
        return tags


@dataclass(frozen=True)
class LiveState:
    """What a plan was computed against; ``fingerprint()`` changes when any of it changes."""

    role_name: str
    role: LiveRole | None = None
    policies: dict[str, LivePolicy] = field(default_factory=dict)
    oidc_providers: dict[str, LiveOidcProvider] = field(default_factory=dict)

    def role_spec(self) -> RoleSpec | None:
        """The live role as a RoleSpec: attached local policies appear as customer-managed policies."""
        if self.role is None:
            return None
        cmp = {p.name: p.document for arn, p in sorted(self.policies.items()) if arn in self.role.attached_arns}
        data = dict(self.role.fields, customer_managed_policies=cmp)
        try:
            return RoleSpec.model_validate(data)
        except ValidationError:
            # a live role may break a rule byoc-iam enforces on what it renders; keep it readable anyway
            return RoleSpec.model_construct(**data)

    def to_dict(self) -> dict[str, Any]:
        return {
            "role_name": self.role_name,
            "role": asdict(self.role) if self.role else None,
            "policies": {arn: asdict(p) for arn, p in sorted(self.policies.items())},
            "oidc_providers": {arn: asdict(o) for arn, o in sorted(self.oidc_providers.items())},
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> LiveState:
        role = data.get("role")
        return cls(
            role_name=data["role_name"],
            role=(
                LiveRole(role["arn"], role["role_id"], role["fields"], tuple(role.get("attached_arns", ())))
                if role
                else None
            ),
            policies={
                arn: LivePolicy(**{**p, "versions": tuple(p["versions"])})
                for arn, p in data.get("policies", {}).items()
            },
            oidc_providers={
                arn: LiveOidcProvider(
                    **{**o, "client_ids": tuple(o["client_ids"]), "thumbprints": tuple(o["thumbprints"])}
                )
                for arn, o in data.get("oidc_providers", {}).items()
            },
        )

    def fingerprint(self) -> str:
        """sha256 of the canonical JSON of this state (order-independent where IAM is)."""
        text = json.dumps(self.to_dict(), sort_keys=True, separators=(",", ":"), default=str)
        return "sha256:" + hashlib.sha256(text.encode()).hexdigest()
