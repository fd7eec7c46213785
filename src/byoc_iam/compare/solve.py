"""Deciding a comparison query: z3, with regular-expression memberships solved one string at a time.

z3's string solver is slow on Boolean combinations of memberships (``x ∈ A ∧ ¬(x ∈ A ∧ x ∈ B)``) yet fast
on one membership in an intersection of regexes. So the query is solved lazily (DPLL(T) style): every
``str.in_re`` atom becomes a Boolean; z3 solves that abstraction; for each string the chosen memberships
are checked together as one regex (``x ∈ A ∩ ¬B ∩ ...``); an empty one is excluded from then on by a clause
over its unsat core, which is a valid fact, so ``unsat`` stays a proof. When every string has a value, the
whole query is solved again with those values fixed, which gives the model. Queries with other string
constraints (``str.to_int`` of a key read both as text and number) go to z3 directly.
"""

from __future__ import annotations

import time

import z3


class Unknown(Exception):
    """z3 answered ``unknown`` (time out or an undecidable constraint)."""


def _atoms(formulas: list[z3.BoolRef]) -> tuple[list[z3.ExprRef], bool]:
    """The ``str.in_re`` atoms over a string constant, and whether other string operations occur."""
    seen: set[int] = set()
    atoms: list[z3.ExprRef] = []
    other = False
    stack: list[z3.ExprRef] = list(formulas)
    while stack:
        e = stack.pop()
        if e.get_id() in seen:
            continue
        seen.add(e.get_id())
        if z3.is_app(e):
            kind = e.decl().kind()
            if kind == z3.Z3_OP_SEQ_IN_RE and z3.is_const(e.arg(0)):
                atoms.append(e)
                continue
            if kind in (z3.Z3_OP_STR_TO_INT, z3.Z3_OP_SEQ_LENGTH, z3.Z3_OP_SEQ_CONTAINS, z3.Z3_OP_SEQ_CONCAT):
                other = True
            if kind == z3.Z3_OP_EQ and e.arg(0).sort() == z3.StringSort():
                other = True
        stack.extend(e.children())
    return atoms, other


FIRST_TRY_MS = 250


def solve(formulas: list[z3.BoolRef], deadline: float) -> z3.ModelRef | None:
    """A model of the conjunction, or ``None`` when it is unsatisfiable. Raises :class:`Unknown`.

    z3 gets the query as it is first (most queries take milliseconds), for at most 250 ms; then the lazy
    search takes over."""
    try:
        return _direct(formulas, min(deadline, time.perf_counter() + FIRST_TRY_MS / 1000))
    except Unknown:
        pass
    atoms, other = _atoms(formulas)
    if other or not atoms:
        return _direct(formulas, deadline)
    flags = [z3.Bool(f"byoc.atom{i}") for i in range(len(atoms))]
    abstract = z3.Solver()
    abstract.add(*[z3.substitute(f, *zip(atoms, flags, strict=True)) for f in formulas])
    by_var: dict[str, list[int]] = {}
    for i, a in enumerate(atoms):
        by_var.setdefault(str(a.arg(0)), []).append(i)
    while True:
        _timeout(abstract, deadline)
        answer = abstract.check()
        if answer == z3.unsat:
            return None
        if answer != z3.sat:
            raise Unknown(abstract.reason_unknown())
        m = abstract.model()
        values: list[z3.BoolRef] = []
        blocked = False
        for idx in by_var.values():
            lits = [(i, z3.is_true(m.eval(flags[i], model_completion=True))) for i in idx]
            found = _member(atoms, lits, deadline)
            if isinstance(found, list):
                abstract.add(z3.Or(*[z3.Not(flags[i]) if pos else flags[i] for i, pos in found]))
                blocked = True
            else:
                values.append(atoms[idx[0]].arg(0) == found)
        if not blocked:
            return _direct([*formulas, *values], deadline)


def _member(
    atoms: list[z3.ExprRef], lits: list[tuple[int, bool]], deadline: float
) -> z3.ExprRef | list[tuple[int, bool]]:
    """A string satisfying the literals, or an unsat core of them."""
    s = z3.Solver()
    track = {}
    for i, pos in lits:
        p = z3.Bool(f"byoc.lit{i}")
        track[str(p)] = (i, pos)
        s.assert_and_track(atoms[i] if pos else z3.Not(atoms[i]), p)
    _timeout(s, deadline)
    answer = s.check()
    if answer == z3.sat:
        var = atoms[lits[0][0]].arg(0)
        return s.model().eval(var, model_completion=True)
    if answer == z3.unsat:
        return [track[str(c)] for c in s.unsat_core()]
    raise Unknown(s.reason_unknown())


def _direct(formulas: list[z3.BoolRef], deadline: float) -> z3.ModelRef | None:
    s = z3.Solver()
    s.add(*formulas)
    _timeout(s, deadline)
    answer = s.check()
    if answer == z3.unsat:
        return None
    if answer != z3.sat:
        raise Unknown(s.reason_unknown())
    return s.model()


def _timeout(s: z3.Solver, deadline: float) -> None:
    remaining = int((deadline - time.perf_counter()) * 1000)
    if remaining <= 0:
        raise Unknown("timeout")
    s.set("timeout", remaining)
