"""The engine's inputs: a set of policies and a request.

Both are frozen records (:class:`byoc_iam.model.record.FrozenRecord`), as ``dataclass(frozen=True)`` made them
(equality, hash and repr over the fields; assigning a field raises ``AttributeError``), without a dataclass's
start-up cost.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from byoc_iam.model.policy import PolicyDocument, policy
from byoc_iam.model.record import FrozenRecord

DocLike = PolicyDocument | Mapping[str, Any] | str
POLICY_TYPES = ("identity", "resource", "pb", "scp", "rcp", "session", "vpce")


class PolicySet(FrozenRecord):
    """The policies that decide a request.

    ``identity``: the principal's identity policies; ``resource``: the resource's policy (a role's trust
    policy for ``sts:AssumeRole*``); ``boundary``: the permissions boundary (``None`` or empty: none set);
    ``scp``/``rcp``: one list of documents per level of the organization, root first (``None``: not in an
    organization; every RCP level implicitly holds AWS's ``RCPFullAWSAccess``); ``session``: a session
    policy; ``endpoint``: VPC endpoint policies the request passes through (blocked_by ``vpce``).
    Documents may be :class:`PolicyDocument`, dicts or JSON text.
    """

    _FIELDS = ("identity", "resource", "boundary", "scp", "rcp", "session", "endpoint")
    identity: tuple[PolicyDocument, ...]
    resource: PolicyDocument | None
    boundary: tuple[PolicyDocument, ...] | None
    scp: tuple[tuple[PolicyDocument, ...], ...] | None
    rcp: tuple[tuple[PolicyDocument, ...], ...] | None
    session: PolicyDocument | None
    endpoint: tuple[PolicyDocument, ...] | None

    def __init__(
        self,
        identity: Sequence[DocLike] = (),
        resource: DocLike | None = None,
        boundary: Sequence[DocLike] | None = None,
        scp: Sequence[Sequence[DocLike]] | None = None,
        rcp: Sequence[Sequence[DocLike]] | None = None,
        session: DocLike | None = None,
        endpoint: Sequence[DocLike] | None = None,
    ) -> None:
        object.__setattr__(self, "identity", tuple(policy(d) for d in identity))
        object.__setattr__(self, "resource", None if resource is None else policy(resource))
        object.__setattr__(self, "boundary", tuple(policy(d) for d in boundary) if boundary else None)
        object.__setattr__(self, "scp", None if scp is None else tuple(tuple(policy(d) for d in lv) for lv in scp))
        object.__setattr__(self, "rcp", None if rcp is None else tuple(tuple(policy(d) for d in lv) for lv in rcp))
        object.__setattr__(self, "session", None if session is None else policy(session))
        object.__setattr__(self, "endpoint", None if not endpoint else tuple(policy(d) for d in endpoint))


class Request(FrozenRecord):
    """One request: who (``principal``; ``None`` for anonymous), what (``action``), on what (``resource``,
    an ARN or ``*``), the resource's account (default: the ARN's account, else the principal's), and the
    request context (condition keys, case-insensitive; a list for multi-valued keys).

    ``wildcard_only``: whether the action has no resource types (so only ``Resource: "*"`` grants it);
    ``None`` looks it up in the service catalog when the resource is ``*``.
    """

    _FIELDS = ("principal", "action", "resource", "resource_account", "context", "wildcard_only")
    principal: str | None
    action: str
    resource: str
    resource_account: str | None
    context: Mapping[str, Any]
    wildcard_only: bool | None

    def __init__(
        self,
        principal: str | None,
        action: str,
        resource: str,
        resource_account: str | None = None,
        context: Mapping[str, Any] | None = None,
        wildcard_only: bool | None = None,
    ) -> None:
        setattr_ = object.__setattr__
        setattr_(self, "principal", principal)
        setattr_(self, "action", action)
        setattr_(self, "resource", resource)
        setattr_(self, "resource_account", resource_account)
        setattr_(self, "context", {} if context is None else context)
        setattr_(self, "wildcard_only", wildcard_only)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"principal": self.principal, "action": self.action, "resource": self.resource}
        if self.resource_account is not None:
            out["resource_account"] = self.resource_account
        out["context"] = {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in self.context.items()}
        return out
