"""Elements (Action, Resource, Principal and their Not* forms) and the decision logic across policy types."""

from __future__ import annotations

import json
from typing import Any

import pytest

from byoc_iam.engine import Decision, PolicySet, Request, compile_policies
from byoc_iam.model.policy import PolicyDocument

A = "111122223333"
B = "444455556666"
ROLE = f"arn:aws:iam::{A}:role/app"
SESSION = f"arn:aws:sts::{A}:assumed-role/app/s1"
OIDC = f"arn:aws:iam::{A}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def allow(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": resource, **extra}


def deny(action: Any = "*", resource: Any = "*", **extra: Any) -> dict[str, Any]:
    return {"Effect": "Deny", "Action": action, "Resource": resource, **extra}


def decide(ps: PolicySet, action: str, resource: str, principal: str | None = ROLE, **kw: Any) -> Decision:
    return compile_policies(ps).evaluate(Request(principal, action, resource, **kw))


def ident(*statements: dict[str, Any]) -> PolicySet:
    return PolicySet(identity=[doc(*statements)])


class TestAction:
    def test_case_insensitive_with_wildcards(self) -> None:
        ps = ident(allow("EC2:Describe*"), allow("s3:Get?bject"))
        assert decide(ps, "ec2:describeinstances", "*").decision == "Allowed"
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::b/k").decision == "Allowed"
        assert decide(ps, "s3:GetObjectAcl", "arn:aws:s3:::b/k").decision == "ImplicitlyDenied"

    def test_not_action(self) -> None:
        ps = PolicySet(identity=[doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"})])
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::b/k").allowed
        assert not decide(ps, "iam:CreateUser", f"arn:aws:iam::{A}:user/u").allowed

    def test_comma_or_space_is_literal(self) -> None:
        assert not decide(ident(allow("s3:GetObject,PutObject")), "s3:GetObject", "arn:aws:s3:::b/k").allowed
        assert not decide(ident(allow(" s3:GetObject")), "s3:GetObject", "arn:aws:s3:::b/k").allowed

    def test_policy_variables_are_not_resolved_in_action(self) -> None:
        ps = ident(allow("s3:${aws:username}"), allow("ec2:${*}"))
        ctx = {"aws:username": "GetObject"}
        assert not decide(ps, "s3:GetObject", "arn:aws:s3:::b/k", context=ctx).allowed
        assert not decide(ps, "ec2:RunInstances", f"arn:aws:ec2:us-east-1:{A}:instance/i", context=ctx).allowed

    def test_deny_with_not_action(self) -> None:
        ps = ident(allow(), {"Effect": "Deny", "NotAction": ["s3:Get*", "iam:*"], "Resource": "*"})
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::b/k").allowed
        d = decide(ps, "s3:PutObject", "arn:aws:s3:::b/k")
        assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("identity",)


class TestResource:
    def test_case_sensitive(self) -> None:
        ps = ident(allow("s3:GetObject", "arn:aws:s3:::Bucket/*"))
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::Bucket/k").allowed
        assert not decide(ps, "s3:GetObject", "arn:aws:s3:::bucket/k").allowed

    def test_wildcards_in_and_across_segments(self) -> None:
        ps = ident(allow("ec2:CreateTags", "arn:aws:ec2:*:*:network-interface/*"))
        assert decide(ps, "ec2:CreateTags", f"arn:aws:ec2:us-east-1:{A}:network-interface/eni-1").allowed
        assert not decide(ps, "ec2:CreateTags", f"arn:aws:ec2:us-east-1:{A}:instance/i-1").allowed
        logs = ident(allow("logs:PutLogEvents", f"arn:aws:logs:us-east-1:{A}:log-group:/aws/eks/*"))
        assert decide(
            logs, "logs:PutLogEvents", f"arn:aws:logs:us-east-1:{A}:log-group:/aws/eks/c:log-stream:x"
        ).allowed
        # '*' in the region segment does not swallow a colon
        region = ident(allow("sqs:SendMessage", f"arn:aws:sqs:*{A}:q"))
        assert not decide(region, "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{A}:q").allowed

    def test_not_resource(self) -> None:
        ps = PolicySet(identity=[doc({"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::secret/*"})])
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::open/k").allowed
        assert not decide(ps, "s3:GetObject", "arn:aws:s3:::secret/k").allowed

    def test_deny_with_not_resource(self) -> None:
        ps = ident(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": "arn:aws:s3:::open/*"})
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::open/k").allowed
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::secret/k").decision == "ExplicitlyDenied"
        never = ident(allow("s3:*"), {"Effect": "Deny", "Action": "s3:*", "NotResource": "*"})
        assert decide(never, "s3:GetObject", "arn:aws:s3:::secret/k").allowed

    def test_unresolved_variable_makes_a_deny_not_apply(self) -> None:
        ps = ident(allow("s3:*"), deny("s3:DeleteObject", "arn:aws:s3:::home/${aws:username}/*"))
        key = "arn:aws:s3:::home/bob/k"
        assert decide(ps, "s3:DeleteObject", key, context={"aws:username": "bob"}).decision == "ExplicitlyDenied"
        assert decide(ps, "s3:DeleteObject", key).allowed  # aws:username absent: the Deny's Resource matches nothing

    def test_variables_in_resource(self) -> None:
        ps = ident(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*"))
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::home/bob/x", context={"aws:username": "bob"}).allowed
        assert not decide(ps, "s3:GetObject", "arn:aws:s3:::home/eve/x", context={"aws:username": "bob"}).allowed
        assert not decide(ps, "s3:GetObject", "arn:aws:s3:::home/bob/x").allowed  # unresolved: no match

    def test_wildcard_only_action(self) -> None:
        specific = ident(allow("s3:ListAllMyBuckets", "arn:aws:s3:::b"))
        star = ident(allow("s3:ListAllMyBuckets", "*"))
        assert not decide(specific, "s3:ListAllMyBuckets", "*").allowed  # looked up in the catalog
        assert decide(star, "s3:ListAllMyBuckets", "*").allowed


class TestPrincipalsAndResourcePolicies:
    bucket = "arn:aws:s3:::b/k"

    def rp(self, principal: Any, effect: str = "Allow") -> PolicySet:
        return PolicySet(
            resource=doc({"Effect": effect, "Principal": principal, "Action": "s3:GetObject", "Resource": "*"})
        )

    def test_same_account_resource_policy_alone_allows(self) -> None:
        assert decide(self.rp({"AWS": ROLE}), "s3:GetObject", self.bucket, resource_account=A).allowed

    def test_role_arn_matches_its_sessions(self) -> None:
        assert decide(self.rp({"AWS": ROLE}), "s3:GetObject", self.bucket, SESSION, resource_account=A).allowed
        other = f"arn:aws:sts::{A}:assumed-role/other/s1"
        assert not decide(self.rp({"AWS": ROLE}), "s3:GetObject", self.bucket, other, resource_account=A).allowed

    def test_cross_account_needs_both_sides(self) -> None:
        rp = doc(
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{B}:root"},
                "Action": "s3:GetObject",
                "Resource": "*",
            }
        )
        caller = f"arn:aws:iam::{B}:role/x"
        both = PolicySet(identity=[doc(allow("s3:GetObject"))], resource=rp)
        only_resource = PolicySet(resource=rp)
        assert decide(both, "s3:GetObject", self.bucket, caller, resource_account=A).allowed
        assert not decide(only_resource, "s3:GetObject", self.bucket, caller, resource_account=A).allowed
        assert not decide(ident(allow("s3:GetObject")), "s3:GetObject", self.bucket, caller, resource_account=A).allowed

    def test_not_principal_deny(self) -> None:
        ps = PolicySet(
            identity=[doc(allow("s3:GetObject"))],
            resource=doc({"Effect": "Deny", "NotPrincipal": {"AWS": ROLE}, "Action": "s3:*", "Resource": "*"}),
        )
        assert decide(ps, "s3:GetObject", self.bucket, resource_account=A).allowed
        other = f"arn:aws:iam::{A}:role/other"
        d = decide(ps, "s3:GetObject", self.bucket, other, resource_account=A)
        assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("resource",)

    def test_anonymous_only_through_star(self) -> None:
        assert decide(self.rp("*"), "s3:GetObject", self.bucket, None, resource_account=A).allowed
        assert not decide(self.rp({"AWS": ROLE}), "s3:GetObject", self.bucket, None, resource_account=A).allowed


class TestTrustPolicies:
    """Trust policies are resource policies for sts:AssumeRole*."""

    def trust(self) -> PolicySet:
        from byoc_iam.blueprint import BlueprintInputs, render_role

        spec = render_role(
            BlueprintInputs(
                account_id=A, region="us-east-1", oidc_issuer="https://oidc.eks.us-east-1.amazonaws.com/id/ABC"
            )
        )
        return PolicySet(resource=spec.trust())

    @pytest.mark.parametrize("service", ["eks.amazonaws.com", "ec2.amazonaws.com", "eks-nodegroup.amazonaws.com"])
    def test_services_can_assume(self, service: str) -> None:
        assert decide(self.trust(), "sts:AssumeRole", ROLE, service, resource_account=A).allowed

    def test_other_service_cannot(self) -> None:
        assert not decide(self.trust(), "sts:AssumeRole", ROLE, "lambda.amazonaws.com", resource_account=A).allowed

    def test_irsa_needs_matching_sub_and_aud(self) -> None:
        key = "oidc.eks.us-east-1.amazonaws.com/id/ABC"
        ok = {
            f"{key}:sub": "system:serviceaccount:kube-system:ebs-csi-controller-sa",
            f"{key}:aud": "sts.amazonaws.com",
        }
        bad = {**ok, f"{key}:sub": "system:serviceaccount:default:attacker"}
        act = "sts:AssumeRoleWithWebIdentity"
        assert decide(self.trust(), act, ROLE, OIDC, resource_account=A, context=ok).allowed
        assert not decide(self.trust(), act, ROLE, OIDC, resource_account=A, context=bad).allowed
        assert not decide(self.trust(), act, ROLE, OIDC, resource_account=A).allowed

    def test_same_account_role_needs_the_trust_policy(self) -> None:
        caller = f"arn:aws:iam::{A}:role/admin"
        ps = PolicySet(identity=[doc(allow("sts:AssumeRole"))], resource=self.trust().resource)
        assert not decide(ps, "sts:AssumeRole", ROLE, caller, resource_account=A).allowed

    def test_identity_allow_alone_never_assumes_a_role(self) -> None:
        """AWS: a role's trust policy must allow, even in the same account; no trust policy trusts no one."""
        caller = f"arn:aws:iam::{A}:role/admin"
        ps = ident(allow("sts:*"))
        for action in ("sts:AssumeRole", "sts:TagSession"):
            assert decide(ps, action, ROLE, caller, resource_account=A).decision == "ImplicitlyDenied"
        assert decide(ps, "sts:GetSessionToken", "*", caller, resource_account=A).allowed  # not on a role

    def test_trust_policy_naming_the_account_lets_identity_policies_decide(self) -> None:
        caller = f"arn:aws:iam::{A}:role/admin"
        trust = doc({"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:root"}, "Action": "sts:AssumeRole"})
        assert decide(
            PolicySet(identity=[doc(allow("sts:AssumeRole"))], resource=trust),
            "sts:AssumeRole",
            ROLE,
            caller,
            resource_account=A,
        ).allowed
        assert not decide(PolicySet(resource=trust), "sts:AssumeRole", ROLE, caller, resource_account=A).allowed
        named = doc({"Effect": "Allow", "Principal": {"AWS": caller}, "Action": "sts:AssumeRole"})
        assert decide(PolicySet(resource=named), "sts:AssumeRole", ROLE, caller, resource_account=A).allowed


class TestKmsKeyPolicies:
    key = f"arn:aws:kms:us-east-1:{A}:key/1234abcd-12ab-34cd-56ef-1234567890ab"

    def test_identity_allow_needs_the_key_policy(self) -> None:
        use = doc(allow("kms:Decrypt"))
        account = doc({"Effect": "Allow", "Principal": {"AWS": A}, "Action": "kms:*", "Resource": "*"})
        other = doc(
            {"Effect": "Allow", "Principal": {"AWS": f"arn:aws:iam::{A}:role/x"}, "Action": "kms:*", "Resource": "*"}
        )
        assert not decide(PolicySet(identity=[use]), "kms:Decrypt", self.key, resource_account=A).allowed
        assert not decide(
            PolicySet(identity=[use], resource=other), "kms:Decrypt", self.key, resource_account=A
        ).allowed
        assert decide(PolicySet(identity=[use], resource=account), "kms:Decrypt", self.key, resource_account=A).allowed
        assert not decide(PolicySet(resource=account), "kms:Decrypt", self.key, resource_account=A).allowed

    def test_key_policy_naming_the_principal_suffices(self) -> None:
        named = doc({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "kms:Decrypt", "Resource": "*"})
        assert decide(PolicySet(resource=named), "kms:Decrypt", self.key, resource_account=A).allowed


class TestGuardrails:
    obj = "arn:aws:s3:::b/k"

    def test_boundary_intersects(self) -> None:
        ps = PolicySet(identity=[doc(allow("s3:*"))], boundary=[doc(allow("s3:GetObject"))])
        assert decide(ps, "s3:GetObject", self.obj, resource_account=A).allowed
        d = decide(ps, "s3:PutObject", self.obj, resource_account=A)
        assert d.decision == "ImplicitlyDenied" and d.blocked_by == ("pb",)

    def test_scp_levels_each_must_allow(self) -> None:
        full = doc(allow())
        s3 = doc(allow("s3:*"))
        ps = PolicySet(identity=[doc(allow())], scp=[[full], [s3]])
        assert decide(ps, "s3:GetObject", self.obj, resource_account=A).allowed
        d = decide(ps, "ec2:RunInstances", f"arn:aws:ec2:us-east-1:{A}:instance/*", resource_account=A)
        assert d.decision == "ImplicitlyDenied" and d.blocked_by == ("scp",)

    def test_rcp_deny_and_implicit_full_access(self) -> None:
        rcp = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:PutObject", "Resource": "*"})
        ps = PolicySet(identity=[doc(allow())], rcp=[[rcp]])
        assert decide(ps, "s3:GetObject", self.obj, resource_account=A).allowed  # RCPFullAWSAccess is implicit
        d = decide(ps, "s3:PutObject", self.obj, resource_account=A)
        assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("rcp",)

    def test_session_policy(self) -> None:
        ps = PolicySet(identity=[doc(allow())], session=doc(allow("s3:GetObject")))
        assert decide(ps, "s3:GetObject", self.obj, SESSION, resource_account=A).allowed
        d = decide(ps, "s3:PutObject", self.obj, SESSION, resource_account=A)
        assert d.decision == "ImplicitlyDenied" and d.blocked_by == ("session",)

    def test_explicit_deny_wins_and_lists_the_blockers(self) -> None:
        scp = [[doc(allow("ec2:*"))]]
        ps = PolicySet(identity=[doc(allow(), deny("s3:PutObject"))], scp=scp)
        d = decide(ps, "s3:PutObject", self.obj, resource_account=A)
        # nothing allowed the request: only the explicit denial is listed
        assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("identity",)
        rp = doc({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "s3:*", "Resource": "*"})
        ps = PolicySet(identity=[doc(deny("s3:PutObject"))], resource=rp, scp=scp)
        d = decide(ps, "s3:PutObject", self.obj, resource_account=A)
        # the resource policy allowed it: every policy type that stopped it is listed
        assert d.decision == "ExplicitlyDenied" and set(d.blocked_by) == {"scp", "identity"}

    def test_get_caller_identity_always_allowed(self) -> None:
        ps = PolicySet(identity=[doc(deny())])
        assert decide(ps, "sts:GetCallerIdentity", "*", resource_account=A).allowed


class TestExplain:
    def test_explanation_names_the_failing_condition(self) -> None:
        ps = ident(
            allow(
                "ec2:CreateVolume",
                "*",
                Sid="Tagged",
                Condition={"StringEquals": {"aws:RequestTag/team": "${aws:PrincipalTag/team}"}},
            ),
            deny("ec2:DeleteVolume", Sid="NoDelete"),
        )
        d = decide(
            ps,
            "ec2:CreateVolume",
            f"arn:aws:ec2:us-east-1:{A}:volume/v",
            context={"aws:RequestTag/team": "red", "aws:PrincipalTag/team": "blue"},
        )
        exp = d.explain()
        assert exp.decision == d.decision == "ImplicitlyDenied"
        tagged = next(s for s in exp.statements if s.sid == "Tagged")
        assert not tagged.applies and tagged.action_matched and tagged.resource_matched
        cond = tagged.conditions[0]
        assert (cond.operator, cond.key, cond.request_values, cond.matched) == (
            "StringEquals",
            "aws:RequestTag/team",
            ("red",),
            False,
        )
        assert cond.details[0][1][0].resolved == "blue"
        assert "aws:RequestTag/team" in tagged.reason
        nodelete = next(s for s in exp.statements if s.sid == "NoDelete")
        assert nodelete.reason.startswith("action not matched")
        json.dumps(exp.to_dict())  # JSON-serialisable

    def test_deciding_statements(self) -> None:
        ps = ident(allow("s3:*", Sid="All"), deny("s3:DeleteObject", Sid="NoDelete"))
        d = decide(ps, "s3:DeleteObject", "arn:aws:s3:::b/k")
        assert [s.sid for s in d.explain().deciding] == ["NoDelete"]
        d = decide(ps, "s3:GetObject", "arn:aws:s3:::b/k")
        assert [s.sid for s in d.explain().deciding] == ["All"]

    def test_accepts_documents_dicts_and_text(self) -> None:
        text = json.dumps(doc(allow("s3:GetObject")))
        for form in (text, json.loads(text), PolicyDocument.from_json(text)):
            assert decide(PolicySet(identity=[form]), "s3:GetObject", "arn:aws:s3:::b/k").allowed


class TestEdges:
    def test_short_arns_depend_on_the_policy_type(self) -> None:
        queue = f"arn:aws:sqs:us-east-1:{A}:q"
        # identity policies expand a short ARN with '*' segments
        assert decide(ident(allow("sqs:SendMessage", "arn:aws:sqs")), "sqs:SendMessage", queue).allowed
        # a resource policy ignores a short ARN without a wildcard
        rp = doc({"Effect": "Allow", "Principal": {"AWS": ROLE}, "Action": "sqs:*", "Resource": "arn:aws:sqs"})
        assert not decide(PolicySet(resource=rp), "sqs:SendMessage", queue, resource_account=A).allowed

    def test_request_resource_patterns(self) -> None:
        ps = ident(
            allow("s3:GetObject", "arn:aws:s3:::b/public/*"), deny("s3:GetObject", "arn:aws:s3:::b/public/secret/*")
        )
        # "any object under b/": an Allow on part of it applies, a Deny on a narrower part does not
        assert decide(ps, "s3:GetObject", "arn:aws:s3:::b/*").allowed
        assert not decide(ps, "s3:GetObject", "arn:aws:s3:::c/*").allowed

    def test_service_rules(self) -> None:
        everything = ident(allow())
        alias = f"arn:aws:kms:us-east-1:{A}:alias/aws/ebs"
        assert not decide(everything, "kms:DeleteAlias", alias, resource_account=A).allowed
        reserved = f"arn:aws:iam::{A}:role/aws-reserved/sso.amazonaws.com/AWSReservedSSO_x"
        assert not decide(everything, "iam:DeleteRole", reserved, resource_account=A).allowed
        assert decide(everything, "iam:DeleteRole", f"arn:aws:iam::{A}:role/mine", resource_account=A).allowed

    def test_anonymous_and_rcp(self) -> None:
        rp = doc({"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})
        rcp = doc({"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"})
        d = decide(PolicySet(resource=rp, rcp=[[rcp]]), "s3:GetObject", "arn:aws:s3:::b/k", None, resource_account=A)
        assert d.decision == "ExplicitlyDenied" and d.blocked_by == ("rcp",)
        # SCPs do not apply to anonymous requests
        scp = [[doc(deny())]]
        assert decide(
            PolicySet(resource=rp, scp=scp), "s3:GetObject", "arn:aws:s3:::b/k", None, resource_account=A
        ).allowed

    def test_memoised_and_fresh_evaluations_agree(self) -> None:
        cp = compile_policies(ident(allow("ec2:Describe*")))
        other = f"arn:aws:iam::{B}:role/x"
        for _ in range(3):
            assert cp.evaluate(
                Request(ROLE, "ec2:DescribeInstances", f"arn:aws:ec2:us-east-1:{A}:instance/i", A)
            ).allowed
            assert not cp.evaluate(
                Request(other, "ec2:DescribeInstances", f"arn:aws:ec2:us-east-1:{A}:instance/i", A)
            ).allowed
