"""E1011: an element IAM does not know (a misspelt or wrongly cased key, a principal type, an operator)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import operator_suggestion, parse_operator
from byoc_iam.lint.positions import escape
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.policy import DOCUMENT_ELEMENTS, STATEMENT_ELEMENTS

PRINCIPALS = ("AWS", "Service", "Federated", "CanonicalUser")


def _hint(name: str, known: tuple[str, ...]) -> str:
    match = next((k for k in known if k.lower() == name.lower()), None)
    return f" (did you mean {match}? names are case-sensitive)" if match else ""


def check(ctx: DocContext) -> Iterator[Hit]:
    if not isinstance(ctx.doc, dict):
        return
    for key in ctx.doc:
        if key not in DOCUMENT_ELEMENTS:
            yield Hit(f"unknown document element {key!r}{_hint(key, DOCUMENT_ELEMENTS)}", ctx.ptr(key))
    for st in ctx.good_statements():
        for key in st.raw:
            if key not in STATEMENT_ELEMENTS:
                yield Hit(
                    f"unknown statement element {key!r}{_hint(key, STATEMENT_ELEMENTS)}", f"{st.ptr}/{escape(key)}"
                )
        for name in ("Principal", "NotPrincipal"):
            p = st.raw.get(name)
            if isinstance(p, dict):
                for kind in p:
                    if kind not in PRINCIPALS:
                        yield Hit(
                            f"unknown principal type {kind!r}{_hint(kind, PRINCIPALS)}; expected one of "
                            f"{', '.join(PRINCIPALS)}",
                            f"{st.ptr}/{name}/{escape(kind)}",
                        )
        cond = st.raw.get("Condition")
        if isinstance(cond, dict):
            for op in cond:
                if parse_operator(op).base is None:
                    better = operator_suggestion(op)
                    hint = f" (did you mean {better}? operators are case-sensitive)" if better else ""
                    yield Hit(f"unknown condition operator {op!r}{hint}", f"{st.ptr}/Condition/{escape(op)}")


RULE = Rule(
    "E1011",
    "unknown-element",
    "Document, statement, principal-type and condition-operator names must be ones IAM knows.",
    check,
    aws_checks=(
        "Invalid condition operator",
        "Null with if exists",
        "Invalid principal key",
        "Invalid policy element",
    ),
)
