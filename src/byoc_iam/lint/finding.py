"""What the linter reports: a :class:`Finding` with a :class:`Severity`."""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
from enum import StrEnum
from typing import Any, NamedTuple


class Severity(StrEnum):
    """How bad a finding is, worst first (the order of :attr:`rank`)."""

    ERROR = "ERROR"  # part of the policy cannot work (or IAM rejects it)
    SECURITY_WARNING = "SECURITY_WARNING"  # grants more than intended
    WARNING = "WARNING"  # against best practice
    SUGGESTION = "SUGGESTION"  # no effect on access

    @property
    def rank(self) -> int:
        """0 for ERROR ... 3 for SUGGESTION."""
        return list(Severity).index(self)


class Finding(NamedTuple):
    """One problem: the rule's ``code``, where it is (JSON pointer, line/column when the text is known)."""

    code: str
    severity: Severity
    message: str
    file: str | None = None
    path: str = ""
    line: int | None = None
    column: int | None = None
    statement_index: int | None = None
    sid: str | None = None
    document: str | None = None  # the embedded document's name (Terraform/CloudFormation sources)

    def to_dict(self) -> dict[str, Any]:
        """The JSON output form (keys in the documented order)."""
        out = self._asdict()
        out["severity"] = str(self.severity)
        return out

    def location(self) -> str:
        """``file:line:column`` (or the JSON pointer when the text position is unknown)."""
        where = self.file or "<document>"
        if self.document is not None:
            where = f"{where}[{self.document}]"
        if self.line is not None:
            return f"{where}:{self.line}:{self.column}"
        return f"{where}:{self.path or '/'}"
