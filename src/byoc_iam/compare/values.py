"""Condition keys as z3 terms: per key, whether it is present, single- or multi-valued, and its value slots.

A slot is a z3 string; a key compared only by one typed family (numbers, dates, IP addresses) is held as
that type instead (exact: every value of the type can be written as text the engine parses back). A key
compared both as text and as a typed value keeps its string, and typed readings are limited to values whose
text z3 can relate to the type (non-negative integers; listed addresses): an under-approximation, reported.

A multi-valued key gets as many slots as set-operator clauses (``ForAllValues``/``ForAnyValue``) name it:
enough, since each clause needs at most one witness (a value where ``ForAnyValue`` holds, one where
``ForAllValues`` fails) and dropping other values changes no clause. Keys no set operator names and the
catalog does not type as ``ArrayOf...`` are single-valued, as AWS sends them.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

import z3

from byoc_iam.compare.alphabet import Alphabet

TYPED = ("numeric", "date", "ip")
NOT_A_VALUE = "not-a-value"


@dataclass
class KeyUse:
    """How the compared policies use one key (lower-case name)."""

    name: str
    families: set[str] = field(default_factory=set)
    set_clauses: int = 0
    fixed: str | None = None  # a policy variable's substituted value
    ip_candidates: set[str] = field(default_factory=set)

    @property
    def mode(self) -> str:
        """``numeric``/``date``/``ip`` for a key of one typed family, ``string`` otherwise."""
        typed = self.families & set(TYPED)
        if len(typed) == 1 and not (self.families - typed) and self.fixed is None:
            return next(iter(typed))
        return "string"

    @property
    def mixed(self) -> bool:
        return self.mode == "string" and bool(self.families & set(TYPED))


class Slot:
    """One value of a key."""

    def __init__(self, prefix: str, mode: str) -> None:
        self.mode = mode
        self.s = z3.String(prefix + ".s")
        self.ok = z3.Bool(prefix + ".ok")
        self.num = z3.Real(prefix + ".n")
        self.ms = z3.Int(prefix + ".ms")
        self.kind = z3.Int(prefix + ".ipkind")
        self.a4 = z3.BitVec(prefix + ".a4", 32)
        self.a6 = z3.BitVec(prefix + ".a6", 128)


class Key:
    """The z3 terms of one condition key."""

    def __init__(self, use: KeyUse, index: int, multi_allowed: bool) -> None:
        self.use = use
        p = self.prefix = f"k{index}"
        self.present = z3.Bool(p + ".present")
        self.multi = z3.Bool(p + ".multi")
        self.count = z3.Int(p + ".count")
        n = max(1, use.set_clauses)
        self.slots = [Slot(f"{p}.{i}", use.mode) for i in range(n)]
        self.multi_allowed = multi_allowed

    def constraints(self, alphabet: Alphabet) -> list[z3.BoolRef]:
        out: list[z3.BoolRef] = [z3.Implies(self.multi, self.present)]
        out.append(z3.And(self.count >= 0, self.count <= len(self.slots)))
        if not self.multi_allowed:
            out.append(z3.Not(self.multi))
        for slot in self.slots:
            out.extend(_slot_constraints(slot, self.use, alphabet))
        if self.use.fixed is not None:
            out += [self.present, z3.Not(self.multi), z3.InRe(self.slots[0].s, z3.Re(z3.StringVal(self.use.fixed)))]
        return out

    def render(self, model: z3.ModelRef) -> str | list[str] | None:
        """The request value in the model (``None``: absent)."""
        if not z3.is_true(model.eval(self.present, model_completion=True)):
            return None
        if z3.is_true(model.eval(self.multi, model_completion=True)):
            count = model.eval(self.count, model_completion=True).as_long()
            return [render_slot(s, model) for s in self.slots[:count]]
        return render_slot(self.slots[0], model)


def _slot_constraints(slot: Slot, use: KeyUse, alphabet: Alphabet) -> list[z3.BoolRef]:
    mode = slot.mode
    if mode == "numeric" or mode == "date":
        return []
    if mode == "ip":
        return [z3.Or(slot.kind == 0, slot.kind == 4, slot.kind == 6)]
    out = [alphabet.member(slot.s)]
    if use.mixed:
        digits = z3.Plus(alphabet.digit)
        no_digit = z3.Star(z3.Intersect(alphabet.char, z3.Complement(alphabet.digit)))
        if "date" in use.families:
            out.append(z3.InRe(slot.s, z3.Union(z3.Loop(alphabet.digit, 1, 11), no_digit)))
        elif "numeric" in use.families:
            out.append(z3.InRe(slot.s, z3.Union(digits, no_digit)))
        if "ip" in use.families:
            ipchars = z3.Union(alphabet.digit, z3.Range("a", "f"), z3.Range("A", "F"), z3.Re("."), z3.Re(":"))
            other = z3.Intersect(alphabet.char, z3.Complement(z3.Union(ipchars, z3.Re("%"))))
            no_ip = z3.Concat(
                z3.Star(z3.Intersect(alphabet.char, z3.Complement(z3.Re("%")))),
                other,
                z3.Star(z3.Intersect(alphabet.char, z3.Complement(z3.Re("%")))),
            )
            cands = [z3.Re(z3.StringVal(c)) for c in sorted(use.ip_candidates)]
            out.append(z3.InRe(slot.s, z3.Union(no_ip, *cands) if cands else no_ip))
    return out


def render_slot(slot: Slot, model: z3.ModelRef) -> str:
    """The text of a slot's value in the model."""
    mode = slot.mode
    if mode == "numeric":
        if not z3.is_true(model.eval(slot.ok, model_completion=True)):
            return NOT_A_VALUE
        return _decimal(model.eval(slot.num, model_completion=True))
    if mode == "date":
        if not z3.is_true(model.eval(slot.ok, model_completion=True)):
            return NOT_A_VALUE
        return render_ms(model.eval(slot.ms, model_completion=True).as_long())
    if mode == "ip":
        kind = model.eval(slot.kind, model_completion=True).as_long()
        if kind == 4:
            return str(ipaddress.IPv4Address(model.eval(slot.a4, model_completion=True).as_long()))
        if kind == 6:
            return str(ipaddress.IPv6Address(model.eval(slot.a6, model_completion=True).as_long()))
        return NOT_A_VALUE
    value = model.eval(slot.s, model_completion=True)
    return str(value.as_string())


