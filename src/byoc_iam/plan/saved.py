"""Saved plans are checked, not trusted (pure; the key is read by the CLI).

Design: a plan saved by ``byoc-iam plan --out`` records what produced it (``origin``: the byoc-iam version,
the sha256 digest of the desired RoleSpec, the flags) and is signed with HMAC-SHA256 under a random key local
to the user (``~/.config/byoc-iam/plan.key``, created 0600 on first use). ``apply PLAN`` refuses, before any
AWS call, a plan whose signature does not verify under that key (any edit to changes, desired role, origin,
notes or markers), that another byoc-iam version made, or whose desired role does not hash to its recorded
digest; then, against the live state, one that was made for another account, whose fingerprint changed, or
whose changes, refusals and security markers do not come out again from its desired role
(:func:`check_saved`). So a plan file edited consistently (desired role and changes together) is refused:
without the key nobody can produce a valid signature for the edit.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from byoc_iam.errors import RefusedError
from byoc_iam.model import RoleSpec
from byoc_iam.plan.diff import plan_apply
from byoc_iam.plan.model import Change, Plan
from byoc_iam.plan.quotas import ATTACHED_DEFAULT
from byoc_iam.plan.state import LiveState

SIGNATURE_SCHEME = "hmac-sha256"


def _canonical(data: Any) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=list).encode()


def desired_digest(desired: dict[str, Any] | None) -> str:
    """sha256 of the desired RoleSpec's canonical JSON."""
    return "sha256:" + hashlib.sha256(_canonical(desired)).hexdigest()


def _mac(plan: Plan, key: bytes) -> str:
    body = plan.to_dict()
    body.pop("signature", None)
    return f"{SIGNATURE_SCHEME}:" + hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


def seal(plan: Plan, key: bytes, *, version: str, flags: dict[str, Any]) -> Plan:
    """``plan`` with its origin (version, desired digest, flags) recorded and signed with ``key``."""
    origin = {"byoc_iam_version": version, "desired_digest": desired_digest(plan.desired), "flags": dict(flags)}
    unsigned = replace(plan, origin=origin, signature="")
    return replace(unsigned, signature=_mac(unsigned, key))


def check_signature(plan: Plan, key: bytes, *, version: str) -> None:
    """Refuse (RefusedError) a saved plan not signed with ``key``, made by another version, or whose desired
    role does not match its recorded digest. Pure; made before any AWS call."""
    if not plan.signature:
        raise RefusedError("the saved plan is not signed; make it again with `byoc-iam plan --out`")
    if not hmac.compare_digest(plan.signature, _mac(plan, key)):
        raise RefusedError(
            "the saved plan's contents do not match its signature (edited after `byoc-iam plan --out`, or made "
            "with another plan key); run `byoc-iam plan --out` again"
        )
    made_by = plan.origin.get("byoc_iam_version")
    if made_by != version:
        raise RefusedError(f"the saved plan was made by byoc-iam {made_by}, this is {version}; plan again")
    if plan.origin.get("desired_digest") != desired_digest(plan.desired):
        raise RefusedError("the saved plan's desired role does not match its recorded digest; plan again")


def _canon(changes: tuple[Change, ...]) -> str:
    """The changes as canonical JSON (what a saved plan file holds after a round trip)."""
    return json.dumps([c.to_dict() for c in changes], sort_keys=True, default=list)


def saved_desired(plan: Plan) -> RoleSpec:
    """The desired RoleSpec of a saved apply plan (RefusedError when it is not one)."""
    if plan.command != "apply":
        raise RefusedError(f"this is a {plan.command} plan; only plans saved by `byoc-iam plan --out` can be applied")
    if not isinstance(plan.desired, dict):
        raise RefusedError("this saved plan has no desired role; run `byoc-iam plan --out` again")
    try:
        desired = RoleSpec.model_validate(plan.desired)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "desired"
        raise RefusedError(f"the saved plan's desired role is invalid ({where}: {first['msg']})") from None
    if desired.role_name != plan.role_name:
        raise RefusedError(f"the saved plan is for role {plan.role_name} but its desired role is {desired.role_name}")
    return desired


def check_saved(plan: Plan, live: LiveState, *, account: str, partition: str, adopt: bool) -> Plan:
    """The saved plan checked against the live state and re-derived (never trusted as written): refused when
    made for another account, when the live state changed since (fingerprint), when its changes, refusals,
    scope or security markers do not come out again from its desired role, or when it takes over something
    byoc-iam does not own (made with ``--adopt``) and this apply lacks ``adopt``. Returns the re-derived plan
    (with the saved notes) to execute as it is."""
    desired = saved_desired(plan)
    if plan.account != account:
        raise RefusedError(f"this plan was made for account {plan.account}, but the AWS credentials are for {account}")
    if live.fingerprint() != plan.fingerprint:
        raise RefusedError(
            f"role {plan.role_name} changed since this plan was made (live state {live.fingerprint()[:19]}..., "
            f"plan computed against {plan.fingerprint[:19]}...); run `byoc-iam plan` again"
        )
    max_attached = int(plan.origin.get("flags", {}).get("max_attached_policies", ATTACHED_DEFAULT))
    again = plan_apply(desired, live, account=account, partition=partition, adopt=plan.adopt, max_attached=max_attached)
    if (
        _canon(again.changes) != _canon(plan.changes)
        or list(again.refusals) != list(plan.refusals)
        or again.scope != plan.scope
        or again.role_arn != plan.role_arn
    ):
        raise RefusedError(
            "the saved plan's changes do not match its desired role and the live state "
            "(was the file edited?); run `byoc-iam plan --out` again"
        )
    if plan.adopt and not adopt:
        unowned = plan_apply(
            desired, live, account=account, partition=partition, adopt=False, max_attached=max_attached
        ).refusals
        if unowned:
            raise RefusedError(f"this plan was made with --adopt: {unowned[0]}; pass --adopt to apply it")
    return replace(again, notes=plan.notes)
