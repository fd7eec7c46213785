"""I5002: the same action, resource or principal listed twice in one element."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext, Value
from byoc_iam.lint.rules import Hit, Rule


def _dupes(values: list[Value], what: str, *, fold: bool) -> Iterator[Hit]:
    seen: set[str] = set()
    for v in values:
        key = v.value.lower() if fold else v.value
        if key in seen:
            yield Hit(f"{what} {v.value!r} is listed twice", v.ptr)
        seen.add(key)


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for name, fold in (("Action", True), ("NotAction", True), ("Resource", False), ("NotResource", False)):
            vals = st.strings(name)
            if vals:
                yield from _dupes(vals, name, fold=fold)
        for p in (st.principal, st.not_principal):
            if isinstance(p, dict):
                for kind, vals in p.items():
                    yield from _dupes(vals, f"{kind} principal", fold=False)
        for c in st.conditions:
            seen: set[str] = set()
            for v in c.values:
                if v.text in seen:
                    yield Hit(f"{c.key} value {v.text!r} is listed twice", v.ptr)
                seen.add(v.text)


RULE = Rule("I5002", "duplicate-value", "A value listed twice in one element has no effect.", check)
