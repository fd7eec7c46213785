"""Public bug reports where IAM policy simulators, validators or readers disagreed with AWS, each reduced to the
smallest request: the engine must decide what AWS decides (per the thread's resolution and the IAM User Guide)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.engine import Decision, PolicySet, Request, compile_policies
from cli_helpers import run_cli as run

A = "111122223333"
USER = f"arn:aws:iam::{A}:user/alice"
ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
OBJECT = "arn:aws:s3:::b/k"
ADMIN = {"Effect": "Allow", "Action": "*", "Resource": "*"}


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def decide(ps: PolicySet, principal: str | None, action: str, resource: str, **kw: Any) -> Decision:
    return compile_policies(ps).evaluate(Request(principal, action, resource, resource_account=A, **kw))


# -- trust policies and resource policies ------------------------------------------------------------------------


def test_explicit_deny_in_a_trust_policy_wins_over_an_admin_caller(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """aws/aws-cli#10314 (https://github.com/aws/aws-cli/issues/10314): ``simulate-principal-policy`` and
    ``simulate-custom-policy`` ignore ``--resource-policy`` for sts:Assume* and answer "allowed" for an
    administrator whom the role's trust policy explicitly denies. AWS: an explicit deny in any policy, the trust
    policy included, denies (IAM User Guide, "Policy evaluation logic")."""
    trust = doc(
        {"Effect": "Deny", "Principal": {"AWS": USER}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"},
    )
    ps = PolicySet(identity=[doc(ADMIN)], resource=trust)
    d = decide(ps, USER, "sts:AssumeRole", ROLE)
    assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("resource",)
    assert decide(ps, f"arn:aws:iam::{A}:user/bob", "sts:AssumeRole", ROLE).allowed  # the control
    (tmp_path / "admin.json").write_text(json.dumps(doc(ADMIN)))
    (tmp_path / "trust.json").write_text(json.dumps(trust))
    args = ["simulate", "-p", str(tmp_path / "admin.json"), "--resource-policy", str(tmp_path / "trust.json")]
    code, out, _ = run([*args, "-a", "sts:AssumeRole", "-r", ROLE, "--principal", USER, "-o", "json"], capsys)
    assert code == 0 and json.loads(out)["decision"] == "ExplicitlyDenied"
    code, _, _ = run([*args, "-a", "sts:AssumeRole", "-r", ROLE, "--principal", USER, "--expect", "Allowed"], capsys)
    assert code == 1


@pytest.mark.parametrize(
    ("named", "caller", "expected"),
    [
        (USER, USER, "Allowed"),  # an IAM user ARN: the boundary's implicit deny does not apply
        (ROLE, SESSION, "ImplicitlyDenied"),  # the role ARN: the session is limited by the role's boundary
        (SESSION, SESSION, "Allowed"),  # the role session ARN itself: the boundary does not apply
    ],
    ids=["user-arn", "role-arn", "role-session-arn"],
)
def test_permissions_boundary_and_a_same_account_resource_policy(named: str, caller: str, expected: str) -> None:
    """floci-io/floci#3584 (https://github.com/floci-io/floci/issues/3584) applied the boundary to every
    same-account resource-policy grant; awsdocs/iam-user-guide#257 (https://github.com/awsdocs/iam-user-guide/
    issues/257) asked why a role session named by its role ARN is denied. AWS (IAM User Guide, "Policy evaluation
    logic", table "Resource-based policies and implicit denies in other policy types (same account)"): a
    resource policy naming the user or the role session ARN allows despite the boundary's implicit deny; naming
    the role ARN does not."""
    rp = doc({"Effect": "Allow", "Principal": {"AWS": named}, "Action": "s3:GetObject", "Resource": "*"})
    boundary = [doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})]
    d = decide(PolicySet(resource=rp, boundary=boundary), caller, "s3:GetObject", OBJECT)
    assert d.decision == expected
    if expected == "ImplicitlyDenied":
        assert d.blocked_by == ("pb",)
    # an explicit deny in the boundary still wins for all three
    deny = [
        doc({"Effect": "Allow", "Action": "*", "Resource": "*"}, {"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
    ]
    assert decide(PolicySet(resource=rp, boundary=deny), caller, "s3:GetObject", OBJECT).decision == "ExplicitlyDenied"


def test_a_permissions_boundary_grants_nothing() -> None:
    """nccgroup/ScoutSuite#1666 (https://github.com/nccgroup/ScoutSuite/issues/1666) reported a role as allowed
    sts:AssumeRole on "*" through its permissions boundary. AWS: a boundary only limits; with no identity policy
    allowing, the request is implicitly denied (IAM User Guide, "Permissions boundaries for IAM entities")."""
    boundary = [doc({"Effect": "Allow", "Action": "sts:*", "Resource": "*"})]
    other = f"arn:aws:iam::{A}:role/other"
    trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"})
    d = decide(PolicySet(boundary=boundary, resource=trust), ROLE, "sts:AssumeRole", other)
    assert d.decision == "ImplicitlyDenied"
    granted = PolicySet(identity=[doc({"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"})])
    assert decide(
        PolicySet(identity=granted.identity, boundary=boundary, resource=trust), ROLE, "sts:AssumeRole", other
    ).allowed


# -- condition operators -------------------------------------------------------------------------------------------


def test_if_exists_on_a_deny_applies_when_the_key_is_absent() -> None:
    """awsdocs/iam-user-guide#58 (https://github.com/awsdocs/iam-user-guide/issues/58): a bucket policy Deny with
    ``StringLikeIfExists aws:PrincipalOrgID``; a service principal's request carries no org id. AWS: "If the key
    is not present, evaluate the condition element as true" (IAM User Guide, "...IfExists condition
    operators"), so the Deny applies and the service's own Allow does not help."""
    rp = doc(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:PutObject",
            "Resource": "*",
            "Condition": {"StringLikeIfExists": {"aws:PrincipalOrgID": "o-foo"}},
        },
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "s3:PutObject", "Resource": "*"},
    )
    d = decide(PolicySet(resource=rp), "ec2.amazonaws.com", "s3:PutObject", OBJECT)
    assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("resource",)
    other_org = decide(
        PolicySet(resource=rp), "ec2.amazonaws.com", "s3:PutObject", OBJECT, context={"aws:PrincipalOrgID": "o-bar"}
    )
    assert other_org.allowed


