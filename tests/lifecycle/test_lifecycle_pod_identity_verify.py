"""``verify --layout split --identity pod-identity --live`` reads the cluster's EKS Pod Identity associations
(the sandbox over HTTP: moto's server with byoc-iam's association routes): each component's service account
gets exactly its split role and no other association names a split role, else exit 3 with one failed check per
violation (JSON, text, SARIF, HTML); a missing association is "not linked", never a pass."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lifecycle_helpers import ACCOUNT, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

CLUSTER = "zilliz-byoc-my-project"
FLAGS = ["--account-id", ACCOUNT, "--layout", "split", "--identity", "pod-identity", "--cluster-name", CLUSTER]
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _verify(*extra: str) -> Any:
    return run_cli("verify", *FLAGS, "--live", "--cluster", CLUSTER, *extra)


def _setup(endpoint: str) -> Any:
    eks = raw_client(endpoint, "eks")
    eks.create_cluster(name=CLUSTER, roleArn=f"{ROLE}x", resourcesVpcConfig={"subnetIds": []})
    applied = run_cli("apply", *FLAGS, "--yes", "--allow-trust-widening")
    assert applied.code == 0, applied.out + applied.err
    return eks


def test_verify_live_fails_on_a_foreign_or_replaced_association(lc_env: MotoServer, tmp_path: Path) -> None:
    eks = _setup(lc_env.endpoint_url)
    ready = _verify("-o", "json")
    assert ready.code == 0, ready.out + ready.err
    doc = json.loads(ready.out)
    assert doc["status"] == "ready" and len(doc["associations"]) == 3
    assert {a["status"] for a in doc["associations"]} == {"passed"}

    iam = raw_client(lc_env.endpoint_url)
    iam.create_role(RoleName="theirs", AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}))
    iam.attach_role_policy(RoleName="theirs", PolicyArn=ADMIN)
    eks.create_pod_identity_association(
        clusterName=CLUSTER, namespace="other", serviceAccount="x", roleArn=f"{ROLE}zilliz-byoc-lbc-role"
    )
    listed = eks.list_pod_identity_associations(
        clusterName=CLUSTER, namespace="kube-system", serviceAccount="cluster-autoscaler"
    )["associations"]
    eks.delete_pod_identity_association(clusterName=CLUSTER, associationId=listed[0]["associationId"])
    eks.create_pod_identity_association(
        clusterName=CLUSTER, namespace="kube-system", serviceAccount="cluster-autoscaler", roleArn=f"{ROLE}theirs"
    )

    res = _verify("-o", "json")
    assert res.code == 3, res.out + res.err
    doc = json.loads(res.out)
    assert doc["ok"] is False and doc["status"] == "fails"
    failed = {a["id"]: a for a in doc["associations"] if a["status"] == "failed"}
    assert set(failed) == {"association-role", "association-foreign"}
    assert failed["association-role"]["service_account"] == "kube-system:cluster-autoscaler"
    assert failed["association-role"]["role_arns"] == [f"{ROLE}theirs"]
    assert failed["association-foreign"]["service_account"] == "other:x"

    text = _verify("--html", str(tmp_path / "r.html"))
    assert text.code == 3 and "FAIL:" in text.out and "other:x" in text.out and f"{ROLE}theirs" in text.out
    html = (tmp_path / "r.html").read_text()
    assert 'id="associations"' in html and "other:x" in html and 'data-status="failed"' in html
    sarif = json.loads(_verify("-o", "sarif").out)
    rules = {r["ruleId"] for r in sarif["runs"][0]["results"]}
    assert {"layout/association-role", "layout/association-foreign"} <= rules


def test_a_missing_association_is_not_linked_and_offline_reads_nothing(lc_env: MotoServer) -> None:
    eks = _setup(lc_env.endpoint_url)
    listed = eks.list_pod_identity_associations(
        clusterName=CLUSTER, namespace="kube-system", serviceAccount="ebs-csi-controller-sa"
    )["associations"]
    eks.delete_pod_identity_association(clusterName=CLUSTER, associationId=listed[0]["associationId"])
    res = _verify("-o", "json")
    assert res.code == 3, res.out + res.err
    doc = json.loads(res.out)
    assert doc["status"] == "not-linked"
    assert [a["id"] for a in doc["associations"] if a["status"] != "passed"] == ["association-missing"]
    assert _verify("--allow-unlinked").code == 0
    gone = run_cli("verify", *FLAGS, "--live", "--cluster", "no-such-cluster", "-o", "json")
    assert gone.code == 3 and json.loads(gone.out)["associations"][0]["id"] == "association-cluster"
    offline = run_cli("verify", *FLAGS, "-o", "json")
    assert offline.code == 0, offline.out + offline.err
    assert json.loads(offline.out)["associations"] == []
