"""Security review of the lifecycle: trust widening is never silent, ownership cannot be spoofed or skipped,
a saved plan is never trusted as written, credentials are never printed, and the operator policy is tight."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import pytest
from lifecycle_helpers import ACCOUNT, CMP, TRUST, FaultProxy, make_spec, raw_client, run_cli

from byoc_iam.aws import operator
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import redact_url
from byoc_iam.plan import (
    OWNER_TAG,
    LiveOidcProvider,
    LivePolicy,
    LiveRole,
    LiveState,
    owned,
    plan_apply,
    plan_destroy,
    plan_link,
)
from byoc_iam.plan.trust import LINK_RISK, link_risks, retarget_oidc, widening

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
HOST = "oidc.eks.us-east-1.amazonaws.com/id/ABCDEF"
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"
CMP_ARN = f"arn:aws:iam::{ACCOUNT}:policy/byoc-test-ebs"
ROLE = "byoc-test-role"


def live_of(
    spec: Any, *, tags: dict[str, str] | None = None, attached: tuple[str, ...] = (), **fields: Any
) -> LiveState:
    """The LiveState IAM would return for a role applied exactly from ``spec`` (plus ``attached`` ARNs)."""
    data = spec.model_dump(mode="json")
    data.pop("customer_managed_policies")
    data["tags"] = {**spec.tags, **OWNER_TAG} if tags is None else tags
    data.update(fields)
    arns = tuple(sorted([*spec.managed_policy_arns, CMP_ARN, *attached]))
    pol = LivePolicy(CMP_ARN, "byoc-test-ebs", "/", "v1", ("v1",), CMP, dict(OWNER_TAG), 1)
    return LiveState(
        spec.role_name, LiveRole(f"arn:aws:iam::{ACCOUNT}:role/{ROLE}", "AROA1", data, arns), {CMP_ARN: pol}
    )


def linked() -> dict[str, Any]:
    return retarget_oidc(TRUST, PROVIDER)


def edit(trust: dict[str, Any], index: int, **changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(trust))
    doc["Statement"][index].update(changes)
    return doc


def with_statement(trust: dict[str, Any], stmt: dict[str, Any]) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(json.dumps(trust))
    doc["Statement"].append(stmt)
    return doc


OIDC = 2  # index of the federated statement in TRUST
SUB = f"{HOST}:sub"
AUD = f"{HOST}:aud"
SA = "system:serviceaccount:kube-system:cluster-autoscaler"

# -- trust widening: each way of admitting someone new is caught ------------------------------------------

WIDER = {
    "new service": with_statement(
        linked(), {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}
    ),
    "new federated provider": edit(
        linked(), OIDC, Principal={"Federated": [PROVIDER, f"arn:aws:iam::{ACCOUNT}:oidc-provider/evil.example.com"]}
    ),
    "new sub value": edit(
        linked(), OIDC, Condition={"StringEquals": {AUD: "sts.amazonaws.com", SUB: [SA, "system:serviceaccount:x:y"]}}
    ),
    "wildcard sub": edit(
        linked(),
        OIDC,
        Condition={"StringEquals": {AUD: "sts.amazonaws.com"}, "StringLike": {SUB: "system:serviceaccount:*"}},
    ),
    "condition removed": edit(linked(), OIDC, Condition={"StringEquals": {AUD: "sts.amazonaws.com"}}),
    "all conditions removed": {
        "Version": "2012-10-17",
        "Statement": [
            s if i != OIDC else {k: v for k, v in s.items() if k != "Condition"}
            for i, s in enumerate(linked()["Statement"])
        ],
    },
    "StringEquals to StringLike": edit(linked(), OIDC, Condition={"StringLike": {AUD: "sts.amazonaws.com", SUB: SA}}),
    "AWS *": with_statement(linked(), {"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}),
    "Principal *": with_statement(linked(), {"Effect": "Allow", "Principal": "*", "Action": "sts:AssumeRole"}),
    "another account": with_statement(
        linked(),
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"},
    ),
    "new action": edit(linked(), 0, Action=["sts:AssumeRole", "sts:TagSession"]),
}


@pytest.mark.parametrize("case", sorted(WIDER))
def test_every_trust_widening_is_security_relevant(case: str) -> None:
    assert widening(linked(), WIDER[case]), case
    spec = make_spec(trust_policy=WIDER[case])
    plan = plan_apply(spec, live_of(make_spec(trust_policy=linked())), account=ACCOUNT)
    [trust_change] = [c for c in plan.changes if c.action == "iam:UpdateAssumeRolePolicy"]
    assert trust_change.security.startswith("admits new principal(s)"), case


def test_dropping_a_deny_is_widening_and_a_reordering_is_not() -> None:
    deny = {
        "Effect": "Deny",
        "Principal": {"AWS": "*"},
        "Action": "sts:AssumeRole",
        "Condition": {"Bool": {"x:y": "1"}},
    }
    guarded = with_statement(linked(), deny)
    assert any(w.startswith("drops a Deny") for w in widening(guarded, linked()))
    reordered = {"Version": "2012-10-17", "Statement": list(reversed(linked()["Statement"]))}
    assert widening(linked(), reordered) == []


def test_the_cli_refuses_each_widening_with_yes_alone(lc_env: MotoServer, tmp_path: Path) -> None:
    base = tmp_path / "base.json"
    base.write_text(make_spec(trust_policy=linked()).to_json())
    assert run_cli("apply", "--role", str(base), "--yes").code == 0
    for case in ("wildcard sub", "StringEquals to StringLike", "AWS *"):
        path = tmp_path / "wider.json"
        path.write_text(make_spec(trust_policy=WIDER[case]).to_json())
        res = run_cli("apply", "--role", str(path), "--yes")
        assert res.code == 5 and "--allow-trust-widening" in res.err, (case, res.err)
    live = raw_client(lc_env.endpoint_url).get_role(RoleName=ROLE)["Role"]["AssumeRolePolicyDocument"]
    assert "*" not in json.dumps(live)


# -- link-cluster: retargets the provider and keys only, and never makes an edited trust live silently ------


def test_retarget_changes_only_the_provider_and_its_keys() -> None:
    edited = with_statement(
        TRUST, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    )
    out = retarget_oidc(edited, PROVIDER)
    assert out["Statement"][:2] == edited["Statement"][:2] and out["Statement"][3] == edited["Statement"][3]
    assert out["Statement"][OIDC]["Principal"] == {"Federated": PROVIDER}
    assert out["Statement"][OIDC]["Condition"] == {"StringEquals": {AUD: "sts.amazonaws.com", SUB: SA}}
    assert link_risks(retarget_oidc(TRUST, PROVIDER), PROVIDER) == []
    assert link_risks(out, PROVIDER) == ["statement 3: AWS arn:aws:iam::999999999999:root"]


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ({"StringEquals": {"eks_oidc_url:aud": "sts.amazonaws.com"}}, "no StringEquals on"),
        ({"StringEquals": {"eks_oidc_url:sub": SA}}, f"no StringEquals on {HOST.lower()}:aud"),
        (
            {"StringEquals": {"eks_oidc_url:aud": "sts.amazonaws.com"}, "StringLike": {"eks_oidc_url:sub": "*"}},
            "StringLike on",
        ),
        (None, "no StringEquals on"),
    ],
)
def test_link_plan_flags_an_edited_placeholder_trust(condition: dict[str, Any] | None, expected: str) -> None:
    stmt = dict(TRUST["Statement"][OIDC])
    stmt.pop("Condition")
    if condition is not None:
        stmt["Condition"] = condition
    trust = {"Version": "2012-10-17", "Statement": [*TRUST["Statement"][:OIDC], stmt]}
    plan = plan_link(live_of(make_spec(trust_policy=trust)), issuer_url=ISSUER, account=ACCOUNT)
    [change] = [c for c in plan.changes if c.action == "iam:UpdateAssumeRolePolicy"]
    assert change.security.startswith(LINK_RISK) and expected in change.security
    clean = plan_link(live_of(make_spec()), issuer_url=ISSUER, account=ACCOUNT)
    assert not any(c.security.startswith(LINK_RISK) for c in clean.changes)


def test_link_cluster_cli_refuses_to_make_an_added_principal_live(lc_env: MotoServer, tmp_path: Path) -> None:
    trust = with_statement(
        TRUST, {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::999999999999:root"}, "Action": "sts:AssumeRole"}
    )
    path = tmp_path / "role.json"
    path.write_text(make_spec(trust_policy=trust).to_json())
    assert run_cli("apply", "--role", str(path), "--yes", "--allow-trust-widening").code == 0
    eks = raw_client(lc_env.endpoint_url, "eks")
    eks.create_cluster(name="c9", roleArn=f"arn:aws:iam::{ACCOUNT}:role/{ROLE}", resourcesVpcConfig={"subnetIds": []})
    args = ("link-cluster", "--cluster", "c9", "--role-name", ROLE, "--yes")
    refused = run_cli(*args)
    assert refused.code == 5 and "999999999999" in refused.err and "--allow-trust-widening" in refused.err
    assert refused.err.strip().splitlines()[-1].startswith("byoc-iam: the plan widens the trust policy")
    iam = raw_client(lc_env.endpoint_url)
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []  # nothing changed
    assert run_cli(*args, "--allow-trust-widening").code == 0


def test_apply_does_not_keep_a_non_eks_provider_as_the_link() -> None:
    evil = f"arn:aws:iam::{ACCOUNT}:oidc-provider/evil.example.com"
    live = live_of(make_spec(), trust_policy=retarget_oidc(TRUST, evil))
    plan = plan_apply(make_spec(), live, account=ACCOUNT)
    [change] = [c for c in plan.changes if c.action == "iam:UpdateAssumeRolePolicy"]
    assert "evil.example.com" not in json.dumps(change.after)  # drift to another issuer is repaired
    kept = plan_apply(make_spec(), live_of(make_spec(), trust_policy=linked()), account=ACCOUNT)
    assert kept.empty  # an EKS issuer linked by link-cluster stays linked


# -- ownership -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tags", "ours"),
    [
        ({"byoc-iam:managed-by": "byoc-iam"}, True),
        ({"BYOC-IAM:Managed-By": "byoc-iam"}, True),  # IAM role tag keys are case-insensitive: the same tag
        ({"byoc-iam:managed-by": "BYOC-IAM"}, False),
        ({"byoc-iam:managed-by": "byoc-iam "}, False),
        ({"byoc-iam:managed-by": "true"}, False),
        ({"byoc-iam:managed-by-x": "byoc-iam"}, False),
        ({"managed-by": "byoc-iam"}, False),
        ({}, False),
    ],
)
def test_ownership_tag_cannot_be_spoofed(tags: dict[str, str], ours: bool) -> None:
    assert owned(tags) is ours
    live = live_of(make_spec(), tags={"team": "data", **tags})
    assert bool(plan_apply(make_spec(description="x"), live, account=ACCOUNT).refusals) is not ours
    assert bool(plan_destroy(live).refusals) is not ours
    assert bool(plan_link(live, issuer_url=ISSUER, account=ACCOUNT).refusals) is not ours


def test_adopting_a_role_tagged_in_another_case_does_not_untag_ownership() -> None:
    live = live_of(make_spec(), tags={"team": "data", "BYOC-IAM:MANAGED-BY": "nope"})
    plan = plan_apply(make_spec(), live, account=ACCOUNT, adopt=True)
    untags = [c for c in plan.changes if c.action == "iam:UntagRole"]
    assert not untags  # UntagRole BYOC-IAM:MANAGED-BY would remove the byoc-iam:managed-by just set
    [tag] = [c for c in plan.changes if c.action == "iam:TagRole"]
    assert tag.params["Tags"] == [{"Key": "byoc-iam:managed-by", "Value": "byoc-iam"}]


def test_unowned_policy_and_provider_refused_unless_adopted() -> None:
    base = live_of(make_spec())
    theirs = LivePolicy(CMP_ARN, "byoc-test-ebs", "/", "v1", ("v1",), CMP, {"byoc-iam:managed-by": "BYOC-IAM"}, 1)
    live = LiveState(base.role_name, base.role, {CMP_ARN: theirs})
    other_doc = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeTags", "Resource": "*"}],
    }
    changed = make_spec(customer_managed_policies={"byoc-test-ebs": other_doc})
    assert any(r.startswith(f"policy {CMP_ARN}") for r in plan_apply(changed, live, account=ACCOUNT).refusals)
    adopted = plan_apply(changed, live, account=ACCOUNT, adopt=True)
    assert not adopted.refusals and "iam:TagPolicy" in [c.action for c in adopted.changes]
    provider = LiveOidcProvider(PROVIDER, ISSUER, ("other",), (), {"byoc-iam:managed-by": "BYOC-IAM"})
    linked_live = LiveState(base.role_name, base.role, base.policies, {PROVIDER: provider})
    assert any("OIDC provider" in r for r in plan_link(linked_live, issuer_url=ISSUER, account=ACCOUNT).refusals)


def test_destroy_detaches_but_never_deletes_what_is_not_ours() -> None:
    someone = f"arn:aws:iam::{ACCOUNT}:policy/someone-elses"
    base = live_of(make_spec(), attached=(someone,))
    theirs = LivePolicy(someone, "someone-elses", "/", "v1", ("v1",), CMP, {}, 1)
    live = LiveState(base.role_name, base.role, {**base.policies, someone: theirs})
    plan = plan_destroy(live)
    actions = [(c.action, c.target) for c in plan.changes]
    assert ("iam:DetachRolePolicy", someone) in actions  # visible: a "-" line of the plan
    assert ("iam:DeletePolicy", someone) not in actions and ("iam:DeletePolicy", CMP_ARN) in actions
    assert any(someone in n and "not managed by byoc-iam" in n for n in plan.notes)


# -- saved plans are never trusted as written -----------------------------------------------------------------


@pytest.fixture
def saved(lc_env: MotoServer, tmp_path: Path) -> Path:
    role = tmp_path / "role.json"
    role.write_text(make_spec().to_json())
    assert run_cli("apply", "--role", str(role), "--yes").code == 0
    changed = tmp_path / "changed.json"
    changed.write_text(make_spec(description="changed").to_json())
    out = tmp_path / "plan.json"
    assert run_cli("plan", "--role", str(changed), "--out", str(out), "--no-check-managed").code == 0
    return out


def tamper(path: Path, fn: Any) -> None:
    data = json.loads(path.read_text())
    fn(data)
    path.write_text(json.dumps(data))


ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
TAMPERING = {
    "extra change": lambda d: d["changes"].append(
        {
            "symbol": "+",
            "kind": "managed policy attachment",
            "target": ADMIN,
            "action": "iam:AttachRolePolicy",
            "params": {"RoleName": ROLE, "PolicyArn": ADMIN},
            "phase": 2,
        }
    ),
    "edited params": lambda d: d["changes"][0]["params"].update(RoleName="someone-elses-role"),
    "edited desired": lambda d: d["desired"].update(description="not what was planned"),
    "other role": lambda d: d.update(role_name="someone-elses-role"),
    "destroy plan": lambda d: d.update(command="destroy"),
    "no desired": lambda d: d.update(desired=None),
    "bad desired": lambda d: d["desired"].update(role_name="bad name!"),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampered_saved_plan_is_refused(case: str, saved: Path, lc_env: MotoServer) -> None:
    tamper(saved, TAMPERING[case])
    before = raw_client(lc_env.endpoint_url).get_role(RoleName=ROLE)["Role"]
    res = run_cli("apply", str(saved), "--yes")
    assert res.code == 5, (case, res.err)
    assert res.err.count("\n") == 1 and "Traceback" not in res.err
    after = raw_client(lc_env.endpoint_url)
    role = after.get_role(RoleName=ROLE)["Role"]
    assert role.get("Description") == before.get("Description")
    attached = [a["PolicyArn"] for a in after.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"]]
    assert ADMIN not in attached


def test_saved_plan_widening_needs_the_flag_and_its_marker_cannot_be_cleared(
    lc_env: MotoServer, tmp_path: Path
) -> None:
    base = tmp_path / "base.json"
    base.write_text(make_spec().to_json())
    assert run_cli("apply", "--role", str(base), "--yes").code == 0
    wider = tmp_path / "wider.json"
    wider.write_text(
        make_spec(trust_policy=with_statement(TRUST, json.loads(json.dumps(WIDER["AWS *"]["Statement"][-1])))).to_json()
    )
    out = tmp_path / "plan.json"
    assert run_cli("plan", "--role", str(wider), "--out", str(out), "--no-check-managed").code == 0
    honest = out.read_text()
    tamper(out, lambda d: [c.update(security="") for c in d["changes"]])
    res = run_cli("apply", str(out), "--yes", "--allow-trust-widening")
    assert res.code == 5 and "do not match" in res.err  # the marker is part of what is re-derived
    out.write_text(honest)
    res = run_cli("apply", str(out), "--yes")
    assert res.code == 5 and "--allow-trust-widening" in res.err
    assert run_cli("apply", str(out), "--yes", "--allow-trust-widening").code == 0


def test_saved_plan_with_its_ownership_refusal_removed_is_refused(lc_env: MotoServer, tmp_path: Path) -> None:
    iam = raw_client(lc_env.endpoint_url)
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(TRUST), Description="theirs")
    role = tmp_path / "role.json"
    role.write_text(make_spec().to_json())
    out = tmp_path / "plan.json"
    # plan shows and saves it, and exits 5: it knows apply will refuse
    assert run_cli("plan", "--role", str(role), "--out", str(out), "--no-check-managed").code == 5
    assert json.loads(out.read_text())["refusals"]
    tamper(out, lambda d: d.update(refusals=[]))
    res = run_cli("apply", str(out), "--yes")
    assert res.code == 5, res.err
    assert iam.get_role(RoleName=ROLE)["Role"]["Description"] == "theirs"
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == []


def test_saved_adopt_plan_needs_adopt_to_apply(lc_env: MotoServer, tmp_path: Path) -> None:
    iam = raw_client(lc_env.endpoint_url)
    iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(TRUST))
    role = tmp_path / "role.json"
    role.write_text(make_spec().to_json())
    out = tmp_path / "plan.json"
    assert run_cli("plan", "--role", str(role), "--out", str(out), "--adopt", "--no-check-managed").code == 0
    refused = run_cli("apply", str(out), "--yes")
    assert refused.code == 5 and "--adopt" in refused.err
    assert "Tags" not in iam.get_role(RoleName=ROLE)["Role"] or not iam.get_role(RoleName=ROLE)["Role"]["Tags"]
    ok = run_cli("apply", str(out), "--yes", "--adopt")
    assert ok.code == 0, ok.err


# -- credentials are never printed --------------------------------------------------------------------------

SECRET = "wJalrXUtnFEMI-K7MDENG-bPxRfiCYSECRETKEY"
TOKEN = "FwoGZXIvYXdzEXAMPLESESSIONTOKEN"
KEY_ID = "AKIAEXAMPLEKEYID1234"


@pytest.mark.parametrize("fault", [None, "AccessDenied", "ServiceFailure", "MalformedPolicyDocument"])
def test_credentials_never_appear_in_output(
    fault: str | None, fault_proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", KEY_ID)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", TOKEN)
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.endpoint_url)
    if fault:
        fault_proxy.fail("PutRolePolicy", code=fault, status=403 if fault == "AccessDenied" else 400)
    role = tmp_path / "role.json"
    role.write_text(make_spec().to_json())
    res = run_cli("apply", "--role", str(role), "--yes", "--verbose", "--max-attempts", "1")
    assert res.code == (4 if fault else 0), res.err
    text = res.out + res.err
    for secret in (SECRET, TOKEN, KEY_ID, SECRET[:12], TOKEN[:12]):
        assert secret not in text


def test_endpoint_credentials_are_redacted() -> None:
    assert redact_url("https://user:pa55@example.com:8443/x") == "https://***@example.com:8443/x"
    assert redact_url("http://127.0.0.1:5000") == "http://127.0.0.1:5000"


def test_unreachable_endpoint_with_userinfo_is_not_printed(lc_env: MotoServer, tmp_path: Path) -> None:
    role = tmp_path / "role.json"
    role.write_text(make_spec().to_json())
    res = run_cli(
        "plan", "--role", str(role), "--endpoint-url", "http://alice:s3cr3t@127.0.0.1:1", "--max-attempts", "1"
    )
    assert res.code == 4 and "s3cr3t" not in res.err and "cannot reach" in res.err


def test_sandbox_state_file_is_private_and_holds_no_credentials(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from byoc_iam.aws import sandbox

    state = tmp_path / "state" / "sandbox.json"
    monkeypatch.setenv("BYOC_IAM_SANDBOX_STATE", str(state))
    proc = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(30)"])
    try:
        fake = types.SimpleNamespace(process=proc, port=1, endpoint_url="http://127.0.0.1:1")
        sandbox.detach(fake)  # type: ignore[arg-type]
        assert stat.S_IMODE(os.stat(state).st_mode) == 0o600
        assert stat.S_IMODE(os.stat(state.parent).st_mode) == 0o700
        data = json.loads(state.read_text())
        assert set(data) == {"pid", "port", "endpoint_url"}
        assert "testing" not in state.read_text()
    finally:
        proc.kill()
        proc.wait()


# -- a destroy that fails midway converges ------------------------------------------------------------------


def test_destroy_failing_midway_then_again_leaves_nothing(
    lc_env: MotoServer, fault_proxy: FaultProxy, monkeypatch: pytest.MonkeyPatch
) -> None:
    issuer = "https://oidc.eks.us-east-1.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
    args = ("--account-id", ACCOUNT, "--region", "us-east-1", "--oidc-issuer", issuer)
    assert run_cli("apply", *args, "--yes").code == 0
    monkeypatch.setenv("AWS_ENDPOINT_URL", fault_proxy.endpoint_url)
    fault_proxy.fail("DeleteRole", code="ServiceFailure", status=500, times=100)
    failed = run_cli("destroy", "--yes", "--max-attempts", "1")
    assert failed.code == 4 and "run `byoc-iam destroy` again" in failed.err, failed.err
    fault_proxy.faults.clear()
    again = run_cli("destroy", "--yes")
    assert again.code == 0, again.err
    iam = raw_client(lc_env.endpoint_url)
    assert iam.list_roles()["Roles"] == []
    assert iam.list_open_id_connect_providers()["OpenIDConnectProviderList"] == []


# -- the operator policy ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "commands", [operator.COMMANDS, ("plan",), ("destroy",), ("link-cluster",), operator.ALL_COMMANDS]
)
@pytest.mark.parametrize(
    "scope",
    [{"account": ACCOUNT}, {"account": ACCOUNT, "role_name": "r", "role_path": "/zilliz/", "region": "us-east-1"}],
)
def test_operator_policy_lints_without_errors(commands: tuple[str, ...], scope: dict[str, str]) -> None:
    from byoc_iam.lint import lint_document

    findings = lint_document(operator.operator_policy(commands, **scope), "identity")
    assert not [f for f in findings if f.severity.value in ("ERROR", "SECURITY_WARNING")], findings


def test_operator_policy_lints_clean_through_the_cli(tmp_path: Path) -> None:
    res = run_cli("operator-policy", "--account-id", ACCOUNT)
    path = tmp_path / "operator.json"
    path.write_text(res.out)
    lint = run_cli("lint", "-t", "identity", "-o", "json", str(path))
    assert lint.code == 0, lint.out
    assert not [f for f in json.loads(lint.out) if f["severity"] in ("ERROR", "SECURITY_WARNING")]


def test_operator_policy_writes_are_scoped_to_what_byoc_iam_creates() -> None:
    from byoc_iam.engine import PolicySet, Request, compile_policies

    doc = operator.operator_policy(account=ACCOUNT, role_path="/zilliz/", role_name="r")
    compiled = compile_policies(PolicySet(identity=[doc]))

    def decide(action: str, resource: str) -> str:
        who = f"arn:aws:iam::{ACCOUNT}:user/op"
        return compiled.evaluate(Request(who, action, resource, resource_account=ACCOUNT, context={})).decision

    ours = f"arn:aws:iam::{ACCOUNT}:policy/zilliz/byoc-ebs"
    other = f"arn:aws:iam::{ACCOUNT}:policy/security/guardrail"
    eks = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"
    idp = f"arn:aws:iam::{ACCOUNT}:oidc-provider/token.actions.githubusercontent.com"
    for action in ("iam:DeletePolicy", "iam:CreatePolicyVersion", "iam:DeletePolicyVersion", "iam:TagPolicy"):
        assert decide(action, ours) == "Allowed" and decide(action, other) != "Allowed", action
    assert decide("iam:GetPolicy", other) == "Allowed"  # reads stay wide: plan shows drift to anything
    for action in (
        "iam:DeleteOpenIDConnectProvider",
        "iam:CreateOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider",
    ):
        assert decide(action, eks) == "Allowed" and decide(action, idp) != "Allowed", action
    assert decide("iam:GetOpenIDConnectProvider", idp) == "Allowed"
    assert decide("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/zilliz/r") != "Allowed"  # not needed, not granted
    assert "link-cluster" not in operator.calls()["iam:TagRole"].commands  # link-cluster never tags the role


# -- EntityAlreadyExists: reconciling never takes over what someone else created meanwhile -----------------


def test_a_role_created_meanwhile_by_someone_else_is_refused_not_reconciled(lc_env: MotoServer) -> None:
    from byoc_iam.aws.apply import apply_desired, make_plan
    from byoc_iam.aws.session import AwsContext
    from byoc_iam.errors import RefusedError

    spec = make_spec()
    with AwsContext(endpoint_url=lc_env.endpoint_url, region="us-east-1") as ctx:
        stale = make_plan(ctx, spec)  # planned while nothing existed
        iam = raw_client(lc_env.endpoint_url)
        iam.create_role(RoleName=ROLE, AssumeRolePolicyDocument=json.dumps(TRUST), Description="theirs")
        with pytest.raises(RefusedError, match="not managed by byoc-iam"):
            apply_desired(ctx, spec, stale)
    role = iam.get_role(RoleName=ROLE)["Role"]
    assert role["Description"] == "theirs" and not role.get("Tags")
    assert iam.list_attached_role_policies(RoleName=ROLE)["AttachedPolicies"] == []
    assert iam.list_role_policies(RoleName=ROLE)["PolicyNames"] == []
