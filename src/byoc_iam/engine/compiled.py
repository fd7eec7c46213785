"""Compile policies once (per distinct document, shared across policy sets); decide many requests.

Each document compiles once per policy type into a :class:`CompiledDocument` (its statements as
:class:`CStatement`: compiled Action/NotAction, Resource/NotResource patterns, principal entries, condition
clauses), cached by canonical content (:func:`compile_document`), so a batch whose cases share documents
compiles each only once. Per distinct lower-case action a document lists its matching statements (lazily,
once), and a policy set's :class:`_Plan` for the action joins them per policy type (Deny statements first)
and pre-computes a group's answer when it cannot depend on the resource or the context; sets with the same
identity, SCP/RCP, endpoint and boundary policies share their plans (:class:`_Core`), a set's session and resource
policies being looked up per request. Evaluating a
request is then: look up the plan, test the remaining statements' resources and conditions, and combine the
per-type answers in :meth:`CompiledPolicies.decide_request`, the one decision function: given a
:class:`Trace` it also records each policy type's answer, which :meth:`Decision.explain` shows.

Decision logic (AWS's documented policy evaluation logic,
https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html, with
iam-simulate's reading of it):

1. ``sts:GetCallerIdentity`` by an authenticated principal is always allowed.
2. The *core* answer comes from identity and resource policies: a service principal needs the resource
   policy; in the same account either an identity or a resource policy Allow suffices, except where the
   resource's own policy must trust the principal (:mod:`byoc_iam.engine.service_rules`); across accounts
   both must allow (the resource policy may allow the whole account). Anonymous requests need a resource
   policy allowing ``*``.
3. Guardrails then can only lower it: a session policy (not for a grant a resource policy makes to the
   session ARN itself), SCP levels (each must allow), RCP levels, a resource-policy Deny, an identity-policy
   Deny, the permissions boundary (an implicit deny of the boundary is bypassed in the same account when the
   resource policy names the user/session exactly). Explicit deny beats everything. ``blocked_by`` lists the
   policy types that lowered an allowed core answer (implicitly or explicitly) and, when nothing allowed the
   request, those that explicitly denied it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from byoc_iam.engine import principals as P
from byoc_iam.engine import service_rules
from byoc_iam.engine.conditions import normalise_context
from byoc_iam.engine.explain import Decision, Explanation, Trace, build_explanation
from byoc_iam.engine.resources import split_resource_arn
from byoc_iam.engine.results import DECISIONS, ResourceAnswer, Result
from byoc_iam.engine.statements import (
    RM_ALWAYS,
    CompiledDocument,
    CStatement,
    Prepared,
    compile_document,
)
from byoc_iam.engine.types import PolicySet, Request
from byoc_iam.model.policy import PolicyDocument

IMP, ALW, EXP = Result.IMPLICIT_DENY, Result.ALLOW, Result.EXPLICIT_DENY
R_NA, R_IMP, R_ALW, R_ALW_ACCT, R_EXP, R_DENY_ACCT = ResourceAnswer
_NAMES = (DECISIONS[1], DECISIONS[0], DECISIONS[2])  # indexed by Result
_ANONYMOUS, _SERVICE = P.ANONYMOUS, P.SERVICE  # module constants: read on every decision
_REFUSAL_SERVICES, _TRUST_SERVICES = service_rules.REFUSAL_SERVICES, service_rules.TRUST_SERVICES

_RCP_FULL_ACCESS = {
    "Version": "2012-10-17",
    "Statement": [{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
}


def _rcp_full() -> CompiledDocument:
    """AWS's ``RCPFullAWSAccess``, implicitly attached at every RCP level (compiled on first use)."""
    return compile_document(_RCP_FULL_ACCESS, "rcp")


_EMPTY: dict[str, Any] = {}
_PRINCIPALS: dict[str | None, P.RequestPrincipal] = {}  # parsed request principals (bounded)


def _group_const(stmts: tuple[CStatement, ...]) -> Result | None:
    """The answer of a group when none of its statements depends on the request (else ``None``)."""
    result = IMP
    for s in stmts:
        if not s.unconditional:
            return None
        if s.res_mode == RM_ALWAYS:
            if s.deny:
                result = EXP
            elif result is IMP:
                result = ALW
    return result


