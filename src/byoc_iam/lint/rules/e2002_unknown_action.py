"""E2002: an action (without wildcards) that its service does not have."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import named_actions
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for a, prefix, name in named_actions(ctx):
        if prefix is None or "*" in a.value or "?" in a.value:
            continue
        if not cat.is_known_service(prefix) or cat.action(a.value) is not None:
            continue
        import difflib  # here: only an unknown action needs it (simulate's refusal check, start-up)

        names = [x.name for x in cat.actions_for(prefix)]
        close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
        hint = f"; did you mean {prefix}:{close[0]}?" if close else ""
        yield Hit(f"{prefix} has no action {name!r}{hint}", a.ptr)


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """Actions the catalog snapshot does not have in a service it knows."""
    return check(ctx)


RULE = Rule(
    "E2002",
    "unknown-action",
    "Every action must exist in its service.",
    check,
    aws_checks=("Invalid action",),
    origins=("customer",),  # in an AWS managed policy the snapshot is behind: W2018
    needs=("Action", "NotAction"),
)
