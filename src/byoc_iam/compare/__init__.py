"""Offline proofs that one policy grants nothing another does not (z3), with engine-checked counterexamples.

>>> from byoc_iam.compare import compare_policies
>>> from byoc_iam.model.policy import PolicyDocument
>>> old = PolicyDocument.from_dict({"Version": "2012-10-17",
...     "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]})
>>> compare_policies(old, old).relation
'equivalent'
"""

from __future__ import annotations

from byoc_iam.compare.encode import Side
from byoc_iam.compare.prove import (
    POLICY_TYPES,
    Comparison,
    Undecided,
    WitnessMismatch,
    compare_policies,
    compare_sides,
    trust_admits_more,
)

__all__ = [
    "POLICY_TYPES",
    "Comparison",
    "Side",
    "Undecided",
    "WitnessMismatch",
    "compare_policies",
    "compare_sides",
    "trust_admits_more",
]
