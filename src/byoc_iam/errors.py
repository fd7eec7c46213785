"""Errors that reach people, and the exit codes the CLI documents.

Every error the CLI can show is a :class:`ByocError`: one line of text and an exit code. The CLI prints
``byoc-iam: <message>`` on stderr and exits with the code; nothing else (no traceback).
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes shared by every command (README, "Exit codes")."""

    OK = 0
    FINDINGS = 1  # lint found failing findings; plan --detailed-exitcode: an error
    USAGE = 2  # bad usage or bad input; plan --detailed-exitcode: changes present
    VERIFY_FAILED = 3  # verify: a required call is denied or an unintended principal can assume
    AWS_ERROR = 4  # AWS answered with an error (credentials, access denied, throttling, quota, ...)
    REFUSED = 5  # refused for safety: role not owned by byoc-iam, saved plan is stale, ...


class ByocError(Exception):
    """An error with a one-line message for people and an exit code."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str, exit_code: ExitCode | None = None) -> None:
        super().__init__(message)
        if exit_code is not None:
            self.exit_code = exit_code

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else ""


class UsageError(ByocError):
    """Bad input: a field that breaks a rule, an unreadable file, a bad flag value (exit 2)."""

    exit_code = ExitCode.USAGE


class AwsError(ByocError):
    """AWS refused or failed a call (exit 4)."""

    exit_code = ExitCode.AWS_ERROR


class RefusedError(ByocError):
    """byoc-iam refuses to act for safety (exit 5)."""

    exit_code = ExitCode.REFUSED


class MalformedPolicyError(UsageError):
    """A policy document IAM would refuse (lint rates it ERROR): never evaluated (exit 2).

    ``document`` names the document (a file name, or the policy type and position in a batch), ``pointer``
    is the JSON pointer of the offending element, ``rule`` the lint rule code (e.g. ``E1007``)."""

    def __init__(self, document: str, pointer: str, rule: str, detail: str) -> None:
        where = f"{document}{pointer}" if pointer.startswith("/") else f"{document}: {pointer}" if pointer else document
        super().__init__(f"{where}: {detail} [{rule}] (IAM would refuse this document; not evaluated)")
        self.document = document
        self.pointer = pointer
        self.rule = rule
        self.detail = detail
