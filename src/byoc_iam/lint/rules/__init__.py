"""The lint rules: one module per rule, each exporting ``RULE``.

A rule has a code (the letter is its severity: E error, S security warning, W warning, I suggestion;
the first digit its family: 1 grammar, 2 catalog, 3 security, 4 this role, 5 redundancy), a name, a
severity, a one-line description, the policy types it applies to, and a check over one document
(:class:`DocContext`) or over a whole role (:class:`RoleContext`). A check yields :class:`Hit`\\ s;
the runner turns them into findings with line, column, statement index and Sid.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import import_module

from byoc_iam.lint.context import POLICY_TYPES, DocContext, PolicyType, RoleContext
from byoc_iam.lint.finding import Severity


@dataclass(frozen=True)
class Hit:
    """A rule's raw finding: a message and an absolute JSON pointer."""

    message: str
    ptr: str


DocCheck = Callable[[DocContext], Iterable[Hit]]
RoleCheck = Callable[[RoleContext], Iterable[Hit]]


@dataclass(frozen=True)
class Rule:
    """One lint rule (see the module docstring for the code scheme)."""

    code: str
    name: str
    severity: Severity
    description: str
    check: DocCheck | None = None
    check_role: RoleCheck | None = None
    types: tuple[PolicyType, ...] = POLICY_TYPES


# One module per rule, in code order. Adding a rule: a module here, its test in tests/lint/, and the
# README table (tests/lint keeps the table in sync).
RULE_MODULES = (
    "e1001_invalid_json",
    "e1002_version",
    "w1003_version_missing",
    "e1004_statement",
    "e1005_effect",
    "e1006_action",
    "e1007_resource",
    "e1008_principal",
    "e1009_duplicate_sid",
    "e1010_empty",
    "e1011_unknown_element",
    "e1012_value_type",
    "e1013_duplicate_key",
    "e1014_sid_format",
    "e2001_unknown_service",
    "e2002_unknown_action",
    "e2003_wildcard_matches_nothing",
    "e2004_unknown_condition_key",
    "e2005_operator_type",
    "e2006_resource_type_mismatch",
    "e2007_invalid_arn",
    "e2008_condition_value_type",
    "e2009_trust_action",
    "s3001_trust_principal_star",
    "s3002_oidc_missing_aud",
    "s3003_oidc_wildcard_sub",
    "s3004_passrole_star",
    "s3005_allow_not_principal",
    "s3006_allow_not_action",
    "w3007_confused_deputy",
    "e4001_placeholder",
    "i4002_placeholder_trust",
    "e4003_managed_policy_unknown",
    "e4004_managed_policy_service_linked",
    "w4005_managed_policy_deprecated",
    "e4006_size_quota",
    "i5001_redundant_statement",
    "i5002_duplicate_value",
    "i5003_covered_by_wildcard",
)


@cache
def all_rules() -> tuple[Rule, ...]:
    """Every rule, in code order."""
    rules: tuple[Rule, ...] = tuple(import_module(f"{__name__}.{m}").RULE for m in RULE_MODULES)
    return rules


def rule(code: str) -> Rule | None:
    """The rule with this code (any case), or None."""
    code = code.upper()
    return next((r for r in all_rules() if r.code == code), None)
