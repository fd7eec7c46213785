"""The split layout and EKS Pod Identity (issue 15): the pure core, its data files, lint, render and wiring."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byoc_iam import data as knowledge
from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.blueprint.layout import components
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.cli.layout import association_commands, eksctl_fragment, helm_values
from byoc_iam.lint import Severity, lint_role
from cli_helpers import run_main as run

ACCOUNT = "123456789012"
CONTROLLER_SAS = {
    "lbc": "system:serviceaccount:kube-system:aws-load-balancer-controller",
    "ebs-csi": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    "cluster-autoscaler": "system:serviceaccount:kube-system:cluster-autoscaler",
}


def split(**kw: object) -> BlueprintInputs:
    return BlueprintInputs.model_validate({"account_id": ACCOUNT, "layout": "split", **kw})


def test_combined_is_the_default_and_byte_identical() -> None:
    default = BlueprintInputs(account_id=ACCOUNT)
    explicit = BlueprintInputs(account_id=ACCOUNT, layout="combined", identity="irsa")
    assert render_role(default).to_json() == render_role(explicit).to_json()
    assert render_role_set(default).kinds == ("eks",)
    plain = run("render", "--account-id", ACCOUNT, "-q")
    flagged = run("render", "--account-id", ACCOUNT, "--layout", "combined", "-q")
    assert plain[0] == flagged[0] == 0 and plain[1] == flagged[1]


def test_split_irsa_roles_trusts_and_policies() -> None:
    roles = render_role_set(split())
    assert roles.kinds == ("cluster", "node", "lbc", "ebs-csi", "cluster-autoscaler")
    cluster, node = roles.get("cluster"), roles.get("node")
    assert cluster is not None and node is not None
    assert [s["Principal"] for s in cluster.spec.trust_policy["Statement"]] == [{"Service": "eks.amazonaws.com"}]
    assert [s["Principal"] for s in node.spec.trust_policy["Statement"]] == [{"Service": "ec2.amazonaws.com"}]
    assert {a.rsplit("/", 1)[1] for a in cluster.spec.managed_policy_arns} == {
        "AmazonEKSClusterPolicy",
        "AmazonEKSVPCResourceController",
    }
    assert {a.rsplit("/", 1)[1] for a in node.spec.managed_policy_arns} == {
        "AmazonEKSWorkerNodePolicy",
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonEKS_CNI_Policy",
    }
    assert not node.spec.inline_policies and not cluster.spec.inline_policies
    for kind, sub in CONTROLLER_SAS.items():
        member = roles.get(kind)
        assert member is not None and member.links_cluster and member.association is None
        (stmt,) = member.spec.trust_policy["Statement"]
        assert stmt["Action"] == "sts:AssumeRoleWithWebIdentity"
        subs = [v for k, v in stmt["Condition"]["StringEquals"].items() if k.endswith(":sub")]
        assert subs == [sub] and set(stmt["Condition"]) == {"StringEquals"}
        assert len(member.spec.inline_policies) == 1 and not member.spec.managed_policy_arns
    assert {m.name for m in roles} == {
        "zilliz-byoc-eks-cluster-role",
        "zilliz-byoc-eks-node-role",
        "zilliz-byoc-lbc-role",
        "zilliz-byoc-ebs-csi-role",
        "zilliz-byoc-cluster-autoscaler-role",
    }


def test_name_prefix_names_every_split_role() -> None:
    roles = render_role_set(split(name_prefix="zilliz-byoc-prod"))
    assert all(m.name.startswith("zilliz-byoc-prod-") for m in roles)


def test_cni_role_moves_the_cni_policy_off_the_node_role() -> None:
    roles = render_role_set(split(cni_role=True))
    node, cni = roles.get("node"), roles.get("cni")
    assert node is not None and cni is not None
    assert not any("CNI" in a for a in node.spec.managed_policy_arns)
    assert [a.rsplit("/", 1)[1] for a in cni.spec.managed_policy_arns] == ["AmazonEKS_CNI_Policy"]
    assert cni.service_account == "kube-system:aws-node"
    assert components(split(cni_role=True))["amazon-vpc-cni"] == "cni"
    assert components(split())["amazon-vpc-cni"] == "node"


def test_pod_identity_trust_conditions_associations_and_cluster_scoped_ebs_policy() -> None:
    inputs = split(identity="pod-identity", cluster_name="zilliz-byoc-c1", region="us-west-2")
    roles = render_role_set(inputs)
    for kind in CONTROLLER_SAS:
        member = roles.get(kind)
        assert member is not None and not member.links_cluster and member.trust_mode == "resolved"
        (stmt,) = member.spec.trust_policy["Statement"]
        assert stmt["Principal"] == {"Service": "pods.eks.amazonaws.com"}
        assert stmt["Action"] == ["sts:AssumeRole", "sts:TagSession"]
        assert stmt["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}
        assert stmt["Condition"]["ArnLike"] == {
            "aws:SourceArn": f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/zilliz-byoc-c1"
        }
        assert member.association is not None and member.association.cluster_name == "zilliz-byoc-c1"
        assert (
            f"system:serviceaccount:{member.association.namespace}:{member.association.service_account}"
            == (CONTROLLER_SAS[kind])
        )
    ebs = roles.get("ebs-csi")
    assert ebs is not None
    (policy,) = ebs.spec.inline_policies.values()
    assert "${aws:PrincipalTag/eks-cluster-name}" in json.dumps(policy)
    lbc = roles.get("lbc")
    assert lbc is not None and "PrincipalTag" not in json.dumps(lbc.spec.inline_policies)  # no upstream variant


def test_cluster_scoped_variant_matches_upstream_and_names_its_source(shared_research: Path) -> None:
    raw = knowledge.raw("controller-variant", "aws-ebs-csi-driver-cluster-scoped")
    upstream = json.loads(
        (shared_research / "upstream/aws-ebs-csi-driver.AmazonEBSCSIDriverEKSClusterScopedPolicy.json").read_text()
    )
    assert raw["policy"] == upstream
    assert raw["source"]["path"] == "docs/AmazonEBSCSIDriverEKSClusterScopedPolicy.json"
    assert raw["source"]["commit"] in raw["source"]["url"]


@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
@pytest.mark.parametrize("cni_role", [False, True])
def test_both_identities_lint_clean(identity: str, cni_role: bool) -> None:
    for member in render_role_set(split(identity=identity, cni_role=cni_role)):
        bad = [
            f
            for f in lint_role(member.spec, trust_mode=member.trust_mode)
            if f.severity in (Severity.ERROR, Severity.WARNING, Severity.SECURITY_WARNING)
        ]
        assert bad == [], (member.kind, bad)


def test_pod_identity_or_cni_role_need_split_one_line_exit_2() -> None:
    for flags in (["--identity", "pod-identity"], ["--cni-role"], ["--layout", "diagonal"]):
        code, out, err = run("render", "--account-id", ACCOUNT, *flags)
        assert code == 2 and out == "", flags
        assert err.startswith("byoc-iam: ") and len(err.splitlines()) == 1, err


def test_render_split_writes_a_folder_per_role_and_the_wiring(tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, _, err = run("render", "--account-id", ACCOUNT, "--layout", "split", "--out", str(out), "-q")
    assert code == 0, err
    for kind in ("cluster", "node", "lbc", "ebs-csi", "cluster-autoscaler"):
        assert (out / kind / "rolespec.json").is_file()
    values = json.loads((out / "wiring/helm-values-aws-ebs-csi-driver.json").read_text())
    arn = values["controller"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert arn == f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-ebs-csi-role"
    doc = json.loads((out / "roleset.json").read_text())
    assert [r["kind"] for r in doc["roles"]][:2] == ["cluster", "node"]
    assert not (out / "wiring/pod-identity-associations.sh").exists()
    code, text, err = run("render", "--account-id", ACCOUNT, "--layout", "split", "-f", "terraform", "-q")
    assert code == 0 and "zilliz-byoc-lbc-role" in text and "zilliz-byoc-eks-node-role" in text, err


def test_wiring_irsa_helm_and_eksctl_pod_identity_commands() -> None:
    roles = render_role_set(split())
    values = helm_values(roles, "aws", ACCOUNT)
    assert set(values) == {"aws-load-balancer-controller", "aws-ebs-csi-driver", "cluster-autoscaler"}
    ca = values["cluster-autoscaler"]["rbac"]["serviceAccount"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert ca.endswith(":role/zilliz-byoc-cluster-autoscaler-role")
    frag = eksctl_fragment(roles, "aws", ACCOUNT)["iam"]
    assert {s["metadata"]["name"] for s in frag["serviceAccounts"]} == {
        "aws-load-balancer-controller",
        "ebs-csi-controller-sa",
        "cluster-autoscaler",
    }
    assert association_commands(roles, "aws", ACCOUNT, None) == []

    pods = render_role_set(split(identity="pod-identity"))
    # Pod Identity needs no annotation; EBS CSI's cluster-scoped policy needs the driver's cluster-name tags
    assert helm_values(pods, "aws", ACCOUNT, "c1") == {"aws-ebs-csi-driver": {"controller": {"k8sTagClusterId": "c1"}}}
    assert len(eksctl_fragment(pods, "aws", ACCOUNT)["iam"]["podIdentityAssociations"]) == 3
    cmds = association_commands(pods, "aws", ACCOUNT, "my cluster")
    assert len(cmds) == 3 and all("--cluster-name 'my cluster'" in c for c in cmds)
