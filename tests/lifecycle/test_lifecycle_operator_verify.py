"""``operator-policy --command verify``: the reads of ``verify --live`` (the EKS role, the role set, the split
layout) are exactly the calls listed for verify, and the policy grants each of them, including ``iam:GetRole``
on the two EKS service-linked roles (read by the cross-account role's checks), which no lifecycle command gets."""

from __future__ import annotations

import json

from lifecycle_helpers import ACCOUNT, RECORDED, raw_client, run_cli

from byoc_iam.aws import operator
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.engine import PolicySet, Request, compile_policies

SET = ["--account-id", ACCOUNT, "--bucket", "milvus-data", "--external-id", "ext-123"]
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SPLIT = ["--account-id", ACCOUNT, "--layout", "split", "--oidc-issuer", ISSUER]
SLR = f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/eks.amazonaws.com/AWSServiceRoleForAmazonEKS"


def _verify_calls(*argv: str) -> set[str]:
    start = len(RECORDED)
    res = run_cli("verify", "--live", *argv)
    assert res.code == 0, res.out + res.err
    return set(RECORDED[start:])


def test_verify_live_reads_exactly_what_is_listed_for_verify(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--role", "all", *SET, "--yes").code == 0
    endpoint = ["--endpoint-url", lc_env.endpoint_url]
    made = _verify_calls("--role", "all", *SET, "--allow-unlinked", *endpoint)
    managed = ["--account-id", ACCOUNT, "--policy-placement", "managed"]  # customer-managed controller policies
    assert run_cli("apply", *managed, "--yes").code == 0
    made |= _verify_calls("--role-name", "zilliz-byoc-eks-role", "--region", "us-east-1", "--allow-unlinked", *endpoint)
    assert run_cli("apply", *SPLIT, "--yes").code == 0
    made |= _verify_calls(*SPLIT)
    # Pod Identity: verify --live reads every association of the cluster
    eks = raw_client(lc_env.endpoint_url, "eks")
    eks.create_cluster(name="pods", roleArn=f"arn:aws:iam::{ACCOUNT}:role/x", resourcesVpcConfig={"subnetIds": []})
    pods = ["--account-id", ACCOUNT, "--layout", "split", "--identity", "pod-identity", "--cluster-name", "pods"]
    assert run_cli("apply", *pods, "--yes", "--allow-trust-widening").code == 0
    made |= _verify_calls(*pods, "--cluster", "pods", *endpoint)
    assert {"eks:ListPodIdentityAssociations", "eks:DescribePodIdentityAssociation"} <= made
    listed = {a for a, c in operator.calls().items() if "verify" in c.commands}
    assert made <= listed, sorted(made - listed)
    # the ones not made here: tags when GetRole/GetPolicy return none (real AWS returns them), the cluster read
    # (--cluster) and the policy versions of a customer-managed policy read for a plan's diff
    assert listed - made <= {"iam:ListRoleTags", "iam:ListPolicyTags", "eks:DescribeCluster", "iam:ListPolicyVersions"}
    assert {"iam:GetRole", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:GetOpenIDConnectProvider"} <= made


def _decide(doc: dict[str, object], action: str, resource: str) -> str:
    compiled = compile_policies(PolicySet(identity=[doc]))
    who = f"arn:aws:iam::{ACCOUNT}:user/auditor"
    return compiled.evaluate(Request(who, action, resource, resource_account=ACCOUNT)).decision


def test_the_verify_policy_reads_the_service_linked_roles_and_writes_nothing() -> None:
    doc = operator.operator_policy(("verify",), account=ACCOUNT)
    assert _decide(doc, "iam:GetRole", SLR) == "Allowed"
    assert _decide(doc, "iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-role") == "Allowed"
    assert _decide(doc, "iam:GetRole", f"arn:aws:iam::{ACCOUNT}:role/aws-service-role/x.amazonaws.com/Other") != (
        "Allowed"
    )
    for action in ("iam:CreateRole", "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:AttachRolePolicy"):
        assert _decide(doc, action, f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-role") != "Allowed"
    assert all(operator.calls()[a].access == "read" for s in doc["Statement"] for a in s["Action"])
    # the lifecycle commands do not read the service-linked roles
    assert _decide(operator.operator_policy(account=ACCOUNT), "iam:GetRole", SLR) != "Allowed"


def test_operator_policy_command_accepts_verify() -> None:
    res = run_cli("operator-policy", "--command", "verify", "--account-id", ACCOUNT)
    assert res.code == 0, res.err
    assert "AWSServiceRoleForAmazonEKSNodegroup" in res.out and "iam:CreateRole" not in res.out


def test_the_pod_identity_verify_policy_reads_the_associations_and_changes_none() -> None:
    pods = ["--account-id", ACCOUNT, "--layout", "split", "--identity", "pod-identity"]
    res = run_cli("operator-policy", "--command", "verify", *pods)
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    cluster = f"arn:aws:eks:us-east-1:{ACCOUNT}:cluster/c1"
    association = f"arn:aws:eks:us-east-1:{ACCOUNT}:podidentityassociation/c1/a-1"
    assert _decide(doc, "eks:ListPodIdentityAssociations", cluster) == "Allowed"
    assert _decide(doc, "eks:DescribePodIdentityAssociation", association) == "Allowed"
    for action in ("eks:CreatePodIdentityAssociation", "eks:DeletePodIdentityAssociation"):
        assert _decide(doc, action, cluster) != "Allowed" and _decide(doc, action, association) != "Allowed"
