"""No false PASS: each kind of case below was reported as passing before (a PASS where AWS would refuse the
document, deny the call or admit a principal); verify now fails it and says why."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import ACCOUNT, ISSUER, rendered, without

from byoc_iam.model import RoleSpec
from byoc_iam.verify import verify_role
from byoc_iam.verify.report import VerifyReport
from cli_helpers import run_cli as run


def _call(report: VerifyReport, call_id: str) -> Any:
    return next(c for comp in report.components for c in comp.calls if c.id == call_id)


def _codes(report: VerifyReport) -> set[str]:
    return {f.code for f in report.findings}


# -- documents IAM would refuse ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("statement", "rule"),
    [
        ({"Effect": "Allow", "Action": "autoscaling:*"}, "E1007"),  # no Resource: not "*"
        ({"Effect": "Allow", "Action": "autoscaling:*", "Resource": "*22223333:role/x"}, "E2007"),
        ({"Effect": "Allow", "Action": "autoscaling:*", "Resource": "arn?aws:autoscaling:*"}, "E2007"),
    ],
    ids=["no-resource", "not-an-arn", "arn-typo"],
)
def test_a_policy_iam_would_refuse_grants_nothing(
    placeholder_role: RoleSpec, statement: dict[str, Any], rule: str
) -> None:
    inline = dict(placeholder_role.inline_policies)
    inline["ClusterAutoscaler"] = {"Version": "2012-10-17", "Statement": [statement]}
    report = verify_role(without(placeholder_role, inline_policies=inline), explain=False)
    assert not report.ok and report.status == "fails"
    refused = next(f for f in report.findings if f.code == "document-refused")
    assert refused.severity == "error" and "inline:ClusterAutoscaler" in refused.message and rule in refused.message
    assert _call(report, "set-desired-capacity").status == "failed"
    assert next(c for c in report.components if c.id == "cluster-autoscaler").status == "failed"


def test_a_trust_policy_over_the_quota_trusts_no_one(linked_role: RoleSpec) -> None:
    trust = copy.deepcopy(linked_role.trust_policy)
    trust["Statement"].append(
        {"Sid": "Padding" + "x" * 400, "Effect": "Deny", "Principal": {"AWS": "*"}, "Action": "sts:TagSession"}
    )
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    refused = next(f for f in report.findings if f.code == "document-refused")
    assert "trust policy" in refused.message and "E4006" in refused.message
    assert all(t.status == "failed" for t in report.trust if t.kind == "positive")
    assert not report.ok


# -- placeholder: not linked yet ------------------------------------------------------------------------------


def test_placeholder_is_not_linked_yet_in_every_output(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(["verify", "--account-id", ACCOUNT, "-o", "json", "--html", str(tmp_path / "r.html")], capsys)
    assert code == 3  # not linked yet is never a green verify: the controllers cannot assume the role
    data = json.loads(out)
    assert data["status"] == "not-linked" and data["verdict"].startswith("not linked yet")
    assert "link-cluster" in data["verdict"]
    irsa = [t for t in data["trust"] if t["id"].startswith("irsa:")]
    assert irsa and all(t["status"] == "not-linked" and t["passed"] is False for t in irsa)
    assert all("link-cluster" in t["reason"] for t in irsa)
    assert data["summary"]["trust_not_linked"] == len(irsa)
    html = (tmp_path / "r.html").read_text()
    assert 'class="banner not-linked"' in html and "Not linked yet" in html
    code, out, _ = run(["verify", "--account-id", ACCOUNT, "--allow-unlinked"], capsys)
    assert code == 0 and "NOT LINKED YET" in out  # accepted on request, still said
    code, out, _ = run(["verify", "--account-id", ACCOUNT, "--allow-unlinked", "--fail-on", "warning"], capsys)
    assert code == 3 and "NOT LINKED YET" in out


def test_role_set_with_an_unlinked_eks_role_is_not_green(capsys: pytest.CaptureFixture[str]) -> None:
    """verify --role all on the rendered set: the EKS role's placeholder trust fails the set (exit 3) and its
    line says why; --allow-unlinked accepts it, still saying it."""
    args = ["verify", "--role", "all", "--account-id", ACCOUNT, "--bucket", "milvus-data", "--external-id", "ext-1"]
    code, out, _ = run(args, capsys)
    assert code == 3 and "! eks role zilliz-byoc-eks-role: not linked yet" in out and "exit 3 unless" in out
    assert "! storage role zilliz-byoc-storage-role: not linked yet" in out
    code, out, _ = run([*args, "--allow-unlinked"], capsys)
    assert code == 0 and "! eks role zilliz-byoc-eks-role: not linked yet" in out and "exit 3 unless" not in out
    code, out, _ = run([*args, "--allow-unlinked", "-o", "json"], capsys)
    doc = json.loads(out)
    assert code == 0 and doc["ok"] and doc["roles"][0]["report"]["status"] == "not-linked"
    storage = doc["roles"][1]
    assert storage["status"] == "not-linked"
    # no check claims a pass it cannot have: the placeholder provider's "Allowed" is not linked, not passed
    placeholder = [c for c in storage["report"]["checks"] if "eks_oidc_url" in c["principal"]]
    allowed = [c for c in placeholder if c["expected"] == "allowed"]
    assert allowed and all(c["status"] == "not-linked" and c["passed"] is False for c in allowed)


# -- grants beyond the blueprint --------------------------------------------------------------------------------


def _role_file(tmp_path: Path, spec: RoleSpec) -> str:
    path = tmp_path / "role.json"
    path.write_text(spec.to_json())
    return str(path)


def test_administrator_access_is_a_security_finding_and_fails(
    linked_role: RoleSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arns = [*linked_role.managed_policy_arns, "arn:aws:iam::aws:policy/AdministratorAccess"]
    spec = without(linked_role, managed_policy_arns=arns)
    report = verify_role(spec, explain=False)
    beyond = [f for f in report.findings if f.code == "grant-beyond-blueprint"]
    assert beyond and beyond[0].severity == "security" and "AdministratorAccess" in beyond[0].message
    assert report.summary.calls.failed == 0 and not report.ok and report.status == "fails"
    assert report.verdict == "fails: 1 security finding"
    path = _role_file(tmp_path, spec)
    code, out, _ = run(["verify", "--role", path], capsys)
    assert code == 3 and "AdministratorAccess" in out and "FAILS" in out
    code, _, _ = run(["verify", "--role", path, "--fail-on", "error"], capsys)
    assert code == 0
    code, _, err = run(["verify", "--role", path, "--fail-on", "bogus"], capsys)
    assert code == 2 and err.startswith("byoc-iam: --fail-on must be one of")


def test_an_extra_inline_policy_and_extra_trust_principals_are_security_findings(linked_role: RoleSpec) -> None:
    extra = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    trust = copy.deepcopy(linked_role.trust_policy)
    trust["Statement"][0]["Principal"]["Service"] = ["eks.amazonaws.com", "lambda.amazonaws.com"]
    spec = without(linked_role, inline_policies={**linked_role.inline_policies, "Extra": extra}, trust_policy=trust)
    report = verify_role(spec, explain=False)
    messages = [f.message for f in report.findings if f.code == "grant-beyond-blueprint"]
    assert any("inline:Extra" in m and "#0" in m for m in messages)
    assert any("lambda.amazonaws.com" in m for m in messages)
    assert not report.ok


def test_a_same_account_principal_in_the_trust_is_caught(linked_role: RoleSpec) -> None:
    """No negative trust check covers a same-account role; the blueprint comparison does."""
    trust = copy.deepcopy(linked_role.trust_policy)
    admin = f"arn:aws:iam::{ACCOUNT}:role/ci-deployer"
    trust["Statement"].append({"Effect": "Allow", "Principal": {"AWS": admin}, "Action": "sts:AssumeRole"})
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    assert all(t.status == "passed" for t in report.trust)
    assert any(admin in f.message for f in report.findings if f.severity == "security")
    assert not report.ok


@pytest.mark.parametrize("where", ["same statement", "own statement"])
def test_a_trust_federating_a_second_clusters_provider_fails(linked_role: RoleSpec, where: str) -> None:
    """Break test: a second OIDC provider (another cluster of the same account) in the trust was READY, every
    check passing, though that cluster's kube-system service accounts of the same names can assume the role."""
    trust = copy.deepcopy(linked_role.trust_policy)
    web = next(s for s in trust["Statement"] if "Federated" in s["Principal"])
    other = web["Principal"]["Federated"].replace(web["Principal"]["Federated"].rsplit("/", 1)[1], "OTHERCLUSTER")
    if where == "same statement":
        web["Principal"]["Federated"] = [web["Principal"]["Federated"], other]
    else:
        trust["Statement"].append({**copy.deepcopy(web), "Principal": {"Federated": other}})
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    beyond = [f.message for f in report.findings if f.code == "grant-beyond-blueprint"]
    assert any("2 OIDC providers" in m and "OTHERCLUSTER" in m for m in beyond), beyond
    assert not report.ok


