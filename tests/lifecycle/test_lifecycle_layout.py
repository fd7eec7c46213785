"""The split layout through the lifecycle against the moto server: apply creates every role, applying again and
plan change nothing, destroy removes them all (and nothing else)."""

from __future__ import annotations

import json

import pytest
from lifecycle_helpers import ACCOUNT, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

SPLIT = ["--account-id", ACCOUNT, "--layout", "split"]
NAMES = {
    "zilliz-byoc-eks-cluster-role",
    "zilliz-byoc-eks-node-role",
    "zilliz-byoc-lbc-role",
    "zilliz-byoc-ebs-csi-role",
    "zilliz-byoc-cluster-autoscaler-role",
}


def _roles(endpoint: str) -> set[str]:
    return {r["RoleName"] for r in raw_client(endpoint).list_roles()["Roles"]}


@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
def test_split_apply_reapply_plan_destroy(lc_env: MotoServer, identity: str) -> None:
    flags = [*SPLIT, "--identity", identity, "--cni-role"]
    names = NAMES | {"zilliz-byoc-vpc-cni-role"}
    applied = run_cli("apply", *flags, "--yes")
    assert applied.code == 0, applied.err
    assert _roles(lc_env.endpoint_url) >= names
    assert "zilliz-byoc-eks-role" not in _roles(lc_env.endpoint_url)
    iam = raw_client(lc_env.endpoint_url)
    node = iam.list_attached_role_policies(RoleName="zilliz-byoc-eks-node-role")["AttachedPolicies"]
    assert {p["PolicyName"] for p in node} == {"AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"}
    assert iam.list_role_policies(RoleName="zilliz-byoc-lbc-role")["PolicyNames"] == ["AWSLoadBalancerController"]

    again = run_cli("apply", *flags, "--yes", "--verbose")
    assert again.code == 0, again.err
    assert again.out.count("No changes") == len(names)
    assert "iam:CreateRole" not in again.err and "iam:PutRolePolicy" not in again.err
    plan = run_cli("plan", *flags, "--detailed-exitcode", "--no-check-managed")
    assert plan.code == 0, plan.out + plan.err

    iam.create_role(RoleName="someone-elses-role", AssumeRolePolicyDocument="{}")
    destroyed = run_cli("destroy", "--layout", "split", "--yes")
    assert destroyed.code == 0, destroyed.err
    left = _roles(lc_env.endpoint_url)
    assert not (left & names) and "someone-elses-role" in left


def test_demo_layout_split_applies_verifies_and_proves() -> None:
    res = run_cli("demo", "--layout", "split", "--role", "eks")
    assert res.code == 0, res.err
    assert "✓ apply again: 0 changes over 5 roles (idempotent)" in res.out
    assert "✓ verify (live roles): 7 components pass, each against its own role" in res.out
    assert "the node role can no longer elasticloadbalancing:DeleteLoadBalancer" in res.out
    arn = f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-ebs-csi-role"
    assert f"--set controller.serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn={arn}" in res.out
    assert "`byoc-iam apply --layout split --account-id <ID>`" in res.out  # the next step keeps the layout
    assert res.out.strip().splitlines()[-1] == "✓ Demo complete: every step passed."


def test_demo_refuses_an_unknown_layout() -> None:
    res = run_cli("demo", "--layout", "diagonal")
    assert res.code == 2 and res.err == "byoc-iam: --layout: must be one of combined, split\n"


def test_link_cluster_layout_split_links_each_controller_role_to_its_service_account(lc_env: MotoServer) -> None:
    assert run_cli("apply", *SPLIT, "--yes").code == 0
    eks = raw_client(lc_env.endpoint_url, "eks")
    node = f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-cluster-role"
    eks.create_cluster(name="zilliz-byoc-demo", roleArn=node, resourcesVpcConfig={"subnetIds": []})
    host = eks.describe_cluster(name="zilliz-byoc-demo")["cluster"]["identity"]["oidc"]["issuer"].removeprefix(
        "https://"
    )

    linked = run_cli("link-cluster", "--cluster", "zilliz-byoc-demo", "--layout", "split", "--yes")
    assert linked.code == 0, linked.err
    iam = raw_client(lc_env.endpoint_url)
    for name, sa in [
        ("zilliz-byoc-lbc-role", "aws-load-balancer-controller"),
        ("zilliz-byoc-ebs-csi-role", "ebs-csi-controller-sa"),
        ("zilliz-byoc-cluster-autoscaler-role", "cluster-autoscaler"),
    ]:
        assert f"Linked {name}" in linked.out
        (stmt,) = iam.get_role(RoleName=name)["Role"]["AssumeRolePolicyDocument"]["Statement"]
        assert stmt["Principal"]["Federated"] == f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"
        assert stmt["Condition"]["StringEquals"][f"{host}:sub"] == f"system:serviceaccount:kube-system:{sa}"
    cluster_trust = iam.get_role(RoleName="zilliz-byoc-eks-cluster-role")["Role"]["AssumeRolePolicyDocument"]
    assert "Federated" not in json.dumps(cluster_trust)  # not touched


def test_link_cluster_refuses_pod_identity_roles(lc_env: MotoServer) -> None:
    assert run_cli("apply", *SPLIT, "--identity", "pod-identity", "--yes").code == 0
    res = run_cli("link-cluster", "--cluster", "zilliz-byoc-demo", "--layout", "split", "--yes")
    assert res.code == 2 and "trusts EKS Pod Identity" in res.err and len(res.err.splitlines()) == 1
