"""Decisions and their explanations.

:class:`Decision` is what :meth:`CompiledPolicies.evaluate` returns: the decision and ``blocked_by``. Its
:meth:`Decision.explain` re-evaluates the request in explain mode (slower, only when asked) and returns an
:class:`Explanation`: for every policy type and statement, whether it applied and, if not, why (action,
resource, principal, or which condition with the operator, key, request values and policy values), plus
the deciding statements. ``Explanation.to_dict()`` is JSON-serialisable.

The records are NamedTuples and a :class:`byoc_iam.model.record.Record`, not dataclasses: creating a dataclass
costs a single ``simulate`` more start-up than deciding its request (issue 18).
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from byoc_iam.engine import principals as P
from byoc_iam.engine.conditions import ClauseResult
from byoc_iam.engine.resources import MATCH
from byoc_iam.engine.statements import CompiledDocument, CStatement, Prepared
from byoc_iam.model.record import Record

if TYPE_CHECKING:
    from byoc_iam.engine.types import Request


class Explainer(Protocol):
    """What a :class:`Decision` needs of the compiled policies that made it."""

    def explain(self, request: "Request", *, matched_only: bool = False) -> "Explanation": ...


class Trace(Record):
    """What one run of the decision function recorded: each policy type's answer (by label) and the
    service rule that refused the request, if any."""

    __slots__ = ("refusal", "results")
    _REPR = _COMPARE = ("results", "refusal")

    def __init__(self, results: dict[str, str] | None = None, refusal: str | None = None) -> None:
        self.results: dict[str, str] = {} if results is None else results
        self.refusal = refusal


_NO_VALUES: Mapping[str, list[str]] = MappingProxyType({})


def _copied(value: Any) -> Any:
    """``value`` with its dicts, lists and plain tuples copied, as ``dataclasses.asdict`` copies a field."""
    if type(value) is dict:
        return {k: _copied(v) for k, v in value.items()}
    if type(value) is list:
        return [_copied(v) for v in value]
    if type(value) is tuple:
        return tuple(_copied(v) for v in value)
    return value


class StatementExplanation(NamedTuple):
    """One statement: did it apply to the request, and if not, why."""

    policy_type: str
    policy_index: int
    statement_index: int
    sid: str | None
    effect: str
    applies: bool
    action_matched: bool
    resource_matched: bool
    principal_match: str | None  # resource policies: "match", "role session", "account", "no match"
    conditions_matched: bool
    conditions: tuple[ClauseResult, ...]
    reason: str
    level: int | None = None  # SCP/RCP level
    matched_values: Mapping[str, list[str]] = _NO_VALUES

    def to_dict(self) -> dict[str, Any]:
        """Every field by name (conditions as dicts), JSON-serialisable."""
        out = {k: _copied(v) for k, v in zip(self._fields, self, strict=True)}
        out["conditions"] = tuple(c.to_dict() for c in self.conditions)
        out["matched_values"] = {k: list(v) for k, v in self.matched_values.items()}
        return out

    @property
    def label(self) -> str:
        where = f"{self.policy_type}"
        if self.level is not None:
            where += f"[level {self.level}]"
        where += f" policy {self.policy_index} statement {self.statement_index}"
        if self.sid:
            where += f" ({self.sid})"
        return where


class Explanation(NamedTuple):
    """Why a request got its decision."""

    decision: str
    blocked_by: tuple[str, ...]
    request: dict[str, Any]
    results: dict[str, str]  # per policy type present: its own answer
    statements: tuple[StatementExplanation, ...]
    deciding: tuple[StatementExplanation, ...]
    summary: str

    def to_dict(self) -> dict[str, Any]:
        """Every field by name (statements as dicts), JSON-serialisable."""
        return {
            "decision": self.decision,
            "blocked_by": list(self.blocked_by),
            "request": _copied(self.request),
            "results": dict(self.results),
            "statements": tuple(s.to_dict() for s in self.statements),
            "deciding": tuple(s.to_dict() for s in self.deciding),
            "summary": self.summary,
        }


class Decision:
    """The answer to one request: ``decision`` ("Allowed", "ImplicitlyDenied" or "ExplicitlyDenied") and
    ``blocked_by`` (the policy types that denied a request identity/resource policies would allow)."""

    __slots__ = ("blocked_by", "compiled", "decision", "request")

    def __init__(self, decision: str, blocked_by: tuple[str, ...], compiled: Explainer, request: "Request") -> None:
        self.decision = decision
        self.blocked_by = blocked_by
        self.compiled = compiled
        self.request = request

    def __repr__(self) -> str:
        return f"Decision(decision={self.decision!r}, blocked_by={self.blocked_by!r})"

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Decision):
            return NotImplemented
        return (self.decision, self.blocked_by) == (other.decision, other.blocked_by)

    def __hash__(self) -> int:
        return hash((self.decision, self.blocked_by))

    @property
    def allowed(self) -> bool:
        return self.decision == "Allowed"

    def to_dict(self) -> dict[str, Any]:
        return {"decision": self.decision, "blocked_by": list(self.blocked_by)}

    def explain(self, *, matched_only: bool = False) -> Explanation:
        """The decision function run again on the same request, with a trace (deterministic: same answer).
        ``matched_only``: explain only the statements whose Action/NotAction matches the request's action (the
        deciding statements and the nearest ones are among them; cheaper on large policies)."""
        return self.compiled.explain(self.request, matched_only=matched_only)


def _resource_reason(cs: CStatement, req: Prepared) -> str:
    st = cs.statement
    if st.resource is not None:
        return f"resource {req.resource!r} not matched by Resource"
    if st.not_resource is not None:
        return f"resource {req.resource!r} excluded by NotResource"
    return "statement has no Resource element (IAM refuses it; an Allow without it grants nothing)"


def _matched_values(cs: CStatement, req: Prepared) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    if cs.action is not None:
        out["Action"] = list(cs.action.matching_values(req.action))
    elif cs.not_action is not None:
        out["NotAction"] = list(cs.not_action.matching_values(req.action))
    if cs.patterns:
        name = "Resource" if cs.statement.resource is not None else "NotResource"
        hits: list[str] = []
        for p, r in zip(cs.patterns, cs.pattern_results(req), strict=True):
            if r == MATCH:
                resolved = p.resolved(req.context)
                hits.append(p.value if resolved is None else f"{p.value} -> {resolved}")
        out[name] = hits
    return out


def _condition_reason(clauses: tuple[ClauseResult, ...]) -> str:
    failed = next(c for c in clauses if not c.matched)
    shown = "absent" if failed.request_values is None else list(failed.request_values)
    policy = [
        f"{v} (= {r.resolved})" if r.resolved is not None else v
        for v, r in zip(failed.policy_values, failed.details[0][1] if failed.details else [], strict=False)
    ] or list(failed.policy_values)
    return f"condition {failed.operator} {failed.key}: request {shown} vs policy {policy}: {failed.reason}"


def explain_statement(
    cs: CStatement, req: Prepared, has_boundary: bool, policy_index: int, level: int | None
) -> StatementExplanation:
    """Why one statement applies to the request or not (the same predicates the decision uses)."""
    action_ok = cs.action_matches(req.action)
    resource_ok = cs.resource_matches(req)
    principal: str | None = None
    principal_ok = True
    if cs.policy_type == "resource":
        lv = cs.principal_level(req.principal, has_boundary)
        principal = P.LEVEL_NAMES[lv]
        principal_ok = lv != P.NONE
    clauses = tuple(c.explain(req.context) for c in cs.clauses)
    cond_ok = all(c.matched for c in clauses)
    applies = action_ok and resource_ok and principal_ok and cond_ok
    if applies:
        reason = "applies"
    elif not action_ok:
        reason = "action not matched by " + ("Action" if cs.action is not None else "NotAction")
    elif not resource_ok:
        reason = _resource_reason(cs, req)
    elif not principal_ok:
        if cs.principal is None and cs.not_principal is None:
            reason = "resource-policy statement has no Principal"
        elif cs.principal is not None:
            reason = f"principal {req.principal.describe()!r} not matched by Principal"
        else:
            reason = f"principal {req.principal.describe()!r} excluded by NotPrincipal"
    else:
        reason = _condition_reason(clauses)
    return StatementExplanation(
        policy_type=cs.policy_type,
        policy_index=policy_index,
        statement_index=cs.index,
        sid=cs.statement.sid,
        effect=cs.statement.effect,
        applies=applies,
        action_matched=action_ok,
        resource_matched=resource_ok,
        principal_match=principal,
        conditions_matched=cond_ok,
        conditions=clauses,
        reason=reason,
        level=level,
        matched_values=_matched_values(cs, req),
    )


def _summary(
    decision: str, blocked_by: tuple[str, ...], applied: list[StatementExplanation], request: "Request"
) -> str:
    if decision == "ExplicitlyDenied":
        deciding = [s for s in applied if s.effect == "Deny"]
        return "explicitly denied by " + ", ".join(s.label for s in deciding) if deciding else "explicitly denied"
    if decision == "Allowed":
        if request.action.lower() == "sts:getcalleridentity":
            return "sts:GetCallerIdentity is always allowed for an authenticated principal"
        deciding = [s for s in applied if s.effect == "Allow" and s.policy_type in ("identity", "resource")]
        return "allowed by " + ", ".join(s.label for s in deciding) if deciding else "allowed"
    if blocked_by:
        return "implicitly denied: not allowed by " + ", ".join(blocked_by)
    if not any(s.effect == "Allow" and s.policy_type in ("identity", "resource") for s in applied):
        return "implicitly denied: no identity or resource policy statement allows the request"
    return "implicitly denied: the allowing policies do not suffice for this principal and account"


def build_explanation(
    documents: list[tuple[CompiledDocument, int, int | None]],
    has_boundary: bool,
    req: Prepared,
    request: "Request",
    decision: str,
    blocked_by: tuple[str, ...],
    trace: Trace,
    matched_only: bool = False,
) -> Explanation:
    """The explanation of one traced run of the decision function over ``documents`` (each with its index
    within its policy type and its SCP/RCP level); ``matched_only``: only the statements whose action matches."""
    statements = [
        explain_statement(cs, req, has_boundary, index, level)
        for doc, index, level in documents
        for cs in (doc.for_action(req.action) if matched_only else doc.statements)
    ]
    applied = [s for s in statements if s.applies and not (s.policy_type == "rcp" and s.sid == "RCPFullAWSAccess")]
    if decision == "ExplicitlyDenied":
        deciding = tuple(s for s in applied if s.effect == "Deny")
    elif decision == "Allowed":
        deciding = tuple(s for s in applied if s.effect == "Allow" and s.policy_type in ("identity", "resource"))
    else:
        deciding = ()
    summary = _summary(decision, blocked_by, applied, request)
    if trace.refusal is not None and decision != "Allowed":
        summary = f"implicitly denied: {trace.refusal}"
    return Explanation(
        decision=decision,
        blocked_by=blocked_by,
        request=request.to_dict(),
        results=dict(trace.results),
        statements=tuple(statements),
        deciding=deciding,
        summary=summary,
    )


__all__ = ["Decision", "Explanation", "StatementExplanation", "Trace", "build_explanation", "explain_statement"]
