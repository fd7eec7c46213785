"""Policies as z3 formulas over one symbolic request (action class, resource, principal, context).

``Encoding`` scans both sides' statements once (action elements, condition keys, policy variables, alphabet),
declares the request's terms, and :meth:`Encoding.allowed` gives a side's "this request is allowed"
formula, following the engine's decision logic for the comparison's policy type:

- identity (and a RoleSpec's permissions): some identity Allow applies, no identity Deny applies, and when
  a permissions boundary is set the same holds for it; the principal is the role in the resource's account;
- resource and trust: the principal is of another account (or a service or federated principal), its
  identity policies allow everything, so the resource policy decides: an Allow naming the principal, its
  session or its account applies and no Deny that names it applies. Anonymous requests need ``Principal:
  "*"``, and any principal of an unnamed account is treated alike, so they add no access of their own.

Policy variables (``${aws:username}``) are replaced by one fixed value each (the key is then present with it):
the search stays sound (every counterexample is a real request) but a "no new access" answer is not a proof
then, and the comparison says so (``approximate``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import z3

from byoc_iam.compare.alphabet import Alphabet, concat
from byoc_iam.compare.conditions import (
    SINGLE,
    ClauseEncoder,
    family_of,
    glob_re,
    ip_candidates,
    parse_operator,
)
from byoc_iam.compare.universe import ActionClass, action_classes
from byoc_iam.compare.values import Key, KeyUse
from byoc_iam.engine.resources import product_split
from byoc_iam.engine.variables import VAR, Token, tokenize
from byoc_iam.model.policy import PolicyDocument, Statement

RESOURCE_ACCOUNT = "000000000000"
IDENTITY_PRINCIPAL = "arn:aws:iam::{account}:role/byoc-iam-compare"
TRUST_RESOURCE = "arn:aws:iam::{account}:role/byoc-iam-compared-role"
_SHORT = {"identity": ("expand", "expand"), "pb": ("expand", "expand"), "resource": ("nomatch", "expand")}


@dataclass(frozen=True)
class Side:
    """One side of a comparison: its policies (identity or resource/trust) and an optional boundary."""

    policies: tuple[PolicyDocument, ...]
    boundary: tuple[PolicyDocument, ...] | None = None


@dataclass
class Encoding:
    """The shared request terms for one comparison (both sides)."""

    policy_type: str  # identity | resource | trust
    sides: Sequence[Side]
    approximate: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        stmts = [st for side in self.sides for st in _statements(side)]
        texts = _texts(stmts)
        self.alphabet = Alphabet(texts)
        self.account = _fresh_account(texts)
        self.var_values: dict[str, str] = {}
        uses = self._scan(stmts)
        self.classes, matchers = self._classes(stmts)
        self.matcher_index = {m.values: i for i, m in enumerate(matchers)}
        self.matches = [[m.matches(c.action.lower()) for c in self.classes] for m in matchers]
        self.resource = z3.String("resource")
        self.principal = z3.String("principal")
        self.keys = {name: Key(use, i, self._multi_allowed(use)) for i, (name, use) in enumerate(sorted(uses.items()))}
        self.clauses = ClauseEncoder(self.keys, self.alphabet, self._resolve)
        self._memo: dict[tuple[int, str, bool], z3.BoolRef] = {}

    # -- scanning -------------------------------------------------------------------------------------
    def _scan(self, stmts: list[tuple[Statement, str]]) -> dict[str, KeyUse]:
        uses: dict[str, KeyUse] = {}
        for st, _ in stmts:
            for op, keys in st.condition.items():
                set_op, _, _ = parse_operator(op)
                family = family_of(op)
                for key, values in keys.items():
                    use = uses.setdefault(key.lower(), KeyUse(key))
                    if family is not None:
                        use.families.add(family)
                    if set_op != SINGLE:
                        use.set_clauses += 1
                    if family == "ip":
                        for v in values:
                            use.ip_candidates.update(ip_candidates(v))
                    for v in values:
                        self._scan_vars(v, uses)
            for v in (st.resource or ()) + (st.not_resource or ()):
                self._scan_vars(v, uses)
        return uses

    def _scan_vars(self, value: str, uses: dict[str, KeyUse]) -> None:
        if "${" not in value:
            return
        for t in tokenize(value, wildcards=True):
            if t.kind == VAR:
                use = uses.setdefault(t.text, KeyUse(t.text))
                use.families.add("string")
                if use.fixed is None:
                    use.fixed = f"byoc-var-{len(self.var_values)}"
                    self.var_values[t.text] = use.fixed
                    self.approximate.append(
                        f"policy variable {t.source} is fixed to {use.fixed!r}: "
                        "no-new-access is proved for that value only"
                    )

    def _resolve(self, token: Token) -> str:
        return self.var_values[token.text]

    def _classes(self, stmts: list[tuple[Statement, str]]) -> tuple[tuple[ActionClass, ...], list]:  # type: ignore[type-arg]
        elements = [e for st, _ in stmts for e in (st.action, st.not_action) if e is not None]
        if self.policy_type == "trust":
            elements.append(("sts:*",))
        classes, matchers = action_classes(elements)
        if self.policy_type == "trust":
            from byoc_iam.servicecatalog import get_catalog

            cat = get_catalog()
            keep = []
            for c in classes:
                info = cat.action(c.action)
                if (
                    info is not None
                    and c.action.lower().startswith("sts:")
                    and any(r.name == "role" for r in info.resource_types)
                ):
                    keep.append(c)
            classes = tuple(keep)
        return classes, matchers

    @staticmethod
    def _multi_allowed(use: KeyUse) -> bool:
        if use.set_clauses:
            return True
        from byoc_iam.servicecatalog import get_catalog

        try:
            kind = get_catalog().condition_key_type(use.name)
        except Exception:
            kind = None
        return bool(kind and kind.lower().startswith("arrayof"))

    # -- request constraints --------------------------------------------------------------------------
    def constraints(self, c: int) -> list[z3.BoolRef]:
        """What every request of action class ``c`` satisfies."""
        a = self.alphabet
        cls = self.classes[c]
        out: list[z3.BoolRef] = []
        if self.policy_type == "trust":
            out.append(z3.InRe(self.resource, z3.Re(z3.StringVal(TRUST_RESOURCE.format(account=self.account)))))
        elif not cls.wildcard_only:
            # an ARN of six segments; without "*" (the engine reads a "*" in a request resource as a pattern,
            # and no policy names "*" literally, so leaving it out loses no request)
            seg = z3.Star(a.no_colon_star)
            arn = concat([a.lit("arn:"), *([seg, z3.Re(":")] * 4), a.no_star_any])
            out.append(z3.InRe(self.resource, arn))
            if cls.special is not None:
                out.append(z3.Not(z3.InRe(self.resource, self._special_re(cls.special))))
        if self.policy_type != "identity":
            p = self.principal
            # (regex constraints only: z3's string solver is much faster with them than with disequalities)
            out.append(z3.InRe(p, z3.Plus(a.char)))
            out.append(z3.Not(z3.InRe(p, z3.Union(a.lit("anonymous", True), z3.Re("*")))))
            out.append(z3.Not(z3.InRe(p, z3.Loop(a.digit, 12, 12))))
            out.append(z3.Not(z3.InRe(p, _account_re(a, self.account))))
        return out

    def key_constraints(self, c: int) -> list[z3.BoolRef]:
        """The constraints of the condition keys the statements matching action class ``c`` read (and of
        the keys policy variables fix)."""
        read: set[str] = set()
        for side in self.sides:
            for doc in (*side.policies, *(side.boundary or ())):
                for st in doc.statements:
                    if self._action(st, c):
                        read.update(key.lower() for keys in st.condition.values() for key in keys)
        out: list[z3.BoolRef] = []
        for name, k in self.keys.items():
            if k.use.fixed is not None or name in read:
                out += k.constraints(self.alphabet)
        return out

    def _special_re(self, kind: str) -> z3.ReRef:
        a = self.alphabet
        nc, colon = a.no_colon_any, z3.Re(":")
        head = [a.lit("arn:"), nc, colon, nc, colon, nc, colon]
        if kind == "kms_alias":
            return concat([*head, nc, colon, a.lit("alias/aws/", True), a.any])
        if kind == "iam_policy":
            return concat([*head, a.lit("aws:"), a.lit("policy/", True), a.any])
        return concat([*head, nc, colon, a.lit("role/aws-reserved/", True), a.any])

    # -- the decision -----------------------------------------------------------------------------------
    def allowed(self, side: Side, c: int) -> z3.BoolRef:
        """Whether ``side`` allows the symbolic request of action class ``c``."""
        ptype = "identity" if self.policy_type == "identity" else "resource"
        main = self._group([st for doc in side.policies for st in doc.statements], ptype, c)
        if side.boundary is None:
            return main
        return z3.And(main, self._group([st for doc in side.boundary for st in doc.statements], "pb", c))

    def _group(self, stmts: list[Statement], ptype: str, c: int) -> z3.BoolRef:
        allows = [self._applies(st, ptype, c) for st in stmts if st.effect == "Allow"]
        denies = [self._applies(st, ptype, c) for st in stmts if st.effect == "Deny"]
        return z3.And(
            z3.Or(*allows) if allows else z3.BoolVal(False), z3.Not(z3.Or(*denies)) if denies else z3.BoolVal(True)
        )

    def _applies(self, st: Statement, ptype: str, c: int) -> z3.BoolRef:
        if not self._action(st, c):
            return z3.BoolVal(False)
        wo = self.classes[c].wildcard_only and self.policy_type != "trust"
        memo_key = (id(st), ptype, wo)
        hit = self._memo.get(memo_key)
        if hit is not None:
            return hit
        parts = [self._resource(st, ptype, wo)]
        if ptype == "resource":
            parts.append(self._principal(st))
        for op, keys in st.condition.items():
            for key, values in keys.items():
                parts.append(self.clauses.clause(op, key, values))
        out = z3.And(*parts)
        self._memo[memo_key] = out
        return out

    def _action(self, st: Statement, c: int) -> bool:
        element = st.action if st.action is not None else st.not_action
        if element is None:
            return False
        hit = self.matches[self.matcher_index[element]][c]
        return hit if st.action is not None else not hit

    def _resource(self, st: Statement, ptype: str, wo: bool) -> z3.BoolRef:
        if st.resource is not None:
            values, negated = st.resource, False
        elif st.not_resource is not None:
            values, negated = st.not_resource, True
        else:
            return z3.BoolVal(True)
        if "*" in values:
            return z3.BoolVal(not negated)
        # resource "*" of a wildcard-only action, or a concrete ARN
        tests = [self._wild(v, ptype) if wo else self._pattern(v, ptype) for v in values]
        return z3.And(*[n for _, n in tests]) if negated else z3.Or(*[m for m, _ in tests])

    def _pattern(self, value: str, ptype: str) -> tuple[z3.BoolRef, z3.BoolRef]:
        """(MATCH, NO_MATCH) of one Resource value, as ``byoc_iam.engine.resources.ResourcePattern.test``."""
        a = self.alphabet
        text, expanded = value, False
        if value.startswith("arn:") and len(value.split(":")) < 6:
            fixed = _short(value, ptype)
            if fixed is not None:
                return z3.BoolVal(False), z3.BoolVal(fixed == "nomatch")
            text = ":".join(value.split(":") + ["*"] * (6 - len(value.split(":"))))
            expanded = True
        parts = text.split(":", 5) if text.startswith("arn:") else []
        if len(parts) < 6:
            rx = glob_re(tokenize(text, wildcards=True), a, self._resolve, a.any, a.char)
        else:
            _, partition, service, region, account, resource = parts
            product, rest = product_split(service, region, account, resource)
            pieces: list[z3.ReRef] = [a.lit("arn:")]
            for seg in (partition, service, region, account):
                pieces += [
                    glob_re(tokenize(seg, wildcards=True), a, self._resolve, a.no_colon_any, a.no_colon),
                    z3.Re(":"),
                ]
            if product:
                pieces.append(a.lit(product))
            pieces.append(glob_re(tokenize(rest, wildcards=True), a, self._resolve, a.any, a.char))
            rx = concat(pieces)
        m = z3.InRe(self.resource, rx)
        return m, (z3.BoolVal(False) if expanded else z3.Not(m))

    @staticmethod
    def _wild(value: str, ptype: str) -> tuple[z3.BoolRef, z3.BoolRef]:
        if value.startswith("arn:") and len(value.split(":")) < 6:
            fixed = _short(value, ptype)
            if fixed is not None:
                return z3.BoolVal(False), z3.BoolVal(fixed == "nomatch")
        return z3.BoolVal(False), z3.BoolVal(True)

    def _principal(self, st: Statement) -> z3.BoolRef:
        element = st.principal if st.principal is not None else st.not_principal
        if element is None:
            return z3.BoolVal(False)
        entries = (
            [("AWS", "*")]
            if element == "*"
            else ([("AWS", element)] if isinstance(element, str) else [(t, v) for t, vs in element.items() for v in vs])
        )
        hits = [self._entry(t, v) for t, v in entries]
        if st.principal is not None:
            return z3.Or(*hits) if hits else z3.BoolVal(False)
        return z3.Not(z3.Or(*hits)) if hits else z3.BoolVal(True)

    def _entry(self, ptype: str, value: str) -> z3.BoolRef:
        """Whether the request principal matches one Principal value at any level (``principals.py``)."""
        a, p = self.alphabet, self.principal
        if ptype == "AWS" and value == "*":
            return z3.BoolVal(True)
        if ptype != "AWS":
            return z3.InRe(p, z3.Re(z3.StringVal(value)))
        if len(value) == 12 and value.isdigit():
            return z3.InRe(p, _account_re(a, value))
        parts = value.split(":", 5)
        if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
            return z3.InRe(p, _account_re(a, parts[4]))
        out = [z3.InRe(p, z3.Re(z3.StringVal(value)))]
        nc, colon = a.no_colon_any, z3.Re(":")
        if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/"):
            name = parts[5].rsplit("/", 1)[-1]
            rx = concat([a.lit(f"arn:{parts[1]}:sts:"), nc, colon, a.lit(f"{parts[4]}:assumed-role/{name}/"), a.any])
            out.append(z3.InRe(p, rx))
        if len(parts) == 6 and parts[2] == "iam" and parts[3] == "" and parts[5].startswith("user/"):
            rest = parts[5][len("user/") :]
            rx = concat([a.lit(f"arn:{parts[1]}:sts:"), nc, colon, a.lit(f"{parts[4]}:federated-user/{rest}")])
            out.append(z3.And(z3.InRe(p, rx), z3.Not(z3.InRe(p, concat([a.any, a.lit(":assumed-role/"), a.any])))))
        return z3.Or(*out)


def _account_re(a: Alphabet, account: str) -> z3.ReRef:
    nc, colon = a.no_colon_any, z3.Re(":")
    return concat([a.lit("arn:"), nc, colon, nc, colon, nc, colon, a.lit(account + ":"), a.any])


def _short(value: str, ptype: str) -> str | None:
    """For an ARN of fewer than six segments: ``None`` (expand it) or the fixed answer ``nomatch``/``reject``."""
    without, with_ = _SHORT.get(ptype, ("expand", "expand"))
    trailing = value.split(":")[-1].endswith("*")
    has_wild = trailing if without == "reject" else "*" in value
    behaviour = with_ if has_wild else without
    return None if behaviour == "expand" else behaviour


def _statements(side: Side) -> list[tuple[Statement, str]]:
    out = [(st, "main") for doc in side.policies for st in doc.statements]
    out += [(st, "pb") for doc in side.boundary or () for st in doc.statements]
    return out


def _texts(stmts: list[tuple[Statement, str]]) -> list[str]:
    out: list[str] = []
    for st, _ in stmts:
        for el in (st.action, st.not_action, st.resource, st.not_resource):
            out.extend(el or ())
        for who in (st.principal, st.not_principal):
            if isinstance(who, str):
                out.append(who)
            elif who:
                out.extend(v for vs in who.values() for v in vs)
        for keys in st.condition.values():
            for values in keys.values():
                out.extend(values)
    return out


def _fresh_account(texts: list[str]) -> str:
    """An account id no compared policy names (the resource's account)."""
    joined = "\n".join(texts)
    n = 0
    while True:
        account = f"{n:012d}"
        if account not in joined:
            return account
        n += 1
