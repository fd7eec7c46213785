"""I5003: an action or resource already matched by a wildcard in the same element."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import glob_covers


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for name, fold in (("Action", True), ("NotAction", True), ("Resource", False), ("NotResource", False)):
            vals = st.strings(name) or []
            wild = [v for v in vals if "*" in v.value or "?" in v.value]
            if not wild:
                continue
            for v in vals:
                same = v.value.lower() if fold else v.value
                cover = next(
                    (
                        w
                        for w in wild
                        if w is not v
                        and (w.value.lower() if fold else w.value) != same
                        and glob_covers(w.value, v.value, ignore_case=fold)
                    ),
                    None,
                )
                if cover is not None:
                    yield Hit(f"{v.value} is already matched by {cover.value} in the same {name}", v.ptr)


RULE = Rule(
    "I5003",
    "covered-by-wildcard",
    "An action or resource that a wildcard in the same list already matches can be removed.",
    check,
    aws_checks=("Redundant action", "Redundant resource"),
)
