"""The verify report: a stable, documented value (docs/verify-schema.md) that every output renders.

Pure data: the checks build it, ``byoc_iam.report`` turns it into a terminal matrix, JSON, SARIF or HTML.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA = "byoc-iam/verify/v1"
CallStatus = Literal["passed", "failed", "optional", "not-evaluated"]
Decision = Literal["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]
Severity = Literal["error", "warning", "info"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class StatementRef(_Model):
    """A statement of one of the role's policies (``policy`` as the role names it, ``index`` from 0)."""

    policy: str
    policy_kind: Literal["aws-managed", "inline", "customer-managed", "trust", "boundary", "resource"]
    index: int
    sid: str | None = None
    effect: Literal["Allow", "Deny"] = "Allow"

    def label(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.policy} #{self.index}{sid}"


class AuthorizationResult(_Model):
    """One authorization of a call (one resource) and what the engine decided for it."""

    resource: str
    context: dict[str, str | list[str]]
    decision: Decision
    blocked_by: list[str] = Field(default_factory=list)
    deciding: list[StatementRef] = Field(default_factory=list)
    nearest: StatementRef | None = None
    reason: str = ""
    scoped_decision: Decision | None = None


class CallResult(_Model):
    id: str
    action: str
    kind: str
    feature: str | None
    required: bool
    summary: str
    status: CallStatus
    decision: Decision | None = None
    reason: str = ""
    authorizations: list[AuthorizationResult] = Field(default_factory=list)
    source: str | None = None
    note: str | None = None


class Counts(_Model):
    passed: int = 0
    failed: int = 0
    optional: int = 0
    not_evaluated: int = 0


class ComponentResult(_Model):
    id: str
    name: str
    runs: str
    obtains_role: list[str]
    upstream: list[str]
    own_policies: list[str]
    status: Literal["passed", "failed"]
    counts: Counts
    calls: list[CallResult]


class TrustResult(_Model):
    id: str
    kind: Literal["positive", "negative"]
    description: str
    principal: str
    action: str
    context: dict[str, str | list[str]] = Field(default_factory=dict)
    expected: Literal["allowed", "denied"]
    decision: Decision
    passed: bool
    deciding: list[StatementRef] = Field(default_factory=list)
    reason: str = ""


class Finding(_Model):
    code: str
    severity: Severity
    title: str
    message: str
    mitigation: str = ""


class RoleInfo(_Model):
    name: str
    arn: str
    source: Literal["rendered", "file", "live"]
    policies: list[str]
    trust_statements: int
    session: str
    request_context: dict[str, str | list[str]]


class TargetInfo(_Model):
    account: str
    region: str
    partition: str
    cluster: str


class Summary(_Model):
    calls: Counts
    trust_passed: int
    trust_failed: int
    findings: int


class VerifyReport(_Model):
    """Everything verify found; ``ok`` is False when a required call or a trust check failed (exit 3)."""

    schema_: str = Field(default=SCHEMA, alias="schema")
    tool_version: str
    role: RoleInfo
    target: TargetInfo
    trust_mode: Literal["placeholder", "linked", "none"]
    features: list[str]
    ok: bool
    summary: Summary
    components: list[ComponentResult]
    trust: list[TrustResult]
    findings: list[Finding]

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    def failures(self) -> list[str]:
        """One line per failed check, naming what broke."""
        out = [
            f"{c.id}: {call.action} ({call.id}): {call.reason}"
            for c in self.components
            for call in c.calls
            if call.status == "failed"
        ]
        out += [f"trust {t.id}: {t.reason}" for t in self.trust if not t.passed]
        return out

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)