class _Group:
    """The statements of one policy type (or one SCP/RCP level) that match an action."""

    __slots__ = ("const", "stmts")

    def __init__(self, docs: tuple[CompiledDocument, ...], action: str) -> None:
        deny: list[CStatement] = []
        allow: list[CStatement] = []
        for d in docs:
            for s in d.for_action(action):
                (deny if s.deny else allow).append(s)
        self.stmts = (*deny, *allow)  # Deny statements first
        self.const = _group_const(self.stmts)

    def result(self, req: Prepared) -> Result:
        if self.const is not None:
            return self.const
        for s in self.stmts:
            if s.deny:
                if s.applies(req):
                    return EXP
            elif s.applies(req):
                return ALW
        return IMP


class _Levels:
    """SCP or RCP levels: any explicit deny denies; every level must allow."""

    __slots__ = ("groups", "variable")

    def __init__(self, levels: tuple[tuple[CompiledDocument, ...], ...], action: str) -> None:
        self.groups = tuple(group(lv, action) for lv in levels)
        self.variable = any(g.const is None for g in self.groups)  # the answer may depend on the request

    def result(self, req: Prepared) -> Result:
        result = ALW
        for g in self.groups:
            r = g.result(req)
            if r == EXP:
                return EXP
            if r == IMP:
                result = IMP
        return result


_K = TypeVar("_K")
_V = TypeVar("_V")

# Groups depend only on their documents and the action, so policy sets that share documents share them.
_GROUPS: dict[tuple[tuple[CompiledDocument, ...], str], _Group] = {}
_LEVELS: dict[tuple[tuple[tuple[CompiledDocument, ...], ...], str], _Levels] = {}


def group(docs: tuple[CompiledDocument, ...], action: str) -> _Group:
    """The (shared) group of ``docs``' statements matching ``action``."""
    return _shared(_GROUPS, 65536, _Group, docs, action)


def levels(lvls: tuple[tuple[CompiledDocument, ...], ...], action: str) -> _Levels:
    """The (shared) SCP or RCP levels for ``action``."""
    return _shared(_LEVELS, 16384, _Levels, lvls, action)


def _shared(cache: dict[tuple[_K, str], _V], limit: int, make: Callable[[_K, str], _V], key: _K, action: str) -> _V:
    """``make(key, action)``, memoised in ``cache`` (emptied once it holds ``limit`` entries)."""
    hit = cache.get((key, action))
    if hit is None:
        hit = make(key, action)
        if len(cache) >= limit:
            cache.clear()
        cache[(key, action)] = hit
    return hit


class _Plan:
    """Per action: the matching statements of a :class:`_Core`'s policy types, shared by every policy set with
    that core; ``guards`` lists the guardrail policy types present (SCP, RCP, VPC endpoint), in ``blocked_by``
    order. A set's session and resource policies are looked up per request (:meth:`CompiledPolicies._prepare`),
    so sets that differ only in them share every plan."""

    __slots__ = (
        "action",
        "caller_identity",
        "endpoint",
        "guards",
        "identity",
        "needs_context",
        "pb",
        "refusals",
        "service",
    )

    pb: _Group | None
    endpoint: _Group | None

    def __init__(self, core: _Core, action: str) -> None:
        identity = self.identity = group(core.identity, action)
        needs = identity.const is None
        guards: list[tuple[str, _Group | _Levels]] = []
        self.pb = self.endpoint = None
        for name, lvls in core.levels:
            lv = levels(lvls, action)
            needs = needs or lv.variable
            guards.append((name, lv))
        if core.endpoint is not None:
            g = self.endpoint = group(core.endpoint, action)
            needs = needs or g.const is None
            guards.append(("vpce", g))
        if core.boundary is not None:
            g = self.pb = group(core.boundary, action)
            needs = needs or g.const is None
        self.action = action
        self.service = action.partition(":")[0]
        self.caller_identity = action == "sts:getcalleridentity"
        self.refusals = self.service in _REFUSAL_SERVICES  # the service refuses some requests (service_rules)
        self.guards: tuple[tuple[str, _Group | _Levels], ...] = tuple(guards)
        self.needs_context = needs


