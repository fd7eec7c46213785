"""I5001: a statement that another statement of the same document already covers."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext, StatementView, Value
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_covers


def _covered(small: list[Value], big: list[Value], *, ignore_case: bool) -> bool:
    return all(any(glob_covers(b.value, s.value, ignore_case=ignore_case) for b in big) for s in small)


def _principal_key(st: StatementView) -> object:
    p = st.principal
    if p is None or p == "*":
        return p
    return tuple(sorted((k, tuple(sorted(v.value for v in vals))) for k, vals in p.items()))


def _condition_key(st: StatementView) -> object:
    return tuple(sorted((c.operator, c.key.lower(), tuple(sorted(v.text for v in c.values))) for c in st.conditions))


def _keys(st: StatementView) -> tuple[object, object]:
    return _principal_key(st), _condition_key(st)


def covers(a: StatementView, b: StatementView, keys: dict[int, tuple[object, object]] | None = None) -> bool:
    """True when statement ``a`` grants (or denies) everything ``b`` does, in the same circumstances
    (``keys``: each statement's principal and condition keys by index, when the caller computed them)."""
    if a.effect != b.effect or a.effect is None or a.action is None or b.action is None:
        return False
    if any(s.has(n) for s in (a, b) for n in ("NotAction", "NotResource", "NotPrincipal")):
        return False
    ka, kb = (keys[a.index], keys[b.index]) if keys is not None else (_keys(a), _keys(b))
    if ka[0] != kb[0]:
        return False
    if a.conditions and ka[1] != kb[1]:
        return False
    if not b.action or not _covered(b.action, a.action, ignore_case=True):
        return False
    if a.resource is None or b.resource is None:
        return a.resource is None and b.resource is None  # trust policies: no Resource at all
    return bool(b.resource) and _covered(b.resource, a.resource, ignore_case=False)


def _shape(st: StatementView) -> object:
    """Statements can only cover each other when these agree."""
    return (st.effect, _principal_key(st), st.resource is None)


def check(ctx: DocContext) -> Iterator[Hit]:
    statements = [s for s in ctx.good_statements() if s.action and s.effect]
    shapes = {s.index: _shape(s) for s in statements}
    keys = {s.index: _keys(s) for s in statements}
    reported: set[int] = set()
    for b in statements:
        for a in statements:
            if a is b or a.index in reported or shapes[a.index] != shapes[b.index]:
                continue
            if covers(a, b, keys) and (not covers(b, a, keys) or a.index < b.index):
                name = f" ({a.sid})" if a.sid else ""
                yield Hit(f"statement {b.index} is redundant: statement {a.index}{name} already covers it", b.ptr)
                reported.add(b.index)
                break


RULE = Rule(
    "I5001",
    "redundant-statement",
    "A statement that another statement already covers can be removed.",
    check,
    aws_checks=("Redundant statement",),
)