def test_for_all_values_matches_a_request_without_the_key() -> None:
    """awsdocs/amazon-ec2-user-guide#237 (https://github.com/awsdocs/amazon-ec2-user-guide/issues/237) and
    cloud-custodian/cloud-custodian#2392: ``ForAllValues:StringEquals aws:TagKeys`` alone does not require tags;
    AWS: it "also returns true if there are no context keys in the request" (IAM User Guide, "Single-valued vs.
    multivalued context keys"); a ``Null`` guard with "false" closes it."""
    volume = f"arn:aws:ec2:us-east-1:{A}:volume/*"
    cond: dict[str, Any] = {"ForAllValues:StringEquals": {"aws:TagKeys": ["costcenter", "stack"]}}
    ps = PolicySet(
        identity=[doc({"Effect": "Allow", "Action": "ec2:CreateVolume", "Resource": "*", "Condition": cond})]
    )
    assert decide(ps, ROLE, "ec2:CreateVolume", volume).allowed  # no tags at all: allowed, as AWS does
    assert decide(ps, ROLE, "ec2:CreateVolume", volume, context={"aws:TagKeys": ["stack"]}).allowed
    assert not decide(ps, ROLE, "ec2:CreateVolume", volume, context={"aws:TagKeys": ["stack", "owner"]}).allowed
    guarded = {**cond, "Null": {"aws:TagKeys": "false"}}
    ps = PolicySet(
        identity=[doc({"Effect": "Allow", "Action": "ec2:CreateVolume", "Resource": "*", "Condition": guarded})]
    )
    assert decide(ps, ROLE, "ec2:CreateVolume", volume).decision == "ImplicitlyDenied"


def test_negated_arn_operator_carve_out_in_an_scp() -> None:
    """KensioSoftware/yulin#1069 (https://github.com/KensioSoftware/yulin/issues/1069): a simulator without
    negated operators skipped an SCP Deny written with ``ArnNotLike aws:PrincipalArn`` (exempting landing-zone
    roles) and answered Allow for ec2:RunInstances. AWS: the Deny applies to every principal not matched."""
    scp = [
        [
            doc(
                ADMIN,
                {
                    "Effect": "Deny",
                    "Action": "ec2:RunInstances",
                    "Resource": "*",
                    "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/LandingZone*"}},
                },
            )
        ]
    ]
    ps = PolicySet(identity=[doc(ADMIN)], scp=scp)
    instance = f"arn:aws:ec2:us-east-1:{A}:instance/*"
    d = decide(ps, ROLE, "ec2:RunInstances", instance, context={"aws:PrincipalArn": ROLE})
    assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("scp",)
    exempt = f"arn:aws:iam::{A}:role/LandingZoneAdmin"
    assert decide(ps, exempt, "ec2:RunInstances", instance, context={"aws:PrincipalArn": exempt}).allowed
    # no aws:PrincipalArn given: the negated operator is true on a missing key, so the Deny applies (fail closed)
    assert decide(ps, exempt, "ec2:RunInstances", instance).decision == "ExplicitlyDenied"