def test_a_trust_naming_its_own_account_fails_the_administrator_check(linked_role: RoleSpec) -> None:
    """A trust naming this account's root admits every principal of the account whose identity policy allows
    sts:AssumeRole; a denial check for this account's administrator now sees that (it was evaluated with no
    identity policy, so it could never fail)."""
    trust = copy.deepcopy(linked_role.trust_policy)
    trust["Statement"].append(
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
    )
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    (admin,) = [t for t in report.trust if t.id == "same-account-role"]
    assert admin.status == "failed" and admin.decision == "Allowed"
    assert verify_role(linked_role, explain=False).status == "ready"


def test_the_blueprint_itself_grants_nothing_beyond_the_blueprint() -> None:
    for kw in ({}, {"policy_placement": "managed"}, {"partition": "aws-cn", "region": "cn-north-1"}):
        report = verify_role(rendered(**kw), explain=False)
        assert "grant-beyond-blueprint" not in _codes(report), kw


# -- the federation the trust relies on (offline: the account) -------------------------------------------------


def test_a_trust_naming_another_accounts_provider_fails(
    linked_role: RoleSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """STS looks the provider up in the role's account: a trust federating account B's provider never works."""
    other = "iam::444455556666:oidc-provider"
    text = json.dumps(linked_role.trust_policy).replace(f"iam::{ACCOUNT}:oidc-provider", other)
    spec = without(linked_role, trust_policy=json.loads(text))
    path = _role_file(tmp_path, spec)
    code, out, _ = run(["verify", "--role", path, "--account-id", ACCOUNT, "-o", "json"], capsys)
    assert code == 3
    data = json.loads(out)
    assert data["federation"][0]["passed"] is False and "444455556666" in data["federation"][0]["problems"][0]
    irsa = [t for t in data["trust"] if t["id"].startswith("irsa:")]
    assert irsa and all(t["status"] == "failed" and "role's own account" in t["reason"] for t in irsa)
    assert "federation-broken" in {f["code"] for f in data["findings"]}


# -- request context per resource ------------------------------------------------------------------------------


def test_request_tags_apply_to_the_created_resource_only(placeholder_role: RoleSpec) -> None:
    """kubernetes/kops#13436: CreateSecurityGroup allowed on "*" only with an aws:RequestTag condition fails on
    the VPC, which carries no request tags."""
    inline = copy.deepcopy(placeholder_role.inline_policies)
    cond = {"StringEquals": {"aws:RequestTag/elbv2.k8s.aws/cluster": "zilliz-byoc"}}
    for st in inline["AWSLoadBalancerController"]["Statement"]:
        if "ec2:CreateSecurityGroup" in st.get("Action", []):
            st["Resource"] = "*"
            st["Condition"] = cond
    managed = [a for a in placeholder_role.managed_policy_arns if "AmazonEKSClusterPolicy" not in a]
    report = verify_role(without(placeholder_role, inline_policies=inline, managed_policy_arns=managed), explain=False)
    call = _call(report, "ec2-create-security-group")
    assert call.status == "failed" and ":vpc/" in call.reason
    vpc = next(a for a in call.authorizations if ":vpc/" in a.resource)
    sg = next(a for a in call.authorizations if ":security-group/" in a.resource)
    assert not any(k.startswith("aws:RequestTag/") or k == "aws:TagKeys" for k in vpc.context)
    assert sg.context["aws:RequestTag/elbv2.k8s.aws/cluster"] == "zilliz-byoc" and sg.decision == "Allowed"


def test_create_volume_from_a_snapshot_needs_the_snapshot_without_request_tags(placeholder_role: RoleSpec) -> None:
    """The EBS CSI policy grants CreateVolume on the snapshot unconditionally: a request-tag condition on
    every resource would fail restores."""
    inline = copy.deepcopy(placeholder_role.inline_policies)
    for st in inline["AmazonEBSCSIDriver"]["Statement"]:
        if "ec2:CreateVolume" in st.get("Action", []) and st["Resource"].endswith(":snapshot/*"):
            st["Condition"] = {"StringLike": {"aws:RequestTag/ebs.csi.aws.com/cluster": "true"}}
    report = verify_role(without(placeholder_role, inline_policies=inline), ["snapshots"], explain=False)
    call = _call(report, "create-volume-from-snapshot")
    snap = next(a for a in call.authorizations if ":snapshot/" in a.resource)
    assert not any(k.startswith("aws:RequestTag/") for k in snap.context)
    assert call.status == "failed" and snap.scoped_decision == "ImplicitlyDenied"


@pytest.mark.parametrize(
    ("action", "call_id"),
    [
        ("ec2:GetSecurityGroupsForVpc", "ec2-get-security-groups-for-vpc"),  # aws-load-balancer-controller#3917
        ("iam:CreateServiceLinkedRole", "iam-create-service-linked-role-elb"),  # first LB of a fresh account
    ],
)
def test_calls_elb_checks_on_the_caller_are_required(placeholder_role: RoleSpec, action: str, call_id: str) -> None:
    inline = copy.deepcopy(placeholder_role.inline_policies)
    for st in inline["AWSLoadBalancerController"]["Statement"]:
        acts = st.get("Action", [])
        if isinstance(acts, list) and action in acts:
            acts.remove(action)
        elif acts == action:
            st["Action"] = "elasticloadbalancing:DescribeTags"
    managed = [a for a in placeholder_role.managed_policy_arns if "AmazonEKSClusterPolicy" not in a]
    report = verify_role(without(placeholder_role, inline_policies=inline, managed_policy_arns=managed), explain=False)
    call = _call(report, call_id)
    assert call.action == action and call.kind == "service-side" and call.status == "failed"


def test_the_rendered_role_allows_the_calls_elb_checks(linked_role: RoleSpec) -> None:
    report = verify_role(linked_role, explain=False)
    for call_id in ("ec2-get-security-groups-for-vpc", "iam-create-service-linked-role-elb"):
        assert _call(report, call_id).status == "passed"
    assert ISSUER  # the linked role federates the fixture's issuer


# -- public bug reports, reduced --------------------------------------------------------------------------------


def test_customer_managed_ebs_key_needs_describe_key_and_reencrypt(placeholder_role: RoleSpec) -> None:
    """The driver's optional KMS statement (Decrypt, GenerateDataKeyWithoutPlaintext, CreateGrant) is not all AWS's
    EBS encryption requirements list: a volume from a snapshot under another key needs kms:DescribeKey and
    kms:ReEncrypt* (openshift/managed-cluster-config#2813)."""
    inline = copy.deepcopy(placeholder_role.inline_policies)
    statement = {
        "Effect": "Allow",
        "Action": ["kms:Decrypt", "kms:GenerateDataKeyWithoutPlaintext", "kms:CreateGrant"],
        "Resource": "arn:aws:kms:*:*:key/*",
    }
    inline["AmazonEBSCSIDriver"]["Statement"].append(statement)
    report = verify_role(without(placeholder_role, inline_policies=inline), ["kms-cmk"], explain=False)
    failed = {c.action for comp in report.components for c in comp.calls if c.status == "failed"}
    assert failed == {"kms:DescribeKey", "kms:ReEncryptFrom", "kms:ReEncryptTo"}
    statement["Action"] = [*statement["Action"], "kms:DescribeKey", "kms:ReEncrypt*"]
    report = verify_role(without(placeholder_role, inline_policies=inline), ["kms-cmk"], explain=False)
    assert not [c for comp in report.components for c in comp.calls if c.status == "failed"]


def _web_identity(trust: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in trust["Statement"] if s["Action"] == "sts:AssumeRoleWithWebIdentity"]


def test_condition_key_written_with_the_provider_arn_never_matches(linked_role: RoleSpec) -> None:
    """aws/karpenter-provider-aws#1666: `arn:...:oidc-provider/<host>:sub` is not the key STS sets."""
    trust = copy.deepcopy(linked_role.trust_policy)
    for st in _web_identity(trust):
        provider = st["Principal"]["Federated"]
        st["Condition"] = {
            op: {(f"{provider}:sub" if k.endswith(":sub") else k): v for k, v in keys.items()}
            for op, keys in st["Condition"].items()
        }
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    irsa = [t for t in report.trust if t.id.startswith("irsa:")]
    assert irsa and all(t.status == "failed" and "cannot sts:AssumeRoleWithWebIdentity" in t.reason for t in irsa)


def test_a_trust_bounded_by_aud_only_admits_every_service_account() -> None:
    """external-secrets/kubernetes-external-secrets#287: the `aud` condition where `sub` was meant."""
    spec = rendered(oidc_issuer=ISSUER, region="us-west-2", compact_trust=True)
    trust = copy.deepcopy(spec.trust_policy)
    for st in _web_identity(trust):
        st["Condition"] = {
            "StringEquals": {k: v for k, v in st["Condition"]["StringEquals"].items() if k.endswith(":aud")}
        }
    report = verify_role(without(spec, trust_policy=trust), explain=False)
    failed = {t.id for t in report.trust if t.status == "failed"}
    assert {"irsa-kube-system-default", "irsa-other-namespace"} <= failed
    assert any("no sub condition" in f.message for f in report.findings if f.code == "grant-beyond-blueprint")


def test_a_wildcard_under_string_equals_matches_no_service_account(linked_role: RoleSpec) -> None:
    """crossplane/crossplane#5578: `StringEquals` compares `*` literally."""
    trust = copy.deepcopy(linked_role.trust_policy)
    st = next(s for s in _web_identity(trust) if "cluster-autoscaler" in json.dumps(s))
    key = next(k for k in st["Condition"]["StringEquals"] if k.endswith(":sub"))
    st["Condition"]["StringEquals"][key] = "system:serviceaccount:kube-system:cluster-*"
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    row = next(t for t in report.trust if t.id == "irsa:kube-system:cluster-autoscaler")
    assert row.status == "failed" and not report.ok


def test_without_an_account_the_providers_account_is_not_claimed_checked(linked_role: RoleSpec) -> None:
    """The role's account taken from the trust's own provider proves nothing about that provider."""
    text = json.dumps(linked_role.trust_policy).replace(
        f"iam::{ACCOUNT}:oidc-provider", "iam::444455556666:oidc-provider"
    )
    report = verify_role(without(linked_role, trust_policy=json.loads(text)), explain=False)
    assert report.federation[0].checked == []
    assert "federation-account-unknown" in _codes(report)
    from byoc_iam.verify.requirements import Target

    known = verify_role(
        without(linked_role, trust_policy=json.loads(text)), target=Target(account=ACCOUNT, region="us-west-2")
    )
    assert known.federation[0].checked == ["account", "region"] and not known.federation[0].passed and not known.ok
