"""No false PASS for a weakened trust on the intended principals: verify probes, for every intended principal, each
other trust action and each pinned condition value altered (another audience, its case changed, extended), so a
trust statement with a widened audience, a negated operator or ``sts:*`` fails — offline, in both layouts and for
the role set's storage and cross-account roles."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from verify_helpers import ACCOUNT, rendered, without

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import blueprint, render_role_set, storage_subjects
from byoc_iam.model import RoleSpec
from byoc_iam.verify import verify_role
from byoc_iam.verify.requirements import Target
from byoc_iam.verify.roleset import SetFacts, verify_cross_account, verify_storage
from byoc_iam.verify.split_trust import check_split_trust
from byoc_iam.verify.trust_variants import altered, other_actions, variations
from cli_helpers import run_main as run

US_EAST = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"
HOST = US_EAST.removeprefix("https://")
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"
CA = "system:serviceaccount:kube-system:cluster-autoscaler"


@pytest.fixture(scope="module")
def east_role() -> RoleSpec:
    return rendered(oidc_issuer=US_EAST, region="us-east-1")


def _with_statement(spec: RoleSpec, stmt: dict[str, Any]) -> RoleSpec:
    trust = copy.deepcopy(spec.trust_policy)
    trust["Statement"].append(stmt)
    return without(spec, trust_policy=trust)


def _web(condition: dict[str, Any]) -> dict[str, Any]:
    fed = {"Federated": PROVIDER}
    return {"Effect": "Allow", "Principal": fed, "Action": "sts:AssumeRoleWithWebIdentity", "Condition": condition}


def _failed(spec: RoleSpec) -> set[str]:
    report = verify_role(spec, explain=False)
    return {t.id for t in report.trust if t.status == "failed"}


def test_the_rendered_role_passes_every_variation(east_role: RoleSpec) -> None:
    report = verify_role(east_role, explain=False)
    ids = {t.id for t in report.trust}
    assert not {t.id for t in report.trust if t.status == "failed"}
    for sa in ("kube-system:cluster-autoscaler", "kube-system:aws-load-balancer-controller"):
        assert {f"variant:irsa:{sa}/aud:other", f"variant:irsa:{sa}/aud:case", f"variant:irsa:{sa}/sub:extended"} <= ids
        assert f"variant:irsa:{sa}/action:sts:AssumeRole" in ids and f"variant:irsa:{sa}/provider:other-account" in ids
    assert "variant:service:ec2.amazonaws.com/action:sts:TagSession" in ids


@pytest.mark.parametrize(
    "condition",
    [
        {"StringLike": {f"{HOST}:aud": "*"}, "StringEquals": {f"{HOST}:sub": CA}},
        {"StringNotEquals": {f"{HOST}:aud": "foo"}, "StringEquals": {f"{HOST}:sub": CA}},
        {"StringEqualsIgnoreCase": {f"{HOST}:aud": "sts.amazonaws.com"}, "StringEquals": {f"{HOST}:sub": CA}},
        {"StringLike": {f"{HOST}:aud": "sts.amazonaws.co?"}, "StringEquals": {f"{HOST}:sub": CA}},
    ],
    ids=["aud-star", "aud-not-equals", "aud-ignore-case", "aud-question-mark"],
)
def test_a_widened_audience_on_any_service_account_fails(east_role: RoleSpec, condition: dict[str, Any]) -> None:
    """The audience is probed for each intended service account, not only the first one's."""
    failed = _failed(_with_statement(east_role, _web(condition)))
    assert failed and all(f.startswith("variant:irsa:kube-system:cluster-autoscaler/aud:") for f in failed)


