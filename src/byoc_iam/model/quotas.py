"""IAM's quotas, from ``data/iam/quotas.json`` (IAM User Guide, "IAM and AWS STS quotas, name requirements, and
character limits"; the CreateRole/TagRole API reference). Lengths are characters; policy sizes count characters
without whitespace (:func:`byoc_iam.model.policy.iam_size`).

Read without pydantic (lint's start-up path); ``tests/test_data_files.py`` validates the file against
:class:`byoc_iam.data.models.QuotasFile`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from byoc_iam import data


@dataclass(frozen=True)
class Quotas:
    """The quotas byoc-iam checks (see ``data/iam/quotas.json`` for each one's source)."""

    role_name_length: int
    policy_name_length: int
    path_length: int
    role_description_length: int
    tags_per_role: int
    tag_key_length: int
    tag_value_length: int
    session_min: int
    session_max: int
    session_default: int
    trust_policy_size: int  # the default quota
    trust_policy_size_max: int  # the most Service Quotas grants
    inline_policies_size: int  # aggregate of a role's inline policies
    managed_policy_size: int  # one customer-managed policy
    scp_size: int  # one service control policy
    managed_policies_per_role: int  # attached, default quota
    managed_policies_per_role_max: int


@cache
def quotas() -> Quotas:
    """The packaged quotas (read once)."""
    q = data.raw("quotas", "quotas")
    session, trust, attached = q["session_duration_seconds"], q["trust_policy_size"], q["managed_policies_per_role"]
    return Quotas(
        role_name_length=q["role_name_length"],
        policy_name_length=q["policy_name_length"],
        path_length=q["path_length"],
        role_description_length=q["role_description_length"],
        tags_per_role=q["tags_per_role"],
        tag_key_length=q["tag_key_length"],
        tag_value_length=q["tag_value_length"],
        session_min=session["min"],
        session_max=session["max"],
        session_default=session["default"],
        trust_policy_size=trust["default"],
        trust_policy_size_max=trust["max"],
        inline_policies_size=q["inline_policies_size_per_role"],
        managed_policy_size=q["managed_policy_size"],
        scp_size=q["service_control_policy_size"],
        managed_policies_per_role=attached["default"],
        managed_policies_per_role_max=attached["max"],
    )
