"""Conformance against iam-simulate's own test cases (../shared/research/iamsim-tests, read in place).

- every Strict-mode core-engine case (no ``simulation`` or ``simulation.mode == "Strict"``): decision, and
  ``blockedBy`` when the case states it;
- every condition-operator case, through :func:`byoc_iam.engine.conditions.evaluate_operator`;
- the simulation-engine integration cases that are single requests (``resultType == "single"`` in
  Strict mode): the overall decision.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.engine.conditions import evaluate_operator

ROOT = Path(__file__).resolve().parents[2].parent / "shared" / "research" / "iamsim-tests"


def _cases(sub: str) -> list[tuple[str, dict[str, Any]]]:
    out: list[tuple[str, dict[str, Any]]] = []
    base = ROOT / sub
    if not base.is_dir():
        return out
    for path in sorted(base.rglob("*.json")):
        for case in json.loads(path.read_text()):
            out.append((f"{path.relative_to(base)}::{case['name']}", case))
    return out


def _strict(case: dict[str, Any]) -> bool:
    return case.get("simulation", {}).get("mode", "Strict") == "Strict"


CORE = [(n, c) for n, c in _cases("coreEngineTests") if _strict(c)]
INTEGRATION = _cases("simulationEngineIntegrationTests")


def _request(r: dict[str, Any], context_key: str, wildcard_only: bool | None) -> Request:
    """An iam-simulate request object as a :class:`Request` (``{"type": "Anonymous"}``: no principal)."""
    principal = r["principal"]
    return Request(
        principal=None if isinstance(principal, dict) else str(principal),
        action=r["action"],
        resource=r["resource"]["resource"],
        resource_account=r["resource"].get("accountId"),
        context=r.get(context_key) or {},
        wildcard_only=wildcard_only,
    )


def _fix(doc: Any) -> Any:
    """IAM rejects ``"Principal": "arn:..."`` (only ``"*"`` may be a bare string) and so does our model;
    iam-simulate reads it as ``{"AWS": "arn:..."}``: do the same here, in the harness only."""
    if not isinstance(doc, dict):
        return doc
    stmts = doc.get("Statement")
    items = stmts if isinstance(stmts, list) else [stmts]
    fixed = []
    for st in items:
        st = dict(st)
        for key in ("Principal", "NotPrincipal"):
            if isinstance(st.get(key), str) and st[key] != "*":
                st[key] = {"AWS": st[key]}
        fixed.append(st)
    return {**doc, "Statement": fixed}


def run_core(case: dict[str, Any]) -> tuple[str, tuple[str, ...]]:
    case = json.loads(json.dumps(case))
    for key in ("resourcePolicy", "sessionPolicy"):
        if key in case:
            case[key] = _fix(case[key])
    for key in ("identityPolicies", "permissionBoundaries", "endpointPolicies"):
        if key in case:
            case[key] = [_fix(d) for d in case[key]]
    for key in ("serviceControlPolicies", "resourceControlPolicies"):
        for lv in case.get(key, []):
            lv["policies"] = [_fix(d) for d in lv["policies"]]
    levels = lambda key: (  # noqa: E731
        [lv["policies"] for lv in case[key]] if key in case else None
    )
    ps = PolicySet(
        identity=case.get("identityPolicies", []),
        resource=case.get("resourcePolicy"),
        boundary=case.get("permissionBoundaries"),
        scp=levels("serviceControlPolicies"),
        rcp=levels("resourceControlPolicies"),
        session=case.get("sessionPolicy"),
        endpoint=case.get("endpointPolicies"),
    )
    r = case["request"]
    d = compile_policies(ps).evaluate(_request(r, "context", bool(r.get("wildcardOnlyAction", False))))
    return d.decision, d.blocked_by


@pytest.fixture(scope="module")
def research(shared_research: Path) -> Path:
    return shared_research / "iamsim-tests"


# Cases where iam-simulate's expectation contradicts AWS's documentation (issue 10): name -> AWS's answer.
AWS_DOCS_DIFFER = {
    # "Resource-based policies that specify the ARN of the session are not limited by the session policy"
    # (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies.html#policies_session)
    "sessionPolicies.json::Implicit deny in session policy denies even if session ARN in resource policy": "Allowed",
}


@pytest.mark.parametrize(("name", "case"), CORE, ids=[n for n, _ in CORE])
def test_core_strict(research: Path, name: str, case: dict[str, Any]) -> None:
    decision, blocked = run_core(case)
    expected = case["expected"]
    if name in AWS_DOCS_DIFFER:
        assert decision == AWS_DOCS_DIFFER[name] != expected["response"], name
        return
    assert decision == expected["response"], name
    if "blockedBy" in expected:
        assert sorted(blocked) == sorted(expected["blockedBy"]), name


def test_core_strict_count(research: Path) -> None:
    assert len(CORE) == 359


def _operator_cases() -> list[dict[str, Any]]:
    path = ROOT / "conditionOperatorTests.json"
    return json.loads(path.read_text()) if path.is_file() else []


OPERATORS = _operator_cases()


# Operator cases where iam-simulate's expectation contradicts AWS's documentation: id -> AWS's answer.
OPERATORS_AWS_DOCS_DIFFER: dict[str, bool] = {}  # none: where AWS's docs are silent, iam-simulate decides


@pytest.mark.parametrize("case", OPERATORS, ids=[f"{c['operator']}::{c['name']}" for c in OPERATORS])
def test_condition_operator(research: Path, case: dict[str, Any]) -> None:
    got = evaluate_operator(case["operator"], case["policyValues"], case["testValue"], case.get("requestContext") or {})
    name = f"{case['operator']}::{case['name']}"
    if name in OPERATORS_AWS_DOCS_DIFFER:
        assert got is OPERATORS_AWS_DOCS_DIFFER[name] is not case["expected"], name
        return
    assert got is case["expected"]


def test_condition_operator_count(research: Path) -> None:
    assert len(OPERATORS) == 162


def _policy_list(items: Any) -> list[Any]:
    return [_fix(p["policy"]) for p in items or []]


def run_simulation(sim: dict[str, Any]) -> str:
    ps = PolicySet(
        identity=_policy_list(sim.get("identityPolicies")),
        resource=_fix(sim["resourcePolicy"]) if sim.get("resourcePolicy") else None,
        boundary=_policy_list(sim.get("permissionBoundaryPolicies")) or None,
        scp=[_policy_list(lv["policies"]) for lv in sim.get("serviceControlPolicies") or []],
        rcp=[_policy_list(lv["policies"]) for lv in sim.get("resourceControlPolicies") or []],
    )
    return compile_policies(ps).evaluate(_request(sim["request"], "contextVariables", None)).decision


def _single(case: dict[str, Any]) -> bool:
    mode = (case.get("simulationOptions") or {}).get("simulationMode", "Strict")
    return case["expected"]["resultType"] == "single" and mode == "Strict"


SINGLE = [(n, c) for n, c in INTEGRATION if _single(c)]


@pytest.mark.parametrize(("name", "case"), SINGLE, ids=[n for n, _ in SINGLE])
def test_integration_single_request(research: Path, name: str, case: dict[str, Any]) -> None:
    assert run_simulation(case["simulation"]) == case["expected"]["overallResult"], name


def test_integration_single_count(research: Path) -> None:
    assert len(SINGLE) == 10
