"""Run the rules over a document or a whole role and turn their hits into findings."""

from __future__ import annotations

import json
import re
from collections.abc import Collection, Iterable, Mapping
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from byoc_iam.lint.context import (
    ORIGINS,
    POLICY_TYPES,
    TRUST_MODES,
    DocContext,
    LintOptions,
    Origin,
    PolicyType,
    RoleContext,
    TrustMode,
)
from byoc_iam.lint.finding import Finding, Severity
from byoc_iam.lint.helpers import TRUST_ACTIONS
from byoc_iam.lint.known_clean import is_known_clean
from byoc_iam.lint.positions import SourceMap, escape, scan
from byoc_iam.lint.rules import Hit, Rule, rule, rule_of, rule_table, rules_except
from byoc_iam.model.patterns import lazy
from byoc_iam.model.record import replace

if TYPE_CHECKING:
    from byoc_iam.model import RoleSpec


_TRUST_LOWER = {a.lower() for a in TRUST_ACTIONS}


def infer_policy_type(doc: Any) -> PolicyType:
    """``auto``: a document with principals is a trust policy when it only grants sts: role actions, else a
    resource policy; a document without principals is an identity policy (an SCP cannot be told apart)."""
    body = doc.get("Statement") if isinstance(doc, dict) else None
    statements = body if isinstance(body, list) else [body]
    with_principal = [s for s in statements if isinstance(s, dict) and ("Principal" in s or "NotPrincipal" in s)]
    if not with_principal:
        return "identity"
    for s in with_principal:
        actions = s.get("Action", [])
        values = actions if isinstance(actions, list) else [actions]
        if not values or not all(isinstance(a, str) and a.lower() in _TRUST_LOWER for a in values):
            return "resource"
    return "trust"


def _options(options: LintOptions | None, **overrides: Any) -> LintOptions:
    ignore = overrides.get("ignore")
    if isinstance(ignore, frozenset):
        overrides["ignore"] = _upper(ignore)
    elif ignore is not None:
        overrides["ignore"] = frozenset(c.upper() for c in ignore)
    try:
        return _options_cached(options, tuple(sorted(overrides.items())))
    except TypeError:  # an unhashable override: build it every time
        return _build_options(options, **overrides)


@lru_cache(maxsize=64)
def _upper(codes: frozenset[str]) -> frozenset[str]:
    """The codes in upper case (a caller passing the same set each time pays once)."""
    return frozenset(c.upper() for c in codes)


@lru_cache(maxsize=256)
def _options_cached(options: LintOptions | None, overrides: tuple[tuple[str, Any], ...]) -> LintOptions:
    return _build_options(options, **dict(overrides))


def _build_options(options: LintOptions | None, **overrides: Any) -> LintOptions:
    base = options or LintOptions()
    fields = {k: v for k, v in overrides.items() if v is not None}
    if "ignore" in fields:
        fields["ignore"] = frozenset(c.upper() for c in fields["ignore"])
    if fields.get("trust_mode", base.trust_mode) not in TRUST_MODES:
        raise ValueError(f"trust_mode must be one of {', '.join(TRUST_MODES)}")
    if fields.get("origin", base.origin) not in ORIGINS:
        raise ValueError(f"origin must be one of {', '.join(ORIGINS)}")
    return replace(base, **fields)


def _finding(r: Rule, hit: Hit, ctx: DocContext | None, source: SourceMap | None, file: str | None) -> Finding:
    line = column = None
    if source is not None:
        pos = source.locate(hit.ptr)
        if pos is not None:
            line, column = pos
    index = sid = None
    if ctx is not None:
        rel = hit.ptr[len(ctx.base) :] if hit.ptr.startswith(ctx.base) else ""
        if rel == "/Statement" or rel.startswith("/Statement/"):
            parts = rel.split("/")
            if isinstance(ctx.doc, dict) and isinstance(ctx.doc.get("Statement"), list):
                index = int(parts[2]) if len(parts) > 2 and parts[2].isdigit() else None
            else:
                index = 0
            if index is not None and index < len(ctx.statements):
                sid = ctx.statements[index].sid
    return Finding(
        code=r.code,
        severity=r.severity,
        message=hit.message,
        file=file,
        path=hit.ptr,
        line=line,
        column=column,
        statement_index=index,
        sid=sid,
    )


