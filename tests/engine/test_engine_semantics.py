"""AWS-documented semantics the reference simulator gets wrong (issue 10), and fail-closed reading of
documents IAM would refuse. Each test failed on the engine before these rules."""

from __future__ import annotations

from typing import Any

from byoc_iam.engine import PolicySet, Request, compile_policies

A = "111122223333"
ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
OBJECT = "arn:aws:s3:::bucket/key"


def doc(*statements: dict[str, Any], version: str | None = "2012-10-17") -> dict[str, Any]:
    out: dict[str, Any] = {"Statement": list(statements)}
    if version is not None:
        out["Version"] = version
    return out


def decide(ps: PolicySet, principal: str, action: str = "s3:GetObject", resource: str = OBJECT, **kw: Any) -> str:
    return compile_policies(ps).evaluate(Request(principal, action, resource, A, **kw)).decision


ALLOW_ALL = doc({"Effect": "Allow", "Action": "*", "Resource": "*"})


def deny_not_principal(*names: str) -> PolicySet:
    bucket = doc(
        {"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "NotPrincipal": {"AWS": list(names)}, "Action": "s3:*", "Resource": "*"},
    )
    return PolicySet(identity=[ALLOW_ALL], resource=bucket)


class TestNotPrincipal:
    """A session is exempted from a NotPrincipal Deny only when its session ARN is listed."""

    def test_role_arn_does_not_exempt_its_sessions(self) -> None:
        assert decide(deny_not_principal(ROLE), SESSION) == "ExplicitlyDenied"

    def test_account_does_not_exempt_a_session(self) -> None:
        assert decide(deny_not_principal(f"arn:aws:iam::{A}:root"), SESSION) == "ExplicitlyDenied"

    def test_session_arn_exempts_the_session(self) -> None:
        assert decide(deny_not_principal(SESSION, ROLE, f"arn:aws:iam::{A}:root"), SESSION) == "Allowed"

    def test_other_session_of_the_role_is_denied(self) -> None:
        other = f"arn:aws:sts::{A}:assumed-role/app/s2"
        assert decide(deny_not_principal(SESSION, ROLE), other) == "ExplicitlyDenied"


class TestSessionPolicy:
    """A resource-policy grant naming the session ARN is not limited by the session policy."""

    def session_set(self, principal: str) -> PolicySet:
        bucket = doc({"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "s3:GetObject", "Resource": "*"})
        only_ec2 = doc({"Effect": "Allow", "Action": "ec2:*", "Resource": "*"})
        return PolicySet(identity=[], resource=bucket, session=only_ec2)

    def test_grant_to_session_arn_is_not_limited(self) -> None:
        assert decide(self.session_set(SESSION), SESSION) == "Allowed"

    def test_grant_to_role_arn_is_limited(self) -> None:
        assert decide(self.session_set(ROLE), SESSION) == "ImplicitlyDenied"

    def test_explicit_deny_in_session_policy_still_denies(self) -> None:
        bucket = doc({"Effect": "Allow", "Principal": {"AWS": SESSION}, "Action": "s3:GetObject", "Resource": "*"})
        deny = doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*"})
        ps = PolicySet(identity=[], resource=bucket, session=deny)
        assert decide(ps, SESSION) == "ExplicitlyDenied"


class TestPolicyVariablesNeedVersion2012:
    def home(self, version: str | None) -> PolicySet:
        st = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::home/${aws:username}/*"}
        return PolicySet(identity=[doc(st, version=version)])

    def test_substituted_in_2012_10_17(self) -> None:
        ctx = {"aws:username": "alice"}
        assert decide(self.home("2012-10-17"), ROLE, resource="arn:aws:s3:::home/alice/f", context=ctx) == "Allowed"

    def test_literal_in_2008_10_17(self) -> None:
        ctx = {"aws:username": "alice"}
        ps = self.home("2008-10-17")
        assert decide(ps, ROLE, resource="arn:aws:s3:::home/alice/f", context=ctx) == "ImplicitlyDenied"
        literal = "arn:aws:s3:::home/${aws:username}/f"
        assert decide(ps, ROLE, resource=literal, context=ctx) == "Allowed"

    def test_literal_without_version(self) -> None:
        ctx = {"aws:username": "alice"}
        assert decide(self.home(None), ROLE, resource="arn:aws:s3:::home/alice/f", context=ctx) == "ImplicitlyDenied"

    def test_condition_values_literal_too(self) -> None:
        st = {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/owner": "${aws:username}"}},
        }
        ctx = {"aws:username": "alice", "aws:PrincipalTag/owner": "alice"}
        assert decide(PolicySet(identity=[doc(st)]), ROLE, context=ctx) == "Allowed"
        assert decide(PolicySet(identity=[doc(st, version="2008-10-17")]), ROLE, context=ctx) == "ImplicitlyDenied"
        ctx["aws:PrincipalTag/owner"] = "${aws:username}"
        assert decide(PolicySet(identity=[doc(st, version="2008-10-17")]), ROLE, context=ctx) == "Allowed"


class TestFailClosed:
    """Values IAM refuses are never globbed, and a missing Resource is not ``*`` (without the linter)."""

    def test_non_arn_resource_is_not_globbed(self) -> None:
        for value in ("*22223333:role/x", "arn?aws:s3:::bucket/*", "*key"):
            ps = PolicySet(identity=[doc({"Effect": "Allow", "Action": "*", "Resource": value})])
            assert decide(ps, ROLE, resource=f"arn:aws:iam::1{A[1:]}:role/x") == "ImplicitlyDenied", value
            assert decide(ps, ROLE) == "ImplicitlyDenied", value

    def test_non_arn_resource_in_a_deny_still_denies(self) -> None:
        ps = PolicySet(identity=[ALLOW_ALL, doc({"Effect": "Deny", "Action": "s3:*", "Resource": "*key"})])
        assert decide(ps, ROLE) == "ExplicitlyDenied"

    def test_missing_resource_in_identity_allow_grants_nothing(self) -> None:
        ps = PolicySet(identity=[doc({"Effect": "Allow", "Action": "s3:GetObject"})])
        assert decide(ps, ROLE) == "ImplicitlyDenied"
        exp = compile_policies(ps).evaluate(Request(ROLE, "s3:GetObject", OBJECT, A)).explain()
        assert "no Resource element" in exp.statements[0].reason

    def test_missing_resource_in_deny_denies(self) -> None:
        ps = PolicySet(identity=[ALLOW_ALL, doc({"Effect": "Deny", "Action": "s3:GetObject"})])
        assert decide(ps, ROLE) == "ExplicitlyDenied"

    def test_trust_policy_without_resource_still_works(self) -> None:
        trust = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
        ps = PolicySet(identity=[], resource=trust)
        assert decide(ps, "ec2.amazonaws.com", "sts:AssumeRole", ROLE) == "Allowed"


class TestWildcardResourceType:
    """``*`` in the resource segment expands across ``/`` (IAM User Guide, "IAM JSON policy elements: Resource"):
    a Deny on ``arn:aws:ec2:*:*:*/*`` covers every EC2 resource with a type prefix. The engine once read the
    ``*/`` prefix literally, and this Deny did not apply: a false Allowed (found by byoc-iam compare on quacky's
    ec2_allow_some_instances pairs)."""

    INSTANCE = f"arn:aws:ec2:us-east-1:{A}:instance/i-0123456789abcdef0"

    def test_a_deny_with_a_wildcard_resource_type_applies(self) -> None:
        deny = doc(
            {"Effect": "Allow", "Action": "ec2:*", "Resource": "*"},
            {"Effect": "Deny", "Action": "ec2:TerminateInstances", "Resource": "arn:aws:ec2:*:*:*/*"},
        )
        assert decide(PolicySet(identity=[deny]), ROLE, "ec2:TerminateInstances", self.INSTANCE) == "ExplicitlyDenied"

    def test_an_allow_with_a_wildcard_resource_type_applies(self) -> None:
        allow = doc({"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "arn:aws:ec2:*:*:*/i-*"})
        assert decide(PolicySet(identity=[allow]), ROLE, "ec2:StartInstances", self.INSTANCE) == "Allowed"

    def test_a_literal_resource_type_stays_literal(self) -> None:
        allow = doc({"Effect": "Allow", "Action": "ec2:StartInstances", "Resource": "arn:aws:ec2:*:*:volume/*"})
        assert decide(PolicySet(identity=[allow]), ROLE, "ec2:StartInstances", self.INSTANCE) == "ImplicitlyDenied"
