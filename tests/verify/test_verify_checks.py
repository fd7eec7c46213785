"""verify_role on the rendered role: passes in every trust mode; breaking the role makes it fail and say what broke."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from verify_helpers import ACCOUNT, ISSUER, rendered, without

from byoc_iam.model import RoleSpec
from byoc_iam.verify import verify_role
from byoc_iam.verify.requirements import Target

# The component whose own policies each policy of the role is (AWS managed name or blueprint inline name prefix).
OWNER = {
    "AmazonEC2ContainerRegistryReadOnly": "worker-node",
    "AmazonEKS_CNI_Policy": "amazon-vpc-cni",
    "AmazonEKSWorkerNodePolicy": "worker-node",
    "AmazonEKSClusterPolicy": "eks-control-plane",
    "AmazonEKSVPCResourceController": "vpc-resource-controller",
}
# AmazonEKSVPCResourceController is needed only with Security Groups for Pods (AWS docs; the controller's ENI
# cleaner, its only default work, is covered by AmazonEKSClusterPolicy). Its removal is checked with that feature.
INLINE_OWNER = {
    "AWSLoadBalancerController": "aws-load-balancer-controller",
    "AmazonEBSCSIDriver": "aws-ebs-csi-driver",
    "ClusterAutoscaler": "cluster-autoscaler",
}
NEEDS_FEATURE = {"AmazonEKSVPCResourceController": ["security-groups-for-pods"]}


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"oidc_issuer": ISSUER, "region": "us-west-2"},
        {"compact_trust": True},
        {"oidc_issuer": ISSUER, "compact_trust": True},
        {"policy_placement": "managed"},
        {"partition": "aws-cn", "region": "cn-north-1"},
    ],
    ids=["placeholder", "linked", "placeholder-compact", "linked-compact", "customer-managed", "aws-cn"],
)
def test_rendered_role_passes(kw: dict[str, Any]) -> None:
    report = verify_role(rendered(**kw), explain=False)
    assert report.passed, report.failures()
    assert report.summary.calls.failed == 0 and report.summary.calls.passed > 50
    linked = "oidc_issuer" in kw
    # placeholder mode is "not linked yet", never PASS: the IRSA rows say so, everything else passes
    irsa = {t.id for t in report.trust if t.id.startswith("irsa:")}
    assert {t.id for t in report.trust if t.status == "not-linked"} == (set() if linked else irsa)
    assert all(t.status == "passed" for t in report.trust if t.id not in irsa or linked)
    assert not any(t.passed for t in report.trust if t.status == "not-linked")
    assert report.status == ("ready" if linked else "not-linked")
    assert report.ok == linked  # ok is exit 0 at the defaults: not linked yet exits 3
    assert report.verdict.startswith("ready" if linked else "not linked yet")
    assert {t.kind for t in report.trust} == {"positive", "negative"}
    assert report.trust_mode == ("linked" if linked else "placeholder")
    codes = {f.code for f in report.findings}
    assert "shared-node-irsa-role" in codes and "policy-not-attributed" not in codes
    assert ("placeholder-trust-not-linked" in codes) is (not linked)


def test_placeholder_provider_keys_and_linked_provider_keys(placeholder_role: RoleSpec, linked_role: RoleSpec) -> None:
    p = next(t for t in verify_role(placeholder_role).trust if t.id == "irsa:kube-system:ebs-csi-controller-sa")
    assert p.principal == f"arn:aws:iam::{ACCOUNT}:oidc-provider/eks_oidc_url"
    assert p.context["eks_oidc_url:sub"] == "system:serviceaccount:kube-system:ebs-csi-controller-sa"
    assert p.deciding and p.deciding[0].policy_kind == "trust"
    rep = verify_role(linked_role)
    assert rep.target.region == "us-west-2"
    link = next(t for t in rep.trust if t.id == "irsa:kube-system:ebs-csi-controller-sa")
    host = ISSUER.removeprefix("https://")
    assert link.principal.endswith(f":oidc-provider/{host}") and link.context[f"{host}:aud"] == "sts.amazonaws.com"


def _policy_cases() -> list[tuple[str, str]]:
    spec = rendered()
    return [("managed", a.rsplit("/", 1)[1]) for a in spec.managed_policy_arns] + [
        ("inline", n) for n in spec.inline_policies
    ]


@pytest.mark.parametrize(("where", "name"), _policy_cases(), ids=[n for _, n in _policy_cases()])
def test_removing_any_policy_fails_and_names_what_broke(placeholder_role: RoleSpec, where: str, name: str) -> None:
    if where == "managed":
        arns = [a for a in placeholder_role.managed_policy_arns if not a.endswith(name)]
        spec = without(placeholder_role, managed_policy_arns=arns)
        owner = OWNER[name]
    else:
        inline = {k: v for k, v in placeholder_role.inline_policies.items() if k != name}
        spec = without(placeholder_role, inline_policies=inline)
        owner = INLINE_OWNER[name]
    features = NEEDS_FEATURE.get(name, [])
    assert verify_role(placeholder_role, features, explain=False).passed
    report = verify_role(spec, features, explain=False)
    assert not report.passed
    lines = report.failures()
    mine = [line for line in lines if line.startswith(f"{owner}:")]
    assert mine, lines
    # the reason says the call is denied, or names the missing policy / the policy it now depends on by accident
    named = ("denied", f"{name}: not attached", "not found in the role")
    assert any(any(n in line for n in named) for line in mine), mine
    assert next(c for c in report.components if c.id == owner).status == "failed"


def test_vpc_resource_controller_policy_is_only_needed_for_security_groups_for_pods(placeholder_role: RoleSpec) -> None:
    spec = without(
        placeholder_role,
        managed_policy_arns=[a for a in placeholder_role.managed_policy_arns if "VPCResourceController" not in a],
    )
    assert verify_role(spec, explain=False).passed
    report = verify_role(spec, ["security-groups-for-pods"], explain=False)
    assert any("ec2:CreateNetworkInterfacePermission" in line for line in report.failures())


def _trust_cases() -> list[Any]:
    cases = []
    for linked in (False, True):
        for compact in (False, True):
            kw: dict[str, Any] = {"compact_trust": compact, **({"oidc_issuer": ISSUER} if linked else {})}
            n = len(rendered(**kw).trust_policy["Statement"])
            mode = f"{'linked' if linked else 'placeholder'}-{'compact' if compact else 'per-sa'}"
            cases += [pytest.param(kw, i, id=f"{mode}-statement{i}") for i in range(n)]
    return cases


@pytest.mark.parametrize(("kw", "index"), _trust_cases())
def test_removing_any_trust_statement_fails_and_names_the_principal(kw: dict[str, Any], index: int) -> None:
    spec = rendered(**kw)
    statements = spec.trust_policy["Statement"]
    removed = statements[index]
    trust = {**spec.trust_policy, "Statement": [s for j, s in enumerate(statements) if j != index]}
    report = verify_role(without(spec, trust_policy=trust), explain=False)
    assert not report.passed
    failed = [t for t in report.trust if t.status == "failed"]
    assert failed and all(t.kind == "positive" for t in failed)
    if "Service" in removed["Principal"]:
        assert [t.principal for t in failed] == [removed["Principal"]["Service"]]
    else:
        sub = next(v for k, v in removed["Condition"]["StringEquals"].items() if k.endswith(":sub"))
        wanted = {s.removeprefix("system:serviceaccount:") for s in ([sub] if isinstance(sub, str) else sub)}
        assert {t.id.removeprefix("irsa:") for t in failed} == wanted
    assert all("cannot" in t.reason for t in failed)
    assert all(f"trust {t.id}:" in line for t, line in zip(failed, report.failures()[-len(failed) :], strict=True))


def _widen(spec: RoleSpec, statement: dict[str, Any]) -> RoleSpec:
    trust = copy.deepcopy(spec.trust_policy)
    trust["Statement"].append(statement)
    return without(spec, trust_policy=trust)


def test_negative_trust_checks_catch_a_widened_trust() -> None:
    # the compact trust leaves room under IAM's 2,048-character trust quota for the added statement
    linked_role = rendered(oidc_issuer=ISSUER, region="us-west-2", compact_trust=True)
    host = ISSUER.removeprefix("https://")
    wildcard_sa = {
        "Effect": "Allow",
        "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"},
        "Action": "sts:AssumeRoleWithWebIdentity",
        "Condition": {"StringLike": {f"{host}:sub": "system:serviceaccount:*:*"}},
    }
    report = verify_role(_widen(linked_role, wildcard_sa), explain=False)
    failed = {t.id for t in report.trust if not t.passed}
    assert {"irsa-kube-system-default", "irsa-other-namespace", "irsa-wrong-audience"} <= failed
    assert not report.passed
    bad = next(t for t in report.trust if t.id == "irsa-kube-system-default")
    assert "can sts:AssumeRoleWithWebIdentity but must not" in bad.reason and "trust policy #" in bad.reason

    anyone = {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}
    failed = {t.id for t in verify_role(_widen(linked_role, anyone), explain=False).trust if not t.passed}
    assert {"anonymous", "other-account-root", "other-account-role"} <= failed

    account = {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "sts:AssumeRole"}
    failed = {t.id for t in verify_role(_widen(linked_role, account), explain=False).trust if not t.passed}
    assert "other-account-root" in failed


def test_a_condition_mismatch_reports_the_nearest_statement_and_why(placeholder_role: RoleSpec) -> None:
    inline = copy.deepcopy(placeholder_role.inline_policies)
    lbc = inline["AWSLoadBalancerController"]
    for st in lbc["Statement"]:
        if "elasticloadbalancing:CreateLoadBalancer" in st.get("Action", []):
            st["Condition"] = {"StringEquals": {"aws:RequestTag/elbv2.k8s.aws/cluster": "some-other-cluster"}}
    # remove the cluster policy's unconditional grant too, so nothing else allows it
    spec = without(
        placeholder_role,
        inline_policies=inline,
        managed_policy_arns=[a for a in placeholder_role.managed_policy_arns if "AmazonEKSClusterPolicy" not in a],
    )
    report = verify_role(spec, explain=False)
    comp = next(c for c in report.components if c.id == "aws-load-balancer-controller")
    call = next(c for c in comp.calls if c.id == "elb-create-load-balancer")
    assert call.status == "failed" and call.decision == "ImplicitlyDenied"
    near = call.authorizations[0].nearest
    assert near is not None and near.policy == "inline:AWSLoadBalancerController"
    assert "aws:RequestTag/elbv2.k8s.aws/cluster" in call.reason and "some-other-cluster" in call.reason


def test_explicit_deny_is_reported(placeholder_role: RoleSpec) -> None:
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "ec2:CreateVolume", "Resource": "*"}]}
    spec = without(placeholder_role, inline_policies={**placeholder_role.inline_policies, "NoVolumes": deny})
    report = verify_role(spec, explain=False)
    call = next(c for comp in report.components for c in comp.calls if c.id == "create-volume")
    assert call.decision == "ExplicitlyDenied" and call.reason.startswith("explicitly denied")
    assert call.authorizations[0].deciding[0].policy == "inline:NoVolumes"
    extra = next(f for f in report.findings if f.code == "policy-not-attributed")
    assert "inline:NoVolumes" in extra.message and extra.severity == "info"


def test_features_add_required_calls_and_unknown_feature_is_usage_error(placeholder_role: RoleSpec) -> None:
    from byoc_iam.errors import UsageError

    base = verify_role(placeholder_role, explain=False)
    more = verify_role(placeholder_role, ["snapshots", "shield"], explain=False)
    assert more.passed and more.summary.calls.passed > base.summary.calls.passed
    ipv6 = verify_role(placeholder_role, ["ipv6"], explain=False)
    assert not ipv6.passed and any("ec2:AssignIpv6Addresses" in line for line in ipv6.failures())
    with pytest.raises(UsageError, match="unknown feature 'bogus'"):
        verify_role(placeholder_role, ["bogus"])


def test_every_allowed_call_names_its_deciding_statement(linked_role: RoleSpec) -> None:
    report = verify_role(linked_role)
    for comp in report.components:
        for call in comp.calls:
            if call.status == "passed":
                assert all(a.deciding for a in call.authorizations), (comp.id, call.id)
                own = set(comp.own_policies)
                assert any(s.policy in own for a in call.authorizations for s in a.deciding), (comp.id, call.id)


def test_explicit_target_and_boundary_finding(placeholder_role: RoleSpec) -> None:
    spec = without(placeholder_role, permissions_boundary="arn:aws:iam::123456789012:policy/boundary")
    report = verify_role(spec, target=Target(account="210987654321", region="eu-west-1", cluster="prod"), explain=False)
    assert report.role.arn == "arn:aws:iam::210987654321:role/zilliz-byoc-eks-role"
    assert "boundary-not-evaluated" in {f.code for f in report.findings}
    assert report.target.cluster == "prod"


def test_permissions_boundary_is_evaluated_when_its_document_is_known(placeholder_role: RoleSpec) -> None:
    from byoc_iam.model import PolicyDocument

    spec = without(placeholder_role, permissions_boundary="arn:aws:iam::123456789012:policy/boundary")
    allow_all = PolicyDocument.from_dict(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    )
    report = verify_role(spec, boundary=allow_all, explain=False)
    assert report.passed and "boundary-not-evaluated" not in {f.code for f in report.findings}
    ec2_only = PolicyDocument.from_dict(
        {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "ec2:*", "Resource": "*"}]}
    )
    report = verify_role(spec, boundary=ec2_only, explain=False)
    assert not report.passed
    call = next(c for comp in report.components for c in comp.calls if c.id == "elb-create-load-balancer")
    assert call.status == "failed" and call.authorizations[0].blocked_by == ["pb"]
    assert "permissions boundary does not allow it" in call.reason
    ec2_call = next(c for comp in report.components for c in comp.calls if c.id == "create-volume")
    assert ec2_call.status == "passed"


# What the rendered role supports beyond default operation. The unsupported ones need permissions the
# upstream policies do not have (e.g. wafv2:ListWebACLs is missing from the LBC's iam_policy.json, IPv6 needs
# a separate CNI policy, certificate management and Global Accelerator need extra upstream policies).
UNSUPPORTED = {
    "certificate-management",
    "cni-metrics-helper",
    "cross-account",
    "ecr-public",
    "global-accelerator",
    "hyperpod",
    "ipv6",
    "kms-cmk",
    "modify-tags",
    "rgt-api",
    "wafv2-acl-name",
}


def test_feature_support_of_the_rendered_role(placeholder_role: RoleSpec) -> None:
    from byoc_iam.verify import all_features

    results = {f: verify_role(placeholder_role, [f], explain=False).passed for f in all_features()}
    assert {f for f, ok in results.items() if not ok} == UNSUPPORTED


def test_default_calls_are_allowed_by_the_upstream_documents_themselves(shared_research: Any) -> None:
    """Oracle: the catalog's contexts satisfy the upstream policies as published (research snapshot), not only
    byoc-iam's own copies of them."""
    import json

    from byoc_iam.model import PolicyDocument

    up = shared_research / "upstream"
    inline = {
        "AWSLoadBalancerController": json.loads((up / "aws-load-balancer-controller.iam_policy.json").read_text()),
        "AmazonEBSCSIDriver": json.loads((up / "aws-ebs-csi-driver.example-iam-policy.json").read_text()),
        "ClusterAutoscaler": json.loads((up / "cluster-autoscaler.full-policy.json").read_text()),
    }
    managed = {
        f"arn:aws:iam::aws:policy/{f.stem}": PolicyDocument.from_json(f.read_text())
        for f in sorted((up / "aws-managed").glob("*.json"))
    }
    spec = without(rendered(), inline_policies=inline, managed_policy_arns=sorted(managed))
    report = verify_role(spec, ["snapshots", "fast-snapshot-restore", "shield", "wafv2"], managed, explain=False)
    assert report.passed, report.failures()
