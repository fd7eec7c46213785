"""I5001: a statement that another statement of the same document already covers."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext, StatementView, Value
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.wildcard import glob_regex, has_wildcard


class _Matcher:
    """:func:`glob_covers` by every value of a list at once: a value without wildcards is covered by an equal
    one (``str.lower`` under ``ignore_case``, as :func:`glob_match` compares) or by a wildcard's regex; a
    value with wildcards only by a wildcard's regex (``?`` in the general pattern matching anything but ``*``)."""

    def __init__(self, big: list[Value], ignore_case: bool) -> None:
        self.ignore_case = ignore_case
        self.exact = {b.value.lower() if ignore_case else b.value for b in big if not has_wildcard(b.value)}
        self.wild = [glob_regex(b.value, ignore_case, "[^*]") for b in big if has_wildcard(b.value)]

    def covers(self, value: str) -> bool:
        if not has_wildcard(value) and (value.lower() if self.ignore_case else value) in self.exact:
            return True
        return any(rx.fullmatch(value) for rx in self.wild)

    def covers_all(self, small: list[Value]) -> bool:
        return all(self.covers(s.value) for s in small)


def _principal_key(st: StatementView) -> object:
    p = st.principal
    if p is None or p == "*":
        return p
    return tuple(sorted((k, tuple(sorted(v.value for v in vals))) for k, vals in p.items()))


def _condition_key(st: StatementView) -> object:
    return tuple(sorted((c.operator, c.key.lower(), tuple(sorted(v.text for v in c.values))) for c in st.conditions))


class _Facts:
    """What :func:`covers` compares of one statement, computed once per statement by :func:`check`."""

    def __init__(self, st: StatementView) -> None:
        self.principal = _principal_key(st)
        self.condition = _condition_key(st)
        self.negated = any(st.has(n) for n in ("NotAction", "NotResource", "NotPrincipal"))
        self.actions = _Matcher(st.action or [], True)
        self.resources = _Matcher(st.resource or [], False)


def covers(a: StatementView, b: StatementView, facts: dict[int, _Facts] | None = None) -> bool:
    """True when statement ``a`` grants (or denies) everything ``b`` does, in the same circumstances
    (``facts``: each statement's :class:`_Facts` by index, when the caller computed them)."""
    if a.effect != b.effect or a.effect is None or a.action is None or b.action is None:
        return False
    fa, fb = (facts[a.index], facts[b.index]) if facts is not None else (_Facts(a), _Facts(b))
    if fa.negated or fb.negated or fa.principal != fb.principal:
        return False
    if a.conditions and fa.condition != fb.condition:
        return False
    if not b.action or not fa.actions.covers_all(b.action):
        return False
    if a.resource is None or b.resource is None:
        return a.resource is None and b.resource is None  # trust policies: no Resource at all
    return bool(b.resource) and fa.resources.covers_all(b.resource)


def _shape(st: StatementView) -> object:
    """Statements can only cover each other when these agree."""
    return (st.effect, _principal_key(st), st.resource is None)


def check(ctx: DocContext) -> Iterator[Hit]:
    statements = [s for s in ctx.good_statements() if s.action and s.effect]
    shapes = {s.index: _shape(s) for s in statements}
    facts = {s.index: _Facts(s) for s in statements}
    reported: set[int] = set()
    for b in statements:
        for a in statements:
            if a is b or a.index in reported or shapes[a.index] != shapes[b.index]:
                continue
            if covers(a, b, facts) and (not covers(b, a, facts) or a.index < b.index):
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
    needs=("Action",),
)
