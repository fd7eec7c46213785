"""Compile each distinct set of the role's policies once and evaluate the catalog's requests against it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from byoc_iam.engine import CompiledPolicies, Decision, PolicySet, Request, compile_policies
from byoc_iam.model import PolicyDocument
from byoc_iam.verify.policies import LabelledPolicy
from byoc_iam.verify.requirements import ContextValue


@dataclass
class Evaluator:
    """The role's session calling AWS: ``principal`` (the session ARN), the context every request carries, the
    role's account and permissions boundary. Compiled policy sets are cached by their labels."""

    principal: str
    base_context: dict[str, ContextValue]
    account: str
    boundary: PolicyDocument | None = None
    compiled: dict[tuple[str, ...], CompiledPolicies] = field(default_factory=dict)

    def evaluate(
        self,
        policies: Sequence[LabelledPolicy],
        action: str,
        resource: str,
        context: Mapping[str, ContextValue],
        resource_policy: Mapping[str, Any] | None = None,
    ) -> Decision:
        """The engine's decision for ``action`` on ``resource`` with ``policies`` as the identity policies."""
        rp = None if resource_policy is None else json.dumps(resource_policy, sort_keys=True)
        key = (*(p.label for p in policies), f"resource={rp}")
        cp = self.compiled.get(key)
        if cp is None:
            boundary = None if self.boundary is None else [self.boundary]
            cp = compile_policies(
                PolicySet(identity=[p.document for p in policies], resource=resource_policy, boundary=boundary)
            )
            self.compiled[key] = cp
        ctx = {**self.base_context, **context}
        return cp.evaluate(
            Request(
                principal=self.principal, action=action, resource=resource, resource_account=self.account, context=ctx
            )
        )
