"""E2005: a condition operator whose type cannot apply to the key (e.g. NumericLessThan on a string key)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import has_placeholder, parse_operator
from byoc_iam.lint.rules import Hit, Rule

# key type -> operator kinds that work on it. String operators compare the string form (always accepted);
# ARN operators parse the value as an ARN, which works on a string key holding ARNs (AWS's own policies do
# this with kms:EncryptionContext:aws:s3:arn).
ACCEPTS = {
    "String": {"String", "ARN"},
    "ArrayOfString": {"String", "ARN"},
    "ARN": {"String", "ARN"},
    "ArrayOfARN": {"String", "ARN"},
    "Numeric": {"String", "Numeric"},
    "Date": {"String", "Date", "Numeric"},
    "Bool": {"String", "Bool"},
    "ArrayOfBool": {"String", "Bool"},
    "IPAddress": {"String", "IPAddress"},
    "Binary": {"String", "Binary"},
}


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for st in ctx.good_statements():
        for c in st.conditions:
            op = parse_operator(c.operator)
            if op.kind in (None, "Null", "String") or has_placeholder(c.key):
                continue
            key_type = cat.condition_key_type(c.key)
            if key_type is None or key_type not in ACCEPTS:
                continue
            if op.kind not in ACCEPTS[key_type]:
                yield Hit(
                    f"{c.operator} compares {op.kind} values, but {c.key} is of type {key_type}: the condition "
                    "never matches",
                    c.key_ptr,
                )


RULE = Rule(
    "E2005",
    "operator-type-mismatch",
    "A condition operator must suit the type of its key.",
    check,
    needs=("Condition",),
)
