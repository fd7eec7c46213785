"""The pure data model: policy documents and role specifications."""

from byoc_iam.model.policy import PolicyDocument, PolicyParseError, Statement, iam_size, policy
from byoc_iam.model.role import RoleSpec

__all__ = ["PolicyDocument", "PolicyParseError", "RoleSpec", "Statement", "iam_size", "policy"]
