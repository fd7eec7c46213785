"""The pure data model: policy documents and role specifications.

``RoleSpec`` (and with it pydantic) is imported on first use, so code that needs only policy documents
starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from byoc_iam.model.policy import PolicyDocument, PolicyParseError, Statement, iam_size, policy

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec

__all__ = ["PolicyDocument", "PolicyParseError", "RoleSpec", "Statement", "iam_size", "policy"]


def __getattr__(name: str) -> Any:
    if name == "RoleSpec":
        from byoc_iam.model.role import RoleSpec

        return RoleSpec
    raise AttributeError(name)
