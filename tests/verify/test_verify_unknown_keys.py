"""No false PASS on condition keys verify cannot know (a fresh-eyes report): AWS sets aws:CurrentTime,
aws:SourceIp, aws:userid... on every request, so a Deny conditioned on them denies in AWS while verify, which
left them out, skipped it and said READY. Now verify knows what it can (aws:ViaAWSService false for a direct
call, the role's tags as aws:PrincipalTag) and evaluates the rest at its worst (byoc_iam.verify.unknown):
the first tests reproduce the report, the property test proves the rewriting sound for any value."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from verify_helpers import without

from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.model import RoleSpec
from byoc_iam.verify import verify_role
from byoc_iam.verify.unknown import worst_case

GUARDS = {
    "via-aws-service": {"Bool": {"aws:ViaAWSService": "false"}},  # known: false on a direct call
    "current-time": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
    "epoch-time": {"NumericGreaterThan": {"aws:EpochTime": "1577836800"}},
    "userid": {"StringLike": {"aws:userid": "*"}},
    "token-issue-time": {"DateGreaterThan": {"aws:TokenIssueTime": "2020-01-01T00:00:00Z"}},
    "source-ip": {"IpAddress": {"aws:SourceIp": "0.0.0.0/0"}},
    "user-agent": {"StringLike": {"aws:UserAgent": "*"}},
    "role-delivery": {"NumericGreaterThanEquals": {"ec2:RoleDelivery": "1"}},
    # second break test: keys no list named; verify now fails closed on every key it does not model
    "resource-account": {"StringEquals": {"aws:ResourceAccount": "111122223333"}},
    "vpce-account": {"StringEquals": {"aws:VpceAccount": "111122223333"}},
    "vpce-org": {"StringLike": {"aws:VpceOrgID": "*"}},
    "source-vpc-arn": {"ArnLike": {"aws:SourceVpcArn": "arn:aws:*:*:*:*"}},
    "ec2-region": {"StringEquals": {"ec2:Region": "us-west-2"}},
    "ec2-vpc": {"StringEquals": {"ec2:Vpc": "arn:aws:ec2:us-west-2:111122223333:vpc/vpc-1"}},
    "ec2-tenancy": {"StringEquals": {"ec2:Tenancy": "default"}},
}


def _with_guard(role: RoleSpec, condition: dict[str, Any]) -> RoleSpec:
    guard = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*", "Resource": "*"}]}
    guard["Statement"][0]["Condition"] = condition
    return without(role, inline_policies={**role.inline_policies, "Guard": guard})


@pytest.mark.parametrize("name", list(GUARDS))
def test_a_deny_on_a_key_aws_always_sends_fails_verify(linked_role: RoleSpec, name: str) -> None:
    report = verify_role(_with_guard(linked_role, GUARDS[name]), explain=False)
    assert not report.ok and report.status == "fails"
    assert report.summary.calls.failed > 0
    failed = next(c for comp in report.components for c in comp.calls if c.status == "failed")
    if name != "via-aws-service":  # a known value: denied plainly; the others say why they count
        key = next(iter(next(iter(GUARDS[name].values()))))
        assert key in failed.reason and "cannot know" in failed.reason


def test_the_same_role_without_the_guard_is_ready(linked_role: RoleSpec) -> None:
    assert verify_role(linked_role, explain=False).status == "ready"


def test_a_deny_on_the_roles_own_tag_applies(linked_role: RoleSpec) -> None:
    tagged = without(linked_role, tags={"team": "ml"})
    assert verify_role(tagged, explain=False).status == "ready"
    report = verify_role(_with_guard(tagged, {"StringEquals": {"aws:PrincipalTag/team": "ml"}}), explain=False)
    assert not report.ok and report.summary.calls.failed > 0
    other = verify_role(_with_guard(tagged, {"StringEquals": {"aws:PrincipalTag/team": "web"}}), explain=False)
    assert other.status == "ready"  # a Deny on another team's tag does not apply


def test_a_trust_deny_on_the_time_fails_the_intended_principals(linked_role: RoleSpec) -> None:
    trust = copy.deepcopy(linked_role.trust_policy)
    trust["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:*",
            "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
        }
    )
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    positives = [t for t in report.trust if t.kind == "positive"]
    assert positives and not any(t.passed for t in positives)
    assert "aws:CurrentTime" in positives[0].reason
    assert not report.ok


TRUST_GUARDS = {
    "secure-transport": ("sts:AssumeRoleWithWebIdentity", {"Bool": {"aws:SecureTransport": "true"}}),
    "requested-region": ("sts:AssumeRoleWithWebIdentity", {"StringEquals": {"aws:RequestedRegion": "us-west-2"}}),
    "resource-account": ("sts:AssumeRoleWithWebIdentity", {"StringEquals": {"aws:ResourceAccount": "111122223333"}}),
    "session-name": ("sts:AssumeRoleWithWebIdentity", {"StringLike": {"sts:RoleSessionName": "*"}}),
    "session-name-services": ("sts:AssumeRole", {"StringLike": {"sts:RoleSessionName": "*"}}),
    "principal-service-name": ("sts:AssumeRole", {"StringLike": {"aws:PrincipalServiceName": "*"}}),
    "source-account": ("sts:AssumeRole", {"StringEquals": {"aws:SourceAccount": "111122223333"}}),
}


@pytest.mark.parametrize("name", list(TRUST_GUARDS))
def test_a_trust_deny_on_a_key_the_request_may_carry_fails_the_intended_principals(
    linked_role: RoleSpec, name: str
) -> None:
    """Second break test: each of these Deny statements in the trust was READY (the key left out as absent)."""
    action, condition = TRUST_GUARDS[name]
    trust = copy.deepcopy(linked_role.trust_policy)
    trust["Statement"].append({"Effect": "Deny", "Principal": "*", "Action": action, "Condition": condition})
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    key = next(iter(next(iter(condition.values()))))
    failed = [t for t in report.trust if t.kind == "positive" and t.action == action and not t.passed]
    assert failed and key in failed[0].reason and "cannot know" in failed[0].reason
    assert not report.ok


def test_a_trust_deny_on_a_key_every_check_sends_is_decided_by_its_value(linked_role: RoleSpec) -> None:
    """Not everything is unknown: the web-identity checks send the token's aud, so a Deny on another audience
    does not apply to them and the role stays ready."""
    trust = copy.deepcopy(linked_role.trust_policy)
    web = next(s for s in trust["Statement"] if "Federated" in s["Principal"])
    aud = next(k for k in web["Condition"]["StringEquals"] if k.endswith(":aud"))
    trust["Statement"].append(
        {
            "Effect": "Deny",
            "Principal": "*",
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringNotEquals": {aud: "sts.amazonaws.com"}},
        }
    )
    assert verify_role(without(linked_role, trust_policy=trust), explain=False).status == "ready"


def test_a_trust_open_to_anyone_from_an_address_fails_the_negatives(linked_role: RoleSpec) -> None:
    trust = copy.deepcopy(linked_role.trust_policy)
    trust["Statement"].append(
        {
            "Effect": "Allow",
            "Principal": {"AWS": "*"},
            "Action": "sts:AssumeRole",
            "Condition": {"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}},
        }
    )
    report = verify_role(without(linked_role, trust_policy=trust), explain=False)
    negatives = [t for t in report.trust if t.kind == "negative" and not t.passed]
    assert negatives and "aws:SourceIp" in negatives[0].reason
    assert not report.ok


# -- the rewriting is sound for every value of the unknown key --------------------------------------------

TIMES = ["2019-06-01T00:00:00Z", "2020-01-01T00:00:00Z", "2031-01-01T00:00:00Z"]
OPERATORS = ["DateGreaterThan", "DateLessThan", "DateEquals", "DateNotEquals", "DateGreaterThanIfExists"]
statement = st.fixed_dictionaries(
    {
        "Effect": st.sampled_from(["Allow", "Deny"]),
        "Action": st.sampled_from(["s3:GetObject", "s3:*", "*"]),
        "Resource": st.just("*"),
        "Condition": st.one_of(
            st.builds(lambda op, t: {op: {"aws:CurrentTime": t}}, st.sampled_from(OPERATORS), st.sampled_from(TIMES)),
            st.builds(lambda v: {"Null": {"aws:CurrentTime": v}}, st.sampled_from(["true", "false"])),
            st.builds(
                lambda op, t: {op: {"aws:CurrentTime": t}, "StringEquals": {"s3:prefix": "a"}},
                st.sampled_from(OPERATORS),
                st.sampled_from(TIMES),
            ),
            st.just({"StringEquals": {"aws:PrincipalAccount": "111122223333"}}),
        ),
    }
)


def _decision(doc: dict[str, Any], context: dict[str, Any]) -> str:
    request = Request(
        principal="arn:aws:sts::111122223333:assumed-role/r/s",
        action="s3:GetObject",
        resource="arn:aws:s3:::b/k",
        resource_account="111122223333",
        context={"aws:PrincipalAccount": "111122223333", **context},
    )
    return compile_policies(PolicySet(identity=[doc])).evaluate(request).decision


@settings(max_examples=150, deadline=None)
@given(st.lists(statement, min_size=1, max_size=4), st.sampled_from([*TIMES, "2025-05-05T05:05:05Z"]))
def test_worst_case_decides_as_aws_would_for_every_value(statements: list[dict[str, Any]], now: str) -> None:
    doc = {"Version": "2012-10-17", "Statement": statements}
    actual = _decision(doc, {"aws:CurrentTime": now})  # what AWS decides at this time
    if _decision(worst_case(doc, "allowed", {"aws:CurrentTime"}).document, {}) == "Allowed":
        assert actual == "Allowed"
    if _decision(worst_case(doc, "denied", {"aws:CurrentTime"}).document, {}) != "Allowed":
        assert actual != "Allowed"


def test_worst_case_keeps_statement_positions_and_names_the_keys() -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "*",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": "1.2.3.4"}},
            },
            {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"StringLike": {"aws:UserAgent": "x"}}},
            {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        ],
    }
    out = worst_case(doc, "allowed", {"aws:sourceip", "aws:useragent"})
    assert out.keys == ("aws:SourceIp", "aws:UserAgent")
    assert [s["Effect"] for s in out.document["Statement"]] == ["Allow", "Deny", "Allow"]
    assert out.document["Statement"][0]["Condition"] == {"Null": {"aws:SourceIp": "false"}}  # never applies
    assert "Condition" not in out.document["Statement"][1]  # always applies
    assert out.document["Statement"][2] == doc["Statement"][2]
    assert doc["Statement"][1]["Condition"] == {"StringLike": {"aws:UserAgent": "x"}}  # input untouched


def test_what_verify_models_and_what_it_does_not() -> None:
    from byoc_iam.verify.context import assume_unmodelled, unmodelled_keys

    unknown = unmodelled_keys()
    modelled = ["aws:principalarn", "aws:requestedregion", "aws:viaawsservice", "aws:requesttag/team", "aws:tagkeys"]
    modelled += ["ec2:resourcetag/kubernetes.io/cluster/x", "aws:principaltag/team", "iam:awsservicename"]
    modelled += ["kms:viaservice", "ec2:createaction", "oidc.eks.us-west-2.amazonaws.com/id/abc:sub"]
    assert not [k for k in modelled if k in unknown]
    not_modelled = ["aws:currenttime", "aws:resourceaccount", "ec2:region", "ec2:subnet", "ec2:tenancy"]
    not_modelled += ["aws:sourceaccount", "s3:prefix", "aws:principalservicename"]
    assert [k for k in not_modelled if k in unknown] == not_modelled
    # an assume request models what it sends, and ExternalId / FederatedProvider as absent when it does not
    ask = assume_unmodelled(["aws:SourceAccount"])
    assert "aws:sourceaccount" not in ask and "sts:externalid" not in ask and "aws:federatedprovider" not in ask
    assert "aws:principalarn" in ask and "aws:requestedregion" in ask and "aws:requesttag/x" in ask
