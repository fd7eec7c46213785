"""The verify report: a stable, documented value (docs/verify-schema.md) that every output renders.

Pure data: the checks build it, ``byoc_iam.report`` turns it into a terminal matrix, JSON, SARIF or HTML. Plain
keyword-only records (:func:`byoc_iam.model.record.record`: neither pydantic nor generated code on verify's
start-up path, issue 18), with the two pydantic methods their callers use: ``model_copy(update=...)`` and
``model_dump(mode=..., by_alias=...)`` (the JSON form: fields in declaration order, lists and dicts copied,
``schema_`` as ``schema`` with ``by_alias``). Only verify builds them, typed (mypy --strict holds the Literal
fields).
"""

from __future__ import annotations

from typing import Any, Literal, Self

from byoc_iam.model.record import field, fields, record, replace

SCHEMA = "byoc-iam/verify/v1"
CallStatus = Literal["passed", "failed", "optional", "not-evaluated"]
Decision = Literal["Allowed", "ImplicitlyDenied", "ExplicitlyDenied"]
DecisionName = Decision
Severity = Literal["error", "security", "warning", "info"]
SEVERITY_ORDER: tuple[Severity, ...] = ("error", "security", "warning", "info")  # worst first
Status = Literal["ready", "not-linked", "fails"]
TrustStatus = Literal["passed", "failed", "not-linked"]


_ALIASES = {"schema_": "schema"}


class _Model:
    """What the report's records share: pydantic's ``model_copy`` and ``model_dump`` for their callers (equality and
    repr over the fields come from :func:`~byoc_iam.model.record.record`)."""

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Self:
        """A copy with the fields of ``update`` replaced (shallow, as pydantic's)."""
        return replace(self, **(update or {}))

    def model_dump(self, *, mode: str = "python", by_alias: bool = False) -> dict[str, Any]:
        """The record as plain dicts and lists, fields in declaration order (``mode`` is accepted for
        pydantic's signature: every value is JSON already)."""
        return {(_ALIASES.get(f, f) if by_alias else f): _dump(getattr(self, f), by_alias) for f in fields(self)}


def _dump(value: Any, by_alias: bool) -> Any:
    if isinstance(value, _Model):
        return value.model_dump(by_alias=by_alias)
    if isinstance(value, list | tuple):
        return [_dump(v, by_alias) for v in value]
    if isinstance(value, dict):
        return {k: _dump(v, by_alias) for k, v in value.items()}
    return value


@record
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


@record
class AuthorizationResult(_Model):
    """One authorization of a call (one resource) and what the engine decided for it."""

    resource: str
    context: dict[str, str | list[str]]
    decision: Decision
    blocked_by: list[str] = field(default_factory=list)
    deciding: list[StatementRef] = field(default_factory=list)
    nearest: StatementRef | None = None
    reason: str = ""
    scoped_decision: Decision | None = None


@record
class CallResult(_Model):
    """One call of a component: its status, the decision over its authorizations and why."""

    id: str
    action: str
    kind: str
    feature: str | None
    required: bool
    summary: str
    status: CallStatus
    decision: Decision | None = None
    reason: str = ""
    authorizations: list[AuthorizationResult] = field(default_factory=list)
    source: str | None = None
    note: str | None = None


@record
class Counts(_Model):
    """How many calls passed, failed, were optional or were not evaluated."""

    passed: int = 0
    failed: int = 0
    optional: int = 0
    not_evaluated: int = 0


@record
class ComponentResult(_Model):
    """One component: how it obtains the role, its own policies and its calls."""

    id: str
    name: str
    runs: str
    obtains_role: list[str]
    upstream: list[str]
    own_policies: list[str]
    status: Literal["passed", "failed"]
    counts: Counts
    calls: list[CallResult]


