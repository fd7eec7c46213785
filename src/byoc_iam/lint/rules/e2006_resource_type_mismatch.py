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
        types: dict[tuple[str, str], ResourceType] = {}
        star_only: list[str] = []
        known = 0
        skip = False
        for a in st.action:
            parts = action_prefix(a.value)
            if parts is None or has_placeholder(a.value) or not cat.is_known_service(parts[0]):
                if a.value == "*" or (parts is not None and ("*" in parts[0] or "?" in parts[0])):
                    skip = True  # every service: anything may match
                continue
            names = _expand(cat, a.value) if ("*" in a.value or "?" in a.value) else (a.value,)
            if len(names) > _MAX_EXPANSION:
                skip = True
                continue
            for name in names:
                rts, star = _types_of(cat, name)
                if star:
                    star_only.append(name)
                for rt in rts:
                    known += 1
                    types[(rt.service, rt.key)] = rt
        if skip or (not types and not star_only):
            continue
        for r in arns:
            arn = r.value
            if any(_arn_matches(cat, arn, rt) for rt in types.values()):
                continue
            arn_service = arn.split(":", 3)[2]
            if any(not glob_match(arn_service, a.split(":", 1)[0], ignore_case=True) for a in star_only):
                continue  # an action with no resource type of its own may be authorized on another service's ARN
            if types:
                kinds = ", ".join(sorted({f"{s}:{k}" for s, k in types}))
                msg = f"{arn} matches no resource type of the statement's actions (they act on: {kinds})"
            else:
                msg = f'{arn} can never match: the statement\'s actions support only Resource "*"'
            yield Hit(msg, r.ptr)


@lru_cache(maxsize=4096)
def _expand(cat: ServiceCatalog, pattern: str) -> tuple[str, ...]:
    """The actions a wildcard pattern names (documents repeat patterns)."""
    return tuple(cat.expand_action_pattern(pattern))


@lru_cache(maxsize=65536)
def _arn_matches(cat: ServiceCatalog, arn: str, rt: ResourceType) -> bool:
    return cat.arn_matches_resource_type(arn, rt)


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
)
