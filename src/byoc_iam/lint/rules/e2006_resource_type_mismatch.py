"""E2006: a Resource ARN that names no resource type of any of the statement's actions.

An action for which the catalog lists no resource type supports only ``"*"`` in its own service; an ARN of
another service is left alone for it (``ssmmessages:OpenDataChannel`` is authorized on ``ssm`` sessions in
AWS's own managed policies, which the catalog does not record).
"""

from collections.abc import Iterator
from functools import lru_cache

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import action_prefix, has_placeholder
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import ResourceType, ServiceCatalog, glob_match

_MAX_EXPANSION = 2000  # a pattern matching more actions than this is not worth checking ("ec2:*" is fine)


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for st in ctx.good_statements():
        if st.action is None or st.resource is None:
            continue
        arns = [r for r in st.resource if _checkable(r.value)]
        if not arns:
            continue  # nothing to check: the actions' resource types are not needed
        found = _messages(cat, tuple(a.value for a in st.action), tuple(r.value for r in arns))
        for r, msg in zip(arns, found, strict=True):
            if msg is not None:
                yield Hit(msg, r.ptr)


@lru_cache(maxsize=16384)
def _messages(cat: ServiceCatalog, actions: tuple[str, ...], arns: tuple[str, ...]) -> tuple[str | None, ...]:
    """Each checkable ARN's finding (None: none) against the statement's actions (documents repeat statements)."""
    literal = _literal_types(cat, actions)
    # an ARN one of the named actions acts on is fine whatever the wildcards add: no expansion needed for it
    fine = {a for a in arns if any(_arn_matches(cat, a, rt) for rt in literal)} if literal else set()
    summary = _summary(cat, actions) if len(fine) < len(set(arns)) else None
    if summary is None:
        return (None,) * len(arns)
    return tuple(None if a in fine else _mismatch(cat, a, summary) for a in arns)


class _Actions:
    """What a statement's Action list acts on: the resource types of its actions and the known actions with
    none (they support only ``"*"``). Compared by identity: :func:`_summary` hands out one per action list."""

    __slots__ = ("star_only", "types")

    def __init__(self, types: tuple[ResourceType, ...], star_only: tuple[str, ...]) -> None:
        self.types = types
        self.star_only = star_only


@lru_cache(maxsize=16384)
def _summary(cat: ServiceCatalog, actions: tuple[str, ...]) -> _Actions | None:
    """The statement's actions summarised (documents repeat action lists); None when the ARNs need no check:
    an action of every service, an expansion too large to check, or nothing known to check against."""
    types: dict[tuple[str, str], ResourceType] = {}
    star_only: list[str] = []
    skip = False
    for value in actions:
        parts = action_prefix(value)
        if parts is None or has_placeholder(value) or not cat.is_known_service(parts[0]):
            if value == "*" or (parts is not None and ("*" in parts[0] or "?" in parts[0])):
                skip = True  # every service: anything may match
            continue
        names = _expand(cat, value) if ("*" in value or "?" in value) else (value,)
        if len(names) > _MAX_EXPANSION:
            skip = True
            continue
        for name in names:
            rts, star = _types_of(cat, name)
            if star:
                star_only.append(name)
            for rt in rts:
                types[(rt.service, rt.key)] = rt
    if skip or (not types and not star_only):
        return None
    return _Actions(tuple(types.values()), tuple(star_only))


@lru_cache(maxsize=16384)
def _literal_types(cat: ServiceCatalog, actions: tuple[str, ...]) -> tuple[ResourceType, ...]:
    """The resource types of the list's actions named without wildcards (a subset of :func:`_summary`'s types:
    an ARN matching one of them matches the summary, so it needs no wildcard expanded)."""
    types: dict[tuple[str, str], ResourceType] = {}
    for value in actions:
        parts = action_prefix(value)
        if parts is None or "*" in value or "?" in value or has_placeholder(value):
            continue
        if cat.is_known_service(parts[0]):
            for rt in _types_of(cat, value)[0]:
                types[(rt.service, rt.key)] = rt
    return tuple(types.values())


@lru_cache(maxsize=65536)
def _mismatch(cat: ServiceCatalog, arn: str, actions: _Actions) -> str | None:
    """The finding's message when the ARN names no resource type of the actions, else None."""
    if any(_arn_matches(cat, arn, rt) for rt in actions.types):
        return None
    arn_service = arn.split(":", 3)[2]
    if any(not glob_match(arn_service, a.split(":", 1)[0], ignore_case=True) for a in actions.star_only):
        return None  # an action with no resource type of its own may be authorized on another service's ARN
    if actions.types:
        kinds = ", ".join(sorted({f"{rt.service}:{rt.key}" for rt in actions.types}))
        return f"{arn} matches no resource type of the statement's actions (they act on: {kinds})"
    return f'{arn} can never match: the statement\'s actions support only Resource "*"'


@lru_cache(maxsize=4096)
def _expand(cat: ServiceCatalog, pattern: str) -> tuple[str, ...]:
    """The actions a wildcard pattern names (documents repeat patterns)."""
    return tuple(cat.expand_action_pattern(pattern))


@lru_cache(maxsize=65536)
def _arn_matches(cat: ServiceCatalog, arn: str, rt: ResourceType) -> bool:
    fast = prefix_star_intersect(arn, rt.arn_glob)
    return fast if fast is not None else cat.arn_matches_resource_type(arn, rt)


def prefix_star_intersect(arn: str, glob: str) -> bool | None:
    """:meth:`ServiceCatalog.arn_matches_resource_type` without the wildcard DP for an ARN whose one wildcard is
    its final ``*`` (``arn:aws:s3:::bucket/*``, most Resource ARNs) and a format glob with ``*`` only; None for
    anything else. Such an ARN is ``P*``: a string with prefix ``P`` matches the glob ``B0*...`` exactly when
    ``P`` and ``B0`` (the glob's text before its first ``*``) agree on their common length (the first ``*``
    can take the rest of ``P``; what follows it can always be matched), and a glob without ``*`` when it
    starts with ``P``."""
    if "$" in arn or "<" in arn or "?" in arn or "?" in glob or not arn.endswith("*") or arn.count("*") > 1:
        return None  # a policy variable, a '?', no '*' or another '*': the catalog's DP decides
    head = arn[:-1]
    cut = glob.find("*")
    if cut < 0:
        return glob.startswith(head)
    start = glob[:cut]
    return start.startswith(head) or head.startswith(start)


@lru_cache(maxsize=16384)
def _types_of(cat: ServiceCatalog, name: str) -> tuple[tuple[ResourceType, ...], bool]:
    """The action's resource types and whether it is a known action with none (it supports only ``*``)."""
    rts = cat.resource_types_for(name)
    return rts, not rts and cat.action(name) is not None


def _checkable(arn: str) -> bool:
    """An ARN the rule checks (not ``*``, no placeholder, all six fields)."""
    return arn != "*" and arn.startswith("arn:") and not has_placeholder(arn) and arn.count(":") >= 5


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """Resource ARNs that match no resource type the catalog snapshot gives the statement's actions."""
    return check(ctx)


RULE = Rule(
    "E2006",
    "resource-type-mismatch",
    "Each Resource ARN must match a resource type of at least one of the statement's actions.",
    check,
    types=("identity", "resource", "scp"),
    origins=("customer",),  # in an AWS managed policy the snapshot is behind: W2018
    needs=("Resource",),
)
