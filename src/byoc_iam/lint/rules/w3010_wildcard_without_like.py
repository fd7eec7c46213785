"""W3010: ``*`` or ``?`` in a StringEquals-family value, where it is a literal character.

Only the ``Like`` string operators treat ``*``/``?`` as wildcards; ``StringEquals`` compares them literally
(the ARN operators, ArnEquals included, match wildcards in every ARN part, so they are not checked), so
``system:serviceaccount:kube-system:*`` under StringEquals matches no service account. Source: IAM User
Guide, "String condition operators"; Access Analyzer check "Wildcard without like operator".
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import parse_operator
from byoc_iam.lint.rules import Hit, Rule

_LIKE = {
    "StringEquals": "StringLike",
    "StringNotEquals": "StringNotLike",
    "StringEqualsIgnoreCase": "StringLike",
    "StringNotEqualsIgnoreCase": "StringNotLike",
}


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            op = parse_operator(c.operator)
            like = _LIKE.get(op.base or "")
            if like is None:
                continue
            for v in c.values:
                text = v.text.replace("${*}", "").replace("${?}", "")
                if "*" in text or "?" in text:
                    yield Hit(
                        f"{v.text!r} under {c.operator} is compared literally ({op.base} has no wildcards): "
                        f"if you meant a pattern, write {c.operator.replace(op.base or '', like)}",
                        v.ptr,
                    )


RULE = Rule(
    "W3010",
    "wildcard-without-like",
    "A * or ? in a condition value needs a Like operator to act as a wildcard.",
    check,
    aws_checks=("Wildcard without like operator",),
    needs=("Condition",),
)
