"""No false PASS in ``verify --live`` for the role set and the split layout against the sandbox: an AWS managed
policy or a permissions boundary attached behind byoc-iam's back, a grant beyond the blueprint, and a trust
admitting more than its intended principals each exit 3; an AWS managed policy outside the snapshot on a split
role is a failing finding, never a traceback."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from lifecycle_helpers import ACCOUNT, raw_client, run_cli

from byoc_iam.aws.sandbox import MotoServer

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
HOST = ISSUER.removeprefix("https://")
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"
OTHER_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0THERC1USTER"
SET = ["--role", "all", "--account-id", ACCOUNT, "--bucket", "milvus-data", "--external-id", "EXTID123"]
SET += ["--oidc-issuer", ISSUER, "--region", "us-east-1"]
SPLIT = ["--account-id", ACCOUNT, "--layout", "split", "--oidc-issuer", ISSUER]
STORAGE, CROSS = "zilliz-byoc-storage-role", "zilliz-byoc-cross-account-role"
DENY_ALL = "arn:aws:iam::aws:policy/AWSDenyAll"
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ZILLIZ = "arn:aws:iam::965570967084:role/zilliz-byoc"
EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
OWN_ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
EC2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}


def _trust(iam: Any, role: str, change: Callable[[dict[str, Any]], None]) -> None:
    doc = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    change(doc)
    # moto's UpdateAssumeRolePolicy accepts only AssumeRole, AssumeRoleWithSAML and AssumeRoleWithWebIdentity
    text = json.dumps(doc).replace(', "sts:TagSession", "sts:SetSourceIdentity"', "")
    iam.update_assume_role_policy(RoleName=role, PolicyDocument=text)


def _first(path: tuple[str, ...], value: Any) -> Callable[[dict[str, Any]], None]:
    def change(doc: dict[str, Any]) -> None:
        node = doc["Statement"][0]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


def _verify_set(endpoint: str) -> tuple[int, str]:
    res = run_cli("verify", "--live", *SET, "--endpoint-url", endpoint)
    assert not res.err.startswith("Traceback"), res.err
    return res.code, res.out


def _deny_boundary(iam: Any, role: str) -> None:
    deny = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    arn = iam.create_policy(PolicyName="deny-everything", PolicyDocument=json.dumps(deny))["Policy"]["Arn"]
    iam.put_role_permissions_boundary(RoleName=role, PermissionsBoundary=arn)


MUTATIONS: list[tuple[str, str, Callable[[Any], None], str]] = [
    (
        "storage AWSDenyAll",
        STORAGE,
        lambda iam: iam.attach_role_policy(RoleName=STORAGE, PolicyArn=DENY_ALL),
        "AWSDenyAll",
    ),
    (
        "cross-account AWSDenyAll",
        CROSS,
        lambda iam: iam.attach_role_policy(RoleName=CROSS, PolicyArn=DENY_ALL),
        "AWSDenyAll",
    ),
    ("storage deny boundary", STORAGE, lambda iam: _deny_boundary(iam, STORAGE), "expected allowed, got"),
    ("cross-account deny boundary", CROSS, lambda iam: _deny_boundary(iam, CROSS), "expected allowed, got"),
    (
        "storage admin",
        STORAGE,
        lambda iam: iam.attach_role_policy(RoleName=STORAGE, PolicyArn=ADMIN),
        "AdministratorAccess",
    ),
    (
        "cross-account admin",
        CROSS,
        lambda iam: iam.attach_role_policy(RoleName=CROSS, PolicyArn=ADMIN),
        "AdministratorAccess",
    ),
    (
        "storage inline allow all",
        STORAGE,
        lambda iam: iam.put_role_policy(
            RoleName=STORAGE, PolicyName="everything", PolicyDocument=json.dumps(EVERYTHING)
        ),
        "inline:everything has Allow statement(s) #0",
    ),
    (
        "cross-account own root",
        CROSS,
        lambda iam: _trust(iam, CROSS, lambda d: d["Statement"].append(OWN_ROOT)),
        "this account's root is denied",
    ),
    (
        "cross-account another Zilliz role",
        CROSS,
        lambda iam: _trust(iam, CROSS, _first(("Principal", "AWS"), [ZILLIZ, f"{ZILLIZ}-dev"])),
        "another role of Zilliz's account with the External ID is denied",
    ),
    (
        "cross-account two External IDs",
        CROSS,
        lambda iam: _trust(
            iam, CROSS, _first(("Condition", "StringEquals", "sts:ExternalId"), ["EXTID123", "guessme"])
        ),
        "admits sts:ExternalId values ['EXTID123', 'guessme']",
    ),
    (
        "storage ec2",
        STORAGE,
        lambda iam: _trust(iam, STORAGE, lambda d: d["Statement"].append(EC2)),
        "the service ec2.amazonaws.com is denied",
    ),
    (
        "storage two providers",
        STORAGE,
        lambda iam: _trust(iam, STORAGE, _first(("Principal", "Federated"), [PROVIDER, OTHER_PROVIDER])),
        "the trust admits 2 OIDC providers",
    ),
]


@pytest.mark.parametrize(("name", "role", "mutate", "says"), MUTATIONS, ids=[m[0] for m in MUTATIONS])
def test_verify_live_role_all_fails_what_the_blueprint_does_not_grant(
    lc_env: MotoServer, name: str, role: str, mutate: Callable[[Any], None], says: str
) -> None:
    assert run_cli("apply", *SET, "--yes").code == 0
    code, out = _verify_set(lc_env.endpoint_url)
    assert code == 0, out
    mutate(raw_client(lc_env.endpoint_url))
    code, out = _verify_set(lc_env.endpoint_url)
    assert code == 3, out
    assert f"✗ {role.removeprefix('zilliz-byoc-').removesuffix('-role')} role {role}: FAILED" in out
    assert says in out, out


LBC = "zilliz-byoc-lbc-role"
SPLIT_MUTATIONS: list[tuple[str, Callable[[Any], None], str]] = [
    ("own root", lambda iam: _trust(iam, LBC, lambda d: d["Statement"].append(OWN_ROOT)), "AWS principal"),
    ("ec2", lambda iam: _trust(iam, LBC, lambda d: d["Statement"].append(EC2)), "ec2.amazonaws.com"),
    (
        "another provider",
        lambda iam: _trust(iam, LBC, _first(("Principal", "Federated"), [PROVIDER, OTHER_PROVIDER])),
        "2 OIDC providers",
    ),
    ("AWSDenyAll", lambda iam: iam.attach_role_policy(RoleName=LBC, PolicyArn=DENY_ALL), "AWSDenyAll"),
]


@pytest.mark.parametrize(("name", "mutate", "says"), SPLIT_MUTATIONS, ids=[m[0] for m in SPLIT_MUTATIONS])
def test_verify_live_split_fails_a_role_admitting_or_granting_more(
    lc_env: MotoServer, name: str, mutate: Callable[[Any], None], says: str
) -> None:
    assert run_cli("apply", *SPLIT, "--yes").code == 0
    mutate(raw_client(lc_env.endpoint_url))
    res = run_cli("verify", *SPLIT, "--live", "-o", "json")
    assert res.code == 3, res.out + res.err
    assert not res.err.startswith("Traceback") and "LookupError" not in res.err, res.err
    doc = json.loads(res.out)
    assert not doc["ok"] and doc["status"] == "fails"
    assert says in res.out, res.out
    text = run_cli("verify", *SPLIT, "--live")
    assert text.code == 3 and LBC in text.out and "only its intended principals" not in text.out
