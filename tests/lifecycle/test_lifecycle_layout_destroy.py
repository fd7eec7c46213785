"""destroy --layout split and the cluster's OIDC provider: removed when byoc-iam created it (by the last IRSA role's
destroy, after every role that trusts it), kept when it did not or with --keep-oidc-provider."""

from __future__ import annotations

import json

import pytest
from lifecycle_helpers import ACCOUNT, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

CLUSTER = "zilliz-byoc-split"


def _linked(endpoint: str, *, precreate: bool) -> str:
    """Apply the split layout, create the cluster and link it; returns the provider ARN."""
    assert run_cli("apply", "--account-id", ACCOUNT, "--layout", "split", "--yes").code == 0
    eks = raw_client(endpoint, "eks")
    eks.create_cluster(name=CLUSTER, roleArn=f"arn:aws:iam::{ACCOUNT}:role/x", resourcesVpcConfig={"subnetIds": []})
    issuer = eks.describe_cluster(name=CLUSTER)["cluster"]["identity"]["oidc"]["issuer"]
    if precreate:  # someone else's provider (untagged)
        raw_client(endpoint).create_open_id_connect_provider(Url=issuer, ClientIDList=["sts.amazonaws.com"])
    linked = run_cli("link-cluster", "--cluster", CLUSTER, "--layout", "split", "--yes")
    assert linked.code == 0, linked.err
    return f"arn:aws:iam::{ACCOUNT}:oidc-provider/{issuer.removeprefix('https://')}"


def _providers(endpoint: str) -> set[str]:
    found = raw_client(endpoint).list_open_id_connect_providers()["OpenIDConnectProviderList"]
    return {p["Arn"] for p in found}


@pytest.mark.parametrize("keep", [False, True])
def test_split_destroy_removes_the_provider_it_created(lc_env: MotoServer, keep: bool) -> None:
    arn = _linked(lc_env.endpoint_url, precreate=False)
    assert arn in _providers(lc_env.endpoint_url)
    flags = ["--keep-oidc-provider"] if keep else []
    res = run_cli("destroy", "--layout", "split", "--yes", *flags)
    assert res.code == 0, res.err
    assert (arn in _providers(lc_env.endpoint_url)) is keep
    # removed once, by the lbc role's destroy: the last IRSA role, after the others that trust it
    if not keep:
        lbc = res.out.index("== lbc role")
        assert res.out.index(f"- OIDC provider {arn}") > lbc > res.out.index("== ebs-csi role")
    assert raw_client(lc_env.endpoint_url).list_roles()["Roles"] == []


def test_split_destroy_keeps_a_provider_it_did_not_create(lc_env: MotoServer) -> None:
    arn = _linked(lc_env.endpoint_url, precreate=True)
    res = run_cli("destroy", "--layout", "split", "--yes")
    assert res.code == 0, res.err
    assert arn in _providers(lc_env.endpoint_url)
    assert f"keeping {arn}: byoc-iam did not create it" in res.out


PODS = ["--account-id", ACCOUNT, "--layout", "split", "--identity", "pod-identity", "--cluster-name", CLUSTER]


def _to_pod_identity() -> None:
    res = run_cli("apply", *PODS, "--yes", "--allow-trust-widening")
    assert res.code == 0, res.out + res.err


def test_split_destroy_after_a_switch_to_pod_identity_removes_the_provider(lc_env: MotoServer) -> None:
    arn = _linked(lc_env.endpoint_url, precreate=False)
    _to_pod_identity()  # no role's trust names the provider any more
    dry = run_cli("destroy", "--layout", "split", "--cluster-name", CLUSTER, "--dry-run")
    assert dry.code == 0 and f"- OIDC provider {arn}" in dry.out and arn in _providers(lc_env.endpoint_url)
    res = run_cli("destroy", "--layout", "split", "--cluster-name", CLUSTER, "--yes")
    assert res.code == 0, res.out + res.err
    assert f"Destroyed OIDC provider {arn}." in res.out
    assert _providers(lc_env.endpoint_url) == set() and raw_client(lc_env.endpoint_url).list_roles()["Roles"] == []


def test_split_destroy_after_a_switch_keeps_an_unowned_or_used_provider(lc_env: MotoServer) -> None:
    arn = _linked(lc_env.endpoint_url, precreate=True)
    _to_pod_identity()
    res = run_cli("destroy", "--layout", "split", "--cluster-name", CLUSTER, "--yes")
    assert res.code == 0, res.out + res.err
    assert (
        arn in _providers(lc_env.endpoint_url) and f"keeping OIDC provider {arn}: byoc-iam did not create it" in res.err
    )

    # owned, but the combined layout's EKS role still federates it
    iam = raw_client(lc_env.endpoint_url)
    iam.tag_open_id_connect_provider(
        OpenIDConnectProviderArn=arn, Tags=[{"Key": "byoc-iam:managed-by", "Value": "byoc-iam"}]
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"Federated": arn}, "Action": "sts:AssumeRoleWithWebIdentity"}],
    }
    iam.create_role(RoleName="zilliz-byoc-eks-role", AssumeRolePolicyDocument=json.dumps(trust))
    _to_pod_identity()
    res = run_cli("destroy", "--layout", "split", "--cluster-name", CLUSTER, "--yes")
    assert res.code == 0, res.out + res.err
    assert arn in _providers(lc_env.endpoint_url)
    assert f"keeping OIDC provider {arn}: role zilliz-byoc-eks-role still federates it" in res.err
