"""Condition keys verify cannot know, and how every check stays sound about them (no false PASS).

AWS sets condition keys on each request whose values verify does not model offline: the time
(``aws:CurrentTime``), the caller's address and agent (``aws:SourceIp``, ``aws:UserAgent``), the session's
identifiers (``aws:userid``), the resource's account (``aws:ResourceAccount``), a service's own keys
(``ec2:Region``) and many more (IAM User Guide, "AWS global condition context keys", and each service's
"Condition keys" table). Left out of the request, a condition on such a key would be decided as if the key were
absent, which AWS does not do: a ``Deny`` conditioned on ``aws:CurrentTime`` would be skipped and the call
reported allowed. So verify fails closed: a key it does not model (:class:`Unmodelled`; what it models is
``data/verify/request_context.json`` and the requirements) is unknown, and each check is evaluated at its worst,
whatever the unknown keys' values:

- a check that must be **allowed** (a required call, an intended principal): a ``Deny`` statement's conditions
  on unknown keys count as true, an ``Allow`` statement's as false;
- a check that must be **denied** (anyone else): the reverse.

A check that passes this way passes for every value of the unknown keys. The documents are rewritten, not the
engine: :func:`worst_case` is pure.
"""

from __future__ import annotations

from collections.abc import Container, Iterable, Mapping
from typing import Any, Literal

from byoc_iam.model.record import record

Expected = Literal["allowed", "denied"]
# an OIDC provider's token keys ("<issuer>:sub", "<issuer>:aud"): each web-identity check sets them
_WEB_IDENTITY = ("sub", "aud")


@record(frozen=True, kw_only=False)
class Unmodelled(Container[str]):
    """Every condition key except those verify models, for ``key in unmodelled`` with a lower-case key.

    ``modelled``: keys (lower case) a request sets or verify knows to be absent when it does not;
    ``families``: lower-case name prefixes after the service (``requesttag/``: ``aws:RequestTag/*`` and
    ``ec2:RequestTag/*``) whose keys are modelled. An OIDC provider's ``sub`` and ``aud`` are always modelled."""

    modelled: frozenset[str]
    families: tuple[str, ...] = ()

    def __contains__(self, key: object) -> bool:
        if not isinstance(key, str) or key in self.modelled:
            return False
        name = key.partition(":")[2]
        return not (name.startswith(self.families) or name in _WEB_IDENTITY)


@record(frozen=True, kw_only=False)
class Rewritten:
    """A document at its worst for one expectation, and the unknown keys it conditioned on (as written)."""

    document: dict[str, Any]
    keys: tuple[str, ...]


def worst_case(document: dict[str, Any], expected: Expected, unknown: Iterable[str] | Unmodelled) -> Rewritten:
    """``document`` (a policy as a dict) rewritten for a check whose outcome must be ``expected``, treating the
    condition keys in ``unknown`` (keys in any case, or an :class:`Unmodelled`) as keys whose value may be
    anything; the request must not carry them. Each statement keeps its place (explanations name statements by
    index): a condition on an unknown key that hurts the check is removed (it counts as true); one that would help
    becomes ``Null: {key: "false"}``, which is false for a key the request does not carry. The input is not
    modified."""
    lower = _lowered(unknown)
    body = document.get("Statement")
    statements = body if isinstance(body, list) else [body] if body is not None else []
    kept: list[Any] = []
    found: list[str] = []
    for stmt in statements:
        keys = _unknown_keys(stmt, lower)
        if not keys:
            kept.append(stmt)
            continue
        found.extend(k for k in keys if k not in found)
        helps = (stmt.get("Effect") == "Allow") == (expected == "allowed")
        kept.append(_rewritten(stmt, lower, helps))
    return Rewritten({**document, "Statement": kept}, tuple(found))


def _lowered(unknown: Iterable[str] | Unmodelled) -> Container[str]:
    """``unknown`` as a container of lower-case keys."""
    return unknown if isinstance(unknown, Unmodelled) else frozenset(k.lower() for k in unknown)


def known_context(context: Mapping[str, Any], unknown: Container[str]) -> dict[str, Any]:
    """``context`` without the keys in ``unknown`` (lower case): a request must not carry them, since
    :func:`worst_case` rewrote the conditions on them."""
    return {k: v for k, v in context.items() if k.lower() not in unknown}


def condition_keys(document: Mapping[str, Any]) -> list[str]:
    """Every condition key the document's statements name (as written, in order, with repeats)."""
    body = document.get("Statement")
    statements = body if isinstance(body, list) else [body] if body is not None else []
    return [k for stmt in statements for k in _unknown_keys(stmt, _ALL)]


class _Everything(Container[str]):
    def __contains__(self, key: object) -> bool:
        return True


_ALL = _Everything()


def _unknown_keys(stmt: Any, lower: Container[str]) -> list[str]:
    condition = stmt.get("Condition") if isinstance(stmt, dict) else None
    if not isinstance(condition, dict):
        return []
    return [k for block in condition.values() if isinstance(block, dict) for k in block if k.lower() in lower]


def _rewritten(stmt: dict[str, Any], lower: Container[str], helps: bool) -> dict[str, Any]:
    """The statement with each condition on an unknown key made true (removed) or, when ``helps``, false."""
    condition: dict[str, Any] = {}
    never: dict[str, str] = {}
    for operator, block in stmt["Condition"].items():
        rest = {k: v for k, v in block.items() if k.lower() not in lower}
        never.update({k: "false" for k in block if k.lower() in lower})
        if rest:
            condition[operator] = rest
    if helps:
        condition["Null"] = {**condition.get("Null", {}), **never}
    out = {k: v for k, v in stmt.items() if k != "Condition"}
    return {**out, "Condition": condition} if condition else out


def note(keys: Iterable[str], expected: Expected = "allowed") -> str:
    """The clause a failed check carries when the documents condition on unknown keys ('' when none)."""
    names = ", ".join(dict.fromkeys(keys))
    if not names:
        return ""
    worst = "a Deny applies, an Allow does not" if expected == "allowed" else "an Allow applies, a Deny does not"
    return f" (the policies condition on {names}, whose value in AWS verify cannot know: counted at its worst, {worst})"
