"""model/arn.py: ARNs, partitions, OIDC providers and THE placeholder test; model/quotas.py from data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from byoc_iam.model import arn, rules
from byoc_iam.model.quotas import quotas

HOST = "oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
SRC = Path(__file__).resolve().parents[1] / "src" / "byoc_iam"


def test_parse_and_format_round_trip() -> None:
    text = "arn:aws:ec2:us-east-1:111122223333:instance/i-0abc"
    parsed = arn.parse_arn(text)
    assert parsed == arn.Arn("aws", "ec2", "us-east-1", "111122223333", "instance/i-0abc")
    assert str(parsed) == text
    # the resource keeps its own colons
    logs = arn.parse_arn("arn:aws:logs:us-east-1:1:log-group:/aws/eks/x:*")
    assert logs is not None and logs.resource == "log-group:/aws/eks/x:*"
    for bad in ("", "*", "arn:aws:iam", "arn:aws:iam::1", "urn:aws:iam::1:role/x"):
        assert arn.parse_arn(bad) is None
    assert arn.partition_of("arn:aws-cn:iam::1:role/x") == "aws-cn" and arn.partition_of("x") is None


def test_role_and_policy_arns() -> None:
    assert arn.role_arn("aws-us-gov", "111122223333", "r", "/p/") == "arn:aws-us-gov:iam::111122223333:role/p/r"
    assert arn.policy_arn("aws", "aws", "AmazonEKS_CNI_Policy") == "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"


def test_partitions_come_from_data() -> None:
    assert arn.supported_partitions() == ("aws", "aws-cn", "aws-us-gov") == rules.PARTITIONS
    assert set(arn.supported_partitions()) < set(arn.all_partitions()) and "aws-iso-b" in arn.all_partitions()
    assert arn.partition_facts("aws-cn")["service_principals"]["ec2"] == "ec2.amazonaws.com.cn"
    assert [arn.region_partition(r) for r in ("eu-west-1", "cn-north-1", "us-gov-east-1", "us-iso-east-1")] == [
        "aws",
        "aws-cn",
        "aws-us-gov",
        None,
    ]
    assert arn.partition_of_region(None) == "aws" and arn.partition_of_region("cn-northwest-1") == "aws-cn"
    assert arn.example_region("aws-us-gov") == "us-gov-west-1" and arn.example_region("aws-iso") == "us-east-1"


def test_issuer_url_provider_name_and_provider_arn() -> None:
    url = f"https://{HOST}"
    assert arn.provider_name(url) == HOST == arn.provider_name(url + "/")
    assert arn.issuer_url(HOST) == url
    provider = arn.oidc_provider_arn("aws", "111122223333", url)
    assert provider == f"arn:aws:iam::111122223333:oidc-provider/{HOST}"
    assert arn.oidc_provider_arn("aws", "111122223333", HOST) == provider
    assert arn.provider_name(provider) == HOST
    parsed = arn.parse_oidc_provider_arn(provider)
    assert parsed == arn.OidcProviderArn("aws", "111122223333", HOST) and str(parsed) == provider
    assert arn.is_oidc_provider_arn(provider)
    assert not arn.is_oidc_provider_arn(f"arn:aws-iso:iam::1:oidc-provider/{HOST}")  # not a supported partition
    assert not arn.is_oidc_provider_arn("arn:aws:iam::111122223333:saml-provider/x")


def test_identity_provider_arns_as_federated_principals() -> None:
    for good in (f"arn:aws:iam::111122223333:oidc-provider/{HOST}", "arn:aws:iam::*:saml-provider/corp:x"):
        assert arn.is_provider_arn(good), good
    for bad in (
        "arn:aws:iam::111122223333:oidc-provider/",
        "arn:aws:iam::1:oidc-provider/x",
        "arn:aws:iam:us-east-1:111122223333:oidc-provider/x",
        "arn:aws:sts::111122223333:oidc-provider/x",
        "arn:aws:iam::111122223333:role/x",
        "cognito-identity.amazonaws.com",
    ):
        assert not arn.is_provider_arn(bad), bad


@pytest.mark.parametrize(
    ("value", "placeholder"),
    [
        ("arn:aws:iam::111122223333:oidc-provider/eks_oidc_url", True),
        ("arn:aws-cn:iam::111122223333:oidc-provider/eks_oidc_url", True),
        ("eks_oidc_url", True),
        ("arn:aws:iam::111122223333:oidc-provider/${OIDC_PROVIDER}", True),
        (f"arn:aws:iam::111122223333:oidc-provider/{HOST}", False),
        ("arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com", False),
        (HOST, False),
    ],
)
def test_the_one_placeholder_test(value: str, placeholder: bool) -> None:
    assert arn.is_placeholder_provider(value) is placeholder


def test_the_rendered_placeholder_is_exact() -> None:
    assert arn.is_rendered_placeholder("arn:aws:iam::111122223333:oidc-provider/eks_oidc_url")
    # byoc-iam's own Terraform and CloudFormation exports (as lint's decoder reads them)
    assert arn.is_rendered_placeholder("arn:aws:iam::${var.account_id}:oidc-provider/eks_oidc_url")
    assert arn.is_rendered_placeholder("arn:${AWS__Partition}:iam::${AWS__AccountId}:oidc-provider/eks_oidc_url")
    for other in (
        "arn:aws:iam::${ACCOUNT}:oidc-provider/eks_oidc_url",
        "arn:aws-iso:iam::111122223333:oidc-provider/eks_oidc_url",
        "arn:aws:iam::111122223333:oidc-provider/eks_oidc_url2",
        "arn:aws:iam::111122223333:oidc-provider/${X}",
    ):
        assert not arn.is_rendered_placeholder(other), other


def test_eks_issuer() -> None:
    eks = arn.eks_issuer(f"https://{HOST}")
    assert eks == arn.EksIssuer("us-east-1", "amazonaws.com", "0123456789ABCDEF0123456789ABCDEF")
    cn = arn.eks_issuer("arn:aws-cn:iam::1:oidc-provider/oidc.eks.cn-north-1.amazonaws.com.cn/id/ABC")
    assert cn is not None and cn.region == "cn-north-1" and cn.suffix == "amazonaws.com.cn"
    for other in ("token.actions.githubusercontent.com", "oidc.eks.us-east-1.amazonaws.com/id/", "eks_oidc_url"):
        assert arn.eks_issuer(other) is None


def test_no_other_module_spells_oidc_provider_arns_or_eks_issuers_as_regexes() -> None:
    """model/arn.py is the one place: no other module compiles a regex for them (issue 11)."""
    assert offenders(SRC) == []


def offenders(root: Path) -> list[str]:
    """Modules other than model/arn.py with a ``re.compile`` (or ``lazy``, a pattern compiled on first use) line
    naming an OIDC provider or EKS issuer."""
    spelled = re.compile(r"oidc-provider|oidc\\+\.eks|eks_oidc_url")
    return sorted(
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if p.name != "arn.py"
        and any(
            ("re.compile(" in line or "lazy(" in line) and spelled.search(line)
            for line in p.read_text(encoding="utf-8").splitlines()
        )
    )


def test_the_guard_finds_the_regexes_issue_11_removed(tmp_path: Path) -> None:
    (tmp_path / "trust.py").write_text(
        'OIDC = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::([^:]*):oidc-provider/(.+)$")\n'
        'HOST = re.compile(r"^oidc\\.eks\\.[a-z0-9-]+\\.amazonaws\\.com(\\.cn)?/id/[0-9A-Za-z]+$")\n'
    )
    (tmp_path / "fine.py").write_text('PROVIDER = "oidc-provider"\nX = re.compile(r"^[a-z]+$")\n')
    assert offenders(tmp_path) == ["trust.py"]


def test_quotas_come_from_data_and_drive_the_naming_rules() -> None:
    q = quotas()
    assert (q.role_name_length, q.path_length, q.tags_per_role) == (64, 512, 50)
    assert (q.session_min, q.session_max, q.trust_policy_size, q.inline_policies_size) == (3600, 43200, 2048, 10240)
    assert rules.check_role_name("r" * q.role_name_length) is None and rules.check_role_name("r" * 65)
    assert rules.check_path("/" + "p" * (q.path_length - 2) + "/") is None
    assert rules.check_path("/" + "p" * (q.path_length - 1) + "/")
    assert rules.check_tags({f"k{i}": "v" for i in range(q.tags_per_role)}) is None
    assert rules.check_tags({f"k{i}": "v" for i in range(q.tags_per_role + 1)}) == "at most 50 tags per role"
    assert rules.check_tag("k" * (q.tag_key_length + 1), "v") and rules.check_tag("k", "v" * q.tag_value_length) is None