@pytest.mark.parametrize(
    ("sub", "probe"),
    [
        ({"StringLike": {f"{HOST}:sub": CA + "*"}}, "sub:extended"),
        ({"StringEqualsIgnoreCase": {f"{HOST}:sub": CA}}, "sub:case"),
        ({"StringNotEquals": {f"{HOST}:sub": "system:serviceaccount:a:b"}}, "sub:extended"),
    ],
)
def test_a_widened_subject_fails(east_role: RoleSpec, sub: dict[str, Any], probe: str) -> None:
    condition = {"StringEquals": {f"{HOST}:aud": "sts.amazonaws.com"}, **sub}
    failed = _failed(_with_statement(east_role, _web(condition)))
    assert f"variant:irsa:kube-system:cluster-autoscaler/{probe}" in failed


@pytest.mark.parametrize(
    ("action", "extra"),
    [
        ("sts:*", {"sts:TagSession", "sts:SetSourceIdentity", "sts:AssumeRoleWithWebIdentity", "sts:SetContext"}),
        (["sts:AssumeRole", "sts:TagSession"], {"sts:TagSession"}),
    ],
    ids=["sts-star", "assume-and-tag"],
)
def test_a_service_principal_with_more_actions_fails(east_role: RoleSpec, action: Any, extra: set[str]) -> None:
    trust = copy.deepcopy(east_role.trust_policy)
    for st in trust["Statement"]:
        if st["Principal"].get("Service") == "ec2.amazonaws.com":
            st["Action"] = action
    failed = _failed(without(east_role, trust_policy=trust))
    assert {f"variant:service:ec2.amazonaws.com/action:{a}" for a in extra} <= failed
    assert all(f.startswith("variant:service:ec2.amazonaws.com/action:") for f in failed)


def test_verify_cli_fails_an_audience_widened_role(tmp_path: Any, east_role: RoleSpec) -> None:
    spec = _with_statement(east_role, _web({"StringLike": {f"{HOST}:aud": "*"}, "StringEquals": {f"{HOST}:sub": CA}}))
    path = tmp_path / "R2.json"
    path.write_text(spec.to_json())
    code, out, err = run("verify", "--role", str(path), "--account-id", ACCOUNT)
    assert code == 3, err
    assert "variant:irsa:kube-system:cluster-autoscaler/aud:other" in out
    assert "only the intended principals can assume it" not in out


@pytest.mark.parametrize("identity", ["irsa", "pod-identity"])
def test_split_layout_roles_pass_and_fail_a_widened_action(identity: str) -> None:
    i = BlueprintInputs(account_id=ACCOUNT, layout="split", oidc_issuer=US_EAST, region="us-east-1", identity=identity)  # type: ignore[arg-type]
    specs = {m.kind: m.spec for m in render_role_set(i) if m.kind not in ("storage", "cross-account")}
    target = Target(account=ACCOUNT, region="us-east-1")
    ok = check_split_trust(i, specs, target)
    assert not any(r.failed for r in ok)
    assert any(t.id.endswith("/action:sts:SetContext") for r in ok for t in r.trust)
    for kind, spec in specs.items():
        trust = copy.deepcopy(spec.trust_policy)
        for st in trust["Statement"]:
            st["Action"] = "sts:*"
        rows = check_split_trust(i, {**specs, kind: without(spec, trust_policy=trust)}, target)
        bad = next(r for r in rows if r.kind == kind)
        failed = {t.id for t in bad.trust if t.status == "failed"}
        assert failed and all("/action:" in f for f in failed), (kind, failed)
        assert any(f.endswith("/action:sts:SetSourceIdentity") for f in failed), kind


# -- the role set's storage and cross-account roles ----------------------------------------------------------------

SET = {"account_id": ACCOUNT, "roles": ["all"], "bucket": "milvus-data", "external_id": "ext-123456789"}


def _set_member(kind: str) -> RoleSpec:
    i = BlueprintInputs.model_validate({**SET, "oidc_issuer": US_EAST, "region": "us-east-1"})
    member = render_role_set(i).get(kind)
    assert member is not None
    return member.spec


