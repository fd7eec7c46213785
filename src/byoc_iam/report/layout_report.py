"""People-facing renderings of ``verify --layout split`` (the ``byoc-iam-layout-verify/1`` document of
:mod:`byoc_iam.cli.layout_verify`): terminal text, SARIF 2.1.0 (through :mod:`byoc_iam.report.sarif`) and one
self-contained HTML page (``templates/layout_verify.html.j2``, jinja2, autoescaped, no scripts). No decisions of
their own: every verdict comes from the document."""

from __future__ import annotations

from typing import Any

from byoc_iam.report.sarif import SarifResult, SarifRule, sarif_log

READ_PREFIXES = ("Describe", "Get", "List")
RULES = (
    SarifRule(
        "layout/call-denied", "CallDenied", "A component's required call is denied by the role it gets.", "error"
    ),
    SarifRule("layout/new-access", "NewAccess", "A split role grants access the combined role does not.", "error"),
    SarifRule("layout/role-check", "RoleCheck", "A check of the storage or cross-account role failed.", "error"),
    SarifRule(
        "layout/beyond-blueprint",
        "BeyondBlueprint",
        "A split role grants beyond its blueprint, or has a policy verify cannot read (not evaluated: fails closed).",
        "error",
    ),
    SarifRule(
        "layout/trust-failed",
        "TrustFailed",
        "A split role's trust: an intended principal cannot assume it, another can, or its federation is broken.",
        "error",
    ),
    SarifRule(
        "layout/not-linked",
        "NotLinked",
        "A role a pod assumes names the placeholder OIDC provider: its controller cannot assume it until link-cluster.",
        "warning",
    ),
    SarifRule(
        "layout/association-role",
        "AssociationRole",
        "A component's service account is associated (EKS Pod Identity) with another role than its split role.",
        "error",
    ),
    SarifRule(
        "layout/association-foreign",
        "AssociationForeign",
        "An EKS Pod Identity association gives a split role to a service account the layout does not give it.",
        "error",
    ),
    SarifRule(
        "layout/association-missing",
        "AssociationMissing",
        "A component's EKS Pod Identity association does not exist (or the cluster was not read): no role yet.",
        "warning",
    ),
    SarifRule(
        "layout/boundary-not-evaluated",
        "BoundaryNotEvaluated",
        "A role's permissions boundary could not be read: none of its calls can be proven allowed.",
        "error",
    ),
)


def lost(role: dict[str, Any]) -> list[str]:
    """What the combined role grants and this split role does not: changes first, then reads."""
    actions = {a for group in role["no_longer"] for a in group["actions"]}
    return sorted(actions, key=lambda a: (a.split(":", 1)[-1].startswith(READ_PREFIXES), a))


def verdict(doc: dict[str, Any]) -> str:
    if doc.get("status") == "not-linked":
        return (
            "NOT LINKED YET: every component's calls are allowed by its own role and no split role grants more, "
            "but the controllers cannot assume their roles until "
            + ("apply makes their Pod Identity associations" if doc.get("associations") else "link-cluster")
        )
    if doc["ok"]:
        return (
            "PASS: every component's calls are allowed by its own role, only its intended principals can assume "
            "each role, and no split role grants more"
        )
    return "FAIL: " + "; ".join(failures(doc))


def trust_failures(doc: dict[str, Any]) -> list[tuple[str, str]]:
    """``(role name, line)`` per failed trust check and broken federation of the split roles."""
    out = []
    for r in doc.get("trust", []):
        out += [(r["role_name"], f"trust {t['id']}: {t['reason']}") for t in r["trust"] if t["status"] == "failed"]
        out += [
            (r["role_name"], f"federation {f['provider']}: {'; '.join(f['problems'])}")
            for f in r["federation"]
            if not f["passed"]
        ]
    return out


