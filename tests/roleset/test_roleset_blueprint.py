"""The role set's pure core: blueprints → RoleSet, their rules, and the facts they were written from."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from byoc_iam.blueprint import BlueprintInputs, describe_problem, render_role
from byoc_iam.blueprint.roleset import explain, render_role_set, storage_subjects
from byoc_iam.blueprint.set_rules import expand_roles, is_role_selection
from byoc_iam.lint import Severity, lint_role
from byoc_iam.model import PolicyDocument

ACCOUNT = "123456789012"
KEY = "arn:aws:kms:us-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"


def inputs(**kw: Any) -> BlueprintInputs:
    base: dict[str, Any] = {"account_id": ACCOUNT, "roles": ("all",), "bucket": "milvus-data", "external_id": "ext-123"}
    base.update(kw)
    return BlueprintInputs.model_validate(base)


def test_default_selection_is_the_eks_role_alone() -> None:
    plain = BlueprintInputs(account_id=ACCOUNT)
    assert plain.roles == ("eks",)
    roles = render_role_set(plain)
    assert roles.kinds == ("eks",) and roles.get("eks") is not None
    assert roles.get("eks").spec == render_role(plain)  # type: ignore[union-attr]


def test_all_is_in_apply_order_and_destroy_reverses_it() -> None:
    roles = render_role_set(inputs(roles=("cross-account", "storage", "eks")))
    assert roles.kinds == ("eks", "storage", "cross-account")
    assert [m.kind for m in roles.destroy_order()] == ["cross-account", "storage", "eks"]
    assert [m.kind for m in roles.linked()] == ["eks", "storage"]
    assert [m.name for m in roles] == [
        "zilliz-byoc-eks-role",
        "zilliz-byoc-storage-role",
        "zilliz-byoc-cross-account-role",
    ]


def test_storage_role_is_the_narrowest_form() -> None:
    spec = render_role_set(inputs(roles=("storage",))).get("storage").spec  # type: ignore[union-attr]
    (policy,) = spec.inline_policies.values()
    doc = PolicyDocument.from_dict(policy)
    assert [(s.action, s.resource) for s in doc.statements] == [
        (("s3:ListBucket",), ("arn:aws:s3:::milvus-data",)),
        (("s3:GetObject", "s3:PutObject", "s3:DeleteObject"), ("arn:aws:s3:::milvus-data/*",)),
    ]
    (stmt,) = spec.trust_policy["Statement"]
    assert set(stmt["Condition"]) == {"StringEquals"}  # exact subjects, no StringLike
    assert stmt["Condition"]["StringEquals"]["eks_oidc_url:aud"] == "sts.amazonaws.com"
    assert spec.managed_policy_arns == [] and "KMS" not in json.dumps(spec.inline_policies)


def test_kms_policy_only_for_an_encrypted_bucket() -> None:
    spec = render_role_set(inputs(roles=("storage",), bucket_kms_key_arn=KEY)).get("storage").spec  # type: ignore[union-attr]
    kms = spec.inline_policies["ZillizByocStorageKmsPolicy"]
    assert kms["Statement"][0]["Resource"] == KEY
    assert kms["Statement"][0]["Action"] == ["kms:Decrypt", "kms:GenerateDataKey"]


def test_wildcard_subjects_only_when_asked_and_then_security_warnings() -> None:
    narrow = render_role_set(inputs(roles=("storage",))).get("storage")
    assert narrow is not None
    assert not [f for f in lint_role(narrow.spec, trust_mode="placeholder") if f.severity is Severity.SECURITY_WARNING]
    wide = render_role_set(inputs(roles=("storage",), storage_wildcard_subjects=True)).get("storage")
    assert wide is not None
    cond = wide.spec.trust_policy["Statement"][0]["Condition"]
    assert cond["StringLike"]["eks_oidc_url:sub"][0] == "system:serviceaccount:milvus-*:milvus*"
    assert "eks_oidc_url:sub" not in cond["StringEquals"]
    warnings = [f for f in lint_role(wide.spec, trust_mode="placeholder") if f.code == "S3003"]
    assert len(warnings) == 3 and all(f.severity is Severity.SECURITY_WARNING for f in warnings)


def test_storage_trust_resolved_with_an_issuer() -> None:
    issuer = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
    spec = (
        render_role_set(inputs(roles=("storage",), oidc_issuer=issuer, storage_service_accounts=("milvus-a:milvus",)))
        .get("storage")
        .spec
    )  # type: ignore[union-attr]
    stmt = spec.trust_policy["Statement"][0]
    host = issuer.removeprefix("https://")
    assert stmt["Principal"]["Federated"] == f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"
    assert stmt["Condition"]["StringEquals"][f"{host}:sub"] == "system:serviceaccount:milvus-a:milvus"


def test_cross_account_trust_follows_the_terraform() -> None:
    spec = render_role_set(inputs(roles=("cross-account",))).get("cross-account").spec  # type: ignore[union-attr]
    (stmt,) = spec.trust_policy["Statement"]
    assert stmt["Principal"] == {"AWS": "arn:aws:iam::965570967084:role/zilliz-byoc"}
    assert stmt["Action"] == ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]
    assert stmt["Condition"] == {"StringEquals": {"sts:ExternalId": "ext-123"}}
    findings = lint_role(spec, trust_mode="resolved")
    assert not [f for f in findings if f.severity in (Severity.ERROR, Severity.SECURITY_WARNING)], findings


def test_cross_account_policy_is_scoped_by_prefix_tag_and_account() -> None:
    spec = render_role_set(inputs(roles=("cross-account",), region="us-west-2")).get("cross-account").spec  # type: ignore[union-attr]
    (policy,) = spec.inline_policies.values()
    by_sid = {s["Sid"]: s for s in policy["Statement"]}
    assert by_sid["IAMPassRoleToEKS"]["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc*"
    assert by_sid["IAMReadEKSRole"]["Resource"][0] == f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-role"
    assert by_sid["EKSCreate"]["Condition"] == {"StringEquals": {"aws:RequestTag/Vendor": "zilliz-byoc"}}
    assert by_sid["EKSCreate"]["Resource"][0] == f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/zilliz-byoc-*"
    assert by_sid["S3CheckBucketLocation"]["Resource"] == "arn:aws:s3:::milvus-data"
    text = json.dumps(policy)
    assert "${" not in text and ":*:*:" not in text


def _actions(doc: dict[str, Any]) -> set[str]:
    out: set[str] = set()
    for s in doc["Statement"]:
        acts = s["Action"] if isinstance(s["Action"], list) else [s["Action"]]
        out.update(a.lower() for a in acts)
    return out


def test_blueprints_grant_the_actions_of_zillizs_terraform(shared_research: Path) -> None:
    """Same actions as Zilliz's Terraform (research copy), read from the research files, not copied in."""
    tf = shared_research / "zilliz" / "aws_byoc"
    roles = render_role_set(inputs())
    cross = next(iter(roles.get("cross-account").spec.inline_policies.values()))  # type: ignore[union-attr]
    assert _actions(cross) == _actions(json.loads((tf / "cross-account-policy.json").read_text()))
    storage = next(iter(roles.get("storage").spec.inline_policies.values()))  # type: ignore[union-attr]
    assert _actions(storage) == _actions(json.loads((tf / "storage-policy.json").read_text()))
    trust = json.loads((tf / "cross-account-role.trust.json").read_text())["Statement"][0]
    assert set(trust["Action"]) == set(roles.get("cross-account").spec.trust_policy["Statement"][0]["Action"])  # type: ignore[union-attr]
    sids = [s.get("Sid", "").lower() for s in json.loads((tf / "cross-account-policy.json").read_text())["Statement"]]
    assert sids == [s["Sid"].lower() for s in cross["Statement"]]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"bucket": None, "roles": ("storage",)}, "bucket: is required for the storage role"),
        ({"external_id": None, "roles": ("cross-account",)}, "external_id: is required for the cross-account role"),
        ({"bucket": "Bad_Bucket"}, "bucket: must be an S3 bucket name"),
        ({"bucket": "192.168.1.1"}, "bucket: must not be formatted as an IP address"),
        ({"external_id": "x"}, "external_id: must be 2-1224 characters"),
        ({"bucket_kms_key_arn": "alias/mine"}, "bucket_kms_key_arn: must be a KMS key ARN"),
        ({"name_prefix": "acme"}, "name_prefix: must start with zilliz-byoc"),
        ({"role_name": "eks-role"}, "role_name: must start with the name prefix zilliz-byoc"),
        ({"region": "cn-north-1"}, "roles: cross-account: Zilliz Cloud publishes no control-plane principal"),
        ({"roles": ("s3",)}, "roles: 's3' must be one of eks, storage, cross-account, all"),
        ({"storage_service_accounts": ("milvus-*:milvus",)}, "storage_service_accounts: 'milvus-*:milvus'"),
    ],
)
def test_bad_set_inputs_name_the_field(kw: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError) as exc:
        inputs(**kw)
    assert describe_problem(exc.value).startswith(message)


def test_selection_words() -> None:
    assert expand_roles(["all"]) == ("eks", "storage", "cross-account")
    assert expand_roles(["cross-account,eks"]) == ("eks", "cross-account")
    assert is_role_selection("storage") and not is_role_selection("role.json")
    assert storage_subjects(inputs())[0] == [
        "system:serviceaccount:milvus:milvus",
        "system:serviceaccount:index-pool:milvus",
        "system:serviceaccount:loki:loki",
    ]


def test_explain_names_every_difference_from_zillizs_docs_and_terraform() -> None:
    notes = explain(("storage", "cross-account"))
    text = " ".join(n for _, n in notes)
    for fact in ("965570967084", "sts:TagSession", "iam:CreateServiceLinkedRole", "StringLike", "GenerateDataKey*"):
        assert fact in text
    assert {k for k, _ in notes} == {"storage", "cross-account"}
