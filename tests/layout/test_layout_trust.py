"""The split layout's trust, checked per role: each role's intended principals (from the requirements catalog)
can assume it and nobody else can (the standard negatives, the other controllers' service accounts, EKS Pod
Identity for another account's cluster); a placeholder provider is "not linked yet", never a green verify."""

from __future__ import annotations

import copy
import json

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.model import RoleSpec
from byoc_iam.verify.requirements import Target
from byoc_iam.verify.split_trust import check_split_trust, intended_by_kind
from cli_helpers import run_main as run

ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"
TARGET = Target(account=ACCOUNT, region="us-east-1", partition="aws", cluster="zilliz-byoc")


def _specs(**kw: object) -> tuple[BlueprintInputs, dict[str, RoleSpec]]:
    inputs = BlueprintInputs(account_id=ACCOUNT, layout="split", region="us-east-1", **kw)  # type: ignore[arg-type]
    return inputs, {m.kind: m.spec for m in render_role_set(inputs)}


def _by_kind(inputs: BlueprintInputs, specs: dict[str, RoleSpec]) -> dict[str, list[tuple[str, str]]]:
    return {r.kind: [(t.id, t.status) for t in r.trust] for r in check_split_trust(inputs, specs, TARGET)}


def test_each_controller_role_admits_its_own_service_account_only() -> None:
    inputs, specs = _specs(oidc_issuer=ISSUER)
    rows = _by_kind(inputs, specs)
    assert ("irsa:kube-system:aws-load-balancer-controller", "passed") in rows["lbc"]
    assert ("other:kube-system:ebs-csi-controller-sa", "passed") in rows["lbc"]  # denied, as expected
    assert all(status == "passed" for kind in rows.values() for _, status in kind)
    assert intended_by_kind(inputs, "aws")["node"] == (["ec2.amazonaws.com"], [])


def test_a_wildcard_subject_admitting_another_controller_fails() -> None:
    inputs, specs = _specs(oidc_issuer=ISSUER)
    trust = copy.deepcopy(specs["lbc"].trust_policy)
    cond = trust["Statement"][0]["Condition"]
    host = ISSUER.removeprefix("https://")
    cond["StringEquals"].pop(f"{host}:sub")
    cond["StringLike"] = {f"{host}:sub": "system:serviceaccount:kube-system:*"}
    specs["lbc"] = specs["lbc"].model_copy(update={"trust_policy": trust})
    result = next(r for r in check_split_trust(inputs, specs, TARGET) if r.kind == "lbc")
    failed = {t.id for t in result.trust if t.status == "failed"}
    assert "other:kube-system:ebs-csi-controller-sa" in failed and result.failed
    assert "other:kube-system:cluster-autoscaler" in failed


def test_node_role_missing_ec2_fails_and_cluster_role_admitting_ec2_fails() -> None:
    inputs, specs = _specs(oidc_issuer=ISSUER)
    node = copy.deepcopy(specs["node"].trust_policy)
    node["Statement"][0]["Principal"] = {"Service": "eks.amazonaws.com"}
    specs["node"] = specs["node"].model_copy(update={"trust_policy": node})
    results = {r.kind: r for r in check_split_trust(inputs, specs, TARGET)}
    assert results["node"].failed
    assert ("service:ec2.amazonaws.com", "failed") in [(t.id, t.status) for t in results["node"].trust]


def test_pod_identity_trust_without_source_account_fails_the_confused_deputy_check() -> None:
    inputs, specs = _specs(identity="pod-identity")
    ok = {r.kind: r for r in check_split_trust(inputs, specs, TARGET)}
    assert not any(r.failed or r.not_linked for r in ok.values())
    assert ("pod-identity:sts:TagSession", "passed") in [(t.id, t.status) for t in ok["ebs-csi"].trust]
    trust = copy.deepcopy(specs["ebs-csi"].trust_policy)
    del trust["Statement"][0]["Condition"]
    specs["ebs-csi"] = specs["ebs-csi"].model_copy(update={"trust_policy": trust})
    bad = next(r for r in check_split_trust(inputs, specs, TARGET) if r.kind == "ebs-csi")
    assert ("pod-identity:other-account", "failed") in [(t.id, t.status) for t in bad.trust]


def test_cni_role_is_assumed_by_aws_node() -> None:
    inputs, specs = _specs(oidc_issuer=ISSUER, cni_role=True)
    rows = _by_kind(inputs, specs)
    assert ("irsa:kube-system:aws-node", "passed") in rows["cni"]
    assert all(status == "passed" for _, status in rows["cni"])


def test_cli_placeholder_split_is_not_linked_yet_and_exits_3() -> None:
    code, out, _ = run("verify", "--account-id", ACCOUNT, "--layout", "split", "-o", "json")
    doc = json.loads(out)
    assert code == 3 and doc["ok"] is False and doc["status"] == "not-linked"  # ok: exit 0 at the defaults
    lbc = next(r for r in doc["trust"] if r["role_kind"] == "lbc")
    assert [t["status"] for t in lbc["trust"] if t["id"].startswith("irsa:")] == ["not-linked"]
    code, out, _ = run("verify", "--account-id", ACCOUNT, "--layout", "split", "--allow-unlinked")
    assert code == 0 and "NOT LINKED YET" in out
    code, out, _ = run("verify", "--account-id", ACCOUNT, "--layout", "split", "--oidc-issuer", ISSUER)
    assert code == 0 and out.rstrip().splitlines()[-1].startswith("PASS")
    code, out, _ = run("verify", "--account-id", ACCOUNT, "--layout", "split", "-o", "sarif")
    rules = {r["ruleId"] for r in json.loads(out)["runs"][0]["results"]}
    assert code == 3 and rules == {"layout/not-linked"}


def test_html_shows_not_linked_banner_and_trust_table(tmp_path: object) -> None:
    from pathlib import Path

    html = Path(str(tmp_path)) / "split.html"
    code, _, _ = run("verify", "--account-id", ACCOUNT, "--layout", "split", "--html", str(html), "-o", "json")
    page = html.read_text()
    assert code == 3 and 'class="banner not-linked"' in page and 'data-status="not-linked"' in page
    assert page.count('<tr data-role="') == 5 and "NOT LINKED YET" in page


def test_split_role_set_waits_for_link_and_allow_unlinked_accepts_it() -> None:
    """The set's storage role, not linked yet, makes the layout wait (exit 3), not fail: --allow-unlinked gives 0."""
    args = ["verify", "--layout", "split", "--role", "all", "--account-id", ACCOUNT, "--bucket", "b-1"]
    code, out, _ = run(*args, "--external-id", "e1", "-o", "json")
    doc = json.loads(out)
    storage = next(r for r in doc["roles"] if r["kind"] == "storage")
    assert code == 3 and not doc["ok"] and doc["status"] == "not-linked" and storage["status"] == "not-linked"
    code, out, _ = run(*args, "--external-id", "e1", "--allow-unlinked")
    assert code == 0 and "! storage role zilliz-byoc-storage-role: not linked yet" in out
