"""Condition clauses as z3 formulas, operator family by operator family, mirroring the engine's
``byoc_iam.engine.conditions`` (same parsers for numbers, dates and CIDR blocks; same rules for missing,
multi-valued and unparseable values: a check is True, False, or cannot be made, which satisfies neither a
positive nor a negated operator; nor does a request value that is no ARN in an ARN check, as in the engine)."""

from __future__ import annotations

import operator as _op
from collections.abc import Callable
from fractions import Fraction

import z3

from byoc_iam.compare.alphabet import Alphabet, concat
from byoc_iam.compare.values import Key, Slot, date_of, numeric_of
from byoc_iam.engine.conditions import OPERATORS, Operator, arn, binary, date, ip, numeric, string
from byoc_iam.engine.conditions import bool as boolean
from byoc_iam.engine.variables import LIT, QMARK, STAR, Token, tokenize

SINGLE, FOR_ALL, FOR_ANY = 0, 1, 2
_MODULES = {"string": string, "binary": binary, "bool": boolean, "arn": arn, "numeric": numeric, "date": date, "ip": ip}
# operator name (lower case) -> the engine module that implements it
MODULE_OF = {cls.name.lower(): name for name, mod in _MODULES.items() for cls in mod.OPERATORS}
KEY_FAMILY = {
    "string": "string",
    "binary": "string",
    "bool": "bool",
    "arn": "arn",
    "numeric": "numeric",
    "date": "date",
    "ip": "ip",
}
_CMP: dict[str, Callable[[z3.ArithRef, z3.ArithRef], z3.BoolRef]] = {
    "Equals": _op.eq,
    "NotEquals": _op.eq,
    "LessThan": _op.lt,
    "LessThanEquals": _op.le,
    "GreaterThan": _op.gt,
    "GreaterThanEquals": _op.ge,
}
Check = tuple[z3.BoolRef, z3.BoolRef]  # (the base comparison holds, it does not); neither: cannot be made
Resolver = Callable[[Token], str]


def parse_operator(text: str) -> tuple[int, bool, str]:
    """(set operator, IfExists, base name) as ``byoc_iam.engine.conditions.sets`` reads an operator."""
    rest = text.strip()
    low = rest.lower()
    set_op = SINGLE
    if low.startswith("forallvalues:"):
        set_op, rest = FOR_ALL, rest[len("forallvalues:") :]
    elif low.startswith("foranyvalue:"):
        set_op, rest = FOR_ANY, rest[len("foranyvalue:") :]
    if_exists = rest.lower().endswith("ifexists")
    if if_exists:
        rest = rest[: -len("ifexists")]
    return set_op, if_exists, rest


def family_of(op_text: str) -> str | None:
    """The key family an operator reads its key as (``None``: Null or an unknown operator)."""
    cls = OPERATORS.get(parse_operator(op_text)[2].lower())
    return None if cls is None else KEY_FAMILY[MODULE_OF[cls.name.lower()]]


def glob_re(
    tokens: tuple[Token, ...],
    alphabet: Alphabet,
    resolve: Resolver,
    star: z3.ReRef,
    qmark: z3.ReRef,
    ignore_case: bool = False,
) -> z3.ReRef:
    """The regex of tokenised text (variables replaced by ``resolve``; their values are literal)."""
    pieces: list[z3.ReRef] = []
    for t in tokens:
        if t.kind == LIT:
            pieces.append(alphabet.lit(t.text, ignore_case))
        elif t.kind == STAR:
            pieces.append(star)
        elif t.kind == QMARK:
            pieces.append(qmark)
        else:
            pieces.append(alphabet.lit(resolve(t), ignore_case))
    return concat(pieces)


