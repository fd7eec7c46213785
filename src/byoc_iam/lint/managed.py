"""What the managed-policy rules share: the role's attached policy ARNs (and its permissions boundary).

The catalog of the policies the BYOC role uses, and the name and path of every AWS managed policy, come from
:mod:`byoc_iam.managed` (imported by the rules when they run).
"""

from __future__ import annotations

from byoc_iam.lint.context import RoleContext


def managed_arns(rctx: RoleContext, *, boundary: bool = True) -> list[tuple[str, str]]:
    """``(arn, pointer)`` of the role's attached managed policies (and its permissions boundary)."""
    out = [(arn, f"/managed_policy_arns/{i}") for i, arn in enumerate(rctx.spec.managed_policy_arns)]
    if boundary and rctx.spec.permissions_boundary:
        out.append((rctx.spec.permissions_boundary, "/permissions_boundary"))
    return out
