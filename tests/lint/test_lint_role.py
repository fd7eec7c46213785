"""lint_role: rendered BYOC roles, role-level quotas, managed-policy rules, placeholder trust modes."""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.lint import Severity, lint_document, lint_role
from byoc_iam.managed import get_catalog
from byoc_iam.model import RoleSpec, iam_size

ACCOUNT = "123456789012"
ISSUERS = {
    "aws": "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789",
    "aws-cn": "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789",
    "aws-us-gov": "https://oidc.eks.us-gov-west-1.amazonaws.com/id/ABCDEF0123456789",
}
COMBOS = list(itertools.product(ISSUERS, ("placeholder", "resolved"), ("inline", "managed"), (False, True)))


def rendered(partition: str, mode: str, placement: str, compact: bool = False) -> RoleSpec:
    kw: dict[str, Any] = {
        "account_id": ACCOUNT,
        "partition": partition,
        "trust_mode": mode,
        "policy_placement": placement,
        "compact_trust": compact,
    }
    if mode == "resolved":
        kw["oidc_issuer"] = ISSUERS[partition]
    return render_role(BlueprintInputs(**kw))


def codes(findings: list[Any]) -> list[str]:
    return [f.code for f in findings]


@pytest.mark.parametrize(("partition", "mode", "placement", "compact"), COMBOS)
def test_every_rendered_role_lints_without_error(partition: str, mode: str, placement: str, compact: bool) -> None:
    spec = rendered(partition, mode, placement, compact)
    findings = lint_role(spec)
    assert not [f for f in findings if f.severity is not Severity.SUGGESTION], findings
    if mode == "placeholder":
        assert codes(findings) == ["I4002"]
        assert findings[0].path.startswith("/trust_policy/Statement/")
    else:
        assert findings == []


def test_placeholder_role_is_an_error_when_resolved_is_required() -> None:
    spec = rendered("aws", "placeholder", "inline")
    strict = lint_role(spec, trust_mode="resolved")
    assert "I4002" not in codes(strict)
    assert {f.severity for f in strict} == {Severity.ERROR}
    assert all(f.path.startswith("/trust_policy/") and "eks_oidc_url" in f.message for f in strict)
    assert codes(lint_role(spec, trust_mode="placeholder")) == ["I4002"]


def test_role_findings_locate_in_rolespec_text() -> None:
    spec = rendered("aws", "placeholder", "inline")
    text = spec.to_json()
    [f] = lint_role(spec, file="role.json", text=text)
    assert f.file == "role.json" and f.line is not None and f.column is not None
    line = text.splitlines()[f.line - 1]
    assert line[f.column - 1 :].startswith('"Federated"')
    assert f.statement_index == 3


def test_inline_policy_findings_carry_the_policy_pointer() -> None:
    spec = rendered("aws", "resolved", "inline")
    data = json.loads(spec.to_json())
    name = next(iter(data["inline_policies"]))
    data["inline_policies"][name]["Statement"][0]["Action"] = "ec2:DescribeInstancez"
    [f] = lint_role(RoleSpec.model_validate(data))
    assert f.code == "E2002" and f.path == f"/inline_policies/{name}/Statement/0/Action"
    assert f.statement_index == 0


