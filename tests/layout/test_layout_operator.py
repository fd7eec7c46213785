"""operator-policy --layout split: scoped to the split roles of --name-prefix and their exact policy ARNs, with Pod
Identity the association calls and iam:PassRole of the workload roles to pods.eks.amazonaws.com only — proven by
byoc-iam's engine (another role, another policy, another service, an untagged association are denied)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from test_layout_blueprint import run

from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.lint import Severity, lint_document

ACCT = "123456789012"
PREFIX = "zilliz-byoc-prod"
ROLE = f"arn:aws:iam::{ACCT}:role/"
CLUSTER = f"arn:aws:eks:us-east-1:{ACCT}:cluster/c1"
WHO = f"arn:aws:iam::{ACCT}:user/operator"


def policy(identity: str) -> dict[str, Any]:
    code, out, err = run(
        "operator-policy", "--account-id", ACCT, "--layout", "split", "--identity", identity,
        "--name-prefix", PREFIX, "--cluster", "c1", "--region", "us-east-1",
    )  # fmt: skip
    assert code == 0, err
    doc: dict[str, Any] = json.loads(out)
    return doc


def decider(doc: dict[str, Any]) -> Any:
    compiled = compile_policies(PolicySet(identity=[doc]))

    def decide(action: str, resource: str, **context: Any) -> str:
        req = Request(WHO, action, resource, resource_account=ACCT, context=dict(context))
        return str(compiled.evaluate(req).decision)

    return decide


@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
def test_roles_and_policies_are_the_split_layouts_only(identity: str) -> None:
    decide = decider(policy(identity))
    for suffix in ("eks-cluster-role", "eks-node-role", "vpc-cni-role", "lbc-role", "ebs-csi-role"):
        assert decide("iam:CreateRole", f"{ROLE}{PREFIX}-{suffix}") == "Allowed", suffix
    for other in (f"{PREFIX}-eks-role", "zilliz-byoc-lbc-role", "someone-else"):
        assert decide("iam:CreateRole", ROLE + other) != "Allowed", other
        assert decide("iam:UpdateAssumeRolePolicy", ROLE + other) != "Allowed", other
    node = f"{ROLE}{PREFIX}-eks-node-role"
    worker = "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy"
    assert decide("iam:AttachRolePolicy", node, **{"iam:PolicyARN": worker}) == "Allowed"
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert decide("iam:AttachRolePolicy", node, **{"iam:PolicyARN": admin}) != "Allowed"
    own = f"arn:aws:iam::{ACCT}:policy/{PREFIX}-lbc-role-AWSLoadBalancerController"
    assert decide("iam:AttachRolePolicy", f"{ROLE}{PREFIX}-lbc-role", **{"iam:PolicyARN": own}) == "Allowed"
    assert decide("iam:CreatePolicy", own) == "Allowed"
    assert decide("iam:CreatePolicy", f"arn:aws:iam::{ACCT}:policy/other-policy") != "Allowed"


def test_pod_identity_adds_the_associations_and_a_narrow_pass_role() -> None:
    decide = decider(policy("pod-identity"))
    lbc = f"{ROLE}{PREFIX}-lbc-role"
    assert decide("iam:PassRole", lbc, **{"iam:PassedToService": "pods.eks.amazonaws.com"}) == "Allowed"
    assert decide("iam:PassRole", lbc, **{"iam:PassedToService": "ec2.amazonaws.com"}) != "Allowed"
    node = f"{ROLE}{PREFIX}-eks-node-role"  # not a workload role: never passed to Pod Identity
    assert decide("iam:PassRole", node, **{"iam:PassedToService": "pods.eks.amazonaws.com"}) != "Allowed"
    tag = {"aws:RequestTag/byoc-iam:managed-by": "byoc-iam", "aws:TagKeys": ["byoc-iam:managed-by"]}
    assert decide("eks:CreatePodIdentityAssociation", CLUSTER, **tag) == "Allowed"
    assert decide("eks:CreatePodIdentityAssociation", CLUSTER) != "Allowed"  # untagged: not byoc-iam's
    assert decide("eks:CreatePodIdentityAssociation", CLUSTER.replace("/c1", "/c2"), **tag) != "Allowed"
    association = f"arn:aws:eks:us-east-1:{ACCT}:podidentityassociation/c1/a-0123456789abcdefg"
    assert decide("eks:DeletePodIdentityAssociation", association) == "Allowed"
    assert decide("eks:DeletePodIdentityAssociation", association.replace("/c1/", "/c2/")) != "Allowed"


def test_irsa_grants_no_pass_role_and_no_association_call() -> None:
    text = json.dumps(policy("irsa"))
    assert "iam:PassRole" not in text and "PodIdentityAssociation" not in text


@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
def test_layout_operator_policy_lints_clean(identity: str) -> None:
    findings = lint_document(json.dumps(policy(identity)), policy_type="identity")
    bad = [f for f in findings if f.severity in (Severity.ERROR, Severity.WARNING, Severity.SECURITY_WARNING)]
    assert bad == []
