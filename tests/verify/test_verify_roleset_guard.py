"""No false PASS for the role set's storage and cross-account roles beyond their calls: AWS managed policies (read
live, or unread: fail closed), the permissions boundary, grants beyond the rendered role, and trust principals
beyond the intended ones (the trust as written and the requests it must deny)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
from verify_helpers import ACCOUNT, without

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import blueprint, render_role_set, storage_subjects
from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.verify.roleset import RoleVerdict, SetFacts, verify_cross_account, verify_storage
from cli_helpers import run_main as run

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABC"
HOST = ISSUER.removeprefix("https://")
PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/{HOST}"
OTHER_PROVIDER = f"arn:aws:iam::{ACCOUNT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/DEF"
ZILLIZ = "arn:aws:iam::965570967084:role/zilliz-byoc"
SET = {"account_id": ACCOUNT, "roles": ["all"], "bucket": "milvus-data", "external_id": "ext-123456789"}
INPUTS = BlueprintInputs.model_validate({**SET, "oidc_issuer": ISSUER, "region": "us-east-1"})
FACTS = SetFacts(
    account=ACCOUNT,
    bucket="milvus-data",
    region="us-east-1",
    eks_role_arn=f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-role",
    storage_role_arn=f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-storage-role",
)
DENY_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
DENY_ALL_ARN = "arn:aws:iam::aws:policy/AWSDenyAll"
ADMIN_ARN = "arn:aws:iam::aws:policy/AdministratorAccess"


def _member(kind: str) -> RoleSpec:
    member = render_role_set(INPUTS).get(kind)
    assert member is not None
    return member.spec


def _storage(spec: RoleSpec, **kw: Any) -> RoleVerdict:
    return verify_storage(spec, FACTS, storage_subjects(INPUTS)[0], blueprint=_member("storage"), **kw)


def _cross(spec: RoleSpec, **kw: Any) -> RoleVerdict:
    principal = str(blueprint("cross-account-role").raw["zilliz_principal"])
    return verify_cross_account(
        spec, FACTS, external_id="ext-123456789", zilliz_principal=principal, blueprint=_member("cross-account"), **kw
    )


VERIFY = {"storage": _storage, "cross-account": _cross}


def _failed(v: RoleVerdict) -> set[str]:
    return {c.kind for c in v.checks if c.status == "failed"}


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_the_rendered_roles_pass(kind: str) -> None:
    v = VERIFY[kind](_member(kind))
    assert v.ok, v.failures()


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_an_aws_managed_deny_all_read_live_denies_the_calls(kind: str) -> None:
    spec = without(_member(kind), managed_policy_arns=[DENY_ALL_ARN])
    v = VERIFY[kind](spec, managed_docs={DENY_ALL_ARN: PolicyDocument.from_dict(DENY_ALL)})
    assert not v.ok
    assert "call" in _failed(v)
    assert any(c.decision == "ExplicitlyDenied" for c in v.checks if c.kind == "call")
    assert any("AWSDenyAll is attached" in f for f in v.failures())  # beyond the blueprint too


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_an_aws_managed_policy_without_a_document_fails_closed(kind: str) -> None:
    v = VERIFY[kind](without(_member(kind), managed_policy_arns=[DENY_ALL_ARN]))  # not in the snapshot
    assert not v.ok
    assert "unverified" in _failed(v)
    assert any(f"{DENY_ALL_ARN} is attached and cannot be evaluated" in f for f in v.failures())


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_a_deny_all_permissions_boundary_denies_the_calls(kind: str) -> None:
    boundary = f"arn:aws:iam::{ACCOUNT}:policy/deny-everything"
    spec = without(_member(kind), permissions_boundary=boundary)
    v = VERIFY[kind](spec, boundary=PolicyDocument.from_dict(DENY_ALL))
    assert not v.ok and "call" in _failed(v)
    unread = VERIFY[kind](spec)  # the boundary's document is unknown: nothing can be proven allowed
    assert not unread.ok
    assert any(f"the permissions boundary {boundary} cannot be evaluated" in f for f in unread.failures())


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_administrator_access_or_an_inline_allow_all_is_beyond_the_blueprint(kind: str) -> None:
    admin = without(_member(kind), managed_policy_arns=[ADMIN_ARN])
    v = VERIFY[kind](admin, managed_docs={ADMIN_ARN: PolicyDocument.from_dict(ALLOW_ALL)})
    assert not v.ok and "beyond" in _failed(v)
    assert any(f"{ADMIN_ARN.rsplit('/', 1)[-1]} is attached" in f for f in v.failures())
    spec = _member(kind)
    inline = without(spec, inline_policies={**spec.inline_policies, "everything": ALLOW_ALL})
    v = VERIFY[kind](inline)
    assert not v.ok and "beyond" in _failed(v)
    assert any("inline:everything has Allow statement(s) #0" in f for f in v.failures())


def _trust(spec: RoleSpec, change: Any) -> RoleSpec:
    trust = copy.deepcopy(spec.trust_policy)
    change(trust)
    return without(spec, trust_policy=trust)


def _append(stmt: dict[str, Any]) -> Any:
    return lambda trust: trust["Statement"].append(stmt)


def _set0(path: tuple[str, ...], value: Any) -> Any:
    def change(trust: dict[str, Any]) -> None:
        node = trust["Statement"][0]
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value

    return change


OWN_ROOT = {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{ACCOUNT}:root"}, "Action": "sts:AssumeRole"}
EC2 = {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}


@pytest.mark.parametrize(
    ("name", "change", "failing"),
    [
        ("own account root", _append(OWN_ROOT), "own-account-root"),
        ("another Zilliz role", _set0(("Principal", "AWS"), [ZILLIZ, f"{ZILLIZ}-dev"]), "zilliz-other-role"),
        (
            "two External IDs",
            _set0(("Condition", "StringEquals", "sts:ExternalId"), ["ext-123456789", "guessme"]),
            "zilliz-guessed-external-id",
        ),
        ("ec2", _append(EC2), "other-service"),
    ],
)
def test_cross_account_trust_admitting_more_fails(name: str, change: Any, failing: str) -> None:
    v = _cross(_trust(_member("cross-account"), change))
    failed = {c.id for c in v.checks if c.status == "failed"}
    assert failing in failed, name
    assert any(c.startswith("trust-structure:") for c in failed), name  # the trust as written, too


@pytest.mark.parametrize(
    ("name", "change", "failing"),
    [
        ("ec2", _append(EC2), "other-service"),
        ("own account root", _append(OWN_ROOT), "own-account-root"),
        ("another cluster's provider", _set0(("Principal", "Federated"), [PROVIDER, OTHER_PROVIDER]), None),
        (
            "another cluster's statement",
            _append(
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": "arn:aws:iam::123456789012:oidc-provider/oidc.eks.us-east-1."
                        "amazonaws.com/id/0THERC1USTER0000000000000000000"
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                }
            ),
            "irsa-other-cluster",
        ),
    ],
)
def test_storage_trust_admitting_more_fails(name: str, change: Any, failing: str | None) -> None:
    v = _storage(_trust(_member("storage"), change))
    failed = {c.id for c in v.checks if c.status == "failed"}
    assert not v.ok, name
    if failing:
        assert failing in failed, name
    assert any(c.startswith("trust-structure:") for c in failed), name
    assert all(f.startswith("zilliz-byoc-storage-role: ") for f in v.failures())


# -- verify --role FILE: a role set document, or a storage / cross-account RoleSpec -----------------------------------

FLAGS = ["--account-id", ACCOUNT, "--bucket", "milvus-data", "--external-id", "ext-123456789", "--oidc-issuer", ISSUER]
FLAGS += ["--region", "us-east-1"]


@pytest.fixture(scope="module")
def rendered_set(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("set") / "roles"
    res = run("render", "--role", "all", *FLAGS, "--out", str(out))
    assert res.code == 0, res.err
    return out


def test_verify_a_role_set_document_verifies_each_role(rendered_set: Path) -> None:
    res = run("verify", "--role", str(rendered_set / "roleset.json"), *FLAGS)
    assert res.code == 0, res.out + res.err
    for kind in ("eks", "storage", "cross-account"):
        assert f"✓ {kind} role zilliz-byoc-{kind}-role: all checks pass" in res.out
    doc = json.loads(run("verify", "--role", str(rendered_set / "roleset.json"), *FLAGS, "-o", "json").out)
    assert [r["kind"] for r in doc["roles"]] == ["eks", "storage", "cross-account"]
    assert doc["roles"][0]["report"]["role"]["source"] == "file"


def test_verify_a_role_set_document_verifies_the_files_roles(rendered_set: Path, tmp_path: Path) -> None:
    doc = json.loads((rendered_set / "roleset.json").read_text())
    storage = next(r for r in doc["roles"] if r["kind"] == "storage")
    storage["rolespec"]["inline_policies"]["everything"] = ALLOW_ALL
    tampered = tmp_path / "roleset.json"
    tampered.write_text(json.dumps(doc))
    res = run("verify", "--role", str(tampered), *FLAGS)
    assert res.code == 3, res.out + res.err
    assert "✗ storage role zilliz-byoc-storage-role: FAILED" in res.out
    assert "inline:everything has Allow statement(s) #0" in res.out


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_verify_a_storage_or_cross_account_rolespec_verifies_that_role(rendered_set: Path, kind: str) -> None:
    res = run("verify", "--role", str(rendered_set / kind / "rolespec.json"), *FLAGS)
    assert res.code == 0, res.out + res.err
    assert f"✓ {kind} role zilliz-byoc-{kind}-role: all checks pass" in res.out
    assert "eks role" not in res.out and "required calls allowed" not in res.out  # not verified as the EKS role


def test_a_rolespec_of_no_tellable_kind_is_one_line_and_exit_2(rendered_set: Path, tmp_path: Path) -> None:
    spec = json.loads((rendered_set / "cross-account" / "rolespec.json").read_text())
    spec["role_name"] = "control-plane"
    spec["trust_policy"]["Statement"].append(
        {"Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"}
    )
    path = tmp_path / "rolespec.json"
    path.write_text(json.dumps(spec))
    res = run("verify", "--role", str(path), *FLAGS)
    assert res.code == 2 and res.out == ""
    assert res.err.startswith("byoc-iam: ") and "cannot tell which role" in res.err and len(res.err.splitlines()) == 1


@pytest.mark.parametrize("extra", [["-o", "sarif"], ["--html", "report.html"]], ids=["sarif", "html"])
def test_the_set_is_never_verified_as_the_eks_role_alone(extra: list[str], tmp_path: Path) -> None:
    """-o sarif and --html are the EKS role's report: with the set selected they are refused, not an exit 0 that
    verified the EKS role alone."""
    extra = [str(tmp_path / e) if e.endswith(".html") else e for e in extra]
    res = run("verify", "--role", "all", *FLAGS, *extra)
    assert res.code == 2 and res.out == "", res.out
    assert res.err.startswith("byoc-iam: ") and "text or json" in res.err and len(res.err.splitlines()) == 1
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.parametrize("kind", ["storage", "cross-account"])
def test_a_deny_on_a_key_every_call_of_the_session_carries_applies(kind: str) -> None:
    """The set roles' calls carried no session keys, so a Deny on aws:RequestedRegion (the role is used in
    us-east-1) was skipped as absent; now each call carries the session's known keys."""
    region = {"Effect": "Deny", "Action": "*", "Resource": "*"}
    region["Condition"] = {"StringEquals": {"aws:RequestedRegion": "us-east-1"}}  # type: ignore[assignment]
    spec = _member(kind)
    guard = {"Version": "2012-10-17", "Statement": [region]}
    v = VERIFY[kind](without(spec, inline_policies={**spec.inline_policies, "Guard": guard}))
    assert not v.ok and "call" in _failed(v)
    other = copy.deepcopy(guard)
    other["Statement"][0]["Condition"] = {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}}
    assert VERIFY[kind](without(spec, inline_policies={**spec.inline_policies, "Guard": other})).ok


def test_a_cross_account_trust_keyed_on_the_callers_arn_is_not_taken_as_absent() -> None:
    """An Allow for any principal whose aws:PrincipalArn is a Zilliz role, without the External ID: a request
    to assume the role does not model the caller's ARN, so the check 'Zilliz without the External ID is denied'
    must count that Allow as applying (it did not: the key was taken as absent, and the check passed)."""
    spec = _member("cross-account")
    trust = copy.deepcopy(spec.trust_policy)
    trust["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"ArnLike": {"aws:PrincipalArn": "arn:aws:iam::965570967084:role/zilliz-*"}},
        }
    )
    v = _cross(without(spec, trust_policy=trust))
    assert not v.ok
    assert any(c.kind == "trust" and c.status == "failed" and c.expected == "denied" for c in v.checks)
