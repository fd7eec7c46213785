"""A plan as text, the way Terraform users read one: ``+`` create, ``~`` change, ``-`` delete, with
statement-level diffs of policy documents and security-relevant trust changes marked ``!`` (pure)."""

from __future__ import annotations

import json
from typing import Any

from byoc_iam.model import PolicyDocument
from byoc_iam.plan.access import access_lines
from byoc_iam.plan.model import Change, Plan
from byoc_iam.plan.trust import LINK_RISK, NOTHING_TO_LINK

EXPECTED_LINK = "the trust now names the cluster's OIDC provider (the expected link; nothing else admitted)"

EMPTY = {
    "apply": "No changes: role {role} is up to date.",
    "link-cluster": "No changes: role {role} is already linked to this cluster.",
    "destroy": "Nothing to destroy.",
}


def _is_document(value: Any) -> bool:
    return isinstance(value, dict) and "Statement" in value


def statement_diff(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[str]:
    """``- {...}``/``+ {...}`` for statements that differ semantically, and a count of the unchanged ones."""
    old = PolicyDocument.from_dict(before).statements if before else ()
    new = PolicyDocument.from_dict(after).statements if after else ()
    old_keys = {s.semantic_key() for s in old}
    new_keys = {s.semantic_key() for s in new}
    lines = [line for s in old if s.semantic_key() not in new_keys for line in _nested("-", s.to_dict())]
    lines += [line for s in new if s.semantic_key() not in old_keys for line in _nested("+", s.to_dict())]
    same = sum(1 for s in new if s.semantic_key() in old_keys)
    if same:
        lines.append(f"({same} statement{'s' if same != 1 else ''} unchanged)")
    return lines


def _nested(marker: str, statement: dict[str, Any]) -> list[str]:
    """A statement as indented JSON, every line marked (``+``/``-``) as a diff is."""
    return [f"{marker} {line}" for line in json.dumps(statement, indent=2).splitlines()]


def _short(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def is_expected_link(plan: Plan, change: Change) -> bool:
    """A link-cluster trust retarget marked only because the provider changes (not a :data:`LINK_RISK`)."""
    return plan.command == "link-cluster" and bool(change.security) and not change.security.startswith(LINK_RISK)


def change_lines(change: Change, *, full: bool = False, expected_link: bool = False) -> list[str]:
    """Lines for one change: the headline, then indented detail."""
    head = f"{change.symbol} {change.kind} {change.target}"
    detail: list[str] = []
    if change.symbol == "~" and (_is_document(change.before) or _is_document(change.after)):
        detail = statement_diff(change.before, change.after)
    elif change.symbol == "+" and _is_document(change.after):
        n = len(PolicyDocument.from_dict(change.after).statements)
        if full:
            detail = statement_diff(None, change.after)
        else:
            head += f" ({n} statement{'s' if n != 1 else ''})"
    elif change.symbol == "~" and change.before is not None and change.after is not None:
        detail = [f"{_short(change.before)} -> {_short(change.after)}"]
    elif change.symbol == "~" and change.after is not None:
        detail = [f"+ {_short(change.after)}"]
    elif change.symbol == "-" and change.kind == "tags" and isinstance(change.before, dict):
        detail = [f"- {_short(change.before)}"]
    out = [f"  {head}"] + [f"      {d}" for d in detail]
    out += [f"      {d}" for d in access_lines(change)]
    if expected_link:
        out.append(f"      {EXPECTED_LINK}")
    elif change.security:
        out.append(f"      ! security-relevant: {change.security}")
    return out


def _nothing_to_link(plan: Plan) -> bool:
    """A link-cluster plan whose note already says why nothing changes (not "already linked")."""
    return plan.command == "link-cluster" and any(n.endswith(NOTHING_TO_LINK) for n in plan.notes)


def plan_lines(plan: Plan, *, full: bool = False) -> list[str]:
    """The whole plan for people; the last line is the Terraform-style summary."""
    lines: list[str] = []
    if plan.empty and plan.refusals:
        lines.append(f"No changes can be planned for role {plan.role_name}: refused (below).")
    elif plan.empty and not _nothing_to_link(plan):
        lines.append(EMPTY.get(plan.command, "No changes.").format(role=plan.role_name))
    else:
        lines.append(f"byoc-iam will make these changes ({plan.command}, role {plan.role_name}):")
        lines.append("")
        for change in plan.changes:
            lines += change_lines(change, full=full, expected_link=is_expected_link(plan, change))
        counts = plan.counts()
        lines.append("")
        lines.append(f"Plan: {counts['+']} to add, {counts['~']} to change, {counts['-']} to destroy.")
    for note in plan.notes:
        lines.append(f"note: {note}")
    for refusal in plan.refusals:
        lines.append(f"refused: {refusal}")
    marked = [c for c in plan.security_changes if c.kind == "trust policy" and not is_expected_link(plan, c)]
    if marked:
        lines.append(
            f"! {len(marked)} security-relevant change(s): the trust policy would admit new principals or actions; "
            "review them above"
        )
    if any(c.kind == "permissions boundary" for c in plan.security_changes):
        lines.append("! the permissions boundary would be removed: the role's permissions would no longer be capped")
    return [printable(line) for line in lines]


_CONTROL = {c: f"\\x{c:02x}" for c in (*range(0x20), *range(0x7F, 0xA0))}


def printable(text: str) -> str:
    """``text`` with control characters (ESC, CR, BEL, C1, ...) shown escaped as ``\\xNN``: plan text may
    come from a file (notes of a saved plan), and must never drive the terminal."""
    return text.translate(_CONTROL)
