"""Compile a :class:`PolicySet` once; evaluate many requests.

Compilation turns every statement into a :class:`CStatement` (compiled Action/NotAction, Resource/
NotResource patterns, principal entries, condition clauses). Per distinct lower-case action, a
:class:`_Plan` lists the statements of each policy type whose Action element matches (Deny statements
first), and pre-computes a group's answer when it cannot depend on the resource or the context.
Evaluating a request is then: look up the plan, test the remaining statements' resources and
conditions, combine the per-type answers with AWS's decision logic (:meth:`CompiledPolicies._decide`).

Decision logic (AWS's documented policy evaluation logic, with iam-simulate's reading of it):

1. ``sts:GetCallerIdentity`` by an authenticated principal is always allowed.
2. The *core* answer comes from identity and resource policies: a service principal needs the resource
   policy; in the same account either an identity or a resource policy Allow suffices, except for a role
   (``sts`` actions on a role ARN: its trust policy) and a KMS key, whose resource policy must allow the
   principal, or trust the account and let identity policies decide (no trust policy given: nobody is
   trusted); across accounts both must allow (the resource policy may allow the whole account).
   Anonymous requests need a resource policy allowing ``*``.
3. Guardrails then can only lower it: a session policy, SCP levels (each must allow), RCP levels, a
   resource-policy Deny, an identity-policy Deny, the permissions boundary (an implicit deny of the
   boundary is bypassed in the same account when the resource policy names the user/session exactly).
   Explicit deny beats everything. ``blocked_by`` lists the policy types that lowered an allowed core
   answer (implicitly or explicitly) and, when nothing allowed the request, those that explicitly denied it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from byoc_iam.engine import principals as P
from byoc_iam.engine.actions import ActionMatcher
from byoc_iam.engine.conditions import Clause, make_clause, normalise_context
from byoc_iam.engine.resources import MATCH, NO_MATCH, ResourcePattern, split_resource_arn, wildcard_request_test
from byoc_iam.engine.types import PolicySet, Request
from byoc_iam.model.policy import PolicyDocument, Statement

ALLOWED, IMPLICIT, EXPLICIT = "Allowed", "ImplicitlyDenied", "ExplicitlyDenied"
IMP, ALW, EXP = 0, 1, 2
RESULT_NAMES = {IMP: IMPLICIT, ALW: ALLOWED, EXP: EXPLICIT}
_NAMES = (IMPLICIT, ALLOWED, EXPLICIT)
_TRUST_SERVICES = frozenset({"sts", "kms"})
# resource-policy answers
R_NA, R_IMP, R_ALW, R_ALW_ACCT, R_EXP, R_DENY_ACCT = 0, 1, 2, 3, 4, 5
RESOURCE_NAMES = {
    R_NA: "NotApplicable",
    R_IMP: IMPLICIT,
    R_ALW: ALLOWED,
    R_ALW_ACCT: "AllowedForAccount",
    R_EXP: EXPLICIT,
    R_DENY_ACCT: "DeniedForAccount",
}
# resource element modes
RM_ALWAYS, RM_LIST, RM_NOT_LIST, RM_NEVER = 0, 1, 2, 3

_RCP_FULL_ACCESS = PolicyDocument.from_dict(
    {
        "Version": "2012-10-17",
        "Statement": [{"Sid": "RCPFullAWSAccess", "Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}],
    }
)
_KMS_ALIAS_ACTIONS = frozenset({"kms:createalias", "kms:deletealias", "kms:updatealias"})
_IAM_MANAGED_POLICY_ACTIONS = frozenset(
    {
        "iam:createpolicy",
        "iam:createpolicyversion",
        "iam:deletepolicy",
        "iam:deletepolicyversion",
        "iam:setdefaultpolicyversion",
        "iam:tagpolicy",
        "iam:untagpolicy",
    }
)
_IAM_RESERVED_ROLE_ACTIONS = frozenset(
    {
        "iam:attachrolepolicy",
        "iam:createrole",
        "iam:createservicelinkedrole",
        "iam:deleterole",
        "iam:deleterolepermissionsboundary",
        "iam:deleterolepolicy",
        "iam:deleteservicelinkedrole",
        "iam:detachrolepolicy",
        "iam:passrole",
        "iam:putrolepermissionsboundary",
        "iam:putrolepolicy",
        "iam:tagrole",
        "iam:untagrole",
        "iam:updateassumerolepolicy",
        "iam:updaterole",
        "iam:updateroledescription",
    }
)


class CStatement:
    """One compiled statement and where it came from."""

    __slots__ = (
        "action",
        "clauses",
        "deny",
        "doc_index",
        "index",
        "level",
        "not_action",
        "not_principal",
        "patterns",
        "policy_type",
        "principal",
        "res_mode",
        "statement",
        "unconditional",
    )

    def __init__(self, st: Statement, policy_type: str, doc_index: int, index: int, level: int | None) -> None:
        self.statement = st
        self.policy_type = policy_type
        self.doc_index = doc_index
        self.index = index
        self.level = level
        self.deny = st.effect == "Deny"
        self.action = ActionMatcher(st.action) if st.action is not None else None
        self.not_action = ActionMatcher(st.not_action) if st.not_action is not None else None
        ptype = policy_type
        if st.resource is not None:
            self.patterns: tuple[ResourcePattern, ...] = tuple(ResourcePattern(v, ptype) for v in st.resource)
            self.res_mode = RM_ALWAYS if "*" in st.resource else RM_LIST
        elif st.not_resource is not None:
            self.patterns = tuple(ResourcePattern(v, ptype) for v in st.not_resource)
            self.res_mode = RM_NEVER if "*" in st.not_resource else RM_NOT_LIST
        else:
            self.patterns = ()
            self.res_mode = RM_ALWAYS
        self.principal = P.compile_principal(st.principal) if st.principal is not None else None
        self.not_principal = P.compile_principal(st.not_principal) if st.not_principal is not None else None
        self.clauses: tuple[Clause, ...] = tuple(
            make_clause(op, key, values) for op, keys in st.condition.items() for key, values in keys.items()
        )
        self.unconditional = not self.clauses and self.res_mode in (RM_ALWAYS, RM_NEVER)

    def action_matches(self, action_lower: str) -> bool:
        if self.action is not None:
            return self.action.matches(action_lower)
        if self.not_action is not None:
            return not self.not_action.matches(action_lower)
        return False

    def resource_matches(self, req: _Req) -> bool:
        mode = self.res_mode
        if mode == RM_ALWAYS:
            return True
        if mode == RM_NEVER:
            return False
        resource = req.resource
        ctx = req.context
        if req.wild:
            allow = not self.deny
            nr = mode == RM_NOT_LIST
            results = [
                wildcard_request_test(p, resource, ctx, allow=allow, not_resource=nr, wildcard_only=req.wildcard_only)
                for p in self.patterns
            ]
            if nr:
                return all(r == NO_MATCH for r in results)
            return MATCH in results
        if mode == RM_LIST:
            for p in self.patterns:  # noqa: SIM110 (hot path: a loop beats a generator)
                if p.test(resource, ctx) == MATCH:
                    return True
            return False
        for p in self.patterns:  # noqa: SIM110
            if p.test(resource, ctx) != NO_MATCH:
                return False
        return True

    def conditions_match(self, ctx: Mapping[str, Any]) -> bool:
        for c in self.clauses:  # noqa: SIM110
            if not c.test(ctx):
                return False
        return True

    def applies(self, req: _Req) -> bool:
        """Resource and conditions (the action has already matched)."""
        if self.unconditional:
            return self.res_mode == RM_ALWAYS
        return self.resource_matches(req) and self.conditions_match(req.context)

    def principal_level(self, p: P.RequestPrincipal, has_boundary: bool) -> int:
        if self.principal is not None:
            return P.principal_level(self.principal, p)
        if self.not_principal is not None:
            if self.deny and has_boundary:
                return P.MATCH
            return P.not_principal_level(self.not_principal, p)
        return P.NONE


class _Req:
    """A request prepared for evaluation (see :meth:`CompiledPolicies.prepare`)."""

    __slots__ = (
        "action",
        "context",
        "plan",
        "principal",
        "request",
        "resource",
        "resource_account",
        "same_account",
        "service",
        "wild",
        "wildcard_only",
    )

    action: str
    context: Mapping[str, Any]
    plan: _Plan
    principal: P.RequestPrincipal
    request: Request
    resource: str
    resource_account: str | None
    same_account: bool
    service: str
    wild: bool
    wildcard_only: bool


_EMPTY: dict[str, Any] = {}


def _group_const(stmts: tuple[CStatement, ...]) -> int | None:
    """The answer of a group when none of its statements depends on the request (else ``None``)."""
    if not all(s.unconditional for s in stmts):
        return None
    if any(s.deny and s.res_mode == RM_ALWAYS for s in stmts):
        return EXP
    if any(not s.deny and s.res_mode == RM_ALWAYS for s in stmts):
        return ALW
    return IMP


class _Group:
    """The statements of one policy (or one SCP/RCP level) that match an action."""

    __slots__ = ("const", "stmts")

    def __init__(self, stmts: list[CStatement]) -> None:
        stmts.sort(key=lambda s: not s.deny)
        self.stmts = tuple(stmts)
        self.const = _group_const(self.stmts)

    def result(self, req: _Req) -> int:
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

    __slots__ = ("groups",)

    def __init__(self, groups: tuple[_Group, ...]) -> None:
        self.groups = groups

    def result(self, req: _Req) -> int:
        result = ALW
        for g in self.groups:
            r = g.result(req)
            if r == EXP:
                return EXP
            if r == IMP:
                result = IMP
        return result


class _Plan:
    """Per action: the matching statements of every policy type; ``guards`` lists the guardrail policy types
    present (session, SCP, RCP, VPC endpoint), in ``blocked_by`` order."""

    __slots__ = (
        "action",
        "endpoint",
        "guards",
        "identity",
        "memo",
        "needs_context",
        "pb",
        "rcp",
        "resource",
        "scp",
        "service",
        "session",
    )

    def __init__(self, cp: CompiledPolicies, action: str) -> None:
        def pick(stmts: tuple[CStatement, ...]) -> list[CStatement]:
            return [s for s in stmts if s.action_matches(action)]

        self.identity = _Group(pick(cp.identity))
        self.session = _Group(pick(cp.session)) if cp.session is not None else None
        self.pb = _Group(pick(cp.boundary)) if cp.boundary is not None else None
        self.scp = _Levels(tuple(_Group(pick(lv)) for lv in cp.scp)) if cp.scp is not None else None
        self.rcp = _Levels(tuple(_Group(pick(lv)) for lv in cp.rcp)) if cp.rcp is not None else None
        self.resource = tuple(pick(cp.resource)) if cp.resource is not None else None
        self.endpoint = _Group(pick(cp.endpoint)) if cp.endpoint is not None else None
        self.action = action
        self.service = action.partition(":")[0]
        guards = (("session", self.session), ("scp", self.scp), ("rcp", self.rcp), ("vpce", self.endpoint))
        self.guards: tuple[tuple[str, _Group | _Levels], ...] = tuple((n, g) for n, g in guards if g is not None)
        groups = [self.identity, self.pb, self.endpoint, self.session]
        groups += [*(self.scp.groups if self.scp else ()), *(self.rcp.groups if self.rcp else ())]
        self.needs_context = bool(self.resource) or any(g is not None and g.const is None for g in groups)
        # When nothing depends on the resource or the context, the decision depends only on who asks and
        # whether it is the same account: memoise it per (principal, same account). (kms, iam and sts
        # decisions also depend on the kind of resource.)
        static = not self.needs_context and self.service not in ("kms", "iam", "sts") and cp.resource is None
        self.memo: dict[tuple[str | None, bool], tuple[str, tuple[str, ...]]] | None = {} if static else None


def _compile_docs(
    docs: tuple[PolicyDocument, ...], policy_type: str, level: int | None = None
) -> tuple[CStatement, ...]:
    out: list[CStatement] = []
    for di, doc in enumerate(docs):
        for si, st in enumerate(doc.statements):
            out.append(CStatement(st, policy_type, di, si, level))
    return tuple(out)


class CompiledPolicies:
    """A compiled :class:`PolicySet`: call :meth:`evaluate` for each request."""

    def __init__(self, policies: PolicySet) -> None:
        self.policies = policies
        self.identity = _compile_docs(policies.identity, "identity")
        self.resource = _compile_docs((policies.resource,), "resource") if policies.resource is not None else None
        self.boundary = _compile_docs(policies.boundary, "pb") if policies.boundary is not None else None
        self.session = _compile_docs((policies.session,), "session") if policies.session is not None else None
        self.scp = (
            tuple(_compile_docs(lv, "scp", i) for i, lv in enumerate(policies.scp))
            if policies.scp is not None
            else None
        )
        self.rcp = (
            tuple(_compile_docs((_RCP_FULL_ACCESS, *lv), "rcp", i) for i, lv in enumerate(policies.rcp))
            if policies.rcp is not None
            else None
        )
        self.endpoint = _compile_docs(policies.endpoint, "vpce") if policies.endpoint is not None else None
        self.has_boundary = bool(policies.boundary)
        self._plans: dict[str, _Plan] = {}
        self._principals: dict[str | None, P.RequestPrincipal] = {}

    # -- public API ---------------------------------------------------------------------------------
    def evaluate(self, request: Request) -> Decision:
        """Decide one request (fast path; :meth:`Decision.explain` re-evaluates in explain mode)."""
        plan = self._plans.get(request.action)
        if plan is not None and plan.memo is not None and request.resource != "*":
            memo = plan.memo
            principal = self._principals.get(request.principal)
            account = request.resource_account
            if principal is not None and account is not None:
                key = (request.principal, principal.account == account)
                hit = memo.get(key)
                if hit is None:
                    hit = self._decide(self.prepare(request))
                    if len(memo) < 1024:
                        memo[key] = hit
                return Decision(hit[0], hit[1], self, request)
        decision, blocked = self._decide(self.prepare(request))
        return Decision(decision, blocked, self, request)

    def decide(self, request: Request) -> tuple[str, tuple[str, ...]]:
        """``(decision, blocked_by)`` without building a :class:`Decision`."""
        d = self.evaluate(request)
        return d.decision, d.blocked_by

    # -- internals -----------------------------------------------------------------------------------
    def prepare(self, request: Request) -> _Req:
        """Parse the parts of a request the plan for its action needs (the context only if read)."""
        raw = request.principal
        principal = self._principals.get(raw)
        if principal is None:
            principal = P.parse_principal(raw)
            if len(self._principals) < 10000:
                self._principals[raw] = principal
        plan = self._plans.get(request.action)
        if plan is None:
            plan = self.plan(request.action)
        req = _Req()
        req.request = request
        req.plan = plan
        req.action = plan.action
        req.service = plan.service
        resource = req.resource = request.resource
        req.principal = principal
        req.context = normalise_context(request.context) if plan.needs_context else _EMPTY
        wild = req.wild = "*" in resource
        account = request.resource_account
        if account is None:
            arn = split_resource_arn(resource)
            account = arn[3] if arn is not None and arn[3] else principal.account
        req.resource_account = account
        req.same_account = principal.account is not None and principal.account == account
        wo = request.wildcard_only
        if wo is None:
            if wild and resource == "*":
                from byoc_iam.engine._catalog import is_wildcard_only

                wo = is_wildcard_only(request.action)
            else:
                wo = False
        req.wildcard_only = wo
        return req

    def plan(self, action: str) -> _Plan:
        """The plan for an action (cached under the action as written and in lower case)."""
        plan = self._plans.get(action)
        if plan is None:
            low = action.lower()
            plan = self._plans.get(low)
            if plan is None:
                plan = _Plan(self, low)
            if len(self._plans) < 50000:
                self._plans[action] = plan
                self._plans[low] = plan
        return plan

    def resource_result(self, stmts: tuple[CStatement, ...] | None, req: _Req) -> tuple[int, bool]:
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

    def boundary_bypassed(self, stmts: tuple[CStatement, ...] | None, req: _Req) -> bool:
        """Same account, boundary implicitly denies: does the resource policy name the principal exactly?"""
        if stmts is None:
            return False
        p = req.principal
        user_or_session = P.is_user_or_session(p)
        role = P.is_role(p)
        if not (user_or_session or role):
            return False
        for s in stmts:
            if s.deny or s.principal_level(p, self.has_boundary) != P.MATCH or not s.applies(req):
                continue
            if user_or_session:
                return True
            if s.principal is not None and any(e.kind == P.W_ANY for e in s.principal):
                return True
        return False

    @staticmethod
    def _identity_untrusted(req: _Req, resource: int, acct_allow: bool) -> bool:
        """Same account, ``sts``/``kms``: whether an identity-policy Allow does not count. A role's trust
        policy and a KMS key policy must allow the principal, or allow its account (then identity policies
        decide); a role without a trust policy (none given) trusts no one."""
        if acct_allow:
            return False
        res = req.resource
        arn = split_resource_arn(res)
        if req.service == "sts":
            return resource != R_NA or (arn is not None and arn[1] == "iam" and arn[4].startswith("role/"))
        return res != "*" and arn is not None and arn[4].lower().startswith("key/")

    def _decide(self, req: _Req) -> tuple[str, tuple[str, ...]]:
        p = req.principal
        pkind = p.kind
        action = req.action
        if pkind != P.ANONYMOUS and action == "sts:getcalleridentity":
            return ALLOWED, ()
        plan = req.plan
        if plan.resource is None:
            resource, acct_allow = R_NA, False
        else:
            resource, acct_allow = self.resource_result(plan.resource, req)
        if pkind == P.ANONYMOUS:
            return self._anonymous(plan, req, resource)

        g = plan.identity
        identity = g.const if g.const is not None else g.result(req)
        if pkind == P.SERVICE:
            core = ALW if resource == R_ALW else IMP
        elif req.same_account:
            if resource == R_ALW or (
                identity == ALW
                and (req.service not in _TRUST_SERVICES or not self._identity_untrusted(req, resource, acct_allow))
            ):
                core = ALW
            else:
                core = IMP
        else:
            core = ALW if (identity == ALW and (resource in (R_ALW, R_ALW_ACCT))) else IMP

        # Guardrails can only lower the core answer (explicit deny wins); record those that did.
        result = core
        blocked: list[str] = []
        for name, guard in plan.guards:
            r = guard.result(req)
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
            g = plan.pb
            r = g.const if g.const is not None else g.result(req)
            if r == IMP and req.same_account and self.boundary_bypassed(plan.resource, req):
                r = ALW
            if r != ALW:
                if core == ALW or r == EXP:
                    blocked.append("pb")
                if result != EXP:
                    result = r
        if result != EXP and (req.service == "kms" or req.service == "iam"):
            result = self._service_rules(req, result)
        return _NAMES[result], (tuple(blocked) if blocked else ())

    def _anonymous(self, plan: _Plan, req: _Req, resource: int) -> tuple[str, tuple[str, ...]]:
        """Anonymous requests: only a resource policy allowing ``*`` grants; SCPs and session policies do not
        apply."""
        core = ALW if resource == R_ALW else (EXP if resource in (R_EXP, R_DENY_ACCT) else IMP)
        result = core
        blocked: list[str] = []
        for name, guard in plan.guards:
            if name in ("scp", "session"):
                continue
            r = guard.result(req)
            if r != ALW:
                if core == ALW:
                    blocked.append(name)
                if result != EXP:
                    result = r
        return _NAMES[result], tuple(blocked)

    @staticmethod
    def _service_rules(req: _Req, result: int) -> int:
        """Service-specific refusals: AWS-managed KMS aliases, AWS-managed policies and reserved roles."""
        svc = req.service
        if svc == "kms" and req.action in _KMS_ALIAS_ACTIONS:
            arn = split_resource_arn(req.resource)
            if arn is not None and arn[4][:10].lower() == "alias/aws/":
                return IMP
        elif svc == "iam" and (req.action in _IAM_MANAGED_POLICY_ACTIONS or req.action in _IAM_RESERVED_ROLE_ACTIONS):
            arn = split_resource_arn(req.resource)
            if arn is not None:
                res = arn[4].lower()
                if req.action in _IAM_MANAGED_POLICY_ACTIONS and res.startswith("policy/") and arn[3] == "aws":
                    return IMP
                if req.action in _IAM_RESERVED_ROLE_ACTIONS and res.startswith("role/aws-reserved/"):
                    return IMP
        return result


def compile_policies(policies: PolicySet) -> CompiledPolicies:
    """Compile a policy set once; evaluate requests with :meth:`CompiledPolicies.evaluate`."""
    return CompiledPolicies(policies)


from byoc_iam.engine.explain import Decision  # noqa: E402  (Decision needs CompiledPolicies at call time)
