"""The checked entry point: compile only documents IAM would accept.

One rule decides (issue 10): a document with any finding the linter rates ERROR
(:func:`byoc_iam.lint.lint_document`) is refused with :class:`byoc_iam.errors.MalformedPolicyError`, naming
the document, the JSON pointer of the element and the rule code. Verdicts are cached per document content
and policy type, like the compiled documents. The linter never imports the engine.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from byoc_iam.engine.compiled import CompiledPolicies
from byoc_iam.engine.statements import CompiledDocument, compile_document, document_key
from byoc_iam.engine.types import DocLike, PolicySet
from byoc_iam.errors import MalformedPolicyError

# The linter's policy type for each of the engine's (a resource policy may be a role's trust policy).
LINT_TYPES = {
    "identity": "identity",
    "session": "identity",
    "pb": "identity",
    "resource": "auto",
    "scp": "scp",
    "rcp": "resource",
    "vpce": "resource",
}
_VERDICTS: dict[tuple[str, bytes | str], tuple[str, str, str] | None] = {}


@cache
def _not_errors() -> frozenset[str]:
    """The codes of rules below ERROR: they cannot refuse a document, so the check skips them (and does not
    import them)."""
    from byoc_iam.lint.rules import rule_codes

    return frozenset(rule_codes(letters="SWI"))


def refusal(doc: DocLike, policy_type: str, key: bytes | str | None = None) -> tuple[str, str, str] | None:
    """``(pointer, rule code, message)`` of the first ERROR finding for the document, or ``None``
    (``key``: the document's :func:`document_key`, when the caller has it)."""
    cache_key = (policy_type, document_key(doc) if key is None else key)
    if cache_key in _VERDICTS:
        return _VERDICTS[cache_key]
    from byoc_iam.lint import Severity, lint_document

    findings = lint_document(doc, LINT_TYPES.get(policy_type, "auto"), ignore=_not_errors())
    errors = [f for f in findings if f.severity == Severity.ERROR]
    verdict = (errors[0].path, errors[0].code, errors[0].message) if errors else None
    if len(_VERDICTS) >= 4096:
        _VERDICTS.clear()
    _VERDICTS[cache_key] = verdict
    return verdict


def check_document(doc: DocLike, policy_type: str, name: str) -> CompiledDocument:
    """The compiled document, or :class:`MalformedPolicyError` when IAM would refuse it (``name`` names it in
    the error)."""
    key = document_key(doc)
    verdict = refusal(doc, policy_type, key)
    if verdict is not None:
        raise MalformedPolicyError(name, *verdict)
    return compile_document(doc, policy_type, key)


def _checked(docs: Sequence[DocLike], policy_type: str, name: str) -> tuple[CompiledDocument, ...]:
    return tuple(check_document(d, policy_type, f"{name}[{i}]") for i, d in enumerate(docs))


def compile_checked(policies: PolicySet, names: dict[str, str] | None = None) -> CompiledPolicies:
    """:func:`byoc_iam.engine.compile_policies`, refusing any document IAM would refuse.

    ``names`` maps a policy type (``identity``, ``resource``, ``boundary``, ``scp``, ``rcp``, ``session``,
    ``endpoint``) to the name used in errors (default: the type). Raises :class:`MalformedPolicyError`."""
    n = {**{k: k for k in ("identity", "resource", "boundary", "scp", "rcp", "session", "endpoint")}, **(names or {})}
    ps = policies
    return CompiledPolicies(
        identity=_checked(ps.identity, "identity", n["identity"]),
        resource=check_document(ps.resource, "resource", n["resource"]) if ps.resource is not None else None,
        boundary=_checked(ps.boundary, "pb", n["boundary"]) if ps.boundary is not None else None,
        scp=tuple(_checked(lv, "scp", f"{n['scp']}[{i}]") for i, lv in enumerate(ps.scp))
        if ps.scp is not None
        else None,
        rcp=tuple(_checked(lv, "rcp", f"{n['rcp']}[{i}]") for i, lv in enumerate(ps.rcp))
        if ps.rcp is not None
        else None,
        session=check_document(ps.session, "session", n["session"]) if ps.session is not None else None,
        endpoint=_checked(ps.endpoint, "vpce", n["endpoint"]) if ps.endpoint is not None else None,
    )
