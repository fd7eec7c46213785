"""Permissions: every call of a component against the role's identity policies and against the policies meant
for that component alone."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from byoc_iam.model.record import record
from byoc_iam.verify import explain as ex
from byoc_iam.verify import unknown
from byoc_iam.verify.evaluator import Evaluator
from byoc_iam.verify.policies import LabelledPolicy, meant_for, own_policies
from byoc_iam.verify.report import (
    AuthorizationResult,
    CallResult,
    CallStatus,
    ComponentResult,
    Counts,
    DecisionName,
)
from byoc_iam.verify.requirements import Authorization, Call, Component, Target


@record(frozen=True, kw_only=False)
class _Run:
    """What every call of one verify run shares."""

    policies: Sequence[LabelledPolicy]
    evaluator: Evaluator
    target: Target
    features: frozenset[str]
    explain: bool


def check_component(
    comp: Component,
    policies: Sequence[LabelledPolicy],
    evaluator: Evaluator,
    target: Target,
    features: frozenset[str],
    explain: bool,
) -> ComponentResult:
    """Every call of ``comp``: passed, failed (required and not allowed), optional or not evaluated."""
    run = _Run(policies, evaluator, target, features, explain)
    own = own_policies(comp, policies)
    results = [_check_call(comp, call, own, run) for call in comp.calls]
    counts = Counts(
        passed=sum(r.status == "passed" for r in results),
        failed=sum(r.status == "failed" for r in results),
        optional=sum(r.status == "optional" for r in results),
        not_evaluated=sum(r.status == "not-evaluated" for r in results),
    )
    return ComponentResult(
        id=comp.id,
        name=comp.name,
        runs=comp.runs,
        obtains_role=[_obtains(o.via, o.service_account, o.principal) for o in comp.obtains_role],
        upstream=[
            f"{u.repo} {u.release}" + (f" @ {u.commit[:12]}" if u.commit else "") + f" — {u.what}"
            for u in comp.upstream
        ],
        own_policies=[p.label for p in own],
        status="failed" if counts.failed else "passed",
        counts=counts,
        calls=results,
    )


def _obtains(via: str, service_account: str | None, principal: str | None) -> str:
    if via == "irsa":
        return f"IRSA service account {service_account}"
    return f"{'EC2 instance profile' if via == 'instance-profile' else 'service principal'} {principal}"


def _check_call(comp: Component, call: Call, own: list[LabelledPolicy], run: _Run) -> CallResult:
    required = call.feature is None or call.feature in run.features

    def result(status: CallStatus, reason: str, **more: Any) -> CallResult:
        return CallResult(
            id=call.id,
            action=call.action,
            kind=call.kind,
            feature=call.feature,
            required=required,
            summary=call.summary,
            source=call.source,
            note=call.note,
            status=status,
            reason=reason,
            **more,
        )

    if not call.evaluated:
        reason = (
            "IAM does not authorize this call"
            if call.kind == "no-permission-needed"
            else "made with another principal's credentials, not this role"
        )
        return result("not-evaluated", reason)
    auths = [_authorize(call, req, own, required, run) for req in call.requests(run.target)]
    overall: DecisionName = next((a.decision for a in auths if a.decision != "Allowed"), "Allowed")
    reason = _denied_reason(auths) or (_incidental_reason(comp, own, auths) if required else "")
    status: CallStatus = ("failed" if reason else "passed") if required else "optional"
    return result(status, reason, decision=overall, authorizations=auths)


def _authorize(
    call: Call, req: Authorization, own: list[LabelledPolicy], required: bool, run: _Run
) -> AuthorizationResult:
    """One authorization: the role's decision, the decision of the component's own policies alone (required
    calls), and the deciding or nearest statement."""
    d = run.evaluator.evaluate(run.policies, call.action, req.resource, req.context, req.resource_policy)
    decision = ex.decision_of(d)
    scoped: DecisionName | None = decision if required else None
    if required and decision == "Allowed" and len(own) != len(run.policies):
        scoped = ex.decision_of(
            run.evaluator.evaluate(own, call.action, req.resource, req.context, req.resource_policy)
        )
    detail = run.explain or (required and (decision != "Allowed" or scoped != "Allowed"))
    exp = d.explain(matched_only=True) if detail else None
    blocked = list(d.blocked_by)
    types = ("pb",) if "pb" in blocked else ("identity",)
    nearest, why = (None, "") if decision == "Allowed" or not exp else ex.nearest(exp, run.policies, own, types)
    if exp is not None and why == "applies":  # the statement allows, but not enough (e.g. a key policy)
        why = exp.summary
    if decision != "Allowed":
        why += unknown.note(run.evaluator.unknown_keys(run.policies, req.resource_policy))
    return AuthorizationResult(
        resource=req.resource,
        context=dict(req.context),
        decision=decision,
        blocked_by=blocked,
        deciding=ex.deciding(exp, run.policies) if exp else [],
        nearest=nearest,
        reason=why,
        scoped_decision=scoped,
    )


def _denied_reason(auths: list[AuthorizationResult]) -> str:
    """Why the first denied authorization was denied ('' when all were allowed)."""
    bad = next((a for a in auths if a.decision != "Allowed"), None)
    if bad is None:
        return ""
    where = f" on {bad.resource}" if bad.resource != "*" else ""
    near = "; no statement grants this action"
    if bad.nearest:
        near = f"; nearest statement {bad.nearest.label()}: {bad.reason}"
    if "pb" in bad.blocked_by:
        near = "; the permissions boundary does not allow it" + (
            f" (nearest boundary statement #{bad.nearest.index}: {bad.reason})" if bad.nearest else ""
        )
    return f"{'explicitly denied' if bad.decision == 'ExplicitlyDenied' else 'denied'}{where}{near}"


def _incidental_reason(comp: Component, own: list[LabelledPolicy], auths: list[AuthorizationResult]) -> str:
    """Why a call the role allows still fails: only another component's policy allows it ('' otherwise)."""
    incidental = next((a for a in auths if a.scoped_decision != "Allowed"), None)
    if incidental is None:
        return ""
    via = ", ".join(sorted({s.policy for s in incidental.deciding})) or "another policy"
    return (
        f"allowed only through {via}, not through the policies meant for this component "
        f"({meant_for(comp, own)}); it breaks when the role is split or that policy changes"
    )
