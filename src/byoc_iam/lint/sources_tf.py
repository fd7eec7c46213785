"""Terraform sources for :mod:`byoc_iam.lint.sources`: ``.tf`` (python-hcl2), ``.tf.json`` and plan JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from byoc_iam.lint.context import PolicyType
from byoc_iam.lint.sources import IGNORE_COMMENT, TF_ATTRIBUTES, EmbeddedPolicy, SourceError

_JSONENCODE = re.compile(r"^\$\{jsonencode\((.*)\)\}$", re.S)


def _hcl_options() -> Any:
    import hcl2

    return hcl2.SerializationOptions(with_comments=True, strip_string_quotes=True, preserve_heredocs=False)


def _loads(text: str) -> dict[str, Any]:
    import hcl2

    try:
        data: dict[str, Any] = hcl2.loads(text, serialization_options=_hcl_options())
    except Exception as exc:  # python-hcl2 raises lark errors of several classes
        raise SourceError(
            f"not valid Terraform (HCL): {str(exc).splitlines()[0] if str(exc) else type(exc).__name__}"
        ) from None
    return data


def _clean(value: Any) -> Any:
    """HCL values as JSON: drop hcl2's ``__comments__``/``__is_block__`` keys."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if not k.startswith("__")}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value


def _unescape(value: Any) -> Any:
    """Terraform writes a literal ``${`` as ``$${`` (policy variables); turn it back."""
    if isinstance(value, str):
        return value.replace("$${", "${").replace("%%{", "%{")
    if isinstance(value, dict):
        return {k: _unescape(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unescape(v) for v in value]
    return value


def document_value(raw: Any) -> Any | None:
    """The policy document an attribute value holds: ``jsonencode({...})``, JSON text, or None (an expression)."""
    if isinstance(raw, dict):
        return _unescape(_clean(raw))
    if not isinstance(raw, str):
        return None
    m = _JSONENCODE.match(raw.strip())
    if m:
        inner = _loads(f"v = {m.group(1)}")
        return _unescape(_clean(inner.get("v")))
    text = raw.strip()
    if text.startswith("{"):
        try:
            return _unescape(json.loads(text))
        except json.JSONDecodeError:
            return text  # lint_document reports E1001
    return None


def _listed(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]


def policy_document_block(block: dict[str, Any]) -> dict[str, Any]:
    """A ``data "aws_iam_policy_document"`` block as the JSON document Terraform renders from it."""
    statements = []
    for st in _listed(block.get("statement", [])):
        if not isinstance(st, dict):
            continue
        out: dict[str, Any] = {}
        if "sid" in st:
            out["Sid"] = st["sid"]
        out["Effect"] = st.get("effect", "Allow")
        for src, dst in (
            ("actions", "Action"),
            ("not_actions", "NotAction"),
            ("resources", "Resource"),
            ("not_resources", "NotResource"),
        ):
            if src in st:
                out[dst] = st[src]
        for src, dst in (("principals", "Principal"), ("not_principals", "NotPrincipal")):
            ps = [p for p in _listed(st.get(src, [])) if isinstance(p, dict)]
            if ps:
                if len(ps) == 1 and ps[0].get("type") == "*":
                    out[dst] = "*"
                else:
                    merged: dict[str, list[Any]] = {}
                    for p in ps:
                        merged.setdefault(str(p.get("type")), []).extend(_listed(p.get("identifiers", [])))
                    out[dst] = merged
        conds = [c for c in _listed(st.get("condition", [])) if isinstance(c, dict)]
        if conds:
            cond: dict[str, dict[str, Any]] = {}
            for c in conds:
                cond.setdefault(str(c.get("test")), {})[str(c.get("variable"))] = c.get("values")
            out["Condition"] = cond
        statements.append(out)
    doc: dict[str, Any] = {"Version": block.get("version", "2012-10-17"), "Statement": _unescape(statements)}
    return doc


def _blocks(data: dict[str, Any], section: str) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """``(type, name, body)`` of every block in a ``resource``/``data`` section (HCL lists or tf.json maps)."""
    sec = data.get(section, [])
    for group in _listed(sec):
        if not isinstance(group, dict):
            continue
        for rtype, named in group.items():
            for named_group in _listed(named):
                if not isinstance(named_group, dict):
                    continue
                for name, body in named_group.items():
                    for b in _listed(body):
                        if isinstance(b, dict):
                            yield str(rtype), str(name), b


def _ignore_codes(body: dict[str, Any]) -> frozenset[str]:
    out: set[str] = set()
    for c in body.get("__comments__", []) or []:
        m = IGNORE_COMMENT.search(str(c.get("value", "")) if isinstance(c, dict) else str(c))
        if m:
            out.update(x.strip().upper() for x in m.group(1).split(",") if x.strip())
    return frozenset(out)


def _line_of(text: str | None, header: str, attribute: str | None) -> int | None:
    if text is None:
        return None
    m = re.search(header, text)
    if m is None:
        return None
    start = m.start()
    if attribute:
        a = re.compile(rf"^\s*\"?{re.escape(attribute)}\"?\s*[=:{{]", re.M).search(text, m.end())
        if a is not None:
            start = a.start() + len(a.group(0)) - len(a.group(0).lstrip())
    return text.count("\n", 0, start) + 1


def _from_blocks(data: dict[str, Any], text: str | None) -> list[EmbeddedPolicy]:
    out: list[EmbeddedPolicy] = []
    for rtype, name, body in _blocks(data, "resource"):
        header = rf"(resource\s+\"{re.escape(rtype)}\"\s+\"{re.escape(name)}\"|\"{re.escape(name)}\"\s*:)"
        for attr, ptype in TF_ATTRIBUTES.get(rtype, {}).items():
            for i, raw in enumerate(_policy_values(body, attr)):
                doc = document_value(raw)
                if doc is not None:
                    label = f"{rtype}.{name}.{attr}" + (f"[{i}]" if attr == "inline_policy" else "")
                    out.append(EmbeddedPolicy(label, ptype, doc, _line_of(text, header, attr), _ignore_codes(body)))
    for dtype, name, body in _blocks(data, "data"):
        if dtype == "aws_iam_policy_document":
            header = rf"(data\s+\"aws_iam_policy_document\"\s+\"{re.escape(name)}\"|\"{re.escape(name)}\"\s*:)"
            doc = policy_document_block(_clean(body))
            ptype = _doc_type(doc)
            out.append(
                EmbeddedPolicy(
                    f"data.aws_iam_policy_document.{name}",
                    ptype,
                    doc,
                    _line_of(text, header, None),
                    _ignore_codes(body),
                )
            )
    return out


def _policy_values(body: dict[str, Any], attr: str) -> list[Any]:
    if attr == "inline_policy":
        return [b.get("policy") for b in _listed(body.get("inline_policy", [])) if isinstance(b, dict)]
    return [body[attr]] if attr in body else []


def _doc_type(doc: Any) -> PolicyType:
    """An aws_iam_policy_document's type: inferred as ``lint --type auto`` does."""
    from byoc_iam.lint.runner import infer_policy_type

    return infer_policy_type(doc)


def from_hcl(text: str) -> list[EmbeddedPolicy]:
    """Policies in a ``.tf`` file."""
    return _from_blocks(_loads(text), text)


def from_tf_json(data: dict[str, Any], text: str | None = None) -> list[EmbeddedPolicy]:
    """Policies in a ``.tf.json`` file (attribute strings are JSON text or ``${jsonencode(...)}``)."""
    return _from_blocks(data, text)


def _plan_resources(module: Any) -> Iterator[dict[str, Any]]:
    if not isinstance(module, dict):
        return
    for r in module.get("resources", []) or []:
        if isinstance(r, dict):
            yield r
    for child in module.get("child_modules", []) or []:
        yield from _plan_resources(child)


def from_plan(data: dict[str, Any]) -> list[EmbeddedPolicy]:
    """Policies in ``terraform show -json`` output: every module's planned values (no source positions)."""
    out: list[EmbeddedPolicy] = []
    root = (data.get("planned_values") or {}).get("root_module") or (data.get("values") or {}).get("root_module")
    for r in _plan_resources(root):
        values = r.get("values") or {}
        rtype, address = str(r.get("type")), str(r.get("address"))
        if r.get("mode") == "data" and rtype == "aws_iam_policy_document" and isinstance(values.get("json"), str):
            doc = document_value(values["json"])
            out.append(EmbeddedPolicy(address, _doc_type(doc), doc))
            continue
        for attr, ptype in TF_ATTRIBUTES.get(rtype, {}).items():
            for i, raw in enumerate(_policy_values(values, attr)):
                doc = document_value(raw)
                if doc is not None:
                    out.append(
                        EmbeddedPolicy(f"{address}.{attr}" + (f"[{i}]" if attr == "inline_policy" else ""), ptype, doc)
                    )
    return out
