"""Named results of the engine: a policy type's answer, a resource policy's answer, a Resource element's mode.

The decision strings (``"Allowed"``, ``"ImplicitlyDenied"``, ``"ExplicitlyDenied"``) are the names AWS's
policy simulator uses; they are the labels of :class:`Result`.
"""

from __future__ import annotations

from enum import IntEnum
from typing import Self

ALLOWED, IMPLICIT, EXPLICIT = "Allowed", "ImplicitlyDenied", "ExplicitlyDenied"
DECISIONS = (ALLOWED, IMPLICIT, EXPLICIT)


class _Labelled(IntEnum):
    """An IntEnum whose members also carry their name in AWS's words (:attr:`label`): ``NAME = value, label``."""

    label: str

    def __new__(cls, value: int, label: str) -> Self:
        member = int.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member


class Result(_Labelled):
    """One policy type's (or the whole request's) answer; ordered so that a larger value wins."""

    IMPLICIT_DENY = 0, IMPLICIT
    ALLOW = 1, ALLOWED
    EXPLICIT_DENY = 2, EXPLICIT


class ResourceAnswer(_Labelled):
    """A resource policy's answer: it may allow the principal itself, or only trust its account."""

    NOT_APPLICABLE = 0, "NotApplicable"
    IMPLICIT_DENY = 1, IMPLICIT
    ALLOW = 2, ALLOWED
    ALLOW_FOR_ACCOUNT = 3, "AllowedForAccount"
    EXPLICIT_DENY = 4, EXPLICIT
    DENY_FOR_ACCOUNT = 5, "DeniedForAccount"


class ResourceMode(IntEnum):
    """How a statement's Resource/NotResource element reads: every resource, a list, a NotResource list,
    or none at all (``NotResource: "*"``, or a missing element read fail-closed)."""

    ALWAYS = 0
    LIST = 1
    NOT_LIST = 2
    NEVER = 3
