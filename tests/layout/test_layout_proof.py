"""The split layout, proven: each component against its own role, and every split role within the combined role
(z3), with what each role no longer grants — through ``verify --layout split`` (terminal and JSON)."""

from __future__ import annotations

import json

import pytest

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.verify.layout import lost_actions, prove_layout
from cli_helpers import run_main as run

ACCOUNT = "123456789012"


def test_verify_layout_split_json_components_and_proof() -> None:
    code, out, err = run("verify", "--account-id", ACCOUNT, "--layout", "split", "-o", "json", "--allow-unlinked")
    assert code == 0, out + err
    doc = json.loads(out)
    assert doc["format"] == "byoc-iam-layout-verify/1" and doc["ok"] is True
    where = {c["component"]["id"]: c["role_kind"] for c in doc["components"]}
    assert where == {
        "eks-control-plane": "cluster",
        "vpc-resource-controller": "cluster",
        "worker-node": "node",
        "amazon-vpc-cni": "node",
        "aws-load-balancer-controller": "lbc",
        "aws-ebs-csi-driver": "ebs-csi",
        "cluster-autoscaler": "cluster-autoscaler",
    }
    assert all(c["component"]["status"] == "passed" for c in doc["components"])
    proof = doc["proof"]
    assert proof["ok"] is True and [r["kind"] for r in proof["roles"]] == [
        "cluster",
        "node",
        "lbc",
        "ebs-csi",
        "cluster-autoscaler",
    ]
    for r in proof["roles"]:
        assert r["relation"] == "narrower" and r["no_new_access"] and r["new_access"] is None, r["kind"]
        assert r["approximate"] is None and r["no_longer"], r["kind"]
    node = next(r for r in proof["roles"] if r["kind"] == "node")
    lost = {a.lower() for group in node["no_longer"] for a in group["actions"]}
    assert {
        "elasticloadbalancing:deleteloadbalancer",
        "ec2:deletevolume",
        "autoscaling:terminateinstanceinautoscalinggroup",
    } <= lost
    # each lost class carries a request the combined role allows and the node role denies
    assert all(g["request"]["action"] for g in node["no_longer"])
    lbc = next(r for r in proof["roles"] if r["kind"] == "lbc")
    lbc_lost = {a.lower() for group in lbc["no_longer"] for a in group["actions"]}
    assert "ec2:deletevolume" in lbc_lost  # the EBS CSI driver's, not the LBC's
    assert "elasticloadbalancing:describeloadbalancers" not in lbc_lost  # the LBC keeps what its policy grants


def test_a_role_given_new_access_is_caught_not_passed() -> None:
    """No false PASS: a node role with one extra statement is reported with the request it newly allows."""
    from byoc_iam.compare.prove import compare_sides
    from byoc_iam.compare.roles import permission_side

    inputs = BlueprintInputs(account_id=ACCOUNT, layout="split")
    node = render_role_set(inputs).get("node")
    assert node is not None
    extra = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
    wider = node.spec.model_copy(update={"inline_policies": {"Extra": extra}})
    combined = permission_side(render_role(inputs))
    result = compare_sides(combined, permission_side(wider))
    assert result.new_access and result.counterexample is not None
    assert result.counterexample["action"].lower() == "s3:getobject"


@pytest.mark.slow
def test_pod_identity_proof_reports_the_ebs_variant_honestly() -> None:
    """The EBS role uses upstream's cluster-scoped policy: the baseline gets it too (the proof measures the split),
    and the note says what the variant grants beyond the pinned policy (CopyVolumes without the cluster=true tag)."""
    proof = prove_layout(BlueprintInputs(account_id=ACCOUNT, layout="split", identity="pod-identity"))
    assert proof.ok
    (variant,) = proof.variants
    assert variant.controller == "aws-ebs-csi-driver" and variant.new_access is not None
    assert variant.new_access["action"] == "ec2:CopyVolumes"
    node = next(r for r in proof.roles if r.kind == "node")
    assert node.ok and "elasticloadbalancing:deleteloadbalancer" in lost_actions(node)
