"""Documents IAM would refuse: any ERROR finding of :func:`byoc_iam.lint.lint_document` (IAM's
MalformedPolicyDocument, or a part that cannot work), or a document the engine refuses to compile. verify does
not evaluate them: a refused document grants nothing and a refused trust policy trusts no one."""

from __future__ import annotations

import json
from functools import lru_cache

from byoc_iam.engine import PolicySet, compile_policies
from byoc_iam.model import PolicyDocument
from byoc_iam.model.record import record


@record(frozen=True, kw_only=False)
class Refusal:
    """Why a document is refused: its label, the number of problems and the first one (``code pointer: msg``)."""

    label: str
    count: int
    first: str


def refusal(label: str, document: PolicyDocument, policy_type: str) -> Refusal | None:
    """The refusal of one document (``policy_type``: ``identity`` or ``trust``), or None when it is sound
    (cached by the document's text: verifying the same role again costs nothing here)."""
    raw = document.to_dict()
    if policy_type == "identity" and _known_sound(raw):
        return None
    problem = _problem(json.dumps(raw, sort_keys=True), policy_type)
    return None if problem is None else Refusal(label, problem[0], problem[1])


def _known_sound(raw: dict[str, object]) -> bool:
    """Whether ``raw`` is byte for byte (canonical JSON) one of the packaged controller policies
    (:mod:`byoc_iam.lint.known_clean`): every lint rule passes them as identity policies whatever the options,
    and the engine compiles them (``tests/verify/test_verify_documents_known.py`` checks that :func:`_problem`
    finds nothing in each), so their refusal is None without linting them again (issue 18: linting them loads
    the service catalog's largest files)."""
    from byoc_iam.lint.known_clean import is_known_clean

    return is_known_clean(raw)


@lru_cache(maxsize=256)
def _problem(text: str, policy_type: str) -> tuple[int, str] | None:
    """(number of problems, the first) of a document given as JSON text, or None."""
    from byoc_iam.lint import Severity, lint_document
    from byoc_iam.lint.rules import rule_codes

    document = PolicyDocument.from_json(text)
    findings = lint_document(document, policy_type, trust_mode="auto", ignore=rule_codes(letters="SWI"))
    errors = [f for f in findings if f.severity is Severity.ERROR]
    if errors:
        f = errors[0]
        return len(errors), f"{f.code} {f.path or '/'}: {f.message}"
    try:
        if policy_type == "trust":
            compile_policies(PolicySet(identity=[], resource=document))
        else:
            compile_policies(PolicySet(identity=[document]))
    except ValueError as exc:  # the engine's refusal (its typed errors are ValueErrors, as PolicyParseError is)
        return 1, f"engine: {exc}"
    return None
