"""The plan value: ordered changes, each one AWS call with its exact parameters (pure; JSON-serialisable)."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from byoc_iam.errors import UsageError
from byoc_iam.model.policy import read_json

PLAN_FORMAT = "byoc-iam-plan/1"

# Changes in the same phase are independent of each other and may run concurrently; phases run in order.
PHASE_PROVIDER = 0  # the OIDC provider (link-cluster)
PHASE_CREATE = 1  # create the role and the customer-managed policies; make room for policy versions
PHASE_ROLE = 2  # everything on an existing role; new policy versions
PHASE_DELETE_VERSIONS = 3  # destroy: the non-default versions of policies once detached
PHASE_DELETE_POLICY = 4  # destroy: the policies themselves
PHASE_DELETE_ROLE = 5  # destroy: the role once empty, last of all


@dataclass(frozen=True)
class Change:
    """One change: ``symbol`` is ``+`` (create), ``~`` (update) or ``-`` (delete)."""

    symbol: str
    kind: str  # e.g. "role", "trust policy", "managed policy attachment", "inline policy", "tag"
    target: str  # what it applies to, for people
    action: str  # the AWS call, e.g. "iam:CreateRole"
    params: dict[str, Any]
    phase: int
    before: Any = None
    after: Any = None
    security: str = ""  # non-empty when security-relevant (the trust policy admits a new principal)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Plan:
    """A plan for one role, with the fingerprint of the live state it was computed against.

    ``scope`` says what to read again to check that fingerprint (customer-managed policy and OIDC
    provider ARNs). ``refusals`` are reasons apply must refuse (ownership) unless re-planned with ``adopt``.
    """

    command: str  # "apply" | "link-cluster" | "destroy"
    role_name: str
    fingerprint: str
    changes: tuple[Change, ...] = ()
    scope: dict[str, list[str]] = field(default_factory=dict)
    refusals: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    adopt: bool = False
    role_arn: str = ""
    desired: dict[str, Any] | None = None
    account: str = ""
    origin: dict[str, Any] = field(default_factory=dict)  # what produced a saved plan (plan/saved.py)
    signature: str = ""  # HMAC-SHA256 of the rest with the user's local plan key (plan/saved.py)

    @property
    def empty(self) -> bool:
        return not self.changes

    @property
    def security_changes(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.security)

    def phases(self) -> list[list[Change]]:
        """The changes grouped by phase, in execution order."""
        out: dict[int, list[Change]] = {}
        for change in self.changes:
            out.setdefault(change.phase, []).append(change)
        return [out[p] for p in sorted(out)]

    def counts(self) -> dict[str, int]:
        return {s: sum(1 for c in self.changes if c.symbol == s) for s in "+~-"}

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": PLAN_FORMAT,
            "command": self.command,
            "role_name": self.role_name,
            "role_arn": self.role_arn,
            "account": self.account,
            "fingerprint": self.fingerprint,
            "adopt": self.adopt,
            "scope": self.scope,
            "refusals": list(self.refusals),
            "notes": list(self.notes),
            "changes": [c.to_dict() for c in self.changes],
            "desired": self.desired,
            "origin": self.origin,
            "signature": self.signature,
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False)

    @classmethod
    def from_json(cls, text: str, source: str = "plan") -> Plan:
        """Parse a saved plan; anything that is not one becomes a :class:`UsageError` line."""
        data = read_json(text, f"{source}: not a byoc-iam plan")
        if not isinstance(data, dict) or data.get("format") != PLAN_FORMAT:
            raise UsageError(f'{source}: not a byoc-iam plan (expected "format": "{PLAN_FORMAT}")')
        try:
            changes = tuple(Change(**c) for c in data["changes"])
            return cls(
                command=str(data["command"]),
                role_name=str(data["role_name"]),
                role_arn=str(data.get("role_arn", "")),
                account=str(data.get("account", "")),
                fingerprint=str(data["fingerprint"]),
                adopt=bool(data.get("adopt", False)),
                scope={k: list(v) for k, v in data.get("scope", {}).items()},
                refusals=tuple(data.get("refusals", ())),
                notes=tuple(data.get("notes", ())),
                changes=changes,
                desired=data.get("desired"),
                origin=dict(data.get("origin") or {}),
                signature=str(data.get("signature", "")),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise UsageError(f"{source}: not a byoc-iam plan: missing or bad field {exc}") from None
