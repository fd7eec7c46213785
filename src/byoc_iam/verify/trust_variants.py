"""Negative variations of the intended principals' requests: the rule that keeps a weakened trust from passing.

For every positive request (an intended principal doing its intended action with its intended context), the
trust must deny

* every other action a trust policy can grant (``data/iam/trust_policy.json``): a principal the catalog's
  ``obtains_role`` says assumes the role with ``sts:AssumeRole`` (``via`` service or instance-profile) must not
  also get ``sts:TagSession``, ``sts:SetSourceIdentity``, ``sts:AssumeRoleWithWebIdentity``... (a trust
  statement with ``"Action": "sts:*"`` grants them all);
* each pinned condition value altered: another value, its case changed, extended at either end, its last
  character changed. ``StringEquals`` compares case-sensitively and ``StringEqualsIgnoreCase`` does not; a
  negated operator (``StringNotEquals``) admits every other value; a ``StringLike`` pattern with ``*`` or ``?``
  admits values around the pinned one (IAM User Guide, "IAM JSON policy elements: Condition operators", string
  condition operators). The EKS user guide's IRSA trust ("Assign IAM roles to Kubernetes service accounts") and
  the IAM guide's "Create a role for OpenID Connect federation" pin ``<issuer>:aud`` to ``sts.amazonaws.com``
  and ``<issuer>:sub`` to ``system:serviceaccount:<namespace>:<name>`` with ``StringEquals``; the External ID
  ("Access to AWS accounts owned by third parties") is compared with ``StringEquals``, so ``EXT-123`` must not
  pass for ``ext-123``.

Pure: builds requests; :mod:`byoc_iam.verify.trust` and :mod:`byoc_iam.verify.roleset` evaluate them.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from functools import cache

from byoc_iam import data as knowledge
from byoc_iam.model.record import record
from byoc_iam.verify.requirements import ContextValue


@cache
def trust_actions() -> tuple[str, ...]:
    """Every action a role trust policy can grant (``data/iam/trust_policy.json``)."""
    return tuple(knowledge.raw("trust-policy", "trust_policy")["actions"])


def other_actions(intended: Sequence[str]) -> list[str]:
    """The trust actions beyond ``intended`` (compared case-insensitively, as IAM compares action names)."""
    own = {a.lower() for a in intended}
    return [a for a in trust_actions() if a.lower() not in own]


def altered(value: str) -> list[tuple[str, str]]:
    """``(name, value)`` variations a condition pinning ``value`` exactly must not admit: ``case`` (when the
    value has letters), ``extended`` (``value-x``: a trailing ``*``), ``prefixed`` (``xvalue``: a leading
    ``*``), ``last-char`` (the last character replaced: a ``?``)."""
    out: list[tuple[str, str]] = []
    if value.swapcase() != value:
        out.append(("case", value.swapcase()))
    out += [("extended", value + "-x"), ("prefixed", "x" + value)]
    if value:
        out.append(("last-char", value[:-1] + ("y" if value[-1] == "x" else "x")))
    return out


@record(frozen=True, kw_only=False)
class Variation:
    """A negative request derived from a positive one: ``what`` names it (``action:sts:TagSession``,
    ``aud:case``), ``why`` says what changed; ``action`` and ``context`` are the request's."""

    what: str
    why: str
    action: str
    context: dict[str, ContextValue]


def variations(
    action: str,
    context: Mapping[str, ContextValue],
    intended: Sequence[str],
    pinned: Sequence[str],
    others: Mapping[str, str] | None = None,
) -> list[Variation]:
    """The requests a positive one (``action`` with ``context``) must not make pass: each trust action beyond
    ``intended`` (every action the principal's positive requests ask) with the same context, and each ``pinned``
    context key present altered (:func:`altered`, after ``others[key]`` when given). Pass ``pinned=()`` for a
    request whose values are patterns (a wildcard subject)."""
    out = [
        Variation(f"action:{a}", f"{a} (only {', '.join(dict.fromkeys(intended))} intended)", a, dict(context))
        for a in other_actions(intended)
    ]
    for key in pinned:
        value = context.get(key)
        if not isinstance(value, str):
            continue
        given = others or {}
        for name, v in ([("other", given[key])] if key in given else []) + altered(value):
            short = key.rsplit(":", 1)[-1] if "/" in key else key
            out.append(Variation(f"{short}:{name}", f"{key} {v!r} instead of {value!r}", action, {**context, key: v}))
    return out