def failures(doc: dict[str, Any]) -> list[str]:
    """One line per failed call, split role with new access and failed set check."""
    out = []
    for c in doc["components"]:
        comp = c["component"]
        out += [f"{comp['name']} on {c['role_name']}: {call['action']} denied" for call in _failed(comp)]
        if c.get("boundary_not_evaluated"):
            out.append(f"{c['role_name']}: permissions boundary {c['boundary_not_evaluated']} not read (use --live)")
    for r in doc["proof"]["roles"]:
        if r.get("unverified"):
            out.append(f"{r['role_name']}: {r['unverified']}")
        elif not r["no_new_access"]:
            req = r["new_access"] or {}
            out.append(
                f"{r['role_name']} grants more than the combined role: {req.get('action')} on {req.get('resource')}"
            )
    out += beyond_lines(doc)
    out += [f"{name} {line}" for name, line in trust_failures(doc)]
    out += [a["message"] for a in doc.get("associations", []) if a["status"] == "failed"]
    for r in doc["roles"]:
        out += list(r["failures"])
    return out


def beyond_lines(doc: dict[str, Any]) -> list[str]:
    """One line per grant of a split role read live beyond its blueprint (or policy it cannot read)."""
    return [f"{b['role_name']}: {b['what']}" for b in doc.get("beyond", [])]


def variant_line(v: dict[str, Any]) -> str:
    """The note on an upstream variant policy used with Pod Identity (also in the combined baseline)."""
    head = f"  note: {v['controller']} uses upstream's {v['policy']} (Pod Identity), in the combined baseline too"
    req = v["new_access"]
    if req is None:
        return head + "; it grants nothing the pinned policy does not"
    return head + f"; beyond the pinned policy it allows e.g. {req.get('action')} on {req.get('resource')}"


def _failed(comp: dict[str, Any]) -> list[dict[str, Any]]:
    return [call for call in comp["calls"] if call["status"] == "failed"]


def render_text(doc: dict[str, Any], limit: int = 6) -> str:
    """The terminal report: components, the proof with what each role no longer grants, the set, the verdict."""
    lines = [f"components, each against the role it gets ({doc['source']} roles, {doc['identity']}):"]
    for c in doc["components"]:
        comp = c["component"]
        mark = "✓" if comp["status"] != "failed" else "✗"
        passed = comp["counts"]["passed"]
        lines.append(
            f"  {mark} {comp['name']} → {c['role_kind']} role {c['role_name']}: {passed} required calls allowed"
        )
        lines += [f"      ✗ {call['action']}: {call['summary']}" for call in _failed(comp)]
        if c.get("boundary_not_evaluated"):
            lines.append(f"      ✗ permissions boundary {c['boundary_not_evaluated']} not read: no call proven allowed")
    lines += _trust_lines(doc)
    lines += _association_lines(doc)
    if doc["no_imds_finding"]:
        lines.append(
            "  no shared-role IMDS finding: proved that the node role no longer grants "
            "elasticloadbalancing:DeleteLoadBalancer or ec2:DeleteVolume"
        )
    proof = doc["proof"]
    lines.append(f"split layout ({proof['identity']}) against the combined role {proof['combined_role']}:")
    for r in proof["roles"]:
        how = "proved" if not r["approximate"] else "approximate"
        state = (
            f"no new access ({how})" if r["no_new_access"] else f"NEW ACCESS: {(r['new_access'] or {}).get('action')}"
        )
        state = f"UNVERIFIED: {r['unverified']}" if r.get("unverified") else state
        lines.append(f"  {r['kind']} role {r['role_name']}: {r['relation']}, {state}")
        actions = lost(r)
        if actions:
            more = f", ... ({len(actions) - limit} more)" if len(actions) > limit else ""
            lines.append(f"    no longer grants (some or all of): {', '.join(actions[:limit])}{more}")
    lines += [variant_line(v) for v in proof.get("variants", [])]
    lines += [f"✗ {line} (beyond the blueprint)" for line in beyond_lines(doc)]
    for r in doc["roles"]:
        waiting = r.get("status") == "not-linked"
        mark = "!" if waiting else "✓" if r["ok"] else "✗"
        lines.append(f"{mark} {r['kind']} role {r['role_name']}" + (": not linked yet" if waiting else ""))
        lines += [f"    ✗ {f}" for f in r["failures"]]
    lines.append(verdict(doc))
    return "\n".join(lines) + "\n"


