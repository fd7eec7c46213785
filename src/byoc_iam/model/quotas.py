"""IAM's quotas, from ``data/iam/quotas.json`` (IAM User Guide, "IAM and AWS STS quotas, name requirements, and
character limits"; the CreateRole/TagRole API reference). Lengths are characters; policy sizes count characters
without whitespace (:func:`byoc_iam.model.policy.iam_size`).

Read without pydantic (lint's start-up path): :class:`Quotas` is the one list of the file's keys, and
``tests/test_data_files.py`` validates the file against the model built from it
(:data:`byoc_iam.data.models.QuotasFile`).
"""

from __future__ import annotations

from functools import cache

from byoc_iam import data
from byoc_iam.model.record import fields, record


@record(frozen=True, kw_only=False)
class Quotas:
    """The quotas byoc-iam checks, one integer each (see ``data/iam/quotas.json`` for the sources)."""

    role_name_length: int
    policy_name_length: int
    path_length: int
    role_description_length: int
    tags_per_role: int
    tag_key_length: int
    tag_value_length: int
    session_min: int  # seconds
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
    raw = data.raw("quotas", "quotas")
    return Quotas(**{name: raw[name] for name in fields(Quotas)})
