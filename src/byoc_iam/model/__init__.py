"""The pure data model: policy documents and role specifications.

``RoleSpec`` (and with it pydantic) is imported on first use, so code that needs only policy documents
starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

from byoc_iam.model.policy import PolicyDocument, PolicyParseError, Statement, iam_size, policy

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec

__all__ = ["PolicyDocument", "PolicyParseError", "RoleSpec", "Statement", "iam_size", "policy", "role_from_json"]


def role_from_json(text: str, source: str = "RoleSpec") -> RoleSpec:
    """A RoleSpec file's role: a plainly valid one as :class:`~byoc_iam.model.role_plain.PlainRoleSpec` (the same
    fields and views, without importing pydantic: ``verify --role FILE``, issue 18), anything else through
    :meth:`RoleSpec.from_json`, which validates it and words the error (UsageError, one line)."""
    from byoc_iam.model.policy import read_json
    from byoc_iam.model.role_plain import plain_role

    data = read_json(text, source)
    plain = plain_role(data)
    if plain is not None:
        return cast("RoleSpec", plain)  # duck-typed, as render's plain path (read only: fields and views)
    from byoc_iam.model.role import RoleSpec

    return RoleSpec.from_data(data, source)


def __getattr__(name: str) -> Any:
    if name == "RoleSpec":
        from byoc_iam.model.role import RoleSpec

        return RoleSpec
    raise AttributeError(name)