def _decimal(value: z3.ExprRef) -> str:
    frac = Fraction(str(value.as_fraction()))
    if frac.denominator == 1:
        return str(frac.numerator)
    text = f"{float(frac):.17g}"
    return text if "e" in text or "." in text else text + ".0"


def render_ms(ms: int) -> str:
    """Milliseconds since the epoch as text :func:`byoc_iam.engine.conditions.date.parse_date` reads back."""
    if abs(ms) >= 10**11:
        return str(ms)
    if ms % 1000 == 0:
        return str(ms // 1000)
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds")


def numeric_of(slot: Slot, alphabet: Alphabet, mixed: bool) -> tuple[z3.BoolRef, z3.ArithRef]:
    """(parses as a number, its value)."""
    if not mixed:
        return slot.ok, slot.num
    return z3.InRe(slot.s, z3.Plus(alphabet.digit)), z3.ToReal(z3.StrToInt(slot.s))


def date_of(slot: Slot, alphabet: Alphabet, mixed: bool) -> tuple[z3.BoolRef, z3.ArithRef]:
    """(parses as a date, milliseconds since the epoch)."""
    if not mixed:
        return slot.ok, z3.ToReal(slot.ms)
    ok = z3.InRe(slot.s, z3.Loop(alphabet.digit, 1, 11))
    return ok, z3.ToReal(z3.StrToInt(slot.s) * 1000)
