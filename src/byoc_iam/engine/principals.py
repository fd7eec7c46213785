"""Principals: the request's principal (what kind, which account) and Principal/NotPrincipal matching.

Match levels, strongest first: MATCH (the exact principal, ``*``, a service/federated/canonical id),
SESSION_USER (a federated-user session of a named IAM user), SESSION_ROLE (an assumed-role session of a
named role: the role ARN in a resource policy matches its sessions), ACCOUNT (the principal's account,
as ``123456789012`` or ``arn:aws:iam::123456789012:root``), NONE. Wildcards are not allowed inside
principal values, so everything else compares exactly.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
from enum import IntEnum
from typing import NamedTuple

from byoc_iam.model.patterns import lazy


class Level(IntEnum):
    """How strongly a Principal element matches a request principal (larger is stronger)."""

    NONE = 0
    ACCOUNT = 1
    SESSION_ROLE = 2
    SESSION_USER = 3
    MATCH = 4


class Kind(IntEnum):
    """What a request principal is."""

    ANONYMOUS = 0
    SERVICE = 1
    AWS = 2


class EntryKind(IntEnum):
    """What one value of a Principal element names."""

    ANY = 0
    ACCOUNT = 1
    ARN = 2
    EXACT = 3


NONE, ACCOUNT, SESSION_ROLE, SESSION_USER, MATCH = Level
LEVEL_NAMES: dict[int, str] = {
    NONE: "no match",
    ACCOUNT: "account",
    SESSION_ROLE: "role session",
    SESSION_USER: "user session",
    MATCH: "match",
}

ANONYMOUS, SERVICE, AWS = Kind
_ACCOUNT = lazy(r"\d{12}")
_ANONYMOUS_NAMES = frozenset({"", "anonymous", "*"})


class RequestPrincipal(NamedTuple):
    """The principal of a request, parsed once."""

    value: str
    kind: int
    account: str | None
    role_key: tuple[str, str, str] | None = None  # assumed-role session: (partition, account, role name)
    user_arn: str | None = None  # federated-user session: the IAM user ARN

    def describe(self) -> str:
        if self.kind == ANONYMOUS:
            return "anonymous"
        return self.value


_new_principal = tuple.__new__


def parse_principal(principal: str | None) -> RequestPrincipal:
    """Classify a request principal: ARN, account id, service principal, or anonymous (``None``)."""
    value = principal.strip() if principal is not None else ""
    # (lower-casing never shortens a string, so only a short value can be one of the anonymous names)
    if len(value) <= 9 and value.lower() in _ANONYMOUS_NAMES:
        return RequestPrincipal("anonymous", ANONYMOUS, None)
    if len(value) == 12 and _ACCOUNT.fullmatch(value):
        value = f"arn:aws:iam::{value}:root"
    if not value.startswith("arn:"):
        if value.endswith(("amazonaws.com", "amazonaws.com.cn")):
            return RequestPrincipal(value, SERVICE, None)
        return RequestPrincipal(value, AWS, None)  # e.g. a canonical user id or a web identity provider
    parts = value.split(":", 5)
    account = parts[4] if len(parts) == 6 else None
    role_key = None
    user_arn = None
    if len(parts) == 6 and parts[2] == "sts":
        res = parts[5]
        if res.startswith("assumed-role/"):
            bits = res.split("/")
            if len(bits) >= 3:
                role_key = (parts[1], parts[4], bits[1])
        elif res.startswith("federated-user/"):
            user_arn = f"arn:{parts[1]}:iam::{parts[4]}:user/{res[len('federated-user/') :]}"
    # (tuple.__new__ with every field: the NamedTuple's own __new__ is a Python function, a third of this call)
    return _new_principal(RequestPrincipal, (value, AWS, account or None, role_key, user_arn))


def is_user_or_session(p: RequestPrincipal) -> bool:
    """IAM user, assumed-role session or federated-user session (the principals a resource policy can name
    exactly to escape a permissions boundary's implicit deny in the same account)."""
    if p.kind != AWS:
        return False
    parts = p.value.split(":", 5)
    if len(parts) != 6:
        return False
    return (parts[2] == "iam" and parts[5].startswith("user/")) or p.role_key is not None or p.user_arn is not None


def is_role(p: RequestPrincipal) -> bool:
    parts = p.value.split(":", 5)
    return p.kind == AWS and len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/")


W_ANY, W_ACCOUNT, W_ARN, W_EXACT = EntryKind


class PrincipalEntry:
    """One value of a Principal element (type ``AWS``, ``Service``, ``Federated``, ``CanonicalUser``)."""

    __slots__ = ("account", "kind", "ptype", "role_key", "value")

    def __init__(self, ptype: str, value: str) -> None:
        self.ptype = ptype
        self.value = value
        self.account: str | None = None
        self.role_key: tuple[str, str, str] | None = None
        if value == "*" and ptype == "AWS":
            self.kind = W_ANY
        elif ptype != "AWS":
            self.kind = W_EXACT
        elif _ACCOUNT.fullmatch(value):
            self.kind, self.account = W_ACCOUNT, value
        else:
            parts = value.split(":", 5)
            if len(parts) == 6 and parts[2] == "iam" and parts[5] == "root":
                self.kind, self.account = W_ACCOUNT, parts[4]
            else:
                self.kind = W_ARN
                if len(parts) == 6 and parts[2] == "iam" and parts[5].startswith("role/"):
                    self.role_key = (parts[1], parts[4], parts[5].rsplit("/", 1)[-1])

    def level(self, p: RequestPrincipal) -> int:
        kind = self.kind
        if p.kind == ANONYMOUS:
            return MATCH if kind == W_ANY else NONE
        if kind == W_ANY:
            return MATCH
        if kind == W_EXACT:
            return MATCH if self.value == p.value else NONE
        if kind == W_ACCOUNT:
            return ACCOUNT if p.account is not None and self.account == p.account else NONE
        if p.role_key is not None and self.role_key == p.role_key:
            return SESSION_ROLE
        if p.user_arn is not None and self.value == p.user_arn:
            return SESSION_USER
        return MATCH if self.value == p.value else NONE


def compile_principal(element: str | dict[str, tuple[str, ...]]) -> tuple[PrincipalEntry, ...]:
    if isinstance(element, str):
        return (PrincipalEntry("AWS", "*"),) if element == "*" else (PrincipalEntry("AWS", element),)
    return tuple(PrincipalEntry(ptype, v) for ptype, values in element.items() for v in values)


def principal_level(entries: tuple[PrincipalEntry, ...], p: RequestPrincipal) -> int:
    """The strongest match level of the request principal against a Principal element."""
    best: int = NONE
    for e in entries:
        lv = e.level(p)
        if lv > best:
            best = lv
            if best == MATCH:
                break
    return best


def not_principal_level(entries: tuple[PrincipalEntry, ...], p: RequestPrincipal) -> int:
    """NotPrincipal: MATCH when the request principal is not exempted by any entry, else NONE.

    An assumed-role session is exempted only by its own session ARN: listing the role ARN or the account
    does not exempt the role's sessions ("you must specify the assumed-role session ARN", AWS IAM User Guide,
    https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html)."""
    session = p.role_key is not None
    for e in entries:
        lv = e.level(p)
        if lv == MATCH if session else lv != NONE:
            return NONE
    return MATCH


def names_exactly(entries: tuple[PrincipalEntry, ...] | None, p: RequestPrincipal) -> bool:
    """Whether a Principal element names the request principal's own ARN (not ``*``, an account or a role
    whose session it is)."""
    return entries is not None and any(e.kind == W_ARN and e.value == p.value for e in entries)
