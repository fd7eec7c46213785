"""E2003: an action pattern with wildcards that matches no action of its service."""

from bisect import bisect_left
from collections.abc import Iterator
from functools import lru_cache

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import named_actions
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.wildcard import glob_regex
from byoc_iam.servicecatalog import ServiceCatalog


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for a, prefix, name in named_actions(ctx):
        if prefix is None or "*" in prefix or "?" in prefix or not ("*" in name or "?" in name):
            continue  # a wildcard service prefix would load every service: E2001 checks it cheaply
        if not cat.is_known_service(prefix):
            continue
        if not _matches_any(cat, prefix, name):
            yield Hit(f"{a.value} matches no action of {prefix}", a.ptr)


@lru_cache(maxsize=4096)
def _matches_any(cat: ServiceCatalog, prefix: str, name: str) -> bool:
    """Whether the wildcard ``name`` matches an action of the service (per catalog: documents repeat patterns)."""
    head = name[:-1]
    if name.endswith("*") and head.isascii() and "*" not in head and "?" not in head:
        lower, other = _sorted_names(cat, prefix)  # ``Head*``: is some name's lower case prefixed by head's?
        at = bisect_left(lower, head.lower())
        if at < len(lower) and lower[at].startswith(head.lower()):
            return True
        names: tuple[str, ...] = other  # names not in ASCII: the regex's case folding decides for them
    else:
        names = cat.action_names(prefix)
    rx = glob_regex(name, True)  # name has a wildcard: glob_match(name, x, ignore_case=True) is this fullmatch
    return any(rx.fullmatch(x) for x in names)


@lru_cache(maxsize=512)
def _sorted_names(cat: ServiceCatalog, prefix: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The service's action names in ASCII, lower-cased and sorted (for an ASCII ``Head*`` the regex's
    ``IGNORECASE`` match is ``str.lower`` on them), and the other names as they are."""
    names = cat.action_names(prefix)
    return tuple(sorted(x.lower() for x in names if x.isascii())), tuple(x for x in names if not x.isascii())


RULE = Rule(
    "E2003",
    "wildcard-matches-nothing",
    "An action wildcard must match an action.",
    check,
    needs=("Action", "NotAction"),
)
