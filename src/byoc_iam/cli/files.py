"""Reading the files people name on the command line: every failure is one ``UsageError`` line (exit 2)."""

from __future__ import annotations

from pathlib import Path

from byoc_iam.errors import UsageError


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a missing, unreadable or binary file is a one-line UsageError."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None
