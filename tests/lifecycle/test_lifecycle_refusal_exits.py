"""A refusal is exit 5 in every lifecycle command (plan, link-cluster, destroy; with --dry-run too), and a plan
says only what is true: no "already linked" for a role whose trust federates nothing, no "match" for refused
Pod Identity associations (against the sandbox over HTTP)."""

from __future__ import annotations

import json

from lifecycle_helpers import ACCOUNT, TRUST, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

SERVICES = {**TRUST, "Statement": TRUST["Statement"][:2]}  # no OIDC statement


def _role(endpoint: str, name: str, trust: dict[str, object], tags: list[dict[str, str]]) -> None:
    raw_client(endpoint).create_role(RoleName=name, AssumeRolePolicyDocument=json.dumps(trust), Tags=tags)


def _cluster(endpoint: str, name: str) -> None:
    eks = raw_client(endpoint, "eks")
    eks.create_cluster(name=name, roleArn=f"arn:aws:iam::{ACCOUNT}:role/x", resourcesVpcConfig={"subnetIds": []})


def test_link_cluster_and_destroy_exit_5_on_an_unowned_role(lc_env: MotoServer) -> None:
    _role(lc_env.endpoint_url, "theirs", TRUST, [])
    _cluster(lc_env.endpoint_url, "c1")
    for argv in (
        ("link-cluster", "--cluster", "c1", "--role-name", "theirs", "--yes", "--thumbprint", "a" * 40),
        ("link-cluster", "--cluster", "c1", "--role-name", "theirs", "--dry-run", "--thumbprint", "a" * 40),
        ("destroy", "--role-name", "theirs", "--dry-run"),
        ("destroy", "--role-name", "theirs", "--yes"),
    ):
        res = run_cli(*argv)
        assert res.code == 5, (argv, res.out, res.err)
        assert "refused:" in res.out and res.err.startswith("byoc-iam: role theirs exists and is not managed")
    assert raw_client(lc_env.endpoint_url).get_role(RoleName="theirs")["Role"]["RoleName"] == "theirs"
    assert raw_client(lc_env.endpoint_url).list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


def test_link_cluster_on_a_trust_without_oidc_says_only_nothing_to_link(lc_env: MotoServer) -> None:
    _role(lc_env.endpoint_url, "spoof", SERVICES, [{"Key": "byoc-iam:managed-by", "Value": "byoc-iam"}])
    _cluster(lc_env.endpoint_url, "c1")
    argv = ("link-cluster", "--cluster", "c1", "--role-name", "spoof", "--thumbprint", "a" * 40)
    issuer = raw_client(lc_env.endpoint_url, "eks").describe_cluster(name="c1")["cluster"]["identity"]["oidc"]
    raw_client(lc_env.endpoint_url).create_open_id_connect_provider(
        Url=issuer["issuer"], ClientIDList=["sts.amazonaws.com"], ThumbprintList=["a" * 40]
    )
    res = run_cli(*argv, "--yes")
    assert res.code == 0, res.out + res.err
    assert "already linked" not in res.out
    assert "federates no OIDC provider; nothing to link" in res.out + res.err
