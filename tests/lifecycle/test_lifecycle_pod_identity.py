"""EKS Pod Identity associations of the split layout against the sandbox over HTTP (moto's server with
byoc-iam's association routes, aws/sandbox_eks.py): apply creates them once the cluster exists, plan shows them,
applying again changes nothing, an association byoc-iam does not own is never changed without --adopt, destroy
removes only its own; an endpoint without the API fails with the commands to run, never a success."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from lifecycle_helpers import ACCOUNT, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

CLUSTER = "zilliz-byoc-pods"
FLAGS = ["--account-id", ACCOUNT, "--layout", "split", "--identity", "pod-identity", "--cluster-name", CLUSTER]
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
SAS = {
    "aws-load-balancer-controller": "zilliz-byoc-lbc-role",
    "ebs-csi-controller-sa": "zilliz-byoc-ebs-csi-role",
    "cluster-autoscaler": "zilliz-byoc-cluster-autoscaler-role",
}


def _eks(endpoint: str) -> Any:
    return raw_client(endpoint, "eks")


def _cluster(endpoint: str) -> None:
    _eks(endpoint).create_cluster(name=CLUSTER, roleArn=f"{ROLE}x", resourcesVpcConfig={"subnetIds": []})


def _associations(endpoint: str) -> dict[str, dict[str, Any]]:
    eks = _eks(endpoint)
    out = {}
    for s in eks.list_pod_identity_associations(clusterName=CLUSTER)["associations"]:
        a = eks.describe_pod_identity_association(clusterName=CLUSTER, associationId=s["associationId"])
        out[s["serviceAccount"]] = a["association"]
    return out


def test_apply_creates_the_associations_then_nothing_then_destroy_removes_its_own(lc_env: MotoServer) -> None:
    _cluster(lc_env.endpoint_url)
    plan = run_cli("plan", *FLAGS, "--no-check-managed", "--detailed-exitcode")
    assert plan.code == 2, plan.out + plan.err
    assert f"+ Pod Identity association {CLUSTER}/kube-system:ebs-csi-controller-sa" in plan.out

    applied = run_cli("apply", *FLAGS, "--yes")
    assert applied.code == 0, applied.err
    live = _associations(lc_env.endpoint_url)
    assert {sa: a["roleArn"] for sa, a in live.items()} == {sa: ROLE + r for sa, r in SAS.items()}
    assert all(a["tags"] == {"byoc-iam:managed-by": "byoc-iam"} for a in live.values())

    again = run_cli("plan", *FLAGS, "--no-check-managed", "--detailed-exitcode")
    assert again.code == 0, again.out + again.err
    assert "No changes. The Pod Identity associations match." in again.out
    reapplied = run_cli("apply", *FLAGS, "--yes", "--verbose")
    assert reapplied.code == 0 and "eks:CreatePodIdentityAssociation" not in reapplied.err

    # associations byoc-iam did not make, even pointing at its roles, are never touched
    eks = _eks(lc_env.endpoint_url)
    for namespace, account in (("kube-system", "aws-node"), ("team", "app")):
        eks.create_pod_identity_association(
            clusterName=CLUSTER, namespace=namespace, serviceAccount=account, roleArn=ROLE + SAS["cluster-autoscaler"]
        )
    destroyed = run_cli("destroy", "--layout", "split", "--cluster-name", CLUSTER, "--yes")
    assert destroyed.code == 0, destroyed.out + destroyed.err
    assert "keeping Pod Identity association zilliz-byoc-pods/kube-system:aws-node" in destroyed.out
    assert destroyed.out.count("✓ - Pod Identity association") == 3
    assert set(_associations(lc_env.endpoint_url)) == {"aws-node", "app"}
    assert not {r["RoleName"] for r in raw_client(lc_env.endpoint_url).list_roles()["Roles"]} & set(SAS.values())


def test_an_owned_association_pointing_elsewhere_is_updated(lc_env: MotoServer) -> None:
    _cluster(lc_env.endpoint_url)
    assert run_cli("apply", *FLAGS, "--yes").code == 0
    eks = _eks(lc_env.endpoint_url)
    lbc = _associations(lc_env.endpoint_url)["aws-load-balancer-controller"]
    eks.update_pod_identity_association(clusterName=CLUSTER, associationId=lbc["associationId"], roleArn=ROLE + "x")
    plan = run_cli("plan", *FLAGS, "--no-check-managed")
    assert f"~ Pod Identity association {CLUSTER}/kube-system:aws-load-balancer-controller" in plan.out
    assert run_cli("apply", *FLAGS, "--yes").code == 0
    after = _associations(lc_env.endpoint_url)["aws-load-balancer-controller"]
    assert after["roleArn"] == ROLE + SAS["aws-load-balancer-controller"]
    assert after["associationId"] == lbc["associationId"]  # updated in place


def test_an_unowned_association_is_refused_without_adopt(lc_env: MotoServer) -> None:
    _cluster(lc_env.endpoint_url)
    eks = _eks(lc_env.endpoint_url)
    theirs = eks.create_pod_identity_association(
        clusterName=CLUSTER, namespace="kube-system", serviceAccount="cluster-autoscaler", roleArn=ROLE + "theirs"
    )["association"]
    planned = run_cli("plan", *FLAGS, "--no-check-managed")
    assert planned.code == 5, planned.out + planned.err
    assert "refused: Pod Identity association" in planned.out and "associations match" not in planned.out
    refused = run_cli("apply", *FLAGS, "--yes")
    assert refused.code == 5, refused.out + refused.err
    assert refused.err.startswith("byoc-iam: Pod Identity association") and len(refused.err.splitlines()) == 1
    assert "--adopt" in refused.err
    assert set(_associations(lc_env.endpoint_url)) == {"cluster-autoscaler"}  # nothing made, nothing changed
    assert raw_client(lc_env.endpoint_url).list_roles()["Roles"] == []

    adopted = run_cli("apply", *FLAGS, "--yes", "--adopt")
    assert adopted.code == 0, adopted.err
    ca = _associations(lc_env.endpoint_url)["cluster-autoscaler"]
    assert ca["associationId"] == theirs["associationId"] and ca["roleArn"] == ROLE + SAS["cluster-autoscaler"]
    assert ca["tags"] == {"byoc-iam:managed-by": "byoc-iam"}


def test_no_cluster_yet_applies_the_roles_and_says_so(lc_env: MotoServer) -> None:
    res = run_cli("apply", *FLAGS, "--yes")
    assert res.code == 0, res.err
    assert f"cluster {CLUSTER} does not exist yet" in res.err


@pytest.fixture
def plain_moto(monkeypatch: pytest.MonkeyPatch) -> Iterator[MotoServer]:
    """moto's own server, without byoc-iam's routes: an endpoint that does not know the Pod Identity API."""
    with MotoServer(module="moto.server") as server:
        monkeypatch.setenv("AWS_ENDPOINT_URL", server.endpoint_url)
        yield server


def test_an_endpoint_without_the_api_fails_with_the_commands(sandbox_env: MotoServer, plain_moto: MotoServer) -> None:
    _cluster(plain_moto.endpoint_url)
    res = run_cli("apply", *FLAGS, "--yes")
    assert res.code == 4, res.out + res.err
    assert len(res.err.splitlines()) == 1 and "does not implement the EKS Pod Identity API" in res.err
    cmds = [line for line in res.out.splitlines() if line.startswith("aws eks create-pod-identity-association")]
    assert len(cmds) == 3 and all(f"--cluster-name {CLUSTER}" in c for c in cmds)
    assert "Role ARN" not in res.out and "✓ + Pod Identity association" not in res.out
