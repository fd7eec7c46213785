"""E2004: a condition key that is neither global nor defined by its service (the condition never matches).

In an AWS managed policy (``origin="aws-managed"``) a well-formed key the catalog snapshot lacks is W2018
instead (:func:`catalog_hits`); a key without ``service:`` or a tag key without ``/<tag-key>`` stays an ERROR.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import has_placeholder
from byoc_iam.lint.rules import Hit, Rule

_TAG_KEYS = ("aws:requesttag", "aws:resourcetag", "aws:principaltag")  # need /<tag-key>


def _hits(ctx: DocContext, *, grammar: bool, catalog: bool) -> Iterator[Hit]:
    cat = ctx.catalog
    seen: set[str] = set()
    for st in ctx.good_statements():
        for c in st.conditions:
            if c.key_ptr in seen or has_placeholder(c.key) or "${" in c.key:
                continue
            seen.add(c.key_ptr)
            if cat.condition_key(c.key) is not None:
                continue
            prefix = c.key.partition(":")[0]
            malformed = ":" not in c.key or c.key.lower() in _TAG_KEYS  # not a question of the catalog's age
            if not (grammar if malformed else catalog):
                continue
            if ":" not in c.key:
                why = "a condition key is service:Name (or aws:Name for a global key)"
            elif c.key.lower() == "aws:arn":
                why = "aws:ARN is not supported: write aws:PrincipalArn (the caller) or aws:SourceArn (the source)"
            elif c.key.lower() in _TAG_KEYS:
                why = f"a tag key is missing: write {c.key}/<tag-key>"
            elif prefix.lower() == "aws":
                why = "not an AWS global condition key"
            elif cat.is_known_service(prefix):
                why = f"{prefix} defines no such condition key"
            else:
                why = f"no service {prefix!r} defines it"
            yield Hit(f"unknown condition key {c.key!r}: {why}", c.key_ptr)


def catalog_hits(ctx: DocContext) -> Iterator[Hit]:
    """Well-formed condition keys the catalog snapshot (and byoc-iam's global keys) do not know."""
    return _hits(ctx, grammar=False, catalog=True)


def check(ctx: DocContext) -> Iterator[Hit]:
    return _hits(ctx, grammar=True, catalog=ctx.options.origin == "customer")


RULE = Rule(
    "E2004",
    "unknown-condition-key",
    "Condition keys must be global keys, keys of a service, or claims of an identity provider.",
    check,
    aws_checks=(
        "Unsupported global condition key",
        "Missing tag key in condition",
        "Invalid global condition key",
        "Invalid service condition key",
        "Invalid condition key format",
    ),
    needs=("Condition",),
)
