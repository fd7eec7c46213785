"""Compiled statements and documents, the shared unit of the engine's caches.

A document compiles once per policy type into a :class:`CompiledDocument` (its statements as
:class:`CStatement`: compiled Action/NotAction, Resource/NotResource patterns, principal entries, condition
clauses), cached by canonical content (:func:`compile_document`); per lower-case action it lists its
matching statements once. :class:`Prepared` is a request parsed for evaluation.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from operator import methodcaller
from typing import Any

from byoc_iam.engine import principals as P
from byoc_iam.engine.actions import action_matcher
from byoc_iam.engine.conditions import Clause, make_clause
from byoc_iam.engine.resources import (
    K_STATIC,
    MATCH,
    NO_MATCH,
    ResourcePattern,
    resource_pattern,
    wildcard_request_test,
)
from byoc_iam.engine.results import ResourceMode
from byoc_iam.engine.types import DocLike
from byoc_iam.model.policy import PolicyDocument, Statement, policy

RM_ALWAYS, RM_LIST, RM_NOT_LIST, RM_NEVER = ResourceMode
VARIABLES_VERSION = "2012-10-17"


class CStatement:
    """One compiled statement (``index``: its position in its document)."""

    __slots__ = (
        "action",
        "clauses",
        "deny",
        "index",
        "matchers",
        "not_action",
        "not_principal",
        "patterns",
        "policy_type",
        "principal",
        "res_mode",
        "statement",
        "unconditional",
    )

    def __init__(self, st: Statement, policy_type: str, index: int, variables: bool) -> None:
        self.statement = st
        self.policy_type = policy_type
        self.index = index
        deny = self.deny = st.effect == "Deny"
        self.action = action_matcher(st.action) if st.action is not None else None
        self.not_action = action_matcher(st.not_action) if st.not_action is not None else None
        self.patterns: tuple[ResourcePattern, ...] = ()
        if st.resource is not None:
            self.patterns = tuple(resource_pattern(v, policy_type, variables=variables, deny=deny) for v in st.resource)
            self.res_mode = RM_ALWAYS if "*" in st.resource else RM_LIST
        elif st.not_resource is not None:
            self.patterns = tuple(
                resource_pattern(v, policy_type, variables=variables, deny=deny, not_resource=True)
                for v in st.not_resource
            )
            self.res_mode = RM_NEVER if "*" in st.not_resource else RM_NOT_LIST
        else:
            self.res_mode = missing_resource_mode(policy_type, deny)
        self.matchers = _static_matchers(self.patterns, self.res_mode)
        self.principal = P.compile_principal(st.principal) if st.principal is not None else None
        self.not_principal = P.compile_principal(st.not_principal) if st.not_principal is not None else None
        self.clauses: tuple[Clause, ...] = tuple(
            make_clause(op, key, values, variables) for op, keys in st.condition.items() for key, values in keys.items()
        )
        self.unconditional = not self.clauses and self.res_mode in (RM_ALWAYS, RM_NEVER)

    def action_matches(self, action_lower: str) -> bool:
        if self.action is not None:
            return self.action.matches(action_lower)
        if self.not_action is not None:
            return not self.not_action.matches(action_lower)
        return False

    def pattern_results(self, req: Prepared) -> list[int]:
        """Each Resource/NotResource value's MATCH / NO_MATCH / ERROR for the request."""
        resource, ctx = req.resource, req.context
        if req.wild:
            allow, nr, wo = not self.deny, self.res_mode == RM_NOT_LIST, req.wildcard_only
            return [
                wildcard_request_test(p, resource, ctx, allow=allow, not_resource=nr, wildcard_only=wo)
                for p in self.patterns
            ]
        return [p.test(resource, ctx) for p in self.patterns]

    def resource_matches(self, req: Prepared) -> bool:
        mode = self.res_mode
        if mode == RM_ALWAYS:
            return True
        if mode == RM_NEVER:
            return False
        if req.wild:
            results = self.pattern_results(req)
            return all(r == NO_MATCH for r in results) if mode == RM_NOT_LIST else MATCH in results
        resource = req.resource
        matchers = self.matchers
        if matchers is not None:  # static patterns: a concrete resource matches or not (no ERROR to tell apart)
            for m in matchers:
                if m(resource):
                    return mode == RM_LIST
            return mode != RM_LIST
        ctx = req.context
        if mode == RM_LIST:
            for p in self.patterns:  # noqa: SIM110 (hot path: a loop beats a generator)
                if p.test(resource, ctx) == MATCH:
                    return True
            return False
        for p in self.patterns:  # noqa: SIM110
            if p.test(resource, ctx) != NO_MATCH:
                return False
        return True

    def conditions_match(self, ctx: Mapping[str, Any]) -> bool:
        for c in self.clauses:  # noqa: SIM110
            if not c.test(ctx):
                return False
        return True

    def applies(self, req: Prepared) -> bool:
        """Resource and conditions (the action has already matched)."""
        if self.unconditional:
            return self.res_mode == RM_ALWAYS
        return self.resource_matches(req) and self.conditions_match(req.context)

    def principal_level(self, p: P.RequestPrincipal, has_boundary: bool) -> int:
        if self.principal is not None:
            return P.principal_level(self.principal, p)
        if self.not_principal is not None:
            if self.deny and has_boundary:
                return P.MATCH
            return P.not_principal_level(self.not_principal, p)
        return P.NONE


