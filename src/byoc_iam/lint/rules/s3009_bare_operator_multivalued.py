"""S3009: a multivalued condition key (``aws:TagKeys``, ``aws:CalledVia`` ...) with a bare operator.

Without ``ForAnyValue:``/``ForAllValues:`` the operator's meaning on a list is not the set comparison the
author most likely meant (and an Allow on ``aws:CalledVia`` without ForAnyValue does not hold for calls
through several services). Key types come from the service catalog (``ArrayOf...``). Source: IAM User
Guide, "Set operators for multivalued context keys"; Access Analyzer check "Missing qualifier" (an ERROR
there; AWS itself stores managed policies written this way, so byoc-iam keeps it a security warning).
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import has_placeholder, parse_operator
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for st in ctx.good_statements():
        for c in st.conditions:
            op = parse_operator(c.operator)
            if op.set_qualifier is not None or op.base in (None, "Null") or has_placeholder(c.key):
                continue
            key_type = cat.condition_key_type(c.key)
            if key_type is None or not key_type.startswith("ArrayOf"):
                continue
            yield Hit(
                f"{c.key} is multivalued ({key_type}): qualify the operator, e.g. ForAnyValue:{c.operator} "
                f"(any value matches) or ForAllValues:{c.operator} (every value matches)",
                c.op_ptr,
            )


RULE = Rule(
    "S3009",
    "bare-operator-multivalued",
    "A multivalued condition key needs ForAnyValue: or ForAllValues:.",
    check,
    needs=("Condition",),
)
