"""The IAM evaluation engine: compile a set of policies once, evaluate many requests, explain.

>>> from byoc_iam.engine import PolicySet, Request, compile_policies
>>> cp = compile_policies(PolicySet(identity=[{"Version": "2012-10-17",
...     "Statement": [{"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"}]}]))
>>> cp.evaluate(Request("arn:aws:iam::111122223333:role/r", "s3:GetObject", "arn:aws:s3:::b/k")).decision
'Allowed'
"""

from __future__ import annotations

from byoc_iam.engine.compiled import CompiledPolicies, compile_policies
from byoc_iam.engine.explain import Decision, Explanation, StatementExplanation
from byoc_iam.engine.statements import compile_document
from byoc_iam.engine.types import POLICY_TYPES, PolicySet, Request

__all__ = [
    "POLICY_TYPES",
    "CompiledPolicies",
    "Decision",
    "Explanation",
    "PolicySet",
    "Request",
    "StatementExplanation",
    "compile_document",
    "compile_policies",
]
