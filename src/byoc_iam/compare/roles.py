"""A RoleSpec's two sides for a comparison: its permissions (inline, customer-managed and AWS managed
policies, bounded by its permissions boundary) and its trust policy.

AWS managed policies come from the packaged snapshot (``byoc_iam.managed``); a customer-managed policy or
boundary is found in the RoleSpec by name. Anything else cannot be compared offline: ``LookupError``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from byoc_iam.compare.encode import Side
from byoc_iam.compare.prove import Comparison, compare_sides
from byoc_iam.model.policy import PolicyDocument
from byoc_iam.model.role import RoleSpec


def _document(spec: RoleSpec, arn: str, extra: Mapping[str, PolicyDocument]) -> PolicyDocument:
    from byoc_iam.managed import get_catalog

    if arn in extra:
        return extra[arn]
    entry = get_catalog().by_arn(arn)
    if entry is not None:
        return entry.document
    name = arn.rsplit("/", 1)[-1]
    own = spec.customer_managed()
    if name in own and ":aws:policy/" not in arn:
        return own[name]
    raise LookupError(f"{spec.role_name}: policy {arn} is neither in the managed-policy snapshot nor in the RoleSpec")


def permission_side(spec: RoleSpec, managed: Mapping[str, PolicyDocument] | None = None) -> Side:
    """The role's identity policies and boundary (``managed``: documents by ARN that override the snapshot)."""
    extra = dict(managed or {})
    docs = [*spec.inline().values(), *spec.customer_managed().values()]
    docs += [_document(spec, arn, extra) for arn in spec.managed_policy_arns]
    boundary = None
    if spec.permissions_boundary:
        boundary = (_document(spec, spec.permissions_boundary, extra),)
    return Side(tuple(docs), boundary)


def compare_roles(
    old: RoleSpec, new: RoleSpec, managed: Mapping[str, PolicyDocument] | None = None
) -> dict[str, Comparison]:
    """``{"permissions": ..., "trust": ...}`` comparisons of two RoleSpecs. Raises ``LookupError`` for a
    policy ARN that cannot be resolved offline."""
    perms = compare_sides(permission_side(old, managed), permission_side(new, managed), "identity")
    trust = compare_sides(Side((old.trust(),)), Side((new.trust(),)), "trust")
    return {"permissions": perms, "trust": trust}


def to_json(result: Comparison | Mapping[str, Comparison]) -> dict[str, Any]:
    """The JSON form of one comparison or of a RoleSpec pair's two."""
    if isinstance(result, Comparison):
        return result.to_dict()
    return {name: c.to_dict() for name, c in result.items()}
