"""render_role: the trust policy in both modes, partitions, policies and placement."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import ValidationError

from byoc_iam.blueprint import BlueprintInputs, describe_problem, parse_issuer, render_role
from byoc_iam.model import PolicyDocument

ACCT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PROVIDER = "oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SEED_SUBJECTS = (
    "system:serviceaccount:kube-system:aws-load-balancer-controller",
    "system:serviceaccount:kube-system:ebs-csi-controller-sa",
    "system:serviceaccount:kube-system:cluster-autoscaler",
)
MANAGED = (
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKS_CNI_Policy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSVPCResourceController",
)


def expected_trust(partition: str, account: str, provider: str, ec2: str, subjects: tuple[str, ...]) -> dict[str, Any]:
    """The trust policy written out by hand, independently of the blueprint's code and data."""

    def service(name: str) -> dict[str, Any]:
        return {"Effect": "Allow", "Principal": {"Service": name}, "Action": "sts:AssumeRole"}

    def irsa(sub: str) -> dict[str, Any]:
        return {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:{partition}:iam::{account}:oidc-provider/{provider}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {f"{provider}:aud": "sts.amazonaws.com", f"{provider}:sub": sub}},
        }

    return {
        "Version": "2012-10-17",
        "Statement": [service("eks-nodegroup.amazonaws.com"), service("eks.amazonaws.com"), service(ec2)]
        + [irsa(s) for s in subjects],
    }


def trust(**kwargs: Any) -> PolicyDocument:
    return render_role(BlueprintInputs(account_id=ACCT, **kwargs)).trust()


def test_placeholder_trust_equals_the_seed(seed_trust_text: str) -> None:
    seed = PolicyDocument.from_json(seed_trust_text.replace("{accountId}", ACCT))
    assert trust().semantically_equal(seed)
    # and the literal placeholder is kept, exactly as the seed writes it
    assert "arn:aws:iam::123456789012:oidc-provider/eks_oidc_url" in json.dumps(trust().to_dict())
    # a different account is a different policy
    assert not render_role(BlueprintInputs(account_id="999999999999")).trust().semantically_equal(seed)


def test_placeholder_trust_equals_the_hand_written_expectation() -> None:
    want = expected_trust("aws", ACCT, "eks_oidc_url", "ec2.amazonaws.com", SEED_SUBJECTS)
    assert trust().semantically_equal(PolicyDocument.from_dict(want))
    assert len(trust().statements) == 6


def test_resolved_trust_uses_the_real_provider() -> None:
    doc = trust(oidc_issuer=ISSUER, region="us-west-2")
    want = expected_trust("aws", ACCT, PROVIDER, "ec2.amazonaws.com", SEED_SUBJECTS)
    assert doc.semantically_equal(PolicyDocument.from_dict(want))
    assert "eks_oidc_url" not in json.dumps(doc.to_dict())


def test_resolved_trust_in_china() -> None:
    issuer = "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789ABCDEF0123456789"
    provider = issuer.removeprefix("https://")
    spec = render_role(BlueprintInputs(account_id=ACCT, oidc_issuer=issuer))
    want = expected_trust("aws-cn", ACCT, provider, "ec2.amazonaws.com.cn", SEED_SUBJECTS)
    assert spec.trust().semantically_equal(PolicyDocument.from_dict(want))
    assert all(arn.startswith("arn:aws-cn:iam::aws:policy/") for arn in spec.managed_policy_arns)


@pytest.mark.parametrize(
    ("partition", "ec2"),
    [("aws", "ec2.amazonaws.com"), ("aws-cn", "ec2.amazonaws.com.cn"), ("aws-us-gov", "ec2.amazonaws.com")],
)
def test_partition_service_principals_and_arns(partition: str, ec2: str) -> None:
    spec = render_role(BlueprintInputs(account_id=ACCT, partition=partition))
    want = expected_trust(partition, ACCT, "eks_oidc_url", ec2, SEED_SUBJECTS)
    assert spec.trust().semantically_equal(PolicyDocument.from_dict(want))
    assert spec.managed_policy_arns == [f"arn:{partition}:iam::aws:policy/{n}" for n in MANAGED]
    text = json.dumps(spec.inline_policies)
    other = {"aws", "aws-cn", "aws-us-gov"} - {partition}
    assert f'"arn:{partition}:' in text
    assert not any(f'"arn:{p}:' in text for p in other)


def test_partition_is_inferred_from_region() -> None:
    assert BlueprintInputs(account_id=ACCT, region="cn-northwest-1").resolved_partition == "aws-cn"
    assert BlueprintInputs(account_id=ACCT, region="us-gov-west-1").resolved_partition == "aws-us-gov"
    assert BlueprintInputs(account_id=ACCT, region="eu-west-1").resolved_partition == "aws"
    assert BlueprintInputs(account_id=ACCT).resolved_partition == "aws"


def test_compact_trust_merges_the_web_identity_statements() -> None:
    doc = trust(compact_trust=True, service_accounts=("milvus:operator",))
    web = [s for s in doc.statements if s.action == ("sts:AssumeRoleWithWebIdentity",)]
    assert len(web) == 1 and len(doc.statements) == 4
    cond = web[0].condition["StringEquals"]
    assert set(cond["eks_oidc_url:sub"]) == {*SEED_SUBJECTS, "system:serviceaccount:milvus:operator"}
    assert cond["eks_oidc_url:aud"] == ("sts.amazonaws.com",)
    assert doc.iam_size() < trust(service_accounts=("milvus:operator",)).iam_size()