@record
class TrustResult(_Model):
    """One request to assume the role: what was expected and what the trust policy decided."""

    id: str
    kind: Literal["positive", "negative"]
    description: str
    principal: str
    action: str
    context: dict[str, str | list[str]] = field(default_factory=dict)
    expected: Literal["allowed", "denied"]
    decision: Decision
    passed: bool
    status: TrustStatus = "passed"
    deciding: list[StatementRef] = field(default_factory=list)
    reason: str = ""


@record
class FederationResult(_Model):
    """The OIDC provider a trust federates: the checks made (``account``; live: ``exists``, ``audience``, and
    with ``--cluster`` ``issuer``) and the problems found."""

    provider: str
    checked: list[str]
    passed: bool
    problems: list[str] = field(default_factory=list)


@record
class Finding(_Model):
    """A finding: its code, severity, title, message and mitigation."""

    code: str
    severity: Severity
    title: str
    message: str
    mitigation: str = ""


@record
class RoleInfo(_Model):
    """The verified role: name, ARN, where it came from, its policies and its session's context."""

    name: str
    arn: str
    source: Literal["rendered", "file", "live"]
    policies: list[str]
    trust_statements: int
    session: str
    request_context: dict[str, str | list[str]]


@record
class TargetInfo(_Model):
    """The account, region, partition and cluster the requirements were filled in for."""

    account: str
    region: str
    partition: str
    cluster: str


@record
class Summary(_Model):
    """The counts of the report: calls, trust checks and findings (by severity)."""

    calls: Counts
    trust_passed: int
    trust_failed: int
    findings: int
    trust_not_linked: int = 0
    findings_by_severity: dict[str, int] = field(default_factory=dict)


@record
class VerifyReport(_Model):
    """Everything verify found. ``ok``: nothing fails at the default ``--fail-on security`` (no denied required
    call, no failed trust check, no error or security finding); ``status``: ``ready``, ``not-linked`` (placeholder
    trust: the IRSA controllers cannot assume the role until link-cluster) or ``fails``; ``verdict``: the
    status in words a reviewer signs."""

    schema_: str = SCHEMA  # "schema" in the JSON form
    tool_version: str
    role: RoleInfo
    target: TargetInfo
    trust_mode: Literal["placeholder", "linked", "none"]
    features: list[str]
    ok: bool
    status: Status = "ready"
    verdict: str = ""
    summary: Summary
    components: list[ComponentResult]
    trust: list[TrustResult]
    federation: list[FederationResult] = field(default_factory=list)
    findings: list[Finding]

    def failures(self) -> list[str]:
        """One line per failed check, naming what broke."""
        out = [f"{f.code}: {f.message}" for f in self.findings if f.severity in ("error", "security")]
        out += [
            f"{c.id}: {call.action} ({call.id}): {call.reason}"
            for c in self.components
            for call in c.calls
            if call.status == "failed"
        ]
        out += [f"trust {t.id}: {t.reason}" for t in self.trust if t.status == "failed"]
        return out

    @property
    def passed(self) -> bool:
        """No check failed and no error or security finding: ``ready``, or ``not-linked`` (the trust waits for
        link-cluster). ``ok`` (in the JSON too) is ``ready`` only: exit 0 at the defaults."""
        return self.status != "fails"

    def fails_at(self, fail_on: Severity, *, allow_unlinked: bool = False) -> bool:
        """True when a check failed (an error), a finding is at ``fail_on`` severity or worse, or the trust is
        not linked yet (status ``not-linked``: the IRSA controllers cannot assume the role) unless
        ``allow_unlinked`` (exit 3)."""
        if self.summary.calls.failed or self.summary.trust_failed:
            return True
        if self.status == "not-linked" and not allow_unlinked:
            return True
        worst = SEVERITY_ORDER.index(fail_on)
        return any(SEVERITY_ORDER.index(f.severity) <= worst for f in self.findings)

    def to_json_dict(self) -> dict[str, object]:
        return self.model_dump(mode="json", by_alias=True)
