"""E1014: IAM accepts only ASCII letters and digits in a Sid of the policies it stores."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.patterns import lazy

_SID = lazy(r"^[A-Za-z0-9]*$")


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        sid = st.sid
        if sid is not None and not _SID.match(sid):
            yield Hit(f"Sid {sid!r} may only contain letters A-Z, a-z and digits 0-9 (IAM rejects it)", f"{st.ptr}/Sid")


RULE = Rule(
    "E1014",
    "sid-format",
    "A Sid in an IAM identity, trust or SCP policy may only contain ASCII letters and digits.",
    check,
    types=("identity", "trust", "scp"),
    aws_checks=("Unsupported Sid",),
    needs=("Sid",),
)
