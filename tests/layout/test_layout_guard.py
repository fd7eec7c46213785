"""No false PASS for the split roles beyond their calls: a trust as written naming a principal the role does not
intend (this account's root, EC2, another cluster's OIDC provider) fails, and a policy the prover cannot read
(an AWS managed policy outside the snapshot) makes the role's proof unverified and failing, never a LookupError."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.model import RoleSpec
from byoc_iam.report.layout_report import to_sarif
from byoc_iam.verify.layout import prove_layout, render_text
from byoc_iam.verify.requirements import Target
from byoc_iam.verify.split_trust import check_split_trust

ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{ISSUER.removeprefix('https://')}"
OTHER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/0THERC1USTER0000000000000000000"
TARGET = Target(account=ACCOUNT, region="us-east-1", partition="aws", cluster="zilliz-byoc")
INPUTS = BlueprintInputs(account_id=ACCOUNT, layout="split", region="us-east-1", oidc_issuer=ISSUER)
WEB = "sts:AssumeRoleWithWebIdentity"


def _specs() -> dict[str, RoleSpec]:
    return {m.kind: m.spec for m in render_role_set(INPUTS)}


def _lbc_failed(change: Any) -> set[str]:
    specs = _specs()
    trust = copy.deepcopy(specs["lbc"].trust_policy)
    change(trust)
    specs["lbc"] = specs["lbc"].model_copy(update={"trust_policy": trust})
    result = next(r for r in check_split_trust(INPUTS, specs, TARGET) if r.kind == "lbc")
    assert result.failed == bool({t.id for t in result.trust if t.status == "failed"})
    return {t.id for t in result.trust if t.status == "failed"}


def test_the_rendered_split_trusts_pass_with_the_new_negatives() -> None:
    results = check_split_trust(INPUTS, _specs(), TARGET)
    assert not any(r.failed for r in results)
    lbc = next(r for r in results if r.kind == "lbc")
    assert {"other-service:ec2", "irsa-other-cluster"} <= {t.id for t in lbc.trust}
    node = next(r for r in results if r.kind == "node")
    assert "other-service:ec2" not in {t.id for t in node.trust}  # the node role intends EC2


def _append(stmt: dict[str, Any]) -> Any:
    return lambda trust: trust["Statement"].append(stmt)


@pytest.mark.parametrize(
    ("change", "failing"),
    [
        (
            _append(
                {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
            ),
            set(),
        ),
        (
            _append({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}),
            {"other-service:ec2"},
        ),
        (lambda t: t["Statement"][0]["Principal"].update({"Federated": [PROVIDER, OTHER]}), set()),
        (_append({"Effect": "Allow", "Principal": {"Federated": OTHER}, "Action": WEB}), {"irsa-other-cluster"}),
    ],
    ids=["own-root", "ec2", "two-providers", "other-cluster-statement"],
)
def test_a_split_trust_admitting_more_fails_as_written(change: Any, failing: set[str]) -> None:
    failed = _lbc_failed(change)
    assert failing <= failed
    assert any(f.startswith("as-written:") for f in failed)


def test_an_aws_managed_policy_outside_the_snapshot_fails_the_proof_unverified() -> None:
    specs = _specs()
    deny = "arn:aws:iam::aws:policy/AWSDenyAll"
    specs["lbc"] = specs["lbc"].model_copy(update={"managed_policy_arns": [deny]})
    proof = prove_layout(INPUTS, specs)  # no LookupError
    lbc = next(r for r in proof.roles if r.kind == "lbc")
    assert not proof.ok and not lbc.ok and lbc.unverified and deny in lbc.unverified
    assert lbc.to_dict()["no_new_access"] is False
    assert "UNVERIFIED" in render_text(proof)
    doc = {"components": [], "proof": proof.to_dict(), "roles": [], "ok": False, "no_imds_finding": False}
    results = to_sarif(doc)["runs"][0]["results"]
    assert any(r["ruleId"] == "layout/beyond-blueprint" and deny in r["message"]["text"] for r in results)
