"""The policy linter: offline checks at the level of IAM Access Analyzer's validate-policy, plus checks
that only a tool that knows the BYOC role can make.

    from byoc_iam.lint import lint_document, lint_role, Finding, Severity
    findings = lint_document(text, "trust", file="trust.json")
    findings = lint_role(spec, trust_mode="placeholder")

Rules live one per module in :mod:`byoc_iam.lint.rules` (``all_rules()``); each has a code, a severity,
a one-line description and the policy types it applies to.
"""

from byoc_iam.lint.context import (
    DEFAULT_MANAGED_PER_ROLE,
    DEFAULT_TRUST_SIZE,
    ORIGINS,
    POLICY_TYPES,
    TRUST_MODES,
    LintOptions,
    Origin,
    PolicyType,
    TrustMode,
)
from byoc_iam.lint.finding import Finding, Severity
from byoc_iam.lint.rules import Rule, all_rules, rule
from byoc_iam.lint.runner import failing, infer_policy_type, lint_document, lint_role

__all__ = [
    "DEFAULT_MANAGED_PER_ROLE",
    "DEFAULT_TRUST_SIZE",
    "ORIGINS",
    "POLICY_TYPES",
    "TRUST_MODES",
    "Finding",
    "LintOptions",
    "Origin",
    "PolicyType",
    "Rule",
    "Severity",
    "TrustMode",
    "all_rules",
    "failing",
    "infer_policy_type",
    "lint_document",
    "lint_role",
    "rule",
]