def _static_matchers(patterns: tuple[ResourcePattern, ...], mode: ResourceMode) -> tuple[Any, ...] | None:
    """Matchers (truthy on a match) of the patterns when each is static and only MATCH vs the rest counts for a
    concrete resource: any MATCH for a Resource list; for a NotResource list every value must be NO_MATCH, so a
    value whose non-match is an ERROR (an expanded short ARN) keeps the general path. Else None. The literal
    values are one set lookup, the values ending in their only ``*`` one ``startswith``, the rest a regex each."""
    if mode not in (RM_LIST, RM_NOT_LIST) or not patterns:
        return None
    if any(p.kind != K_STATIC or p.match is None or (mode == RM_NOT_LIST and p.expanded) for p in patterns):
        return None
    literals = frozenset(p.literal for p in patterns if p.literal is not None)
    prefixes = tuple(p.prefix for p in patterns if p.prefix is not None)
    out: list[Callable[[str], object]] = [literals.__contains__] if literals else []
    if prefixes:  # one call for all of them
        out.append(methodcaller("startswith", prefixes))
    out += [p.match for p in patterns if p.match is not None and p.literal is None and p.prefix is None]
    return tuple(out)


def missing_resource_mode(policy_type: str, deny: bool) -> ResourceMode:
    """A statement with neither Resource nor NotResource. In a resource policy (a role's trust policy has no
    Resource) it is the resource the policy is attached to; elsewhere IAM refuses the document, and the
    engine fails closed: such an Allow grants nothing, such a Deny denies everything it names."""
    if policy_type == "resource" or deny:
        return RM_ALWAYS
    return RM_NEVER


class CompiledDocument:
    """One document compiled for one policy type; :meth:`for_action` lists its statements matching an
    action (computed once per action)."""

    __slots__ = ("_by_action", "document", "policy_type", "statements")

    def __init__(self, document: PolicyDocument, policy_type: str) -> None:
        self.document = document
        self.policy_type = policy_type
        variables = document.version == VARIABLES_VERSION
        self.statements = tuple(CStatement(st, policy_type, i, variables) for i, st in enumerate(document.statements))
        self._by_action: dict[str, tuple[CStatement, ...]] = {}

    def for_action(self, action_lower: str) -> tuple[CStatement, ...]:
        hit = self._by_action.get(action_lower)
        if hit is None:
            hit = tuple(s for s in self.statements if s.action_matches(action_lower))
            if len(self._by_action) < 4096:
                self._by_action[action_lower] = hit
        return hit


_DOCUMENTS: dict[tuple[str, bytes | str], CompiledDocument] = {}
_DOCUMENT_CACHE_SIZE = 4096


def document_key(doc: DocLike) -> bytes | str:
    """A key equal for two documents with the same content (key order ignored): sorted-key JSON.

    orjson when the process has loaded it (the batch path); else the standard library, so that a single
    ``simulate`` or ``verify`` does not pay orjson's import (~10 ms) for one key."""
    data = doc.raw or doc.canonical() if isinstance(doc, PolicyDocument) else doc
    if isinstance(data, str):
        return data
    orjson = sys.modules.get("orjson")
    if orjson is not None:
        try:
            key: bytes = orjson.dumps(data, option=orjson.OPT_SORT_KEYS)
            return key
        except TypeError:  # e.g. an integer beyond 64 bits
            pass
    return json.dumps(data, sort_keys=True, separators=(",", ":"))


def compile_document(doc: DocLike, policy_type: str, key: bytes | str | None = None) -> CompiledDocument:
    """The compiled document, from the cache when the same content was compiled for this policy type before.

    Raises :class:`byoc_iam.model.policy.PolicyParseError` when the document cannot be parsed."""
    cache_key = (policy_type, document_key(doc) if key is None else key)
    hit = _DOCUMENTS.get(cache_key)
    if hit is None:
        hit = CompiledDocument(policy(doc), policy_type)
        if len(_DOCUMENTS) >= _DOCUMENT_CACHE_SIZE:
            _DOCUMENTS.clear()
        _DOCUMENTS[cache_key] = hit
    return hit


class Prepared:
    """A request prepared for evaluation (see :meth:`CompiledPolicies.prepare`); ``plan`` is the plan for the
    action of the policy set's core, ``session_group`` and ``resource_stmts`` its session and resource policies'
    statements for the action (None: the set has none)."""

    __slots__ = (
        "action",
        "context",
        "plan",
        "principal",
        "resource",
        "resource_account",
        "resource_stmts",
        "same_account",
        "service",
        "session_group",
        "wild",
        "wildcard_only",
    )

    action: str
    context: Mapping[str, Any]
    plan: Any
    principal: P.RequestPrincipal
    resource: str
    resource_account: str | None
    resource_stmts: tuple[CStatement, ...] | None
    same_account: bool
    service: str
    session_group: Any
    wild: bool
    wildcard_only: bool


_EMPTY: dict[str, Any] = {}
