"""E1016: a policy variable IAM cannot use: malformed (``${aws:username``, ``${}``, ``${aws: username}``,
a default not in single quotes), in an element other than Resource/NotResource/Condition, under a
non-String/ARN operator, or in a document whose Version is not 2012-10-17 (there ``${...}`` is literal).

Placeholders such as ``${YOUR_REGION}`` are E4001's. Source: IAM User Guide, "IAM policy elements:
Variables and tags"; Access Analyzer checks listed in ``aws_checks``.
"""

import re
from collections.abc import Iterator
from typing import Any

from byoc_iam.lint.context import DocContext, StatementView
from byoc_iam.lint.helpers import is_policy_variable, parse_operator
from byoc_iam.lint.positions import escape
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.patterns import lazy

_VAR = lazy(r"\$\{([^}]*)\}")


def syntax_problem(text: str) -> str | None:
    """What is wrong with the ``${...}`` parts of a string, or None."""
    if text.count("${") > len(_VAR.findall(text)):
        return "a policy variable is missing its closing }"
    for inner in _VAR.findall(text):
        if not inner.strip():
            return "${} is an empty policy variable: name one (e.g. ${aws:username}) or remove it"
        name, comma, default = inner.partition(",")
        if ":" in name and " " in name.strip():
            return f"${{{inner}}}: a policy variable has no spaces (write ${{{name.replace(' ', '')}}})"
        if comma and not re.fullmatch(r"\s*'[^']*'\s*", default):
            return f"${{{inner}}}: the default value goes in single quotes, e.g. ${{{name.strip()}, 'none'}}"
    return None


def _variables(text: str) -> list[str]:
    return [m for m in _VAR.findall(text) if is_policy_variable(m)]


def _strings_under(node: Any, ptr: str) -> Iterator[tuple[str, str]]:
    if isinstance(node, str):
        yield node, ptr
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _strings_under(v, f"{ptr}/{i}")
    elif isinstance(node, dict):
        for k, v in node.items():
            yield from _strings_under(v, f"{ptr}/{escape(str(k))}")


def _statement(ctx: DocContext, st: StatementView, versioned: bool) -> Iterator[Hit]:
    for name in ("Action", "NotAction", "Sid", "Effect", "Principal", "NotPrincipal"):
        for text, ptr in _strings_under(st.raw.get(name), f"{st.ptr}/{name}"):
            if "${" in text and _variables(text):
                yield Hit(f"policy variables work only in Resource and Condition values, not in {name}", ptr)
    values = [*(st.resource or []), *(st.not_resource or [])]
    for r in values:
        why = syntax_problem(r.value)
        if why:
            yield Hit(why, r.ptr)
        elif _variables(r.value) and not versioned:
            yield Hit('policy variables need "Version": "2012-10-17"; here ${...} is a literal string', r.ptr)
    for c in st.conditions:
        op = parse_operator(c.operator)
        for v in c.values:
            if not isinstance(v.raw, str):
                continue
            why = syntax_problem(v.raw)
            if why:
                yield Hit(why, v.ptr)
            elif _variables(v.raw):
                if not versioned:
                    yield Hit('policy variables need "Version": "2012-10-17"; here ${...} is a literal string', v.ptr)
                elif op.kind not in (None, "String", "ARN"):
                    yield Hit(f"policy variables work only with String and ARN operators, not {c.operator}", v.ptr)


def check(ctx: DocContext) -> Iterator[Hit]:
    if "${" not in ctx.text:
        return  # every finding of this rule is about a ${...} in some string
    versioned = isinstance(ctx.doc, dict) and ctx.doc.get("Version") == "2012-10-17"
    for st in ctx.good_statements():
        yield from _statement(ctx, st, versioned)


RULE = Rule(
    "E1016",
    "policy-variable",
    "Policy variables must be well-formed, in Resource/Condition, under String/ARN operators, Version 2012-10-17.",
    check,
    aws_checks=(
        "Missing brace in variable",
        "Missing quote in variable",
        "Unsupported space in variable",
        "Empty variable",
        "Variable unsupported in element",
        "Variable unsupported in version",
        "Invalid variable for operator",
    ),
)