def test_extra_service_accounts_are_added_once() -> None:
    doc = trust(service_accounts=("milvus:operator", "kube-system:cluster-autoscaler", "milvus:operator"))
    subs = [s.condition["StringEquals"]["eks_oidc_url:sub"][0] for s in doc.statements if s.condition]
    assert subs == [*SEED_SUBJECTS, "system:serviceaccount:milvus:operator"]


def test_default_role_has_five_managed_and_three_inline_policies() -> None:
    spec = render_role(BlueprintInputs(account_id=ACCT))
    assert spec.role_name == "zilliz-byoc-eks-role" and spec.path == "/" and spec.max_session_duration == 3600
    assert spec.managed_policy_arns == [f"arn:aws:iam::aws:policy/{n}" for n in MANAGED]
    assert sorted(spec.inline_policies) == ["AWSLoadBalancerController", "AmazonEBSCSIDriver", "ClusterAutoscaler"]
    assert spec.customer_managed_policies == {}
    assert spec.tags == {}
    assert spec.inline_size() <= 10240  # IAM's aggregate inline quota


def test_managed_placement_moves_controller_policies() -> None:
    inline = render_role(BlueprintInputs(account_id=ACCT))
    spec = render_role(BlueprintInputs(account_id=ACCT, role_name="r1", policy_placement="managed", tags={"a": "b"}))
    assert spec.inline_policies == {}
    assert sorted(spec.customer_managed_policies) == [
        "r1-AWSLoadBalancerController",
        "r1-AmazonEBSCSIDriver",
        "r1-ClusterAutoscaler",
    ]
    assert spec.customer_managed_policies["r1-ClusterAutoscaler"] == inline.inline_policies["ClusterAutoscaler"]
    assert spec.tags == {"a": "b"}


def test_roundtrip_through_rolespec_json() -> None:
    from byoc_iam.model import RoleSpec

    spec = render_role(BlueprintInputs(account_id=ACCT, oidc_issuer=ISSUER, policy_placement="managed"))
    assert RoleSpec.from_json(spec.to_json()) == spec


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"account_id": "12345678901"}, "account_id", "12 digits"),
        ({"account_id": 123456789012}, "account_id", "quote it"),
        ({"partition": "aws-iso"}, "partition", "must be one of aws, aws-cn, aws-us-gov"),
        ({"region": "mars-1"}, "region", "must look like"),
        ({"region": "us-iso-east-1"}, "region", "does not support"),
        ({"region": "cn-north-1", "partition": "aws"}, "region", "not in partition aws"),
        ({"role_name": "a" * 65}, "role_name", "1-64"),
        ({"role_name": "bad name"}, "role_name", "1-64"),
        ({"path": "no-slash"}, "path", "start and end with '/'"),
        ({"tags": {"aws:x": "1"}}, "tags", "reserved"),
        ({"tags": {"k": "bad\u0001"}}, "tags", "tag value"),
        ({"service_accounts": ("nocolon",)}, "service_accounts", "namespace:name"),
        ({"service_accounts": ("Kube:x",)}, "service_accounts", "DNS label"),
        ({"oidc_issuer": "http://oidc.eks.us-east-1.amazonaws.com/id/ABC"}, "oidc_issuer", "https"),
        ({"oidc_issuer": "https://example.com/issuer"}, "oidc_issuer", "--allow-custom-issuer"),
        ({"oidc_issuer": ISSUER, "region": "us-east-1"}, "oidc_issuer", "region us-west-2"),
        ({"oidc_issuer": ISSUER, "partition": "aws-cn"}, "oidc_issuer", "partition aws"),
        ({"oidc_issuer": "https://oidc.eks.cn-north-1.amazonaws.com/id/ABC"}, "oidc_issuer", ".com.cn"),
        ({"oidc_issuer": ISSUER, "trust_mode": "placeholder"}, "oidc_issuer", "placeholder"),
        ({"trust_mode": "resolved"}, "trust_mode", "--oidc-issuer"),
        ({"trust_mode": "other"}, "trust_mode", "must be one of"),
        ({"policy_placement": "attached"}, "policy_placement", "inline, managed"),
        ({"max_session_duration": 60}, "max_session_duration", "3600-43200"),
        ({"permissions_boundary": "arn:aws:iam::aws:role/x"}, "permissions_boundary", "policy ARN"),
        ({"permissions_boundary": "arn:aws-cn:iam::aws:policy/x"}, "permissions_boundary", "partition aws"),
        ({"description": "x" * 1001}, "description", "1000"),
    ],
)
def test_bad_inputs_name_field_and_rule(kwargs: dict[str, Any], field: str, rule: str) -> None:
    values = {"account_id": ACCT, **kwargs}
    with pytest.raises(ValidationError) as info:
        BlueprintInputs.model_validate(values)
    line = describe_problem(info.value)
    assert line.startswith(f"{field}: ")
    assert rule in line
    assert "\n" not in line


def test_custom_issuer_needs_the_flag() -> None:
    issuer = "https://token.actions.example.com/tenant/7"
    doc = trust(oidc_issuer=issuer, allow_custom_issuer=True)
    fed = {
        s.principal["Federated"][0]
        for s in doc.statements
        if isinstance(s.principal, dict) and "Federated" in s.principal
    }
    assert fed == {f"arn:aws:iam::{ACCT}:oidc-provider/token.actions.example.com/tenant/7"}
    assert parse_issuer(issuer, allow_custom=True).region is None


def test_issuer_trailing_slash_is_normalised() -> None:
    assert parse_issuer(ISSUER + "/").provider == PROVIDER
    assert parse_issuer(ISSUER).region == "us-west-2" and parse_issuer(ISSUER).partition == "aws"