def _sort(findings: Iterable[Finding]) -> list[Finding]:
    return sorted(
        findings,
        key=lambda f: (
            f.file or "",
            f.line is None,
            f.line or 0,
            f.column or 0,
            -1 if f.statement_index is None else f.statement_index,
            f.path,
            f.code,
        ),
    )


STRUCTURE = "E1004"  # the only rule that runs on something that is not a document at all


MAX_DEPTH = 64  # a policy is at most 6 levels deep; anything far deeper is not one (and would exhaust the stack)


def _too_deep(doc: Any, compact: str | None = None) -> bool:
    """True when some value sits more than MAX_DEPTH levels down (only containers are walked: a container at
    depth MAX_DEPTH with any child is too deep). ``compact``: the document's JSON, when known; with at most
    MAX_DEPTH brackets in it (each level opens one) no walk is needed."""
    if not isinstance(doc, dict | list):
        return False
    if compact is not None and compact.count("{") + compact.count("[") <= MAX_DEPTH:
        return False
    stack: list[tuple[Any, int]] = [(doc, 0)]
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if children and depth >= MAX_DEPTH:
            return True
        stack.extend((v, depth + 1) for v in children if isinstance(v, dict | list))
    return False


SUPPRESS_SID = lazy(r"^ByocLintIgnore((?:[EWSI]\d{4})+)")


def suppressed_by_sid(sid: str | None) -> frozenset[str]:
    """Rule codes a statement's Sid suppresses: ``ByocLintIgnoreS3004W3011Read`` -> {S3004, W3011}."""
    m = SUPPRESS_SID.match(sid or "")
    return frozenset(re.findall(r"[EWSI]\d{4}", m.group(1))) if m else frozenset()


def _unsuppressed(ctx: DocContext, findings: list[Finding]) -> list[Finding]:
    by_index = {st.index: suppressed_by_sid(st.sid) for st in ctx.statements}
    return [
        f for f in findings if f.code not in by_index.get(-1 if f.statement_index is None else f.statement_index, ())
    ]


@cache
def _doc_rules(
    ignore: frozenset[str], policy_type: PolicyType, origin: Origin, present: frozenset[str] | None
) -> tuple[Rule, ...]:
    """The document rules that run on a document of this type and origin (in code order). ``present``: the
    statement elements some rule needs that the document has (:func:`_present`) (a rule needing others finds nothing, so
    it is left out), or None when it is not a policy document (only E1004 runs). Only these rules' modules are
    imported, chosen by the packaged table (:func:`~byoc_iam.lint.rules.rule_table`), or by every rule itself when
    the table does not list the package's rule modules."""
    rows = rule_table()
    if rows is None:
        return tuple(
            r
            for r in rules_except(ignore)
            if r.check is not None
            and _applies(r.code, r.types, r.origins, frozenset(r.needs), policy_type, origin, present)
        )
    return tuple(
        rule_of(module)
        for module, code, types, origins, document, _, needs in rows
        if document and code not in ignore and _applies(code, types, origins, needs, policy_type, origin, present)
    )


@cache
def _need_elements() -> frozenset[str]:
    """Every statement element some rule needs (``Rule.needs``)."""
    rows = rule_table()
    if rows is None:
        return frozenset(n for r in rules_except(frozenset()) for n in r.needs)
    return frozenset().union(*(row[6] for row in rows))


def _present(doc: dict[str, Any]) -> frozenset[str]:
    """The elements some rule needs that some statement of ``doc`` (a dict with ``Statement``) has, a statement
    being a JSON object of the Statement list, or the Statement object itself."""
    body = doc["Statement"]
    found: set[Any] = set()
    for st in body if isinstance(body, list) else (body,):
        if isinstance(st, dict):
            found.update(st)
    return _need_elements().intersection(found)


