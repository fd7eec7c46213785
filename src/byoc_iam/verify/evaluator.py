"""Compile each distinct set of the role's policies once and evaluate the catalog's requests against it."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from functools import cached_property
from typing import Any

from byoc_iam.engine import CompiledPolicies, Decision, Request, compile_document
from byoc_iam.engine.statements import CompiledDocument
from byoc_iam.model import PolicyDocument
from byoc_iam.model.record import field, record
from byoc_iam.verify.policies import LabelledPolicy
from byoc_iam.verify.precomputed import wildcard_only as wildcard_only_table
from byoc_iam.verify.requirements import ContextValue
from byoc_iam.verify.unknown import Unmodelled, known_context, worst_case


@record(kw_only=False)
class Evaluator:
    """The role's session calling AWS: ``principal`` (the session ARN), the context every request carries, the
    role's account and permissions boundary. Every call must be allowed, so each document is evaluated at its
    worst for the condition keys in ``unknown`` (:mod:`byoc_iam.verify.unknown`). Compiled policy sets are cached
    by their labels, with the unknown keys their documents condition on."""

    principal: str
    base_context: dict[str, ContextValue]
    account: str
    unknown: Unmodelled  # every condition key the requests do not model
    boundary: PolicyDocument | None = None
    compiled: dict[tuple[str, ...], tuple[CompiledPolicies, tuple[str, ...]]] = field(default_factory=dict)
    # each of the role's documents at its worst, compiled, by (label, policy type), with the document it was made of
    documents: dict[tuple[str, str], tuple[PolicyDocument, CompiledDocument, tuple[str, ...]]] = field(
        default_factory=dict
    )

    def evaluate(
        self,
        policies: Sequence[LabelledPolicy],
        action: str,
        resource: str,
        context: Mapping[str, ContextValue],
        resource_policy: Mapping[str, Any] | None = None,
    ) -> Decision:
        """The engine's decision for ``action`` on ``resource`` with ``policies`` as the identity policies."""
        cp, _ = self._compiled(policies, resource_policy)
        ctx = {**self._known_base, **known_context(context, self.unknown)}
        # on "*", whether the action is wildcard-only: the packaged table of the engine's own answers
        # (verify/precomputed.py), so the engine need not load the service's catalog; None: the engine asks it
        wildcard_only = wildcard_only_table().get(action) if resource == "*" else None
        return cp.evaluate(
            Request(
                principal=self.principal,
                action=action,
                resource=resource,
                resource_account=self.account,
                context=ctx,
                wildcard_only=wildcard_only,
            )
        )

    def unknown_keys(
        self, policies: Sequence[LabelledPolicy], resource_policy: Mapping[str, Any] | None = None
    ) -> tuple[str, ...]:
        """The unknown condition keys the documents of this evaluation condition on (as written)."""
        return self._compiled(policies, resource_policy)[1]

    @cached_property
    def _known_base(self) -> dict[str, ContextValue]:
        """The base context without the unknown keys (the same as filtering the merge), once."""
        return known_context(self.base_context, self.unknown)

    def _compiled(
        self, policies: Sequence[LabelledPolicy], resource_policy: Mapping[str, Any] | None
    ) -> tuple[CompiledPolicies, tuple[str, ...]]:
        rp = None if resource_policy is None else json.dumps(resource_policy, sort_keys=True)
        key = (*(p.label for p in policies), f"resource={rp}")
        found = self.compiled.get(key)
        if found is None:
            identity = [self._document(p.label, p.document, "identity") for p in policies]
            bound = [] if self.boundary is None else [self._document("(boundary)", self.boundary, "pb")]
            resource = None if resource_policy is None else self._worst(dict(resource_policy), "resource")
            parts = (*identity, *bound, *([resource] if resource else []))
            cp = CompiledPolicies(
                identity=tuple(d for d, _ in identity),
                resource=None if resource is None else resource[0],
                boundary=tuple(d for d, _ in bound) or None,
            )
            found = self.compiled[key] = (cp, tuple(dict.fromkeys(k for _, keys in parts for k in keys)))
        return found

    def _document(self, label: str, document: PolicyDocument, policy_type: str) -> _Worst:
        """The role's document ``label`` at its worst, compiled once per evaluator (a set of the role's policies
        shares them with every other set)."""
        hit = self.documents.get((label, policy_type))
        if hit is None or hit[0] is not document:
            hit = self.documents[(label, policy_type)] = (document, *self._worst(document.to_dict(), policy_type))
        return hit[1], hit[2]

    def _worst(self, document: dict[str, Any], policy_type: str) -> _Worst:
        """``document`` at its worst for the unknown keys (:func:`worst_case`), compiled, and the keys."""
        rewritten = worst_case(document, "allowed", self.unknown)
        return compile_document(rewritten.document, policy_type), rewritten.keys


_Worst = tuple[CompiledDocument, tuple[str, ...]]  # a compiled document at its worst, and its unknown keys
