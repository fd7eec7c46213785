"""Compare two versions of a policy document: actions added/removed and a statement-level diff (pure).

Actions compare **literally**, case-insensitively, as written: ``ec2:Describe*`` is one action string and is
not expanded against the service catalog, so replacing ``ec2:DescribeSubnets`` by ``ec2:Describe*`` shows
as one removed and one added. The action diff is kept per (effect, element) kind — ``Allow``, ``Deny``,
``Allow NotAction``, ``Deny NotAction``; ``added``/``removed`` are the ``Allow`` kind (what is granted).

Statements are matched semantically (Sid ignored); the statements left over are paired by equal Sid, then
by similarity among statements that share an action, and each pair is reported element by element (values
added/removed per element); statements left unpaired are reported as added or removed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from byoc_iam.model import PolicyDocument, Statement

ELEMENTS = ("Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition")


@dataclass(frozen=True)
class KindDiff:
    """Actions added/removed for one kind (``Allow``, ``Deny``, ``Allow NotAction``, ``Deny NotAction``)."""

    kind: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class ActionDiff:
    """Literal action differences; ``added``/``removed`` are the Allow statements' ``Action`` values."""

    kinds: tuple[KindDiff, ...] = ()

    def _kind(self, kind: str) -> KindDiff:
        return next((k for k in self.kinds if k.kind == kind), KindDiff(kind, (), ()))

    @property
    def added(self) -> tuple[str, ...]:
        return self._kind("Allow").added

    @property
    def removed(self) -> tuple[str, ...]:
        return self._kind("Allow").removed

    @property
    def changed(self) -> bool:
        return any(k.added or k.removed for k in self.kinds)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"added": list(self.added), "removed": list(self.removed)}
        others = [k for k in self.kinds if k.kind != "Allow"]
        if others:
            out["other"] = [{"kind": k.kind, "added": list(k.added), "removed": list(k.removed)} for k in others]
        return out


@dataclass(frozen=True)
class ElementChange:
    """Values added/removed in one element of a statement (conditions as ``Operator key=value``)."""

    element: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class StatementChange:
    """A statement present in both versions with different content."""

    old_index: int
    new_index: int
    sid: str | None
    elements: tuple[ElementChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "old_index": self.old_index,
            "new_index": self.new_index,
            "sid": self.sid,
            "elements": [
                {"element": e.element, "added": list(e.added), "removed": list(e.removed)} for e in self.elements
            ],
        }


@dataclass(frozen=True)
class StatementDiff:
    """Statement-level differences; ``added``/``removed`` hold (index, statement as written)."""

    unchanged: int
    added: tuple[tuple[int, dict[str, Any]], ...]
    removed: tuple[tuple[int, dict[str, Any]], ...]
    changed: tuple[StatementChange, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "unchanged": self.unchanged,
            "added": [{"index": i, "statement": s} for i, s in self.added],
            "removed": [{"index": i, "statement": s} for i, s in self.removed],
            "changed": [c.to_dict() for c in self.changed],
        }


@dataclass(frozen=True)
class PolicyDiff:
    """Old (e.g. the snapshot) against new (e.g. AWS's live default version)."""

    name: str
    old_version: str | None
    new_version: str | None
    actions: ActionDiff
    statements: StatementDiff
    access: Mapping[str, Any] | None = None  # byoc_iam.compare's answer (see access_change), when asked

    @property
    def changed(self) -> bool:
        """True when the documents differ semantically (a new version id alone is not a change)."""
        s = self.statements
        return bool(s.added or s.removed or s.changed)

    @property
    def version_changed(self) -> bool:
        return self.old_version != self.new_version

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "old_version": self.old_version,
            "new_version": self.new_version,
            "changed": self.changed,
            "actions": self.actions.to_dict(),
            "statements": self.statements.to_dict(),
            **({"access": dict(self.access)} if self.access is not None else {}),
        }

    def describe(self) -> list[str]:
        """Human lines: the headline, then actions and statements that differ."""
        versions = f"{self.old_version} -> {self.new_version}" if self.version_changed else f"{self.new_version}"
        if not self.changed:
            same = "same document" if not self.version_changed else "new version id, semantically the same document"
            return [f"{self.name}: no change ({versions}, {same})"]
        lines = [f"{self.name}: changed ({versions})"]
        if self.access is not None:
            lines.append("  " + describe_access(self.access))
        for k in self.actions.kinds:
            label = "" if k.kind == "Allow" else f" [{k.kind}]"
            lines += [f"  + {a}{label}" for a in k.added]
            lines += [f"  - {a}{label}" for a in k.removed]
        for i, st in self.statements.added:
            lines.append(f"  statement added (new #{i}{_sid(st.get('Sid'))})")
        for i, st in self.statements.removed:
            lines.append(f"  statement removed (old #{i}{_sid(st.get('Sid'))})")
        for c in self.statements.changed:
            lines.append(f"  statement changed (old #{c.old_index} -> new #{c.new_index}{_sid(c.sid)})")
            for e in c.elements:
                lines += [f"    {e.element} + {v}" for v in e.added]
                lines += [f"    {e.element} - {v}" for v in e.removed]
        return lines