def _applies(
    code: str,
    types: Collection[str],
    origins: Collection[str],
    needs: frozenset[str],
    policy_type: PolicyType,
    origin: Origin,
    present: frozenset[str] | None,
) -> bool:
    if policy_type not in types or origin not in origins:
        return False
    if present is None:
        return code == STRUCTURE
    return not needs or not needs.isdisjoint(present)


@cache
def _role_rules(ignore: frozenset[str]) -> tuple[Rule, ...]:
    """The rules with a role check, in code order (only their modules imported when the table is current)."""
    rows = rule_table()
    if rows is None:
        return tuple(r for r in rules_except(ignore) if r.check_role is not None)
    return tuple(rule_of(module) for module, code, *_, role, _ in rows if role and code not in ignore)


def _run_doc(ctx: DocContext) -> list[Finding]:
    out: list[Finding] = []
    if _too_deep(ctx.doc, ctx.compact_json):
        structure = rule(STRUCTURE)
        assert structure is not None
        hit = Hit(f"the JSON is nested more than {MAX_DEPTH} levels deep: not a policy document", ctx.base)
        return [_finding(structure, hit, None, ctx.source, ctx.file)]
    present = _present(ctx.doc) if isinstance(ctx.doc, dict) and "Statement" in ctx.doc else None
    for r in _doc_rules(ctx.options.ignore, ctx.policy_type, ctx.options.origin, present):
        assert r.check is not None
        for h in r.check(ctx):
            out.append(_finding(r, h, ctx, ctx.source, ctx.file))
    return _unsuppressed(ctx, out) if out else out


def _parse(text: str | bytes, file: str | None) -> tuple[Any, Finding | None]:
    invalid = rule("E1001")
    assert invalid is not None
    try:
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return json.loads(text), None
    except json.JSONDecodeError as exc:
        hit = Hit(f"invalid JSON: {exc.msg}", "")
        f = _finding(invalid, hit, None, None, file)
        return None, f._replace(line=exc.lineno, column=exc.colno)
    except UnicodeDecodeError as exc:
        return None, _finding(invalid, Hit(f"not UTF-8 text: {exc.reason}", ""), None, None, file)
    except RecursionError:
        return None, _finding(invalid, Hit("invalid JSON: nested too deeply", ""), None, None, file)


