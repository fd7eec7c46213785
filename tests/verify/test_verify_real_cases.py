"""Public bug reports of EKS controllers' IAM and IRSA trust, each reduced to the smallest change of the rendered
role that reproduces it: verify must fail what AWS refused in the thread, and say where."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import ACCOUNT, ISSUER, rendered, without

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.model import RoleSpec
from byoc_iam.verify import verify_role
from byoc_iam.verify.report import VerifyReport
from byoc_iam.verify.requirements import Target
from byoc_iam.verify.split_trust import check_split_trust
from cli_helpers import run_cli as run

TARGET = Target(account=ACCOUNT, region="us-west-2")
ADD_TAGS = "elasticloadbalancing:AddTags"


def _status(report: VerifyReport, call_id: str, component: str = "aws-load-balancer-controller") -> str:
    comp = next(c for c in report.components if c.id == component)
    return next(c.status for c in comp.calls if c.id == call_id)


def _without_statement(spec: RoleSpec, policy: str, sid: str) -> RoleSpec:
    inline = copy.deepcopy(spec.inline_policies)
    kept = [st for st in inline[policy]["Statement"] if st.get("Sid") != sid]
    assert len(kept) == len(inline[policy]["Statement"]) - 1, sid
    inline[policy]["Statement"] = kept
    return without(spec, inline_policies=inline)


def _without_action(spec: RoleSpec, policy: str, action: str) -> RoleSpec:
    inline = copy.deepcopy(spec.inline_policies)
    hits = [st for st in inline[policy]["Statement"] if action in st["Action"]]
    assert hits, action
    for st in hits:
        st["Action"].remove(action)
    return without(spec, inline_policies=inline)


# -- EKS controllers' IAM failures -------------------------------------------------------------------------------


def test_lbc_add_tags_on_create_needs_the_create_action_statement(linked_role: RoleSpec) -> None:
    """kubernetes-sigs/aws-load-balancer-controller#3428 (https://github.com/kubernetes-sigs/aws-load-balancer-
    controller/issues/3428), PR #3372: "not authorized to perform: elasticloadbalancing:AddTags on resource
    ...targetgroup/..." while creating a target group. A policy that tags load balancers and target groups only
    when they already carry ``aws:ResourceTag/elbv2.k8s.aws/cluster`` cannot tag them in the create call (the
    resource has no tags yet); the fix was the statement allowing AddTags when ``elasticloadbalancing:
    CreateAction`` is CreateTargetGroup/CreateLoadBalancer (upstream docs/install/iam_policy.json). AWS denies."""
    spec = _without_statement(linked_role, "AWSLoadBalancerController", "TagLoadBalancersAndTargetGroupsOnCreate")
    report = verify_role(spec, target=TARGET, explain=False)
    assert _status(report, "elb-add-tags-on-create-lb") == "failed"
    assert _status(report, "elb-add-tags-on-create-tg") == "failed"
    assert _status(report, "elb-add-tags-lb") == "passed"  # tagging an owned, already tagged LB still works
    assert not report.ok and report.status == "fails"


def test_lbc_add_tags_on_listeners_needs_listener_arns(linked_role: RoleSpec) -> None:
    """aws-ia/terraform-aws-eks-blueprints#717 (https://github.com/aws-ia/terraform-aws-eks-blueprints/issues/717):
    with default tags the controller tags listeners: "not authorized to perform: elasticloadbalancing:AddTags on
    resource: ...:listener/app/..." because the policy listed only loadbalancer/ and targetgroup/ ARNs. An ARN
    pattern for one resource type never matches another (IAM User Guide, "IAM JSON policy elements: Resource").
    AWS denies."""
    spec = _without_statement(linked_role, "AWSLoadBalancerController", "TagListenersAndRules")
    report = verify_role(spec, target=TARGET, explain=False)
    for call_id in ("elb-add-tags-listener", "elb-add-tags-on-create-listener", "elb-add-tags-on-create-rule"):
        assert _status(report, call_id) == "failed", call_id
    assert _status(report, "elb-add-tags-on-create-lb") == "passed"
    assert not report.ok


@pytest.mark.parametrize(
    ("action", "call_id", "features"),
    [
        # kubernetes/autoscaler#6496 (https://github.com/kubernetes/autoscaler/issues/6496): 1.29.0 fails to start,
        # "not authorized to perform: ec2:DescribeLaunchTemplateVersions"
        ("ec2:DescribeLaunchTemplateVersions", "describe-launch-template-versions", []),
        # awsdocs/amazon-eks-user-guide#524 (https://github.com/awsdocs/amazon-eks-user-guide/pull/524) and
        # kubernetes/autoscaler#4625: "Failed to generate AWS EC2 Instance Types: UnauthorizedOperation"
        ("ec2:DescribeInstanceTypes", "describe-instance-types", []),
        # kubernetes/kops#14317 (https://github.com/kubernetes/kops/pull/14317): since 1.24 the autoscaler calls
        # autoscaling:DescribeScalingActivities ("AccessDenied ... DescribeScalingActivities")
        ("autoscaling:DescribeScalingActivities", "describe-scaling-activities", []),
        # kubernetes/kops#16853 (https://github.com/kubernetes/kops/pull/16853): instance requirements of an ASG
        # need ec2:DescribeImages ("UnauthorizedOperation ... ec2:DescribeImages")
        ("ec2:DescribeImages", "describe-images", ["scale-from-zero"]),
    ],
    ids=["autoscaler-6496", "eks-user-guide-524", "kops-14317", "kops-16853"],
)
def test_cluster_autoscaler_permission_added_in_a_release(
    linked_role: RoleSpec, action: str, call_id: str, features: list[str]
) -> None:
    """Cluster Autoscaler releases added calls; a policy written for an older release lacks them and AWS
    returns UnauthorizedOperation/AccessDenied. No other policy of the rendered role grants these actions, so the
    call must fail."""
    spec = _without_action(linked_role, "ClusterAutoscaler", action)
    report = verify_role(spec, features, target=TARGET, explain=False)
    assert _status(report, call_id, "cluster-autoscaler") == "failed"
    assert next(c for c in report.components if c.id == "cluster-autoscaler").status == "failed"
    assert verify_role(linked_role, features, target=TARGET, explain=False).ok  # the rendered role passes


# -- IRSA and Pod Identity trust mistakes -------------------------------------------------------------------------


def _edit_conditions(trust: dict[str, Any], suffix: str, value: str | None) -> dict[str, Any]:
    out = copy.deepcopy(trust)
    for st in out["Statement"]:
        for keys in st.get("Condition", {}).values():
            for key in [k for k in keys if k.endswith(suffix)]:
                if value is None:
                    del keys[key]
                else:
                    keys[key] = value
    return out


def test_aud_that_is_not_sts_fails_every_service_account(linked_role: RoleSpec) -> None:
    """source-cooperative/source.coop#382 (https://github.com/source-cooperative/source.coop/pull/382): for
    AssumeRoleWithWebIdentity the token's audience is STS, so the trust's ``aud`` must be ``sts.amazonaws.com``;
    an application name there matches no token (EKS User Guide, "Assign IAM roles to Kubernetes service
    accounts": ``"<provider>:aud": "sts.amazonaws.com"``). AWS denies every controller."""
    trust = _edit_conditions(linked_role.trust_policy, ":aud", "my-app")
    report = verify_role(without(linked_role, trust_policy=trust), target=TARGET, explain=False)
    irsa = [t for t in report.trust if t.id.startswith("irsa:")]
    assert irsa and all(t.status == "failed" and ":aud" in t.reason for t in irsa)
    assert not report.ok


def test_trust_without_aud_admits_tokens_for_any_audience(linked_role: RoleSpec) -> None:
    """github/docs#15769 (https://github.com/github/docs/issues/15769) and the EKS IRSA guide: the ``aud``
    condition is what stops a token minted for another audience. Without it the role admits such a token, so
    verify's negative check for a wrong audience must fail (a widened trust is never a pass)."""
    trust = _edit_conditions(linked_role.trust_policy, ":aud", None)
    report = verify_role(without(linked_role, trust_policy=trust), target=TARGET, explain=False)
    row = next(t for t in report.trust if t.id == "irsa-wrong-audience")
    assert row.status == "failed" and "must not" in row.reason
    assert not report.ok


def test_provider_host_with_region_and_eks_swapped_fails(linked_role: RoleSpec) -> None:
    """aws/amazon-eks-pod-identity-webhook#30 (https://github.com/aws/amazon-eks-pod-identity-webhook/issues/30):
    "Not authorized to perform sts:AssumeRoleWithWebIdentity" from a provider ARN written
    ``oidc.<region>.eks.amazonaws.com`` instead of ``oidc.eks.<region>.amazonaws.com``: it is not the cluster's
    issuer, so no token matches. AWS denies."""
    text = json.dumps(linked_role.trust_policy).replace(
        "oidc-provider/oidc.eks.us-west-2.amazonaws.com", "oidc-provider/oidc.us-west-2.eks.amazonaws.com"
    )
    report = verify_role(without(linked_role, trust_policy=json.loads(text)), target=TARGET, explain=False)
    irsa = [t for t in report.trust if t.id.startswith("irsa:")]
    assert irsa and all(t.status == "failed" for t in irsa)
    assert not report.ok


def _other_region(spec: RoleSpec) -> RoleSpec:
    text = json.dumps(spec.trust_policy).replace("oidc.eks.us-west-2.", "oidc.eks.eu-west-1.")
    return without(spec, trust_policy=json.loads(text))


def test_trust_federating_another_regions_cluster_fails(linked_role: RoleSpec) -> None:
    """aws/aws-sdk-js-v3#6419 (https://github.com/aws/aws-sdk-js-v3/issues/6419), #5749: "InvalidIdentityToken:
    No OpenIDConnect provider found in your account for https://oidc.eks.us-east-1.amazonaws.com/id/...": STS
    takes the provider from the token's issuer, and an EKS cluster's issuer names its own region
    (``https://oidc.eks.<region>.amazonaws.com/id/<ID>``, EKS User Guide, "Create an IAM OIDC provider for your
    cluster"). A trust naming the provider and keys of a cluster in eu-west-1 admits no pod of the cluster in
    us-west-2. byoc-iam said READY here (a false PASS) until the federation check compared the regions."""
    spec = _other_region(linked_role)
    report = verify_role(spec, target=TARGET, explain=False)
    fed = report.federation[0]
    assert fed.checked == ["account", "region"] and not fed.passed
    assert "eu-west-1" in fed.problems[0] and "us-west-2" in fed.problems[0]
    irsa = [t for t in report.trust if t.id.startswith("irsa:")]
    assert irsa and all(t.status == "failed" and t.reason.startswith("federation:") for t in irsa)
    assert "federation-broken" in {f.code for f in report.findings} and not report.ok
    # the region taken from the trust itself proves nothing: not checked, not claimed
    inferred = verify_role(spec, explain=False)
    assert "region" not in inferred.federation[0].checked


def test_cli_verify_with_the_clusters_region_fails_another_regions_trust(
    linked_role: RoleSpec, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The same case through ``byoc-iam verify --role FILE --region``: exit 3, never READY."""
    path = tmp_path / "role.json"
    path.write_text(_other_region(linked_role).to_json())
    code, out, _ = run(["verify", "--role", str(path), "--account-id", ACCOUNT, "--region", "us-west-2"], capsys)
    assert code == 3 and "FAILS" in out and "READY" not in out and "eu-west-1" in out
    code, out, _ = run(["verify", "--role", str(path), "--account-id", ACCOUNT, "--region", "eu-west-1"], capsys)
    assert code == 0 and "READY" in out


def _pod_identity_specs() -> tuple[BlueprintInputs, dict[str, RoleSpec]]:
    inputs = BlueprintInputs(account_id=ACCOUNT, layout="split", region="us-west-2", identity="pod-identity")
    return inputs, {m.kind: m.spec for m in render_role_set(inputs)}


def _pod_rows(inputs: BlueprintInputs, specs: dict[str, RoleSpec], kind: str) -> dict[str, str]:
    target = Target(account=ACCOUNT, region="us-west-2", cluster="zilliz-byoc")
    result = next(r for r in check_split_trust(inputs, specs, target) if r.kind == kind)
    return {t.id: t.status for t in result.trust}


def test_pod_identity_trust_without_tag_session_fails() -> None:
    """makeplane/developer-docs#323 (https://github.com/makeplane/developer-docs/pull/323) and
    zalando-incubator/cluster-lifecycle-manager#937: the Pod Identity trust needs both ``sts:AssumeRole`` and
    ``sts:TagSession`` for ``pods.eks.amazonaws.com``; EKS tags the session, and without TagSession the
    association delivers no credentials (EKS User Guide, "Create IAM role with trust policy required by EKS Pod
    Identity"). AWS denies."""
    inputs, specs = _pod_identity_specs()
    assert _pod_rows(inputs, specs, "ebs-csi")["pod-identity:sts:TagSession"] == "passed"
    trust = copy.deepcopy(specs["ebs-csi"].trust_policy)
    st = trust["Statement"][0]
    assert st["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    st["Action"] = "sts:AssumeRole"
    specs["ebs-csi"] = specs["ebs-csi"].model_copy(update={"trust_policy": trust})
    assert _pod_rows(inputs, specs, "ebs-csi")["pod-identity:sts:TagSession"] == "failed"


def test_pod_identity_with_an_irsa_only_trust_fails() -> None:
    """hashicorp/terraform-provider-aws#41483 (https://github.com/hashicorp/terraform-provider-aws/issues/41483):
    CreatePodIdentityAssociation "Trust policy of the role provided is invalid": the role trusted only the
    cluster's OIDC provider (sts:AssumeRoleWithWebIdentity); Pod Identity assumes it as
    ``pods.eks.amazonaws.com``. AWS refuses."""
    inputs, specs = _pod_identity_specs()
    host = ISSUER.removeprefix("https://")
    subject = "system:serviceaccount:kube-system:ebs-csi-controller-sa"
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {"StringEquals": {f"{host}:sub": subject, f"{host}:aud": "sts.amazonaws.com"}},
            }
        ],
    }
    specs["ebs-csi"] = specs["ebs-csi"].model_copy(update={"trust_policy": trust})
    rows = _pod_rows(inputs, specs, "ebs-csi")
    pod = {k: v for k, v in rows.items() if k.startswith("pod-identity:sts:")}
    assert pod and all(v == "failed" for v in pod.values()), rows


def test_the_rendered_roles_pass_these_cases(linked_role: RoleSpec) -> None:
    """The controls: the untouched rendered role and Pod Identity roles pass every check the cases above fail."""
    report = verify_role(linked_role, ["scale-from-zero"], target=TARGET, explain=False)
    assert report.ok and report.federation[0].passed and report.federation[0].checked == ["account", "region"]
    inputs, specs = _pod_identity_specs()
    assert all(v == "passed" for v in _pod_rows(inputs, specs, "ebs-csi").values())
    assert verify_role(rendered(oidc_issuer=ISSUER, region="us-west-2"), target=TARGET, explain=False).ok
