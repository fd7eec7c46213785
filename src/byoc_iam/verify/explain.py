"""Turn the engine's decisions and explanations into the report's statement references."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from byoc_iam.engine import Decision, Explanation, StatementExplanation
from byoc_iam.verify.policies import LabelledPolicy
from byoc_iam.verify.report import DecisionName, StatementRef

RefKind = Literal["aws-managed", "inline", "customer-managed", "trust", "boundary", "resource"]
_DECISIONS: tuple[DecisionName, ...] = ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")


def decision_of(decision: Decision) -> DecisionName:
    """The engine's decision as the report names it (ValueError on a value the report does not know)."""
    raw = decision.decision
    name = str(getattr(raw, "value", raw))
    for known in _DECISIONS:
        if name == known:
            return known
    raise ValueError(f"unknown engine decision {name!r}")


def _ref(s: StatementExplanation, policies: Sequence[LabelledPolicy]) -> StatementRef:
    kind: RefKind
    if s.policy_type == "pb":
        policy, kind = "permissions boundary", "boundary"
    elif s.policy_type == "resource" and not (policies and policies[0].kind == "trust"):
        policy, kind = "resource policy", "resource"
    elif s.policy_type == "resource":
        policy, kind = "trust policy", "trust"
    else:
        p = policies[s.policy_index]
        policy, kind = p.label, p.kind
    return StatementRef(
        policy=policy,
        policy_kind=kind,
        index=s.statement_index,
        sid=s.sid,
        effect="Deny" if s.effect == "Deny" else "Allow",
    )


def deciding(
    exp: Explanation, policies: Sequence[LabelledPolicy], types: tuple[str, ...] = ("identity", "resource")
) -> list[StatementRef]:
    """The statements of ``types`` that decided the request (allowing ones when allowed, denying ones when
    denied)."""
    return [_ref(s, policies) for s in exp.deciding if s.policy_type in types]


def nearest(
    exp: Explanation,
    policies: Sequence[LabelledPolicy],
    preferred: Sequence[LabelledPolicy],
    types: tuple[str, ...] = ("identity", "resource"),
) -> tuple[StatementRef | None, str]:
    """The Allow statement that came closest to granting the request, and why it did not apply.

    Closeness: action matched, then principal, then resource, then conditions; ties go to the policies meant
    for the component (``preferred``), then to the first statement."""
    want = {p.label for p in preferred}
    best: tuple[tuple[int, ...], StatementExplanation] | None = None
    for s in exp.statements:
        if s.policy_type not in types or s.effect != "Allow" or not s.action_matched:
            continue
        if s.policy_type == "identity" and policies[0].kind == "trust":
            continue
        own = 1
        if s.policy_type == "identity" and s.policy_index < len(policies):
            own = 1 if policies[s.policy_index].label in want else 0
        principal_ok = s.principal_match not in (None, "no match") or s.policy_type != "resource"
        score = (int(principal_ok), int(s.resource_matched), int(s.conditions_matched), own)
        if best is None or score > best[0]:
            best = (score, s)
    if best is None:
        return None, "no Allow statement matches the action"
    return _ref(best[1], policies), best[1].reason
