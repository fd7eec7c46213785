"""Every AWS write a plan can make, as a named change with its phase and order from ONE table (pure).

A phase is a set of independent changes that may run concurrently; phases run in order. The table is the
dependency order of IAM's API: an OIDC provider before the trust that federates it, a role and its
customer-managed policies before attachments, detaches before ``DeletePolicy``, and ``DeleteRole`` last of
all, so that an interrupted destroy still finds everything else through the role when run again.
"""

from __future__ import annotations

import json
from typing import Any

from byoc_iam.plan.model import (
    PHASE_CREATE,
    PHASE_DELETE_POLICY,
    PHASE_DELETE_ROLE,
    PHASE_DELETE_VERSIONS,
    PHASE_PROVIDER,
    PHASE_ROLE,
    Change,
)

# name → (AWS call, phase); within a phase, execution follows this table's order
CHANGES: dict[str, tuple[str, int]] = {
    "create OIDC provider": ("iam:CreateOpenIDConnectProvider", PHASE_PROVIDER),
    "add OIDC client id": ("iam:AddClientIDToOpenIDConnectProvider", PHASE_PROVIDER),
    "set OIDC thumbprints": ("iam:UpdateOpenIDConnectProviderThumbprint", PHASE_PROVIDER),
    "tag OIDC provider": ("iam:TagOpenIDConnectProvider", PHASE_PROVIDER),
    "create role": ("iam:CreateRole", PHASE_CREATE),
    "make room for a policy version": ("iam:DeletePolicyVersion", PHASE_CREATE),  # under IAM's 5 versions
    "create policy": ("iam:CreatePolicy", PHASE_CREATE),
    "tag policy": ("iam:TagPolicy", PHASE_CREATE),
    "update trust policy": ("iam:UpdateAssumeRolePolicy", PHASE_ROLE),
    "update role settings": ("iam:UpdateRole", PHASE_ROLE),
    "set permissions boundary": ("iam:PutRolePermissionsBoundary", PHASE_ROLE),
    "remove permissions boundary": ("iam:DeleteRolePermissionsBoundary", PHASE_ROLE),
    "new policy version": ("iam:CreatePolicyVersion", PHASE_ROLE),
    "attach policy": ("iam:AttachRolePolicy", PHASE_ROLE),
    "detach policy": ("iam:DetachRolePolicy", PHASE_ROLE),
    "put inline policy": ("iam:PutRolePolicy", PHASE_ROLE),
    "delete inline policy": ("iam:DeleteRolePolicy", PHASE_ROLE),
    "tag role": ("iam:TagRole", PHASE_ROLE),
    "untag role": ("iam:UntagRole", PHASE_ROLE),
    # destroy deletes the OIDC provider while the role (through whose trust it is found) still exists
    "delete OIDC provider": ("iam:DeleteOpenIDConnectProvider", PHASE_ROLE),
    "delete policy version": ("iam:DeletePolicyVersion", PHASE_DELETE_VERSIONS),
    "delete policy": ("iam:DeletePolicy", PHASE_DELETE_POLICY),
    "delete role": ("iam:DeleteRole", PHASE_DELETE_ROLE),
}
ORDER = list(dict.fromkeys(action for action, _ in CHANGES.values()))  # every AWS write a plan can make


def change(
    name: str,
    symbol: str,
    kind: str,
    target: str,
    params: dict[str, Any],
    before: Any = None,
    after: Any = None,
    security: str = "",
) -> Change:
    """The change named ``name`` in :data:`CHANGES` (its AWS call and phase from there; KeyError otherwise)."""
    action, phase = CHANGES[name]
    return Change(symbol, kind, target, action, params, phase, before, after, security)


def ordered(changes: list[Change]) -> tuple[Change, ...]:
    """The changes in execution order: phase, then the table's order of calls, then target and parameters."""
    return tuple(sorted(changes, key=lambda c: (c.phase, ORDER.index(c.action), c.target, json.dumps(c.params))))