def test_source_account_guard_on_a_missing_key_denies() -> None:
    """awslabs/nx-neptune#468 (https://github.com/awslabs/nx-neptune/pull/468) review: a confused-deputy condition
    only works if the calling service sends ``aws:SourceAccount``; "a positive StringEquals/ArnLike on a missing
    key evaluates false". AWS (IAM User Guide, "The confused deputy problem"; "Condition operators"): denied
    without the key or with another account, allowed with the role's account."""
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "sagemaker.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": A}},
        }
    )
    ps = PolicySet(resource=trust)
    svc = "sagemaker.amazonaws.com"
    assert decide(ps, svc, "sts:AssumeRole", ROLE).decision == "ImplicitlyDenied"
    assert decide(ps, svc, "sts:AssumeRole", ROLE, context={"aws:SourceAccount": "444455556666"}).decision == (
        "ImplicitlyDenied"
    )
    assert decide(ps, svc, "sts:AssumeRole", ROLE, context={"aws:SourceAccount": A}).allowed


GH = "token.actions.githubusercontent.com"
GH_PROVIDER = f"arn:aws:iam::{A}:oidc-provider/{GH}"


def _gh_trust(operator: str, subject: str) -> PolicySet:
    cond: dict[str, dict[str, str]] = {"StringEquals": {f"{GH}:aud": "sts.amazonaws.com"}}
    cond.setdefault(operator, {})[f"{GH}:sub"] = subject
    st = {"Effect": "Allow", "Principal": {"Federated": GH_PROVIDER}, "Action": "sts:AssumeRoleWithWebIdentity"}
    return PolicySet(resource=doc({**st, "Condition": cond}))


def _token(sub: str) -> dict[str, str]:
    return {f"{GH}:sub": sub, f"{GH}:aud": "sts.amazonaws.com"}


def test_oidc_sub_must_match_exactly_and_case_sensitively() -> None:
    """ministryofjustice/modernisation-platform#3909 (https://github.com/ministryofjustice/modernisation-platform/
    issues/3909): AWS Support found ``sub`` "repo:org/repo" in the trust while the token's was
    "repo:org/repo:pull_request": StringEquals is exact, denied; ``StringLike`` with "repo:org/repo:*" works.
    aws-actions/configure-aws-credentials#318 (https://github.com/aws-actions/configure-aws-credentials/issues/318):
    the org name "is case sensitive"; #1100 (https://github.com/aws-actions/configure-aws-credentials/issues/1100):
    "repo:jarvisprestidge/..." instead of "repo:JarvisPrestidge/..." cost "hours of pain". AWS: StringEquals
    and StringLike are case-sensitive (IAM User Guide, "String condition operators")."""
    act = "sts:AssumeRoleWithWebIdentity"
    token = _token("repo:ministryofjustice/mp-config:pull_request")
    exact = _gh_trust("StringEquals", "repo:ministryofjustice/mp-config")
    assert decide(exact, GH_PROVIDER, act, ROLE, context=token).decision == "ImplicitlyDenied"
    like = _gh_trust("StringLike", "repo:ministryofjustice/mp-config:*")
    assert decide(like, GH_PROVIDER, act, ROLE, context=token).allowed
    case = _gh_trust("StringLike", "repo:bradyryun/*")
    assert decide(case, GH_PROVIDER, act, ROLE, context=_token("repo:BradyRyun/app:ref:refs/heads/main")).decision == (
        "ImplicitlyDenied"
    )
    assert decide(
        _gh_trust("StringLike", "repo:BradyRyun/*"), GH_PROVIDER, act, ROLE, context=_token("repo:BradyRyun/app:x")
    ).allowed


# -- NotResource with Deny -------------------------------------------------------------------------------------------


def test_deny_with_not_resource_star_denies_nothing() -> None:
    """boogy/iam-policy-validator#154 (https://github.com/boogy/iam-policy-validator/issues/154): ``Deny`` with
    ``NotResource: "*"`` excludes every resource, so it denies nothing. AWS (IAM User Guide, "NotResource"):
    the statement matches only resources not listed."""
    ps = PolicySet(identity=[doc(ADMIN, {"Effect": "Deny", "Action": "s3:*", "NotResource": "*"})])
    assert decide(ps, ROLE, "s3:DeleteBucket", "arn:aws:s3:::b").allowed
    assert decide(ps, ROLE, "s3:GetObject", OBJECT).allowed


def test_deny_with_not_resource_limits_only_the_actions_listed() -> None:
    """awsdocs/iam-user-guide#145 (https://github.com/awsdocs/iam-user-guide/pull/145) and #146: does a Deny of
    ``s3:*`` with NotResource deny other services too? The thread's test (an administrator could still run
    ``iam list-users``) and the fix of the docs: only the listed actions are denied, on every resource not in
    NotResource."""
    keep = ["arn:aws:s3:::safe", "arn:aws:s3:::safe/*"]
    ps = PolicySet(identity=[doc(ADMIN, {"Effect": "Deny", "Action": "s3:*", "NotResource": keep})])
    d = decide(ps, ROLE, "s3:GetObject", "arn:aws:s3:::other/k")
    assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("identity",)
    assert decide(ps, ROLE, "s3:GetObject", "arn:aws:s3:::safe/k").allowed
    assert decide(ps, ROLE, "iam:ListUsers", "*").allowed
