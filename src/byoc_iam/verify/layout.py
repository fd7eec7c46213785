"""The split layout, proven narrower: each split role grants nothing the combined role does not (z3).

For each role of :func:`byoc_iam.blueprint.layout.split_roles` the prover (:mod:`byoc_iam.compare`) compares its
permissions (inline, customer-managed and AWS managed policies from the packaged snapshot, within its permissions
boundary) with the combined EKS role's for the same inputs: ``no_new_access`` is a proof when
``approximate`` is ``None``; otherwise the request the split role newly allows is printed (engine-checked).
``no_longer`` lists, per class of actions the policies treat alike, what the combined role grants and this role
does not (in every case, or where the role's own conditions do not hold: the LBC role still deletes its own
cluster's load balancers; the node role no longer grants ``elasticloadbalancing:DeleteLoadBalancer`` at all), each
with one request the combined role allows and this role denies.

A role with a policy or boundary that can be neither read from the snapshot nor given (read live) is not proven:
its proof is ``unverified`` and fails (fail closed). Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.blueprint.layout import LayoutRole, split_roles
from byoc_iam.compare.prove import compare_sides, new_access_by_action
from byoc_iam.compare.roles import permission_side
from byoc_iam.model.policy import PolicyDocument
from byoc_iam.model.role import RoleSpec

FORMAT = "byoc-iam-layout-proof/1"


@dataclass(frozen=True)
class RoleProof:
    """One split role against the combined role: ``relation`` of its permissions to the combined role's
    (``narrower`` or ``equivalent`` = no new access), the request it newly allows (``None`` when none),
    ``approximate`` (why it is not a full proof, or ``None``) and ``no_longer``: ``(actions, request)`` per
    action class the combined role grants and this role does not; ``unverified``: why the role could not be
    compared (a policy without a document), then it fails."""

    kind: str
    role_name: str
    relation: str
    new_access: dict[str, Any] | None
    approximate: str | None
    no_longer: tuple[tuple[tuple[str, ...], dict[str, Any]], ...]
    unverified: str | None = None

    @property
    def ok(self) -> bool:
        return self.new_access is None and self.unverified is None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "role_name": self.role_name,
            "relation": self.relation,
            "no_new_access": self.ok,
            "new_access": self.new_access,
            "approximate": self.approximate,
            "no_longer": [{"actions": list(a), "request": r} for a, r in self.no_longer],
            "unverified": self.unverified,
        }


@dataclass(frozen=True)
class LayoutProof:
    """Every split role's proof, in apply order; ``ok`` when none grants new access."""

    combined_role: str
    identity: str
    roles: tuple[RoleProof, ...]
    variants: tuple[VariantNote, ...] = ()

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.roles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "ok": self.ok,
            "combined_role": self.combined_role,
            "identity": self.identity,
            "roles": [r.to_dict() for r in self.roles],
            "variants": [v.to_dict() for v in self.variants],
        }


@dataclass(frozen=True)
class VariantNote:
    """With Pod Identity a controller role uses upstream's variant policy (``policy``) instead of the pinned one,
    and the combined baseline is given the same policy, so the proof measures what splitting changes. This note
    says what the variant itself grants that the pinned policy does not (one engine-checked request), or None."""

    controller: str
    policy: str
    new_access: dict[str, Any] | None
    approximate: str | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "controller": self.controller,
            "policy": self.policy,
            "new_access": self.new_access,
            "approximate": self.approximate,
        }


def prove_role(combined: Any, role: LayoutRole, managed: Mapping[str, PolicyDocument] | None = None) -> RoleProof:
    """Prove one split role against the combined role's permission side (``managed``: policy documents by ARN,
    e.g. read live, over the snapshot); ``unverified`` when a policy of the role has no document."""
    old = combined
    try:
        new = permission_side(role.spec, managed)
    except LookupError as exc:
        why = f"{exc}: not evaluated, so not proven within the combined role"
        return RoleProof(role.kind, role.spec.role_name, "unverified", None, None, (), why)
    result = compare_sides(old, new, "identity")
    lost = tuple(new_access_by_action(new, old, "identity"))
    return RoleProof(role.kind, role.spec.role_name, result.relation, result.counterexample, result.approximate, lost)