class _Core:
    """The part of a policy set that is not the session or resource policy (identity, SCP/RCP levels, VPC
    endpoint, boundary) with its plans per action (as written and in lower case): policy sets that differ only in
    their session or resource policy share them (:func:`plan_core`)."""

    __slots__ = ("boundary", "endpoint", "identity", "levels", "plans", "rcp", "scp")

    def __init__(
        self,
        identity: tuple[CompiledDocument, ...],
        scp: tuple[tuple[CompiledDocument, ...], ...] | None,
        rcp: tuple[tuple[CompiledDocument, ...], ...] | None,
        endpoint: tuple[CompiledDocument, ...] | None,
        boundary: tuple[CompiledDocument, ...] | None,
    ) -> None:
        self.identity, self.scp, self.rcp, self.endpoint, self.boundary = identity, scp, rcp, endpoint, boundary
        self.levels = tuple((name, lv) for name, lv in (("scp", scp), ("rcp", rcp)) if lv is not None)  # guardrails
        self.plans: dict[str, _Plan] = {}

    def plan(self, action: str) -> _Plan:
        """The plan for ``action`` (kept under the action as written and in lower case, up to 8192 entries)."""
        plans = self.plans
        plan = plans.get(action)
        if plan is None:
            low = action.lower()
            plan = plans.get(low) or _Plan(self, low)
            if len(plans) < 8192:
                plans[action] = plans[low] = plan
        return plan


_CoreKey = tuple[Any, ...]
_CORES: dict[_CoreKey, _Core] = {}


def plan_core(key: _CoreKey) -> _Core:
    """The shared :class:`_Core` of ``(identity, scp, rcp, endpoint, boundary)`` (compiled documents; cached,
    emptied at 16384 entries: a policy set keeps its own)."""
    hit = _CORES.get(key)
    if hit is None:
        hit = _Core(*key)
        if len(_CORES) >= 16384:
            _CORES.clear()
        _CORES[key] = hit
    return hit


def _docs(docs: tuple[PolicyDocument, ...], policy_type: str) -> tuple[CompiledDocument, ...]:
    return tuple(compile_document(d, policy_type) for d in docs)


