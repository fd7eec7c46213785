"""E4001: a placeholder left in a document that is about to be applied.

``{accountId}``, ``${YOUR_REGION}``/``${var.name}`` (``${...}`` that is not a policy variable such as
``${aws:username}``), ``<ACCOUNT_ID>`` and the literal ``eks_oidc_url`` of the Zilliz console document.
The intended ``eks_oidc_url`` of a placeholder-mode BYOC trust is I4002 instead.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import PLACEHOLDER_ISSUER, intended_placeholder_ptrs, placeholders
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.patterns import lazy

_BRACE = lazy(r"\{[A-Za-z_]")  # how {accountId} starts (a JSON object's own brace is followed by " or })


def check(ctx: DocContext) -> Iterator[Hit]:
    text = ctx.text
    if "<" not in text and "${" not in text and PLACEHOLDER_ISSUER not in text and not _BRACE.search(text):
        return  # no string holds what any placeholder form starts with
    intended = intended_placeholder_ptrs(ctx)
    for text, ptr in ctx.walk_strings():
        tokens = placeholders(text)
        if not tokens:
            continue
        if ptr in intended:
            tokens = [t for t in tokens if t != "eks_oidc_url"]
            if not tokens:
                continue
        shown = ", ".join(dict.fromkeys(tokens))
        yield Hit(f"placeholder {shown} left in {text!r}: replace it before applying", ptr)


RULE = Rule(
    "E4001",
    "placeholder",
    "Documents about to be applied must not contain placeholders ({accountId}, ${YOUR_...}, eks_oidc_url).",
    check,
)