def _cross(spec: RoleSpec) -> set[str]:
    """The cross-account role's trust checks that failed."""
    facts = SetFacts(account=ACCOUNT, bucket="milvus-data")
    principal = str(blueprint("cross-account-role").raw["zilliz_principal"])
    v = verify_cross_account(spec, facts, external_id="ext-123456789", zilliz_principal=principal)
    assert any(c.id == "variant:zilliz-assume/sts:ExternalId:case" for c in v.checks)
    return {c.id for c in v.checks if c.kind == "trust" and not c.passed}


def test_cross_account_external_id_compared_ignoring_case_fails() -> None:
    spec = _set_member("cross-account")
    assert not _cross(spec)
    trust = json.loads(json.dumps(spec.trust_policy).replace('"StringEquals"', '"StringEqualsIgnoreCase"'))
    assert "StringEqualsIgnoreCase" in json.dumps(trust)
    assert _cross(without(spec, trust_policy=trust)) == {"variant:zilliz-assume/sts:ExternalId:case"}


def test_cross_account_external_id_pattern_and_more_actions_fail() -> None:
    spec = _set_member("cross-account")
    text = json.dumps(spec.trust_policy).replace('"StringEquals"', '"StringLike"').replace("ext-123456789", "ext-*")
    text = text.replace('"sts:SetSourceIdentity"', '"sts:*"')
    failed = _cross(without(spec, trust_policy=json.loads(text)))
    assert {
        "variant:zilliz-assume/sts:ExternalId:extended",
        "variant:zilliz-assume/action:sts:AssumeRoleWithWebIdentity",
    } <= failed


def test_storage_role_audience_widened_fails() -> None:
    spec = _set_member("storage")
    facts = SetFacts(account=ACCOUNT, bucket="milvus-data")
    subjects = storage_subjects(BlueprintInputs.model_validate(SET))[0]  # every subject the trust names
    ok = verify_storage(spec, facts, subjects)
    subject = next(c.principal for c in ok.checks if c.id.startswith("irsa:") and c.expected == "allowed")
    assert ok.ok, ok.failures()
    assert any(c.id.endswith("/aud:case") for c in ok.checks)
    text = json.dumps(spec.trust_policy).replace('"StringEquals"', '"StringEqualsIgnoreCase"')
    bad = verify_storage(without(spec, trust_policy=json.loads(text)), facts, subjects)
    assert subject == PROVIDER
    failed = {c.id.rsplit("/", 1)[-1] for c in bad.checks if not c.passed and c.kind == "trust"}
    assert failed == {"aud:case", "sub:case"}
    # as written, a sub compared ignoring case bounds no service account exactly
    assert {c.id for c in bad.checks if not c.passed and c.kind == "trust-structure"} == {"trust-structure:0:sub"}


# -- the variations themselves -------------------------------------------------------------------------------------


def test_altered_values() -> None:
    assert dict(altered("ext-123")) == {
        "case": "EXT-123",
        "extended": "ext-123-x",
        "prefixed": "xext-123",
        "last-char": "ext-12x",
    }
    assert "case" not in dict(altered("123456789012"))
    assert dict(altered("box"))["last-char"] == "boy"


def test_other_actions_and_variations() -> None:
    assert other_actions(["sts:AssumeRole"]) == [
        "sts:AssumeRoleWithSAML",
        "sts:AssumeRoleWithWebIdentity",
        "sts:SetContext",
        "sts:SetSourceIdentity",
        "sts:TagSession",
    ]
    assert "sts:TagSession" not in other_actions(["sts:AssumeRole", "sts:tagsession"])
    vs = variations("sts:AssumeRole", {"k": "v", "n": ["a"]}, ["sts:AssumeRole"], ["k", "n", "missing"], {"k": "o"})
    assert [v.what for v in vs if not v.what.startswith("action:")] == [
        "k:other",
        "k:case",
        "k:extended",
        "k:prefixed",
        "k:last-char",
    ]
    assert next(v for v in vs if v.what == "k:other").context == {"k": "o", "n": ["a"]}
