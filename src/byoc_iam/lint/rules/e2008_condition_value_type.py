"""E2008: a condition value that cannot be read as the operator's type (number, date, IP, bool, ARN)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import has_placeholder, has_variable, parse_operator
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.patterns import lazy

_NUMBER = lazy(r"^-?\d+(\.\d+)?$")


def _date(text: str) -> bool:
    if _NUMBER.match(text):
        return True  # epoch seconds
    from datetime import datetime  # here: a document without date conditions does not load it (start-up)

    try:
        datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return False
    return True


def _ip(text: str) -> bool:
    import ipaddress  # here: a document without IP conditions does not load it (start-up)

    try:
        ipaddress.ip_network(text, strict=False)
    except ValueError:
        return False
    return True


def problem(kind: str, text: str) -> str | None:
    """Why ``text`` is not a value of the operator kind, or None."""
    if kind == "Numeric" and not _NUMBER.match(text):
        return "is not a number"
    if kind == "Date" and not _date(text):
        return "is not a date (ISO 8601, e.g. 2026-01-31T00:00:00Z, or epoch seconds)"
    if kind in ("Bool", "Null") and text.lower() not in ("true", "false"):
        return 'is not "true" or "false"'
    if kind == "IPAddress" and not _ip(text):
        return "is not an IP address or CIDR range"
    if kind == "ARN" and not (text.startswith("arn:") or text == "*"):
        return "is not an ARN"
    return None


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            kind = parse_operator(c.operator).kind
            if kind in (None, "String", "Binary"):
                continue
            for v in c.values:
                if has_placeholder(v.text) or has_variable(v.text):
                    continue
                why = problem(kind, v.text)
                if why:
                    yield Hit(f"{c.operator} value {v.text!r} for {c.key} {why}", v.ptr)


RULE = Rule(
    "E2008",
    "condition-value-type",
    "Condition values must parse as the operator's type (number, date, IP, bool, ARN).",
    check,
    needs=("Condition",),
)
