"""The AWS managed-policy catalog and its history, as data (pure).

``get_catalog()`` → :class:`Catalog` (``by_name``, ``by_arn`` in any partition, ``names``, ``history``);
``aws_managed_policy_names()`` → name and path of every AWS managed policy;
:mod:`byoc_iam.managed.diff` compares two versions of a policy (actions added/removed, statement diff).
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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

_DIFF = frozenset({"ActionDiff", "PolicyDiff", "StatementChange", "StatementDiff", "diff_policies", "with_partition"})


def __getattr__(name: str) -> Any:
    """The exported names, imported on first use (PEP 562): the catalog does not load the diff (issue 18)."""
    if name not in __all__:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(import_module("byoc_iam.managed.diff" if name in _DIFF else "byoc_iam.managed.catalog"), name)


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
