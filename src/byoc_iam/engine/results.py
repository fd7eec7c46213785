"""Named results of the engine: a policy type's answer, a resource policy's answer, a Resource element's mode.

The decision strings (``"Allowed"``, ``"ImplicitlyDenied"``, ``"ExplicitlyDenied"``) are the names AWS's
policy simulator uses; they are the labels of :class:`Result`.
"""

from __future__ import annotations

from enum import IntEnum

ALLOWED, IMPLICIT, EXPLICIT = "Allowed", "ImplicitlyDenied", "ExplicitlyDenied"
DECISIONS = (ALLOWED, IMPLICIT, EXPLICIT)


class Result(IntEnum):
    """One policy type's (or the whole request's) answer; ordered so that a larger value wins."""

    IMPLICIT_DENY = 0
    ALLOW = 1
    EXPLICIT_DENY = 2

    @property
    def label(self) -> str:
        return _RESULT_LABELS[self]


class ResourceAnswer(IntEnum):
    """A resource policy's answer: it may allow the principal itself, or only trust its account."""

    NOT_APPLICABLE = 0
    IMPLICIT_DENY = 1
    ALLOW = 2
    ALLOW_FOR_ACCOUNT = 3
    EXPLICIT_DENY = 4
    DENY_FOR_ACCOUNT = 5

    @property
    def label(self) -> str:
        return _RESOURCE_LABELS[self]


class ResourceMode(IntEnum):
    """How a statement's Resource/NotResource element reads: every resource, a list, a NotResource list,
    or none at all (``NotResource: "*"``, or a missing element read fail-closed)."""

    ALWAYS = 0
    LIST = 1
    NOT_LIST = 2
    NEVER = 3


_RESULT_LABELS = {Result.IMPLICIT_DENY: IMPLICIT, Result.ALLOW: ALLOWED, Result.EXPLICIT_DENY: EXPLICIT}
_RESOURCE_LABELS = {
    ResourceAnswer.NOT_APPLICABLE: "NotApplicable",
    ResourceAnswer.IMPLICIT_DENY: IMPLICIT,
    ResourceAnswer.ALLOW: ALLOWED,
    ResourceAnswer.ALLOW_FOR_ACCOUNT: "AllowedForAccount",
    ResourceAnswer.EXPLICIT_DENY: EXPLICIT,
    ResourceAnswer.DENY_FOR_ACCOUNT: "DeniedForAccount",
}
