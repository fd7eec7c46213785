"""The AWS managed-policy catalog and its history, as data (pure).

``get_catalog()`` → :class:`Catalog` (``by_name``, ``by_arn`` in any partition, ``names``, ``history``);
``aws_managed_policy_names()`` → name and path of every AWS managed policy;
:mod:`byoc_iam.managed.diff` compares two versions of a policy (actions added/removed, statement diff).
"""

from byoc_iam.managed.catalog import (
    PARTITIONS,
    Catalog,
    CatalogDataError,
    Grant,
    HistoryEntry,
    ManagedPolicy,
    aws_managed_policy_names,
    closest,
    get_catalog,
    parse_policy_arn,
    policy_arn,
)
from byoc_iam.managed.diff import (
    ActionDiff,
    PolicyDiff,
    StatementChange,
    StatementDiff,
    diff_policies,
    with_partition,
)

__all__ = [
    "PARTITIONS",
    "ActionDiff",
    "Catalog",
    "CatalogDataError",
    "Grant",
    "HistoryEntry",
    "ManagedPolicy",
    "PolicyDiff",
    "StatementChange",
    "StatementDiff",
    "aws_managed_policy_names",
    "closest",
    "diff_policies",
    "get_catalog",
    "parse_policy_arn",
    "policy_arn",
    "with_partition",
]