def _sid(sid: Any) -> str:
    return f", Sid {sid}" if sid else ""


def _doc(value: PolicyDocument | Mapping[str, Any]) -> PolicyDocument:
    return value if isinstance(value, PolicyDocument) else PolicyDocument.from_dict(dict(value))


def _literal_diff(
    old: Iterable[str], new: Iterable[str], key: Callable[[str], str] = str.lower
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Set difference under ``key`` (case-insensitive by default), keeping each side's spelling."""
    o = {key(a): a for a in old}
    n = {key(a): a for a in new}
    added = tuple(sorted((n[k] for k in n.keys() - o.keys()), key=str.lower))
    removed = tuple(sorted((o[k] for k in o.keys() - n.keys()), key=str.lower))
    return added, removed


def _actions_by_kind(doc: PolicyDocument) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for st in doc.statements:
        if st.action is not None:
            out.setdefault(st.effect, []).extend(st.action)
        if st.not_action is not None:
            out.setdefault(f"{st.effect} NotAction", []).extend(st.not_action)
    return out


def action_diff(old: PolicyDocument | Mapping[str, Any], new: PolicyDocument | Mapping[str, Any]) -> ActionDiff:
    """Actions added and removed, literally and case-insensitively, per (effect, element) kind."""
    a, b = _actions_by_kind(_doc(old)), _actions_by_kind(_doc(new))
    order = ("Allow", "Deny", "Allow NotAction", "Deny NotAction")
    kinds = []
    for kind in order:
        if kind in a or kind in b:
            added, removed = _literal_diff(a.get(kind, ()), b.get(kind, ()))
            if added or removed or kind == "Allow":
                kinds.append(KindDiff(kind, added, removed))
    return ActionDiff(tuple(kinds))


def _element_values(st: Statement, element: str) -> tuple[str, ...]:
    match element:
        case "Effect":
            return (st.effect,)
        case "Action" | "NotAction" | "Resource" | "NotResource":
            values = {"Action": st.action, "NotAction": st.not_action, "Resource": st.resource}
            return values.get(element, st.not_resource) or ()
        case "Principal" | "NotPrincipal":
            p = st.principal if element == "Principal" else st.not_principal
            if p is None:
                return ()
            return ("*",) if isinstance(p, str) else tuple(f"{k}:{v}" for k, vs in p.items() for v in vs)
        case _:
            return tuple(f"{op} {k}={v}" for op, keys in st.condition.items() for k, vs in keys.items() for v in vs)


def _compare(old: Statement, new: Statement) -> tuple[ElementChange, ...]:
    changes = []
    for element in ELEMENTS:
        a, b = _element_values(old, element), _element_values(new, element)
        if element in ("Action", "NotAction"):
            added, removed = _literal_diff(a, b)
        elif element == "Condition":
            added, removed = _literal_diff(a, b, _condition_key)
        else:
            added = tuple(sorted(set(b) - set(a)))
            removed = tuple(sorted(set(a) - set(b)))
        if added or removed:
            changes.append(ElementChange(element, added, removed))
    return tuple(changes)


def _condition_key(value: str) -> str:
    """``Operator key=value`` compared as IAM does: operator and key case-insensitive, the value as is."""
    head, _, val = value.partition("=")
    return f"{head.lower()}={val}"


def _tokens(st: Statement) -> set[str]:
    return {f"{e}:{v.lower()}" for e in ELEMENTS[1:] for v in _element_values(st, e)}


def statement_diff(old: PolicyDocument | Mapping[str, Any], new: PolicyDocument | Mapping[str, Any]) -> StatementDiff:
    """Match statements semantically, pair the rest by Sid then by similarity, report the differences."""
    a, b = list(_doc(old).statements), list(_doc(new).statements)
    left = list(range(len(a)))
    right = list(range(len(b)))
    keys_a, keys_b = [s.semantic_key() for s in a], [s.semantic_key() for s in b]
    unchanged = 0
    for i in list(left):
        j = next((j for j in right if keys_b[j] == keys_a[i]), None)
        if j is not None:
            left.remove(i)
            right.remove(j)
            unchanged += 1
    pairs: list[tuple[int, int]] = []
    for i in list(left):
        j = next((j for j in right if a[i].sid and b[j].sid == a[i].sid), None)
        if j is not None:
            pairs.append((i, j))
            left.remove(i)
            right.remove(j)
    scored = []
    tokens_a, tokens_b = {i: _tokens(a[i]) for i in left}, {j: _tokens(b[j]) for j in right}
    for i in left:
        for j in right:
            ta, tb = tokens_a[i], tokens_b[j]
            if not {x for x in ta & tb if x.startswith(("Action:", "NotAction:"))}:
                continue  # pair only statements that share an action; the rest are added/removed
            scored.append((-len(ta & tb) / len(ta | tb), i, j))
    for _, i, j in sorted(scored):
        if i in left and j in right:
            pairs.append((i, j))
            left.remove(i)
            right.remove(j)
    changed = tuple(
        StatementChange(i, j, b[j].sid or a[i].sid, _compare(a[i], b[j])) for i, j in sorted(pairs, key=lambda p: p[1])
    )
    return StatementDiff(
        unchanged=unchanged,
        added=tuple((j, b[j].to_dict()) for j in right),
        removed=tuple((i, a[i].to_dict()) for i in left),
        changed=tuple(c for c in changed if c.elements),
    )


def diff_policies(
    old: PolicyDocument | Mapping[str, Any],
    new: PolicyDocument | Mapping[str, Any],
    *,
    name: str = "",
    old_version: str | None = None,
    new_version: str | None = None,
) -> PolicyDiff:
    """The full comparison of two documents (old = e.g. the snapshot, new = e.g. AWS's default version)."""
    return PolicyDiff(name, old_version, new_version, action_diff(old, new), statement_diff(old, new))


def access_change(old: PolicyDocument | Mapping[str, Any], new: PolicyDocument | Mapping[str, Any]) -> dict[str, Any]:
    """Does NEW grant access OLD does not? :meth:`byoc_iam.compare.Comparison.to_dict` of the two documents
    as identity policies (``relation``, ``new_access``, an engine-checked ``counterexample``, ``statement``),
    or ``{"undecided": reason}`` when z3 cannot decide within 30 s."""
    from byoc_iam.compare import Undecided, compare_policies

    try:
        return compare_policies(_doc(old), _doc(new)).to_dict()
    except Undecided as exc:
        return {"undecided": str(exc)}


def describe_access(access: Mapping[str, Any]) -> str:
    """One line for :func:`access_change`'s answer."""
    if "undecided" in access:
        return f"access: undecided ({access['undecided']})"
    if not access["new_access"]:
        head = {"equivalent": "no change in access", "narrower": "narrows access"}[access["relation"]]
    else:
        r = access["counterexample"]
        head = f"grants new access ({access['relation']}), e.g. {r['action']} on {r['resource']}"
    return head + (f" [approximate: {access['approximate']}]" if access.get("approximate") else "")


def with_partition(document: PolicyDocument | Mapping[str, Any], partition: str) -> dict[str, Any]:
    """The document with every ``arn:aws:`` string value rewritten to ``arn:<partition>:`` (the snapshot is
    the aws partition's; compare it with another partition's version in that partition's terms)."""
    raw = document.to_dict() if isinstance(document, PolicyDocument) else dict(document)
    if partition == "aws":
        return raw

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return f"arn:{partition}:{value[8:]}" if value.startswith("arn:aws:") else value
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    out: dict[str, Any] = walk(raw)
    return out
