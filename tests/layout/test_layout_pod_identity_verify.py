"""verify of the split layout with EKS Pod Identity: the EBS CSI driver's cluster-scoped policy passes for the right
reason (the driver deployed with ``--k8s-tag-cluster-id`` sends the ``ebs.csi.aws.com/cluster-name`` tags it keys
on), and fails when that setting or the policy's permission is missing (no false PASS)."""

from __future__ import annotations

from typing import Any

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.model import RoleSpec
from byoc_iam.verify.requirements import Target, components
from byoc_iam.verify.split import verify_split

ACCOUNT = "123456789012"
CLUSTER = "zilliz-byoc-c1"
TARGET = Target(account=ACCOUNT, cluster=CLUSTER)


def pod_inputs() -> BlueprintInputs:
    return BlueprintInputs(account_id=ACCOUNT, layout="split", identity="pod-identity", cluster_name=CLUSTER)


def specs(inputs: BlueprintInputs) -> dict[str, RoleSpec]:
    return {m.kind: m.spec for m in render_role_set(inputs)}


def by_id(inputs: BlueprintInputs, roles: dict[str, RoleSpec]) -> dict[str, Any]:
    return {r.result.id: r for r in verify_split(inputs, roles, TARGET)}


def test_pod_identity_split_verifies_green_with_the_cluster_scoped_ebs_policy() -> None:
    inputs = pod_inputs()
    roles = specs(inputs)
    assert list(roles["ebs-csi"].inline_policies) == ["AmazonEBSCSIDriverClusterScoped"]
    results = by_id(inputs, roles)
    assert all(r.ok for r in results.values()), {k: r.result.status for k, r in results.items()}
    ebs = results["aws-ebs-csi-driver"]
    assert ebs.settings == ("k8s-tag-cluster-id",)
    assert {c.action for c in ebs.result.calls if c.status == "passed"} >= {"ec2:CreateVolume", "ec2:AttachVolume"}


def test_the_setting_adds_the_cluster_name_tag_the_policy_keys_on() -> None:
    (ebs,) = [c for c in components() if c.id == "aws-ebs-csi-driver"]
    create = next(c for c in ebs.configured(frozenset({"k8s-tag-cluster-id"})).calls if c.id == "create-volume")
    (auth,) = create.requests(TARGET)
    assert auth.context["aws:RequestTag/ebs.csi.aws.com/cluster-name"] == CLUSTER
    attach = next(c for c in ebs.configured(frozenset({"k8s-tag-cluster-id"})).calls if c.id == "attach-volume")
    volume, instance = attach.requests(TARGET)
    assert volume.context["ec2:ResourceTag/ebs.csi.aws.com/cluster-name"] == CLUSTER
    assert instance.context["ec2:ResourceTag/eks:cluster-name"] == CLUSTER
    # the default deployment (no setting) sends no cluster-name tag: the catalog is unchanged for IRSA
    plain = next(c for c in ebs.calls if c.id == "create-volume")
    assert "aws:RequestTag/ebs.csi.aws.com/cluster-name" not in plain.requests(TARGET)[0].context


def _without(spec: RoleSpec, sid: str) -> RoleSpec:
    ((name, doc),) = spec.inline_policies.items()
    kept = [s for s in doc["Statement"] if s.get("Sid") != sid]
    assert len(kept) == len(doc["Statement"]) - 1
    return spec.model_copy(update={"inline_policies": {name: {**doc, "Statement": kept}}})


def test_no_false_pass_when_the_policy_lacks_the_create_permission() -> None:
    inputs = pod_inputs()
    roles = specs(inputs)
    roles["ebs-csi"] = _without(roles["ebs-csi"], "CreateAndCopyVolumesWithClusterTag")
    ebs = by_id(inputs, roles)["aws-ebs-csi-driver"]
    assert not ebs.ok
    assert {c.action for c in ebs.result.calls if c.status == "failed"} == {"ec2:CreateVolume"}


def test_no_false_pass_when_instances_lack_the_cluster_tag_statement() -> None:
    inputs = pod_inputs()
    roles = specs(inputs)
    roles["ebs-csi"] = _without(roles["ebs-csi"], "AttachDetachVolumesToClusterInstance")
    failed = {c.action for c in by_id(inputs, roles)["aws-ebs-csi-driver"].result.calls if c.status == "failed"}
    assert failed == {"ec2:AttachVolume", "ec2:DetachVolume"}


def test_no_false_pass_for_another_clusters_session() -> None:
    """A session tagged with another cluster's name may not create this cluster's volume (nor the reverse)."""
    from byoc_iam.verify.checks import role_session
    from byoc_iam.verify.policies import role_policies

    spec = specs(pod_inputs())["ebs-csi"]
    (ebs,) = [c for c in components() if c.id == "aws-ebs-csi-driver"]
    create = next(c for c in ebs.configured(frozenset({"k8s-tag-cluster-id"})).calls if c.id == "create-volume")
    (auth,) = create.requests(TARGET)
    arn = f"arn:aws:iam::{ACCOUNT}:role/{spec.role_name}"
    answers = {}
    for cluster in (CLUSTER, "another-cluster"):
        ev, _, _ = role_session(spec, TARGET, arn, None, {"aws:PrincipalTag/eks-cluster-name": cluster})
        answers[cluster] = ev.evaluate(role_policies(spec), "ec2:CreateVolume", auth.resource, auth.context).decision
    assert answers == {CLUSTER: "Allowed", "another-cluster": "ImplicitlyDenied"}


def test_irsa_split_is_unchanged_and_ebs_uses_the_pinned_policy() -> None:
    inputs = BlueprintInputs(account_id=ACCOUNT, layout="split")
    results = by_id(inputs, specs(inputs))
    assert all(r.ok for r in results.values())
    assert results["aws-ebs-csi-driver"].settings == ()


def test_a_deny_on_a_pod_identity_session_tag_verify_does_not_know_fails() -> None:
    """EKS Pod Identity tags each session with six tags (cluster ARN and name, namespace, service account, pod
    name and uid; EKS API reference, PodIdentityAssociation.disableSessionTags); verify sets the cluster name. A
    Deny on another of them, e.g. the pod's name, may apply in AWS: it must not be skipped as absent."""
    inputs = pod_inputs()
    roles = specs(inputs)
    guard = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Deny",
                "Action": "*",
                "Resource": "*",
                "Condition": {"StringNotLike": {"aws:PrincipalTag/kubernetes-pod-name": "ebs-csi-controller-*"}},
            }
        ],
    }
    ebs = roles["ebs-csi"]
    roles["ebs-csi"] = ebs.model_copy(update={"inline_policies": {**ebs.inline_policies, "PodGuard": guard}})
    result = by_id(inputs, roles)["aws-ebs-csi-driver"]
    assert not result.ok
    failed = [c for c in result.result.calls if c.status == "failed"]
    assert failed and "kubernetes-pod-name" in failed[0].reason