def prove_layout(
    inputs: BlueprintInputs,
    specs: dict[str, RoleSpec] | None = None,
    managed: Mapping[str, PolicyDocument] | None = None,
) -> LayoutProof:
    """Prove every role of the split layout for ``inputs`` (its layout is taken as split) against the combined
    role rendered from the same inputs; ``specs`` (member kind → RoleSpec, e.g. read live) replace the rendered
    roles they name; ``managed``: documents by ARN read live (AWS managed policies, boundaries)."""
    split = inputs.model_copy(update={"layout": "split"})
    combined_spec, variants = combined_baseline(split)
    combined = permission_side(combined_spec)
    roles = [replace(r, spec=specs[r.kind]) if specs and r.kind in specs else r for r in split_roles(split)]
    proofs = tuple(prove_role(combined, role, managed) for role in roles)
    return LayoutProof(combined_spec.role_name, split.identity, proofs, variants)


def combined_baseline(split: BlueprintInputs) -> tuple[RoleSpec, tuple[VariantNote, ...]]:
    """The combined role for the same inputs; with Pod Identity, each controller policy the split layout replaces
    by upstream's variant (``split-layout.json`` ``pod_identity.variants``) is replaced in the baseline too, and a
    :class:`VariantNote` says what the variant grants beyond the pinned policy."""
    from byoc_iam.blueprint import data
    from byoc_iam.blueprint.layout import controller_policy, layout_data

    spec = render_role(split.model_copy(update={"layout": "combined", "identity": "irsa", "cni_role": False}))
    if split.identity != "pod-identity":
        return spec, ()
    inline, customer = dict(spec.inline_policies), dict(spec.customer_managed_policies)
    notes = []
    for ctl in layout_data()["pod_identity"]["variants"]:
        pinned = data.controller(ctl).policy_name
        name, variant = controller_policy(split, ctl)
        old: Any = None
        for docs, key in ((inline, pinned), (customer, f"{spec.role_name}-{pinned}")):
            if key in docs:
                old = docs[key]
                docs[key] = variant
        notes.append(_variant_note(spec, ctl, name, old, variant))
    return spec.model_copy(update={"inline_policies": inline, "customer_managed_policies": customer}), tuple(notes)


def _variant_note(spec: RoleSpec, ctl: str, name: str, pinned: Any, variant: Any) -> VariantNote:
    def alone(doc: Any) -> RoleSpec:
        return spec.model_copy(
            update={"inline_policies": {name: doc}, "customer_managed_policies": {}, "managed_policy_arns": []}
        )

    result = compare_sides(permission_side(alone(pinned)), permission_side(alone(variant)), "identity")
    return VariantNote(ctl, name, result.counterexample, result.approximate)


def render_text(proof: LayoutProof, limit: int = 6) -> str:
    """The terminal report: one line per role, then what it no longer grants (``limit`` action classes)."""
    lines = [f"split layout ({proof.identity}) against the combined role {proof.combined_role}:"]
    for r in proof.roles:
        verdict = "no new access (proved)" if r.ok and not r.approximate else "no new access (approximate)"
        if r.unverified:
            verdict = f"UNVERIFIED: {r.unverified}"
        elif not r.ok:
            verdict = f"NEW ACCESS: {_request_line(r.new_access or {})}"
        lines.append(f"  {r.kind} role {r.role_name}: {r.relation}, {verdict}")
        if r.approximate:
            lines.append(f"    approximate: {r.approximate}")
        actions = sorted((a for group, _ in r.no_longer for a in group), key=_write_first)
        if actions:
            shown = ", ".join(actions[:limit]) + (
                f", ... ({len(actions) - limit} more)" if len(actions) > limit else ""
            )
            lines.append(f"    denies some or all of what the combined role allows for: {shown}")
    lines.append("ok: every split role is within the combined role" if proof.ok else "FAIL: a split role grants more")
    return "\n".join(lines) + "\n"


READ_PREFIXES = ("Describe", "Get", "List")


def _write_first(action: str) -> tuple[bool, str]:
    """Sort key: actions that change something before reads (the ones a stolen node credential could abuse)."""
    return action.split(":", 1)[-1].startswith(READ_PREFIXES), action


def lost_actions(proof: RoleProof) -> set[str]:
    """Every action (lower case) the combined role grants and this split role does not."""
    return {a.lower() for group, _ in proof.no_longer for a in group}


def _request_line(request: dict[str, Any]) -> str:
    return f"{request.get('action')} on {request.get('resource')}"


__all__ = ["FORMAT", "LayoutProof", "RoleProof", "lost_actions", "prove_layout", "render_text"]