def _trust_lines(doc: dict[str, Any]) -> list[str]:
    """Each split role's trust: how many checks passed, failed or wait for link-cluster, and the failures."""
    lines = ["trust, each role (its intended principals can assume it, nobody else):"] if doc.get("trust") else []
    for r in doc.get("trust", []):
        count = r["counts"]
        mark = "✗" if count["failed"] else ("…" if count["not-linked"] else "✓")
        extra = f", {count['not-linked']} not linked yet" if count["not-linked"] else ""
        lines.append(
            f"  {mark} {r['role_kind']} role {r['role_name']} ({r['trust_mode']}): "
            f"{count['passed']} passed, {count['failed']} failed{extra}"
        )
    lines += [f"      ✗ {name}: {line}" for name, line in trust_failures(doc)]
    return lines


def _association_lines(doc: dict[str, Any]) -> list[str]:
    """The live Pod Identity associations' checks (none offline or with IRSA)."""
    checks = doc.get("associations", [])
    lines = ["Pod Identity associations (each service account → exactly its split role):"] if checks else []
    marks = {"passed": "✓", "failed": "✗", "not-linked": "…"}
    return lines + [f"  {marks.get(a['status'], '✗')} {a['message']}" for a in checks]


def _association_results(doc: dict[str, Any]) -> list[SarifResult]:
    out = []
    for a in doc.get("associations", []):
        if a["status"] == "passed":
            continue
        pointer = a["service_account"] or "cluster"
        if a["status"] == "failed":
            out.append(SarifResult(f"layout/{a['id']}", "error", a["message"], pointer=pointer))
        else:
            out.append(SarifResult("layout/association-missing", "warning", a["message"], pointer=pointer))
    return out


def to_sarif(doc: dict[str, Any]) -> dict[str, Any]:
    """The document as a SARIF log: one result per failed call, per split role with new access, per failed set
    check and per unevaluated boundary."""
    from byoc_iam import __version__

    results: list[SarifResult] = []
    for c in doc["components"]:
        comp = c["component"]
        for call in _failed(comp):
            msg = f"{comp['name']} on {c['role_name']}: {call['action']} ({call['summary']}): {call.get('reason', '')}"
            ptr = f"{c['role_name']}/{comp['id']}/{call['id']}"
            results.append(SarifResult("layout/call-denied", "error", msg, pointer=ptr))
        if c.get("boundary_not_evaluated"):
            msg = f"{c['role_name']}: permissions boundary {c['boundary_not_evaluated']} not evaluated"
            results.append(SarifResult("layout/boundary-not-evaluated", "error", msg, pointer=c["role_name"]))
    for r in doc["proof"]["roles"]:
        if r.get("unverified"):
            msg = f"{r['role_name']}: {r['unverified']}"
            results.append(SarifResult("layout/beyond-blueprint", "error", msg, pointer=r["role_name"]))
        elif not r["no_new_access"]:
            req = r["new_access"] or {}
            msg = f"{r['role_name']} allows {req.get('action')} on {req.get('resource')}; the combined role does not"
            results.append(SarifResult("layout/new-access", "error", msg, pointer=r["role_name"]))
    results += [
        SarifResult("layout/beyond-blueprint", "error", f"{b['role_name']}: {b['what']}", pointer=b["role_name"])
        for b in doc.get("beyond", [])
    ]
    results += [SarifResult("layout/trust-failed", "error", f, pointer=name) for name, f in trust_failures(doc)]
    for r in doc.get("trust", []):
        if any(t["status"] == "not-linked" for t in r["trust"]):
            msg = f"{r['role_name']}: not linked yet; its controller cannot assume it until link-cluster"
            results.append(SarifResult("layout/not-linked", "warning", msg, pointer=r["role_name"]))
    results += _association_results(doc)
    for r in doc["roles"]:
        results += [SarifResult("layout/role-check", "error", f, pointer=r["role_name"]) for f in r["failures"]]
    log = sarif_log("byoc-iam", __version__, RULES, results)
    no_longer = {r["role_name"]: lost(r) for r in doc["proof"]["roles"]}
    log["runs"][0]["properties"] = {"layout_verify": {"ok": doc["ok"], "verdict": verdict(doc), "no_longer": no_longer}}
    return log


def render_html(doc: dict[str, Any]) -> str:
    """The document as one standalone HTML page."""
    from byoc_iam.report import html_template

    return html_template("layout_verify.html.j2").render(
        d=doc, verdict=verdict(doc), failures=failures(doc), lost=lost, failed=_failed, variant_line=variant_line
    )


__all__ = ["RULES", "failures", "lost", "render_html", "render_text", "to_sarif", "variant_line", "verdict"]
