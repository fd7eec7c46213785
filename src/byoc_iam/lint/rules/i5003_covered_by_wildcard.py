"""I5003: an action or resource already matched by a wildcard in the same element."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext, Value
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_covers


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for name, fold in (("Action", True), ("NotAction", True), ("Resource", False), ("NotResource", False)):
            vals = st.strings(name) or []
            wild = [v for v in vals if "*" in v.value or "?" in v.value]
            if not wild:
                continue
            prefixes = _prefixes(wild, fold)
            for v in vals:
                candidates = wild if prefixes is None else _candidates(v.value, fold, wild, prefixes)
                if not candidates:
                    continue
                same = v.value.lower() if fold else v.value
                cover = next(
                    (
                        w
                        for w in candidates
                        if w is not v
                        and (w.value.lower() if fold else w.value) != same
                        and glob_covers(w.value, v.value, ignore_case=fold)
                    ),
                    None,
                )
                if cover is not None:
                    yield Hit(f"{v.value} is already matched by {cover.value} in the same {name}", v.ptr)


def _start(pattern: str) -> str:
    """The literal text before a pattern's first wildcard."""
    cut = min((i for i in (pattern.find("*"), pattern.find("?")) if i >= 0), default=len(pattern))
    return pattern[:cut]


def _prefixes(wild: list[Value], fold: bool) -> tuple[str, ...] | None:
    """The wildcards' literal starts (lower case when ``fold``): a value a wildcard covers begins with its start
    (:func:`glob_covers` matches the start literally). None when that cannot be told by ``str.lower``: a
    non-ASCII start under case folding (the regex engine's case folding is wider than ``str.lower``)."""
    starts = tuple(_start(w.value) for w in wild)
    if not fold:
        return starts
    if not all(s.isascii() for s in starts):
        return None
    return tuple(s.lower() for s in starts)


def _candidates(value: str, fold: bool, wild: list[Value], prefixes: tuple[str, ...]) -> list[Value]:
    """The wildcards (in order) whose literal start begins ``value``: only they can cover it. Every wildcard
    when case folding cannot be told by ``str.lower`` (a non-ASCII value)."""
    if fold:
        if not value.isascii():
            return wild
        value = value.lower()
    if not value.startswith(prefixes):
        return []
    return [w for w, p in zip(wild, prefixes, strict=True) if value.startswith(p)]


RULE = Rule(
    "I5003",
    "covered-by-wildcard",
    "An action or resource that a wildcard in the same list already matches can be removed.",
    check,
    aws_checks=("Redundant action", "Redundant resource"),
)
