"""Documents IAM would refuse: any ERROR finding of :func:`byoc_iam.lint.lint_document` (IAM's
MalformedPolicyDocument, or a part that cannot work), or a document the engine refuses to compile. verify does
not evaluate them: a refused document grants nothing and a refused trust policy trusts no one."""

from __future__ import annotations

from dataclasses import dataclass

from byoc_iam.engine import PolicySet, compile_policies
from byoc_iam.model import PolicyDocument


@dataclass(frozen=True)
class Refusal:
    """Why a document is refused: its label, the number of problems and the first one (``code pointer: msg``)."""

    label: str
    count: int
    first: str


def refusal(label: str, document: PolicyDocument, policy_type: str) -> Refusal | None:
    """The refusal of one document (``policy_type``: ``identity`` or ``trust``), or None when it is sound."""
    from byoc_iam.lint import Severity, lint_document

    errors = [f for f in lint_document(document, policy_type, trust_mode="auto") if f.severity is Severity.ERROR]
    if errors:
        f = errors[0]
        return Refusal(label, len(errors), f"{f.code} {f.path or '/'}: {f.message}")
    try:
        if policy_type == "trust":
            compile_policies(PolicySet(identity=[], resource=document))
        else:
            compile_policies(PolicySet(identity=[document]))
    except ValueError as exc:  # the engine's refusal (its typed errors are ValueErrors, as PolicyParseError is)
        return Refusal(label, 1, f"engine: {exc}")
    return None
