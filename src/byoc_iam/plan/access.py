"""What a plan's policy changes do to access (pure): each document change is marked ``narrows access``,
``widens access`` (with the request it newly allows, checked by the engine) or ``no change in access``.

The answer comes from :mod:`byoc_iam.compare` (z3): a trust-policy change is compared as a trust policy, any
other document as an identity policy. Each change is judged on its own document (an inline policy that
widens may still be covered by another policy of the role).
"""

from __future__ import annotations

import json
from typing import Any

from byoc_iam.plan.model import Change

EMPTY = {"Version": "2012-10-17", "Statement": []}


def _is_document(value: Any) -> bool:
    return isinstance(value, dict) and "Statement" in value


def access_verdict(change: Change) -> dict[str, Any] | None:
    """``{"verdict": ..., "counterexample": request|None, "approximate"?: reason}`` for a change of a policy
    document, or ``None`` for any other change (or one z3 cannot decide in 30 s: ``verdict`` ``undecided``)."""
    before = change.before if _is_document(change.before) else None
    after = change.after if _is_document(change.after) else None
    if before is None and after is None:
        return None
    from byoc_iam.compare import Undecided, compare_policies
    from byoc_iam.model.policy import PolicyDocument, PolicyParseError

    ptype = "trust" if change.kind in ("trust policy", "role") else "identity"  # a created role carries its trust
    try:
        old = PolicyDocument.from_dict(before or EMPTY)
        new = PolicyDocument.from_dict(after or EMPTY)
        result = compare_policies(old, new, ptype)
    except (PolicyParseError, Undecided) as exc:
        return {"verdict": "undecided", "counterexample": None, "reason": str(exc)}
    if result.new_access:
        verdict = "widens access"
    elif result.relation == "narrower":
        verdict = "narrows access"
    else:
        verdict = "no change in access"
    out: dict[str, Any] = {"verdict": verdict, "counterexample": result.counterexample}
    if result.approximate:
        out["approximate"] = result.approximate
    return out


def access_lines(change: Change) -> list[str]:
    """The text lines :func:`byoc_iam.plan.text.change_lines` shows under a document change: for a document
    that is changed, not created or deleted (a created document grants all it says, a deleted one nothing: a
    verdict would only repeat that, with a made-up example request)."""
    if not (_is_document(change.before) and _is_document(change.after)):
        return []
    v = access_verdict(change)
    if v is None:
        return []
    lines = [f"= {v['verdict']}" + (f" ({v['reason']})" if "reason" in v else "")]
    r = v["counterexample"]
    if r is not None:
        ctx = f" with {json.dumps(r['context'], sort_keys=True)}" if r.get("context") else ""
        # a trust is compared on a stand-in role (compare.encode): the request is to assume this role
        where = "this role" if change.kind in ("trust policy", "role") else r["resource"]
        lines.append(f"  e.g. {r['principal']} may {r['action']} on {where}{ctx}")
    if v.get("approximate"):
        lines.append(f"  approximate: {v['approximate']}")
    return lines
