"""The role set through the lifecycle commands, against the moto server: apply (and again: 0 writes), a failure
half-way repaired by applying again, link-cluster on the EKS and storage roles together, verify --live, destroy,
operator-policy, and one line + exit 2 for each role's bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from lifecycle_helpers import ACCOUNT, FaultProxy, new_ctx, raw_client, run_cli

from byoc_iam.aws.read import read_role
from byoc_iam.aws.sandbox import MotoServer

SET = ["--account-id", ACCOUNT, "--bucket", "milvus-data", "--external-id", "ext-123"]
NAMES = ["zilliz-byoc-eks-role", "zilliz-byoc-storage-role", "zilliz-byoc-cross-account-role"]


def _roles(endpoint: str) -> set[str]:
    return {r["RoleName"] for r in raw_client(endpoint).list_roles()["Roles"]}


def test_apply_all_then_again_zero_writes_and_console_labels(lc_env: MotoServer) -> None:
    res = run_cli("apply", "--role", "all", *SET, "--yes", "--verbose")
    assert res.code == 0, res.err
    assert _roles(lc_env.endpoint_url) >= set(NAMES)
    for label, name in [
        ("EKS settings → IAM role ARN", NAMES[0]),
        ("Storage settings → IAM role ARN", NAMES[1]),
        ("Cross-account settings → IAM role ARN", NAMES[2]),
    ]:
        assert f"  {label}: arn:aws:iam::{ACCOUNT}:role/{name}" in res.out
    assert "  Storage settings → Bucket name: milvus-data" in res.out
    assert res.out.index("== eks role") < res.out.index("== storage role") < res.out.index("== cross-account role")

    again = run_cli("apply", "--role", "all", *SET, "--yes", "--verbose")
    assert again.code == 0, again.err
    assert again.out.count("No changes") == 3
    assert "(0 writes)" in again.err and "iam:CreateRole" not in again.err
    plan = run_cli("plan", "--role", "all", *SET, "--detailed-exitcode", "--no-check-managed")
    assert plan.code == 0, plan.out + plan.err


def test_a_failure_half_way_is_repaired_by_applying_again(lc_env: MotoServer, fault_proxy: FaultProxy) -> None:
    assert run_cli("apply", "--role", "eks", *SET, "--yes").code == 0
    fault_proxy.fail("CreateRole", times=1)  # the storage role's creation fails; the cross-account role never starts
    failed = run_cli(
        "apply", "--role", "all", *SET, "--yes", "--endpoint-url", fault_proxy.endpoint_url, "--max-attempts", "1"
    )
    assert failed.code == 4 and failed.err.startswith("byoc-iam: ") and len(failed.err.splitlines()) == 1
    assert NAMES[2] not in _roles(lc_env.endpoint_url)  # Zilliz's access comes last: not created after a failure

    repaired = run_cli("apply", "--role", "all", *SET, "--yes")
    assert repaired.code == 0, repaired.err
    assert repaired.out.count("No changes") == 1  # the EKS role; the other two are created now
    assert _roles(lc_env.endpoint_url) >= set(NAMES)


def test_link_cluster_rewrites_eks_and_storage_trust_together_then_verify_live(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--role", "all", *SET, "--yes").code == 0
    eks = raw_client(lc_env.endpoint_url, "eks")
    arn = f"arn:aws:iam::{ACCOUNT}:role/{NAMES[0]}"
    eks.create_cluster(name="zilliz-byoc-demo", roleArn=arn, resourcesVpcConfig={"subnetIds": []})
    issuer = eks.describe_cluster(name="zilliz-byoc-demo")["cluster"]["identity"]["oidc"]["issuer"]
    host = issuer.removeprefix("https://")

    linked = run_cli("link-cluster", "--cluster", "zilliz-byoc-demo", "--role", "all", "--yes")
    assert linked.code == 0, linked.err
    assert f"Linked {NAMES[0]}" in linked.out and f"Linked {NAMES[1]}" in linked.out
    ctx = new_ctx(lc_env.endpoint_url)
    storage = read_role(ctx, NAMES[1])
    assert storage is not None
    stmt = storage.trust_policy["Statement"][0]
    assert stmt["Principal"]["Federated"] == f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"
    assert f"{host}:sub" in stmt["Condition"]["StringEquals"]
    cross = read_role(ctx, NAMES[2])
    assert cross is not None and "Federated" not in json.dumps(cross.trust_policy)  # not touched

    verified = run_cli("verify", "--live", "--role", "all", *SET, "--endpoint-url", lc_env.endpoint_url, "-o", "json")
    assert verified.code == 0, verified.out + verified.err
    doc = json.loads(verified.out)
    assert doc["ok"] and [r["kind"] for r in doc["roles"]] == ["eks", "storage", "cross-account"]
    slr = [c for c in doc["roles"][2]["report"]["checks"] if c["kind"] == "service-linked-role"]
    assert len(slr) == 2 and all(c["passed"] and c["decision"] == "Allowed" for c in slr)
    assert all("is missing" in c["description"] for c in slr)  # the sandbox has none: creatable instead


def test_verify_live_fails_when_the_cross_account_trust_loses_its_external_id(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--role", "cross-account", *SET, "--yes").code == 0
    iam = raw_client(lc_env.endpoint_url)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::965570967084:root"}, "Action": "sts:AssumeRole"}
        ],
    }
    iam.update_assume_role_policy(RoleName=NAMES[2], PolicyDocument=json.dumps(trust))
    res = run_cli("verify", "--live", "--role", "cross-account", *SET, "--endpoint-url", lc_env.endpoint_url)
    assert res.code == 3
    assert "without the External ID is denied: expected denied, got Allowed" in res.out
    assert "another principal of Zilliz's account is denied: expected denied, got Allowed" in res.out
    assert "Zilliz's control plane with the External ID can tag its session: expected allowed" in res.out


def test_destroy_all_removes_the_set_cross_account_first(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--role", "all", *SET, "--yes").code == 0
    res = run_cli("destroy", "--role", "all", "--yes")
    assert res.code == 0, res.err
    assert res.out.index("== cross-account role") < res.out.index("== storage role") < res.out.index("== eks role")
    assert not (_roles(lc_env.endpoint_url) & set(NAMES))


def test_operator_policy_covers_the_set() -> None:
    res = run_cli("operator-policy", "--role", "all", "--account-id", ACCOUNT)
    assert res.code == 0, res.err
    (stmt,) = [s for s in json.loads(res.out)["Statement"] if s.get("Sid") == "ByocRole"]
    assert stmt["Resource"] == [f"arn:aws:iam::{ACCOUNT}:role/{n}" for n in NAMES]
    default = json.loads(run_cli("operator-policy", "--account-id", ACCOUNT).out)
    (one,) = [s for s in default["Statement"] if s.get("Sid") == "ByocRole"]
    assert one["Resource"] == f"arn:aws:iam::{ACCOUNT}:role/{NAMES[0]}"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "storage", "--account-id", ACCOUNT], "byoc-iam: --bucket: is required for the storage role"),
        (["--role", "storage", "--account-id", ACCOUNT, "--bucket", "-bad"], "byoc-iam: --bucket: must be an S3"),
        (
            ["--role", "cross-account", "--account-id", ACCOUNT, "--bucket", "milvus-data"],
            "byoc-iam: --external-id: is required",
        ),
        (["--role", "cross-account", *SET[:4], "--external-id", "a b"], "byoc-iam: --external-id: must be 2-1224"),
        (
            ["--role", "storage", *SET[:4], "--bucket-kms-key-arn", "key"],
            "byoc-iam: --bucket-kms-key-arn: must be a KMS key ARN",
        ),
        (["--role", "all", *SET, "--name-prefix", "acme"], "byoc-iam: --name-prefix: must start with zilliz-byoc"),
        (["--role", "everything", *SET], "byoc-iam: --role: 'everything' must be one of"),
    ],
)
@pytest.mark.parametrize("command", ["render", "plan", "apply", "verify"])
def test_bad_input_is_one_line_and_exit_2(lc_env: MotoServer, command: str, args: list[str], message: str) -> None:
    res = run_cli(command, *args)
    assert res.code == 2, (res.out, res.err)
    assert res.err.startswith(message) and len(res.err.splitlines()) == 1, res.err
    assert res.out == ""
    assert not (_roles(lc_env.endpoint_url) & set(NAMES))


def test_wildcard_subjects_later_are_a_trust_widening(lc_env: MotoServer) -> None:
    assert run_cli("apply", "--role", "storage", *SET, "--yes").code == 0
    wide = run_cli("apply", "--role", "storage", *SET, "--storage-wildcard-subjects", "--yes")
    assert wide.code == 5, wide.out + wide.err
    assert "widens the trust policy of zilliz-byoc-storage-role" in wide.err
    allowed = run_cli(
        "apply", "--role", "storage", *SET, "--storage-wildcard-subjects", "--yes", "--allow-trust-widening"
    )
    assert allowed.code == 0, allowed.err


def test_plan_out_saves_one_role_of_the_set_and_apply_applies_it(lc_env: MotoServer, tmp_path: Path) -> None:
    """README: `plan --role storage ... --out st.json` saves that role's plan; `apply st.json` applies it. A
    selection of several roles cannot be one saved plan."""
    saved = tmp_path / "st.json"
    res = run_cli("plan", "--role", "storage", *SET, "--out", str(saved))
    assert res.code == 0, res.err
    assert f"apply it with: byoc-iam apply {saved}" in res.out + res.err
    applied = run_cli("apply", str(saved))
    assert applied.code == 0, applied.err
    assert NAMES[1] in _roles(lc_env.endpoint_url) and NAMES[0] not in _roles(lc_env.endpoint_url)
    many = run_cli("plan", "--role", "all", *SET, "--out", str(tmp_path / "all.json"))
    assert many.code == 2 and "choose one with --role" in many.err


def test_plan_and_apply_of_a_set_speak_json(lc_env: MotoServer) -> None:
    """-o json is never ignored: plan of a set is one document, apply's people lines go to stderr and its
    result (each role's ARN and changes) to stdout."""
    planned = run_cli("plan", "--role", "all", *SET, "-o", "json")
    assert planned.code == 0, planned.err
    doc = json.loads(planned.out)
    assert doc["format"] == "byoc-iam-roleset-plan/1" and [r["role_name"] for r in doc["roles"]] == NAMES
    assert all(r["plan"]["changes"] for r in doc["roles"]) and doc["pod_identity"] is None
    applied = run_cli("apply", "--role", "all", *SET, "--yes", "-o", "json")
    assert applied.code == 0, applied.err
    result = json.loads(applied.out)
    assert [r["role_arn"] for r in result["roles"]] == [f"arn:aws:iam::{ACCOUNT}:role/{n}" for n in NAMES]
    assert all(r["changed"] for r in result["roles"])
    again = json.loads(run_cli("apply", "--role", "all", *SET, "--yes", "-o", "json").out)
    assert not any(r["changed"] for r in again["roles"])


def test_verify_live_fails_weakened_trust_conditions_on_every_role(lc_env: MotoServer) -> None:
    """No false PASS live: an audience widened on one service account's statement (EKS role), the External ID and
    the storage role's audience/subject compared ignoring case, another action for the node — each fails verify
    --live."""
    assert run_cli("apply", "--role", "all", *SET, "--yes").code == 0
    eks = raw_client(lc_env.endpoint_url, "eks")
    eks.create_cluster(
        name="zilliz-byoc-demo", roleArn=f"arn:aws:iam::{ACCOUNT}:role/{NAMES[0]}", resourcesVpcConfig={"subnetIds": []}
    )
    host = eks.describe_cluster(name="zilliz-byoc-demo")["cluster"]["identity"]["oidc"]["issuer"].removeprefix(
        "https://"
    )
    assert run_cli("link-cluster", "--cluster", "zilliz-byoc-demo", "--role", "all", "--yes").code == 0
    iam, ctx = raw_client(lc_env.endpoint_url), new_ctx(lc_env.endpoint_url)
    trusts = {name: read_role(ctx, name).trust_policy for name in NAMES}  # type: ignore[union-attr]
    trusts[NAMES[0]]["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/{host}"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringLike": {f"{host}:aud": "*"},
                "StringEquals": {f"{host}:sub": "system:serviceaccount:kube-system:cluster-autoscaler"},
            },
        }
    )
    for st in trusts[NAMES[0]]["Statement"]:
        if st["Principal"].get("Service") == "ec2.amazonaws.com":
            st["Action"] = ["sts:AssumeRole", "sts:AssumeRoleWithSAML"]
    for name in NAMES:
        text = json.dumps(trusts[name])
        if name != NAMES[0]:
            text = text.replace('"StringEquals"', '"StringEqualsIgnoreCase"')
        # moto's UpdateAssumeRolePolicy accepts only AssumeRole, AssumeRoleWithSAML and AssumeRoleWithWebIdentity
        text = text.replace(', "sts:TagSession", "sts:SetSourceIdentity"', "")
        iam.update_assume_role_policy(RoleName=name, PolicyDocument=text)
    res = run_cli("verify", "--live", "--role", "all", *SET, "--endpoint-url", lc_env.endpoint_url, "-o", "json")
    assert res.code == 3, res.err
    doc = json.loads(res.out)
    assert not doc["ok"]
    eks_failed = {t["id"] for t in doc["roles"][0]["report"]["trust"] if t["status"] == "failed"}
    assert "variant:irsa:kube-system:cluster-autoscaler/aud:other" in eks_failed
    assert "variant:service:ec2.amazonaws.com/action:sts:AssumeRoleWithSAML" in eks_failed
    assert all(f.startswith("variant:") for f in eks_failed)
    storage, cross = ({c["id"] for c in r["report"]["checks"] if not c["passed"]} for r in doc["roles"][1:])
    # the requests that pass and must not, and the trust as written (a sub or External ID compared ignoring case)
    assert "trust-structure:0:sub" in storage and "trust-structure:0:external-id" in cross
    storage -= {"trust-structure:0:sub"}
    assert storage and all(f.endswith(("/aud:case", "/sub:case")) for f in storage)
    assert cross - {"trust-structure:0:external-id"} == {
        "variant:zilliz-assume/sts:ExternalId:case",
        "zilliz-tag-session",
        "zilliz-source-identity",
    }
