"""destroy --layout split and the cluster's OIDC provider: removed when byoc-iam created it (by the last IRSA role's
destroy, after every role that trusts it), kept when it did not or with --keep-oidc-provider."""

from __future__ import annotations

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
