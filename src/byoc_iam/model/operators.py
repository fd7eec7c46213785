"""IAM's condition operators, the one parser: ``[ForAllValues:|ForAnyValue:]<Base>[IfExists]``.

The operators and their value kinds are those of the AWS IAM User Guide, "IAM JSON policy elements:
Condition operators" (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html).
:func:`parse_operator` splits a name into its qualifiers and base, reading the qualifiers in any case (the
engine evaluates leniently) and recording whether everything is written in IAM's own case (``exact``: what
lint requires). The engine and lint both parse through it.
"""

from __future__ import annotations

from functools import lru_cache

from byoc_iam.model.record import record

SET_QUALIFIERS = ("ForAllValues", "ForAnyValue")

OPERATOR_KINDS = {
    **dict.fromkeys(
        (
            "StringEquals",
            "StringNotEquals",
            "StringEqualsIgnoreCase",
            "StringNotEqualsIgnoreCase",
            "StringLike",
            "StringNotLike",
        ),
        "String",
    ),
    **dict.fromkeys(
        (
            "NumericEquals",
            "NumericNotEquals",
            "NumericLessThan",
            "NumericLessThanEquals",
            "NumericGreaterThan",
            "NumericGreaterThanEquals",
        ),
        "Numeric",
    ),
    **dict.fromkeys(
        (
            "DateEquals",
            "DateNotEquals",
            "DateLessThan",
            "DateLessThanEquals",
            "DateGreaterThan",
            "DateGreaterThanEquals",
        ),
        "Date",
    ),
    "Bool": "Bool",
    "BinaryEquals": "Binary",
    "IpAddress": "IPAddress",
    "NotIpAddress": "IPAddress",
    **dict.fromkeys(("ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike"), "ARN"),
    "Null": "Null",
}
_CANONICAL = {k.lower(): k for k in OPERATOR_KINDS}


@record(frozen=True, kw_only=False)
class ParsedOperator:
    """An operator name split into its parts.

    ``base``: the name without qualifier and ``IfExists``, as written; ``set_qualifier``: ``ForAllValues``,
    ``ForAnyValue`` or None; ``exact``: qualifier, base and ``IfExists`` are written in IAM's case."""

    text: str
    base: str
    set_qualifier: str | None
    if_exists: bool
    exact: bool

    @property
    def canonical(self) -> str | None:
        """The base operator's canonical name when IAM knows it in any case (``stringequals`` -> ``StringEquals``)."""
        return _CANONICAL.get(self.base.lower())

    @property
    def known(self) -> bool:
        """Whether IAM accepts the name as written (case-sensitive; ``NullIfExists`` is not an operator)."""
        return self.exact and self.base in OPERATOR_KINDS and not (self.base == "Null" and self.if_exists)

    @property
    def is_null(self) -> bool:
        return self.base.lower() == "null"

    @property
    def kind(self) -> str | None:
        """``String``, ``Numeric``, ``Date``, ``Bool``, ``Binary``, ``IPAddress``, ``ARN`` or ``Null``."""
        canonical = self.canonical
        return OPERATOR_KINDS[canonical] if canonical else None


@lru_cache(maxsize=1024)
def parse_operator(text: str) -> ParsedOperator:
    """Split ``text`` (taken as written; strip it first to ignore surrounding spaces)."""
    rest, qualifier, exact = text, None, True
    low = rest.lower()
    for q in SET_QUALIFIERS:
        prefix = q.lower() + ":"
        if low.startswith(prefix):
            qualifier, exact = q, rest.startswith(q + ":")
            rest = rest[len(prefix) :]
            break
    if_exists = rest.lower().endswith("ifexists") and len(rest) > len("IfExists")
    if if_exists:
        exact = exact and rest.endswith("IfExists")
        rest = rest[: -len("IfExists")]
    return ParsedOperator(text, rest, qualifier, if_exists, exact)
