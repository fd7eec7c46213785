"""Helpers shared by the verify tests (imported by name; pytest puts this folder on sys.path)."""

from __future__ import annotations

from typing import Any

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.model import RoleSpec

ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"


def rendered(**kw: Any) -> RoleSpec:
    """The rendered BYOC role for these blueprint inputs."""
    return render_role(BlueprintInputs(account_id=ACCOUNT, **kw))


def without(spec: RoleSpec, **changes: Any) -> RoleSpec:
    """A copy of ``spec`` with some fields replaced."""
    data = spec.model_dump()
    data.update(changes)
    return RoleSpec(**data)