class ClauseEncoder:
    """Encodes clauses against the request's keys."""

    def __init__(self, keys: dict[str, Key], alphabet: Alphabet, resolve: Resolver) -> None:
        self.keys = keys
        self.alphabet = alphabet
        self.resolve = resolve

    def clause(self, op_text: str, key: str, values: tuple[str, ...]) -> z3.BoolRef:
        set_op, if_exists, base = parse_operator(op_text)
        k = self.keys[key.lower()]
        if base.lower() == "null":
            goals = {v.lower() for v in values}
            return z3.Or(*([z3.Not(k.present)] if "true" in goals else []), *([k.present] if "false" in goals else []))
        cls = OPERATORS.get(base.lower())
        if cls is None:
            return z3.BoolVal(False)
        negated = bool(cls.negated)
        checks = [self._checker(cls, v) for v in values]

        def matches(slot: Slot) -> z3.BoolRef:
            results = [c(slot) for c in checks]
            if negated:
                return z3.And(*[f for _, f in results]) if results else z3.BoolVal(True)
            return z3.Or(*[t for t, _ in results]) if results else z3.BoolVal(False)

        first = matches(k.slots[0])
        if set_op == SINGLE:
            soft = if_exists or negated
            return z3.If(z3.Not(k.present), z3.BoolVal(soft), z3.And(z3.Not(k.multi), first))
        each = [(i, matches(s)) for i, s in enumerate(k.slots)]
        if set_op == FOR_ALL:
            multi = z3.And(*[z3.Implies(k.count > i, m) for i, m in each])
            return z3.If(z3.Not(k.present), z3.BoolVal(True), z3.If(k.multi, multi, first))
        anyv = z3.Or(*[z3.And(k.count > i, m) for i, m in each])
        return z3.If(z3.Not(k.present), z3.BoolVal(False), z3.If(k.multi, anyv, first))

    def _checker(self, cls: type[Operator], value: str) -> Callable[[Slot], Check]:
        name: str = cls.name
        family = MODULE_OF[name.lower()]
        a = self.alphabet
        if family == "string" and "Like" in name:
            rx = glob_re(tokenize(value, wildcards=True), a, self.resolve, a.any, a.char)
            return lambda s: _bool(z3.InRe(s.s, rx))
        if family == "string":
            text = glob_text(tokenize(value, wildcards=False), self.resolve)
            if getattr(cls, "fold", False):
                rx = a.lit(text, ignore_case=True)
                return lambda s: _bool(z3.InRe(s.s, rx))
            return lambda s: _bool(z3.InRe(s.s, z3.Re(z3.StringVal(text))))
        if family == "binary":
            return lambda s: _bool(z3.InRe(s.s, z3.Re(z3.StringVal(value))))
        if family == "bool":
            return self._bool_check(value)
        if family == "arn":
            return self._arn_check(value)
        if family in ("numeric", "date"):
            return self._ordered(family, name, value)
        return self._ip_check(value)

    def _bool_check(self, value: str) -> Callable[[Slot], Check]:
        policy = glob_text(tokenize(value, wildcards=False), self.resolve).lower()
        if policy not in ("true", "false"):
            return _never
        other = "false" if policy == "true" else "true"
        yes, no = self.alphabet.lit(policy, True), self.alphabet.lit(other, True)
        return lambda s: (z3.InRe(s.s, yes), z3.InRe(s.s, no))

    def _arn_check(self, value: str) -> Callable[[Slot], Check]:
        """As ``byoc_iam.engine.conditions.arn``: all six segments compared, the first one too; a request value
        that is no ARN (``arn:`` and six segments) satisfies neither polarity."""
        toks = arn.segment_tokens(value)
        if toks is None:
            return _never
        a = self.alphabet
        colon = z3.Re(":")
        pieces: list[z3.ReRef] = []
        for t in toks[:5]:
            pieces += [glob_re(t, a, self.resolve, a.no_colon_any, a.no_colon), colon]
        pieces.append(glob_re(toks[5], a, self.resolve, a.any, a.char))
        rx = concat(pieces)
        shape = concat([a.lit("arn:"), *([a.no_colon_any, colon] * 4), a.any])
        return lambda s: (
            z3.And(z3.InRe(s.s, shape), z3.InRe(s.s, rx)),
            z3.And(z3.InRe(s.s, shape), z3.Not(z3.InRe(s.s, rx))),
        )

    def _ordered(self, family: str, name: str, value: str) -> Callable[[Slot], Check]:
        parsed = numeric.parse_number(value) if family == "numeric" else date.parse_date(value)
        if parsed is None:
            return _never
        suffix = name[len("Numeric") :] if family == "numeric" else name[len("Date") :]
        cmp = _CMP[suffix]
        pv = z3.RealVal(str(Fraction(parsed)))
        a = self.alphabet

        def check(s: Slot) -> Check:
            mixed = s.mode == "string"
            ok, v = numeric_of(s, a, mixed) if family == "numeric" else date_of(s, a, mixed)
            holds = cmp(v, pv)
            return z3.And(ok, holds), z3.And(ok, z3.Not(holds))

        return check

    def _ip_check(self, value: str) -> Callable[[Slot], Check]:
        block = ip.parse_block(value)
        if block is None:
            return _never
        net, is_cidr = block

        def check(s: Slot) -> Check:
            if s.mode == "string":  # mixed key: only the listed candidate addresses parse
                ts, fs = [], []
                for cand in sorted(self.keys_candidates(s)):
                    addr = ip.parse_address(cand)
                    if addr is None:
                        continue
                    if addr.version != net.version:
                        (fs.append(z3.InRe(s.s, z3.Re(z3.StringVal(cand)))) if is_cidr else None)
                    elif addr in net:
                        ts.append(z3.InRe(s.s, z3.Re(z3.StringVal(cand))))
                    else:
                        fs.append(z3.InRe(s.s, z3.Re(z3.StringVal(cand))))
                return z3.Or(*ts) if ts else z3.BoolVal(False), z3.Or(*fs) if fs else z3.BoolVal(False)
            bits = 32 if net.version == 4 else 128
            var = s.a4 if net.version == 4 else s.a6
            mask = int(net.netmask)
            inside = (var & z3.BitVecVal(mask, bits)) == z3.BitVecVal(int(net.network_address), bits)
            same = s.kind == net.version
            other = s.kind == (6 if net.version == 4 else 4)
            false = z3.Or(z3.And(same, z3.Not(inside)), z3.And(other, z3.BoolVal(is_cidr)))
            return z3.And(same, inside), false

        return check

    def keys_candidates(self, s: Slot) -> set[str]:
        for k in self.keys.values():
            if any(x is s for x in k.slots):
                return k.use.ip_candidates
        return set()


def _bool(b: z3.BoolRef) -> Check:
    return b, z3.Not(b)


def _never(_: Slot) -> Check:
    return z3.BoolVal(False), z3.BoolVal(False)


def glob_text(tokens: tuple[Token, ...], resolve: Resolver) -> str:
    """Tokenised text (no wildcards) with its variables resolved."""
    return "".join(t.text if t.kind == LIT else resolve(t) for t in tokens)


def ip_candidates(value: str) -> list[str]:
    """Addresses a CIDR block names (its network address and its last), for keys read both as text and IP."""
    block = ip.parse_block(value)
    if block is None:
        return []
    net = block[0]
    return (
        [str(net.network_address), str(net.broadcast_address)] if net.num_addresses > 1 else [str(net.network_address)]
    )