def _filler(n: int) -> dict[str, Any]:
    """A valid identity policy of many distinct bucket ARNs (about 40 characters each)."""
    res = [f"arn:aws:s3:::byoc-test-bucket-{i:05d}/*" for i in range(n)]
    return {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": res}]}


def _spec(**kw: Any) -> RoleSpec:
    base = rendered("aws", "resolved", "inline")
    data = json.loads(base.to_json())
    data.update(kw)
    return RoleSpec.model_validate(data)


def test_inline_total_quota() -> None:
    spec = _spec(inline_policies={"a": _filler(140), "b": _filler(140)})
    total = sum(iam_size(d) for d in spec.inline_policies.values())
    assert total > 10240
    quota = [f for f in lint_role(spec) if f.code == "E4006"]
    assert len(quota) == 1 and f"{total:,}" in quota[0].message and quota[0].path == "/inline_policies"
    assert "E4006" not in codes(lint_role(_spec(inline_policies={"a": _filler(140)})))


def test_customer_managed_quota() -> None:
    spec = _spec(inline_policies={}, customer_managed_policies={"big": _filler(170)})
    assert iam_size(spec.customer_managed_policies["big"]) > 6144
    [f] = [f for f in lint_role(spec) if f.code == "E4006"]
    assert f.path == "/customer_managed_policies/big" and "6,144" in f.message


def test_managed_count_quota_is_configurable() -> None:
    extra = {f"p{i}": _filler(1) for i in range(6)}  # 5 AWS managed + 6 customer-managed = 11 attachments
    spec = _spec(inline_policies={}, customer_managed_policies=extra)
    [f] = [f for f in lint_role(spec) if f.code == "E4006"]
    assert "11 managed policies" in f.message and f.path == "/managed_policy_arns"
    assert "E4006" not in codes(lint_role(spec, managed_policies_limit=20))


def test_trust_quota_with_measured_size() -> None:
    spec = rendered("aws", "resolved", "inline")
    size = iam_size(spec.trust_policy)
    [f] = lint_role(spec, trust_size_limit=size - 1)
    assert f.code == "E4006" and f"{size:,}" in f.message and f.path == "/trust_policy"
    assert lint_role(spec, trust_size_limit=size) == []


def _with_arns(*arns: str) -> RoleSpec:
    return _spec(managed_policy_arns=list(arns))


def test_managed_policy_wrong_path_does_not_exist() -> None:
    spec = _with_arns("arn:aws:iam::aws:policy/service-role/AmazonEKSClusterPolicy")
    [f] = lint_role(spec)
    assert f.code == "E4003" and "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy" in f.message
    assert f.path == "/managed_policy_arns/0"


def test_managed_policy_service_linked_only() -> None:
    spec = _with_arns("arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy")
    assert codes(lint_role(spec)) == ["E4004"]


def test_managed_policy_deprecated() -> None:
    spec = _with_arns("arn:aws-cn:iam::aws:policy/AmazonEKSServicePolicy")
    [f] = lint_role(spec)
    assert (f.code, f.severity) == ("W4005", Severity.WARNING)


def test_customer_managed_arns_are_not_checked() -> None:
    assert lint_role(_with_arns(f"arn:aws:iam::{ACCOUNT}:policy/Whatever")) == []


def test_unknown_aws_managed_name_is_an_error() -> None:
    """The shipped list of every AWS managed policy tells a made-up ARN from a real one outside the catalog."""
    spec = _with_arns(
        "arn:aws:iam::aws:policy/NoSuchPolicy",
        "arn:aws:iam::aws:policy/ReadOnlyAccess",  # real, and not one of the EKS catalog's
        "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicyX",
        "arn:aws:iam::aws:policy/ReadOnlyAcess",
        "arn:aws:iam::aws:policy/ViewOnlyAccess",  # real, at /job-function/
    )
    findings = lint_role(spec)
    assert [(f.code, f.path) for f in findings] == [("E4003", f"/managed_policy_arns/{i}") for i in (0, 2, 3, 4)]
    none, eks, typo, path = (f.message for f in findings)
    assert "AWS has no managed policy 'NoSuchPolicy'" in none
    assert "did you mean AmazonEKSWorkerNodePolicy?" in eks and "did you mean ReadOnlyAccess?" in typo
    assert path.endswith("ViewOnlyAccess is arn:aws:iam::aws:policy/job-function/ViewOnlyAccess")


def test_every_managed_policy_in_the_catalog_lints_without_error() -> None:
    catalog = get_catalog()
    assert len(catalog) >= 5
    for entry in catalog:
        errors = [f for f in lint_document(entry.document, "identity") if f.severity is Severity.ERROR]
        assert errors == [], (entry.name, errors)


def test_byoc_managed_policies_attach_cleanly() -> None:
    spec = rendered("aws", "resolved", "managed")
    assert len(spec.managed_policy_arns) == 5
    assert lint_role(spec) == []