class CompiledPolicies:
    """A compiled policy set: call :meth:`evaluate` (or :meth:`decide`) for each request.

    Build it with :func:`compile_policies` (from a :class:`PolicySet`) or :meth:`from_documents` (documents as
    dicts, JSON text or :class:`PolicyDocument`; each distinct document is compiled once per process)."""

    def __init__(
        self,
        identity: tuple[CompiledDocument, ...] = (),
        resource: CompiledDocument | None = None,
        boundary: tuple[CompiledDocument, ...] | None = None,
        scp: tuple[tuple[CompiledDocument, ...], ...] | None = None,
        rcp: tuple[tuple[CompiledDocument, ...], ...] | None = None,
        session: CompiledDocument | None = None,
        endpoint: tuple[CompiledDocument, ...] | None = None,
    ) -> None:
        self.identity = identity
        self.resource = resource
        self.boundary = boundary or None
        self.scp = scp
        self.rcp = tuple((_rcp_full(), *lv) for lv in rcp) if rcp is not None else None
        self.session = session
        self.session_docs = (session,) if session is not None else ()  # the session group's key
        self.endpoint = endpoint or None
        self.has_boundary = bool(boundary)
        self._plan_core = plan_core((identity, self.scp, self.rcp, self.endpoint, self.boundary))
        self._plans = self._plan_core.plans  # shared by every set with this core
        self._extra = session is not None or resource is not None

    @classmethod
    def from_policy_set(cls, ps: PolicySet) -> CompiledPolicies:
        return cls(
            identity=_docs(ps.identity, "identity"),
            resource=compile_document(ps.resource, "resource") if ps.resource is not None else None,
            boundary=_docs(ps.boundary, "pb") if ps.boundary is not None else None,
            scp=tuple(_docs(lv, "scp") for lv in ps.scp) if ps.scp is not None else None,
            rcp=tuple(_docs(lv, "rcp") for lv in ps.rcp) if ps.rcp is not None else None,
            session=compile_document(ps.session, "session") if ps.session is not None else None,
            endpoint=_docs(ps.endpoint, "vpce") if ps.endpoint is not None else None,
        )

    @property
    def policies(self) -> PolicySet:
        """The policy set as documents."""

        def docs(cds: tuple[CompiledDocument, ...]) -> list[PolicyDocument]:
            return [d.document for d in cds]

        return PolicySet(
            identity=docs(self.identity),
            resource=self.resource.document if self.resource is not None else None,
            boundary=docs(self.boundary) if self.boundary is not None else None,
            scp=[docs(lv) for lv in self.scp] if self.scp is not None else None,
            rcp=[docs(lv[1:]) for lv in self.rcp] if self.rcp is not None else None,
            session=self.session.document if self.session is not None else None,
            endpoint=docs(self.endpoint) if self.endpoint is not None else None,
        )

    # -- public API ---------------------------------------------------------------------------------
    def evaluate(self, request: Request) -> Decision:
        """Decide one request; :meth:`Decision.explain` shows the same decision's trace."""
        decision, blocked = self.decide_request(self.prepare(request))
        return Decision(decision, blocked, self, request)

    def decide(self, request: Request) -> tuple[str, tuple[str, ...]]:
        """``(decision, blocked_by)`` without building a :class:`Decision`."""
        return self.decide_request(self.prepare(request))

    def decide_parts(
        self,
        principal: str | None,
        action: str,
        resource: str,
        resource_account: str | None = None,
        context: Mapping[str, Any] | None = None,
        wildcard_only: bool | None = None,
    ) -> tuple[str, tuple[str, ...]]:
        """:meth:`decide` for a request given as its parts (the batch path: no :class:`Request` built)."""
        req = self._prepare(principal, action, resource, resource_account, context or _EMPTY, wildcard_only)
        return self.decide_request(req)

    def explain(self, request: Request, *, matched_only: bool = False) -> Explanation:
        """Decide ``request`` with a trace and return the explanation of that run (``matched_only``: of the
        statements whose action matches the request's, see :meth:`Decision.explain`)."""
        req = self.prepare(request)
        trace = Trace()
        decision, blocked = self.decide_request(req, trace)
        return build_explanation(
            self.documents(), self.has_boundary, req, request, decision, blocked, trace, matched_only
        )

    def documents(self) -> list[tuple[CompiledDocument, int, int | None]]:
        """Every compiled document of the set with its index within its policy type and its level (SCP/RCP)."""
        out: list[tuple[CompiledDocument, int, int | None]] = [(d, i, None) for i, d in enumerate(self.identity)]
        if self.resource is not None:
            out.append((self.resource, 0, None))
        out += [(d, i, None) for i, d in enumerate(self.boundary or ())]
        if self.session is not None:
            out.append((self.session, 0, None))
        out += [(d, i, None) for i, d in enumerate(self.endpoint or ())]
        for lv, docs in enumerate(self.scp or ()):
            out += [(d, i, lv) for i, d in enumerate(docs)]
        for lv, docs in enumerate(self.rcp or ()):
            out += [(d, i, lv) for i, d in enumerate(docs)]
        return out

    # -- internals -----------------------------------------------------------------------------------
    def prepare(self, request: Request) -> Prepared:
        """Parse the parts of a request the plan for its action needs (the context only if read)."""
        return self._prepare(
            request.principal,
            request.action,
            request.resource,
            request.resource_account,
            request.context,
            request.wildcard_only,
        )

    def _prepare(
        self,
        raw: str | None,
        action: str,
        resource: str,
        account: str | None,
        context: Mapping[str, Any],
        wo: bool | None,
        normalised: bool = False,
    ) -> Prepared:
        """The request prepared for :meth:`decide_request` (``normalised``: ``context`` already has lower-case
        keys and string or tuple values, see :func:`normalise_context`)."""
        principal = _PRINCIPALS.get(raw)
        if principal is None:
            principal = P.parse_principal(raw)
            if len(_PRINCIPALS) >= 16384:
                _PRINCIPALS.clear()
            _PRINCIPALS[raw] = principal
        plan = self._plans.get(action)
        if plan is None:
            plan = self._plan_core.plan(action)
        req = Prepared()
        req.plan = plan
        low = req.action = plan.action
        req.service = plan.service
        req.resource = resource
        req.principal = principal
        needs = plan.needs_context
        req.session_group = req.resource_stmts = None
        if self._extra:  # the set's own session and resource policies for the action
            if self.session is not None:
                key = (self.session_docs, low)
                g = req.session_group = _GROUPS.get(key) or group(*key)  # (the shared cache read inline: per request)
                needs = needs or g.const is None
            if self.resource is not None:
                stmts = req.resource_stmts = self.resource.for_action(low)
                needs = needs or bool(stmts)
        req.context = (context if normalised else normalise_context(context)) if needs else _EMPTY
        wild = req.wild = "*" in resource
        if account is None:
            arn = split_resource_arn(resource)
            account = arn[3] if arn is not None and arn[3] else principal.account
        req.resource_account = account
        acct = principal.account
        req.same_account = acct is not None and acct == account
        if wo is None:
            if wild and resource == "*":
                from byoc_iam.engine._catalog import is_wildcard_only

                wo = is_wildcard_only(action)
            else:
                wo = False
        req.wildcard_only = wo
        return req

    def resource_result(self, stmts: tuple[CStatement, ...] | None, req: Prepared) -> tuple[ResourceAnswer, bool]:
        """The resource policy's answer and whether an Allow trusted the principal's account."""
        if stmts is None:
            return R_NA, False
        deny_acct = allow_full = allow_acct = False
        p = req.principal
        hb = self.has_boundary
        for s in stmts:
            lv = s.principal_level(p, hb)
            if lv == P.NONE:
                continue
            if not s.applies(req):
                continue
            if s.deny:
                if lv >= P.SESSION_ROLE:
                    return R_EXP, allow_acct
                deny_acct = True
            elif lv >= P.SESSION_ROLE:
                allow_full = True
            else:
                allow_acct = True
        if deny_acct:
            return R_DENY_ACCT, allow_acct
        if allow_full:
            return R_ALW, allow_acct
        if allow_acct:
            return R_ALW_ACCT, True
        return R_IMP, False

    def names_session(self, req: Prepared) -> bool:
        """Whether an applying resource-policy Allow names the request's session ARN itself."""
        stmts = req.resource_stmts
        if stmts is None:
            return False
        p = req.principal
        return any(not s.deny and P.names_exactly(s.principal, p) and s.applies(req) for s in stmts)

    def boundary_bypassed(self, stmts: tuple[CStatement, ...] | None, req: Prepared) -> bool:
        """Same account, boundary implicitly denies: does the resource policy name the principal exactly?"""
        if stmts is None:
            return False
        p = req.principal
        user_or_session = P.is_user_or_session(p)
        if not (user_or_session or P.is_role(p)):
            return False
        for s in stmts:
            if s.deny or s.principal_level(p, self.has_boundary) != P.MATCH or not s.applies(req):
                continue
            if user_or_session:
                return True
            if s.principal is not None and any(e.kind == P.W_ANY for e in s.principal):
                return True
        return False

    def decide_request(self, req: Prepared, trace: Trace | None = None) -> tuple[str, tuple[str, ...]]:
        """The decision function: ``(decision, blocked_by)``; with ``trace``, also each policy type's answer."""
        p = req.principal
        plan = req.plan
        if req.resource_stmts is None:
            resource, acct_allow = R_NA, False
        else:
            resource, acct_allow = self.resource_result(req.resource_stmts, req)
        g = plan.identity
        identity = g.const if g.const is not None else g.result(req)
        if trace is not None:
            if p.kind != _ANONYMOUS:  # an anonymous caller has no identity policies: none apply
                trace.results["identity"] = identity.label
            if req.resource_stmts is not None:
                trace.results["resource"] = resource.label
        if p.kind == _ANONYMOUS:
            return self._anonymous(plan, req, resource, trace)
        if plan.caller_identity:  # sts:GetCallerIdentity: always allowed to a signed-in caller
            return _NAMES[ALW], ()
        core = self._core(req, identity, resource, acct_allow)
        # Guardrails can only lower the core answer (explicit deny wins); record those that did.
        result = core
        blocked: list[str] = []
        guards = plan.guards if req.session_group is None else (("session", req.session_group), *plan.guards)
        for name, guard in guards:
            r = guard.result(req)
            if r == IMP and name == "session" and self._session_bypassed(req, resource):
                r = ALW
            if trace is not None:
                trace.results[name] = r.label
            if r != ALW:
                if core == ALW or r == EXP:
                    blocked.append(name)
                if result != EXP:
                    result = r
        if resource in (R_EXP, R_DENY_ACCT):
            blocked.append("resource")
            result = EXP
        if identity == EXP:
            blocked.append("identity")
            result = EXP
        if plan.pb is not None:
            result = self._boundary(plan.pb, req, core, result, blocked, trace)
        if result != EXP and plan.refusals:
            refusal = service_rules.refused(req.service, req.action, split_resource_arn(req.resource))
            if refusal is not None:
                result = IMP
                if trace is not None:
                    trace.refusal = refusal.why
        return _NAMES[result], (tuple(blocked) if blocked else ())

    def _core(self, req: Prepared, identity: Result, resource: ResourceAnswer, acct_allow: bool) -> Result:
        """The answer of identity and resource policies alone."""
        if req.principal.kind == _SERVICE:
            return ALW if resource == R_ALW else IMP
        if req.same_account:
            if resource == R_ALW:
                return ALW
            if identity != ALW:
                return IMP
            if req.service in _TRUST_SERVICES and not acct_allow:
                arn = split_resource_arn(req.resource)
                if service_rules.must_trust(req.service, req.resource, arn, resource != R_NA):
                    return IMP
            return ALW
        return ALW if (identity == ALW and resource in (R_ALW, R_ALW_ACCT)) else IMP

    def _session_bypassed(self, req: Prepared, resource: ResourceAnswer) -> bool:
        """A resource-policy grant that names the session ARN itself is not limited by the session policy
        ("Resource-based policies that specify the ARN of the session ... are not limited by the session
        policy", AWS IAM User Guide, https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html
        #policies_session)."""
        p = req.principal
        session = p.role_key is not None or p.user_arn is not None
        return session and resource == R_ALW and self.names_session(req)

    def _boundary(
        self, pb: _Group, req: Prepared, core: Result, result: Result, blocked: list[str], trace: Trace | None
    ) -> Result:
        r = pb.const if pb.const is not None else pb.result(req)
        if trace is not None:
            trace.results["pb"] = r.label
        if r == IMP and req.same_account and self.boundary_bypassed(req.resource_stmts, req):
            r = ALW
        if r != ALW:
            if core == ALW or r == EXP:
                blocked.append("pb")
            if result != EXP:
                return r
        return result

    def _anonymous(
        self, plan: _Plan, req: Prepared, resource: ResourceAnswer, trace: Trace | None
    ) -> tuple[str, tuple[str, ...]]:
        """Anonymous requests: only a resource policy allowing ``*`` grants; SCPs and session policies do not
        apply."""
        core = ALW if resource == R_ALW else (EXP if resource in (R_EXP, R_DENY_ACCT) else IMP)
        result = core
        blocked: list[str] = []
        for name, guard in plan.guards:  # no session guard: the set's is read per request
            if name == "scp":
                continue
            r = guard.result(req)
            if trace is not None:
                trace.results[name] = r.label
            if r != ALW:
                if core == ALW:
                    blocked.append(name)
                if result != EXP:
                    result = r
        return _NAMES[result], tuple(blocked)


def compile_policies(policies: PolicySet) -> CompiledPolicies:
    """Compile a policy set once; evaluate requests with :meth:`CompiledPolicies.evaluate`.

    Documents already compiled in this process (same content, same policy type) are reused. IAM-refused
    documents are evaluated fail-closed; :func:`byoc_iam.engine.checked.compile_checked` refuses them."""
    return CompiledPolicies.from_policy_set(policies)
