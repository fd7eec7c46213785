"""Compare two sides: does NEW allow a request OLD does not (and the other way round)? With a witness.

Each direction is one z3 query, ``allowed(NEW) ∧ ¬allowed(OLD)`` over the symbolic request of
:mod:`byoc_iam.compare.encode`. ``unsat`` is a proof (unless the encoding had to approximate, which the
answer says); ``sat`` gives a model, turned into a concrete request and re-checked with the evaluation
engine (``byoc_iam.engine``) before it is reported: allowed by one side, not by the other. A disagreement is
a bug and raises :class:`WitnessMismatch`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import z3

from byoc_iam.compare.encode import IDENTITY_PRINCIPAL, TRUST_RESOURCE, Encoding, Side
from byoc_iam.compare.solve import Unknown, solve
from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.model.policy import PolicyDocument

POLICY_TYPES = ("identity", "resource", "trust")
TIMEOUT_MS = 30_000


class WitnessMismatch(RuntimeError):
    """The solver's counterexample is not confirmed by the engine: a bug in the encoding."""


class Undecided(RuntimeError):
    """z3 answered ``unknown`` (timeout or an undecidable string constraint)."""


@dataclass(frozen=True)
class Comparison:
    """The answer: ``relation`` (equivalent, narrower, wider, incomparable), ``new_access``, the request NEW
    allows and OLD does not (``counterexample``, simulate's request shape) with NEW's statement that allows it,
    the same for the other direction (``lost``), ``approximate`` (why the answer is not a full proof, or
    ``None``) and ``time_ms`` (wall time, milliseconds)."""

    relation: str
    new_access: bool
    counterexample: dict[str, Any] | None
    statement: dict[str, Any] | None
    lost: dict[str, Any] | None
    approximate: str | None
    time_ms: float

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (``approximate`` only when set)."""
        out: dict[str, Any] = {
            "relation": self.relation,
            "new_access": self.new_access,
            "counterexample": self.counterexample,
            "statement": self.statement,
            "time_ms": round(self.time_ms, 3),
        }
        if self.approximate:
            out["approximate"] = self.approximate
        return out


def compare_sides(old: Side, new: Side, policy_type: str = "identity") -> Comparison:
    """Compare two sides (see :class:`Comparison`). Raises ``ValueError`` for an unknown policy type,
    :class:`Undecided` when z3 cannot decide within 30 s, :class:`WitnessMismatch` on an encoding bug."""
    if policy_type not in POLICY_TYPES:
        raise ValueError(f"policy type {policy_type!r} is not one of {', '.join(POLICY_TYPES)}")
    start = time.perf_counter()
    enc = Encoding(policy_type, (old, new))
    deadline = start + TIMEOUT_MS / 1000
    gained = _search(enc, new, old, deadline)
    lost = _search(enc, old, new, deadline)
    relation = {(False, False): "equivalent", (False, True): "narrower", (True, False): "wider"}.get(
        (gained is not None, lost is not None), "incomparable"
    )
    approx = "; ".join(enc.approximate) or None
    return Comparison(
        relation,
        gained is not None,
        gained[0] if gained else None,
        gained[1] if gained else None,
        lost[0] if lost else None,
        approx,
        (time.perf_counter() - start) * 1000,
    )


def compare_policies(
    old: list[PolicyDocument] | PolicyDocument,
    new: list[PolicyDocument] | PolicyDocument,
    policy_type: str = "identity",
) -> Comparison:
    """Compare two policies (or two lists of policies, taken together) of one type."""
    olds = [old] if isinstance(old, PolicyDocument) else list(old)
    news = [new] if isinstance(new, PolicyDocument) else list(new)
    return compare_sides(Side(tuple(olds)), Side(tuple(news)), policy_type)


def trust_admits_more(old: PolicyDocument, new: PolicyDocument) -> dict[str, Any] | None:
    """Whether trust policy NEW admits a principal/action/context OLD does not: the request (simulate's shape,
    confirmed by the engine) or ``None`` when it admits nothing new. ``None`` is a proof only when
    ``compare_policies(old, new, "trust").approximate`` is ``None``."""
    return compare_policies(old, new, "trust").counterexample


def new_access_by_action(
    old: Side, new: Side, policy_type: str = "identity"
) -> list[tuple[tuple[str, ...], dict[str, Any]]]:
    """Every action NEW newly allows: per class of actions the policies treat alike, its actions (as the
    catalog spells them) and one engine-checked request. Empty when NEW grants nothing new (a proof unless
    the encoding approximates: see :attr:`Comparison.approximate`)."""
    enc = Encoding(policy_type, (old, new))
    deadline = time.perf_counter() + TIMEOUT_MS / 1000
    out: list[tuple[tuple[str, ...], dict[str, Any]]] = []
    for c in range(len(enc.classes)):
        found = _search(enc, new, old, deadline, (c,))
        if found is not None:
            out.append((enc.classes[c].members or (enc.classes[c].action,), found[0]))
    return out


def _search(
    enc: Encoding, yes: Side, no: Side, deadline: float, classes: tuple[int, ...] | None = None
) -> tuple[dict[str, Any], dict[str, Any] | None] | None:
    """A request ``yes`` allows and ``no`` does not, confirmed by the engine; ``None`` when there is none.

    One query per action class (the action is then a constant and z3 sees only the statements that match
    it); classes whose formula simplifies to false need no solver call."""
    for c in classes if classes is not None else range(len(enc.classes)):
        formula = z3.And(enc.allowed(yes, c), z3.Not(enc.allowed(no, c)))
        if z3.is_false(z3.simplify(formula)):
            continue
        try:
            model = solve([*enc.constraints(c), *enc.key_constraints(c), formula], deadline)
        except Unknown as exc:
            raise Undecided(f"z3 could not decide the comparison ({exc})") from None
        if model is None:
            continue
        request = witness(enc, model, c)
        _recheck(enc, request, yes, no)
        return request.to_dict(), _allowing_statement(enc, request, yes)
    return None


def witness(enc: Encoding, model: z3.ModelRef, index: int) -> Request:
    """The concrete request of a model for action class ``index``."""
    cls = enc.classes[index]
    if enc.policy_type == "trust":
        resource = TRUST_RESOURCE.format(account=enc.account)
    elif cls.wildcard_only:
        resource = "*"
    else:
        resource = model.eval(enc.resource, model_completion=True).as_string()
    if enc.policy_type == "identity":
        principal = IDENTITY_PRINCIPAL.format(account=enc.account)
    else:
        principal = model.eval(enc.principal, model_completion=True).as_string()
    context: dict[str, Any] = {}
    for key in enc.keys.values():
        value = key.render(model)
        if value is not None:
            context[key.use.name] = value
    return Request(principal, cls.action, resource, enc.account, context)


def policy_set(enc: Encoding, side: Side, only: PolicyDocument | None = None) -> PolicySet:
    """The engine's policy set that decides a request for one side (see :mod:`byoc_iam.compare.encode`)."""
    docs = (only,) if only is not None else side.policies
    if enc.policy_type == "identity":
        trust_account = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:aws:iam::{enc.account}:root"},
                    "Action": "*",
                    "Resource": "*",
                }
            ],
        }
        return PolicySet(identity=docs, resource=trust_account, boundary=side.boundary if only is None else None)
    allow_all = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    merged = {"Version": "2012-10-17", "Statement": [s.to_dict() for d in docs for s in d.statements]}
    return PolicySet(identity=[allow_all], resource=merged)


def _allowed(enc: Encoding, side: Side, request: Request) -> bool:
    return compile_policies(policy_set(enc, side)).evaluate(request).decision == "Allowed"


def _recheck(enc: Encoding, request: Request, yes: Side, no: Side) -> None:
    if _allowed(enc, yes, request) and not _allowed(enc, no, request):
        return
    raise WitnessMismatch(
        f"the engine does not confirm the counterexample {request.to_dict()} "
        f"(allowed by the wider side: {_allowed(enc, yes, request)}, by the other: {_allowed(enc, no, request)})"
    )


def _allowing_statement(enc: Encoding, request: Request, side: Side) -> dict[str, Any] | None:
    """The first Allow statement of ``side`` that alone allows the request (as written)."""
    for doc in side.policies:
        for st in doc.statements:
            if st.effect != "Allow":
                continue
            single = PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": [st.to_dict()]})
            if compile_policies(policy_set(enc, side, single)).evaluate(request).decision == "Allowed":
                return dict(st.raw) if st.raw else dict(st.to_dict())
    return None