def lint_document(
    doc_or_text: Any,
    policy_type: PolicyType | str = "auto",
    file: str | None = None,
    *,
    trust_mode: TrustMode | None = None,
    trust_size_limit: int | None = None,
    ignore: Iterable[str] | None = None,
    origin: Origin | None = None,
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint one policy document: JSON text (str/bytes), a parsed ``dict`` or a ``PolicyDocument``.

    ``policy_type`` is ``identity``, ``trust``, ``resource``, ``scp`` or ``auto`` (inferred, see
    :func:`infer_policy_type`). ``trust_mode`` says whether the ``eks_oidc_url`` placeholder trust is
    intended (``placeholder``), forbidden (``resolved``) or recognised from its shape (``auto``, default).
    ``origin="aws-managed"`` says the document is an AWS managed policy (IAM stores it as is): no customer
    size quota applies, and what the service catalog snapshot does not know is a WARNING (W2018, the snapshot
    is behind) instead of the catalog ERRORs; the default ``"customer"`` keeps every rule at its severity.
    Line and column are filled when text is given. Never raises on bad policy input (ValueError on a bad
    ``policy_type``, ``trust_mode`` or ``origin``).
    """
    if policy_type not in (*POLICY_TYPES, "auto"):
        raise ValueError(f"policy_type must be one of {', '.join((*POLICY_TYPES, 'auto'))}")
    opts = _options(options, trust_mode=trust_mode, trust_size_limit=trust_size_limit, ignore=ignore, origin=origin)
    source: SourceMap | None = None
    if isinstance(doc_or_text, str | bytes):
        doc, failure = _parse(doc_or_text, file)
        if failure is not None:
            return [] if "E1001" in opts.ignore else [failure]
        source = scan(doc_or_text if isinstance(doc_or_text, str) else doc_or_text.decode("utf-8"))
    elif hasattr(doc_or_text, "to_dict") and hasattr(doc_or_text, "statements"):
        doc = doc_or_text.to_dict()
    elif isinstance(doc_or_text, Mapping):
        doc = dict(doc_or_text)
    else:
        doc = doc_or_text
    ptype: PolicyType = infer_policy_type(doc) if policy_type == "auto" else policy_type  # type: ignore[assignment]
    ctx = DocContext(doc, ptype, opts, source=source, file=file, auto_type=policy_type == "auto")
    return _sort(_run_doc(ctx))


def lint_role(
    spec: RoleSpec,
    *,
    file: str | None = None,
    text: str | None = None,
    trust_mode: TrustMode | None = None,
    trust_size_limit: int | None = None,
    managed_policies_limit: int | None = None,
    ignore: Iterable[str] | None = None,
    options: LintOptions | None = None,
) -> list[Finding]:
    """Lint a whole :class:`~byoc_iam.model.RoleSpec`: its trust policy, every inline and customer-managed
    policy, its managed policy ARNs and the role-level quotas.

    Pointers are relative to the RoleSpec JSON (``/trust_policy/Statement/3``,
    ``/inline_policies/<name>/...``); pass the RoleSpec's ``text`` to get lines and columns in it.
    ``trust_mode="placeholder"`` (or ``auto``, which recognises the rendered placeholder trust from its
    ``oidc-provider/eks_oidc_url`` principal) turns the intended placeholder into a SUGGESTION;
    ``resolved`` makes it an ERROR (the trust must be usable now).
    """
    opts = _options(
        options,
        trust_mode=trust_mode,
        trust_size_limit=trust_size_limit,
        managed_policies_limit=managed_policies_limit,
        ignore=ignore,
        origin="customer",  # a role's inline and customer-managed policies are the customer's documents
    )
    source = scan(text) if text is not None else None
    rctx = RoleContext(spec=spec, options=opts, source=source, file=file)
    docs: list[tuple[str, Any, PolicyType, str | None]] = [("/trust_policy", spec.trust_policy, "trust", None)]
    for field in ("inline_policies", "customer_managed_policies"):
        for name, doc in getattr(spec, field).items():
            docs.append((f"/{field}/{escape(name)}", doc, "identity", name))
    for base, doc, kind, name in docs:
        rctx.documents.append(DocContext(doc, kind, opts, base=base, source=source, file=file, name=name, in_role=True))
    out: list[Finding] = []
    for ctx in rctx.documents:
        if ctx.policy_type == "identity" and is_known_clean(ctx.doc):
            continue  # a packaged controller policy: every document rule passes it (lint/known_clean.py)
        out.extend(_run_doc(ctx))
    for r in _role_rules(opts.ignore):
        assert r.check_role is not None
        for hit in r.check_role(rctx):
            owner = next((c for c in rctx.documents if hit.ptr.startswith(c.base + "/") or hit.ptr == c.base), None)
            out.append(_finding(r, hit, owner, source, file))
    return _sort(out)


FAIL_ON: dict[str, Severity] = {
    "error": Severity.ERROR,
    "security": Severity.SECURITY_WARNING,
    "warning": Severity.WARNING,
    "suggestion": Severity.SUGGESTION,
}


def failing(findings: Iterable[Finding], *, strict: bool = False, fail_on: str = "error") -> bool:
    """True when the findings fail a run: any finding at ``fail_on`` severity or worse (``error``, ``security``,
    ``warning`` or ``suggestion``; ``strict`` is ``suggestion``, i.e. any finding). Raises ValueError on an
    unknown threshold."""
    if fail_on not in FAIL_ON:
        raise ValueError(f"fail_on must be one of {', '.join(FAIL_ON)}")
    threshold = FAIL_ON["suggestion" if strict else fail_on].rank
    return any(f.severity.rank <= threshold for f in findings)
