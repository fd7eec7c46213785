"""The set with the split layout: the cross-account role passes exactly the cluster and node roles to EKS (not every
role of the prefix), proven by the engine through verify's cross-account checks; the combined layout is unchanged."""

from __future__ import annotations

import json
from typing import Any

from test_layout_blueprint import run

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import blueprint, render_role_set
from byoc_iam.cli.roleset import split_pass_facts
from byoc_iam.model import RoleSpec
from byoc_iam.verify.roleset import SetFacts, verify_cross_account

ACCOUNT = "123456789012"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/"
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SET = {"account_id": ACCOUNT, "roles": ["all"], "bucket": "milvus-data", "external_id": "ext-123456789"}


def inputs(layout: str) -> BlueprintInputs:
    return BlueprintInputs.model_validate({**SET, "layout": layout})


def pass_statement(spec: RoleSpec) -> dict[str, Any]:
    (doc,) = spec.inline_policies.values()
    (stmt,) = [s for s in doc["Statement"] if s.get("Sid") == "IAMPassRoleToEKS"]
    return stmt


def verdict(i: BlueprintInputs, spec: RoleSpec) -> Any:
    storage = ROLE + "zilliz-byoc-storage-role"
    facts = SetFacts(account=ACCOUNT, bucket="milvus-data", storage_role_arn=storage, **split_pass_facts(i))
    principal = str(blueprint("cross-account-role").raw["zilliz_principal"])
    return verify_cross_account(spec, facts, external_id="ext-123456789", zilliz_principal=principal)


def test_split_cross_account_passes_only_the_cluster_and_node_roles() -> None:
    i = inputs("split")
    member = render_role_set(i).get("cross-account")
    assert member is not None
    stmt = pass_statement(member.spec)
    assert stmt["Resource"] == [ROLE + "zilliz-byoc-eks-cluster-role", ROLE + "zilliz-byoc-eks-node-role"]
    assert stmt["Condition"] == {"StringEquals": {"iam:PassedToService": "eks.amazonaws.com"}}
    v = verdict(i, member.spec)
    assert v.ok, v.failures()
    denied = {c.resource for c in v.checks if c.id.startswith("no-pass-split-")}
    assert {ROLE + "zilliz-byoc-lbc-role", ROLE + "zilliz-byoc-storage-role"} <= denied
    assert ROLE + "zilliz-byoc-cross-account-role" in denied


def test_no_false_pass_with_the_prefix_wide_pass_role() -> None:
    """The combined layout's prefix-wide statement would let Zilliz pass the controller roles: verify says so."""
    i = inputs("split")
    member = render_role_set(i).get("cross-account")
    assert member is not None
    wide = json.loads(member.spec.to_json())
    (doc,) = wide["inline_policies"].values()
    for s in doc["Statement"]:
        if s.get("Sid") == "IAMPassRoleToEKS":
            s["Resource"] = ROLE + "zilliz-byoc*"
    v = verdict(i, RoleSpec.model_validate(wide))
    assert not v.ok
    assert any("zilliz-byoc-lbc-role" in f for f in v.failures())


def test_combined_cross_account_is_unchanged() -> None:
    member = render_role_set(inputs("combined")).get("cross-account")
    assert member is not None
    assert pass_statement(member.spec)["Resource"] == ROLE + "zilliz-byoc*"


def test_verify_layout_split_with_the_set_checks_the_cross_account_role() -> None:
    code, out, err = run(
        "verify", "--account-id", ACCOUNT, "--layout", "split", "--role", "all", "--bucket", "milvus-data",
        "--external-id", "ext-123456789", "--oidc-issuer", ISSUER, "-o", "json",
    )  # fmt: skip
    doc = json.loads(out)
    assert code == 0, err
    kinds = {r["kind"]: r["ok"] for r in doc["roles"]}
    assert kinds == {"storage": True, "cross-account": True}
