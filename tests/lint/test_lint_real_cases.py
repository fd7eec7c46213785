"""Public bug reports of trust and permission policies that AWS refuses, never honours or flags, reduced to the
smallest document: ``lint`` must report what AWS's own validator (IAM Access Analyzer) reports."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.lint import lint_document
from cli_helpers import run_cli as run

A = "111122223333"
GH = "token.actions.githubusercontent.com"
GH_PROVIDER = f"arn:aws:iam::{A}:oidc-provider/{GH}"
ROLE = f"arn:aws:iam::{A}:role/GithubActionsRole"


def doc(*statements: dict[str, Any]) -> dict[str, Any]:
    return {"Version": "2012-10-17", "Statement": list(statements)}


def codes(document: dict[str, Any], policy_type: str) -> set[str]:
    return {f.code for f in lint_document(document, policy_type)}


def _federated(principal: str, action: Any, condition: dict[str, Any] | None = None) -> dict[str, Any]:
    st: dict[str, Any] = {"Effect": "Allow", "Principal": {"Federated": principal}, "Action": action}
    return doc({**st, "Condition": condition}) if condition else doc(st)


@pytest.mark.parametrize(
    "principal",
    [GH_PROVIDER, "cognito-identity.amazonaws.com", f"arn:aws:iam::{A}:saml-provider/corp"],
    ids=["oidc-provider", "cognito", "saml-provider"],
)
def test_federated_principal_with_sts_assume_role_is_an_error(principal: str) -> None:
    """aws/aws-cdk#31128 (https://github.com/aws/aws-cdk/issues/31128): a ``FederatedPrincipal`` for the GitHub
    OIDC provider always got ``sts:AssumeRole``, while a federated identity can only use
    AssumeRoleWithWebIdentity/AssumeRoleWithSAML. AWS: Access Analyzer reports "Mismatched action for principal"
    (its validate-policy example in the AWS CLI reference flags ``cognito-identity.amazonaws.com`` with
    ``sts:AssumeRole``). byoc-iam reported no finding here (E2013 covered only SAML/OIDC swaps) until fixed."""
    found = [f for f in lint_document(_federated(principal, ["sts:AssumeRole", "sts:TagSession"]), "trust")]
    e2013 = [f for f in found if f.code == "E2013"]
    assert e2013 and str(e2013[0].severity).endswith("ERROR") and "never sts:AssumeRole" in e2013[0].message
    assert e2013[0].path == "/Statement/0/Principal/Federated"
    right = "sts:AssumeRoleWithSAML" if ":saml-provider/" in principal else "sts:AssumeRoleWithWebIdentity"
    assert right in e2013[0].message
    assert "E2013" not in codes(_federated(principal, right), "trust")  # the control: the right action is clean
    assert "E2013" not in codes(_federated(principal, [right, "sts:TagSession"]), "trust")


def test_federated_assume_role_through_the_cli_exits_nonzero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The aws-cdk#31128 trust through ``byoc-iam lint``: an ERROR fails the run; the web-identity form passes."""
    bad = tmp_path / "trust.json"
    bad.write_text(
        json.dumps(_federated(GH_PROVIDER, "sts:AssumeRole", {"StringEquals": {f"{GH}:aud": "sts.amazonaws.com"}}))
    )
    code, out, _ = run(["lint", str(bad), "--type", "trust"], capsys)
    assert code != 0 and "E2013" in out
    good = tmp_path / "good.json"
    good.write_text(
        json.dumps(
            _federated(
                GH_PROVIDER,
                "sts:AssumeRoleWithWebIdentity",
                {"StringEquals": {f"{GH}:aud": "sts.amazonaws.com", f"{GH}:sub": "repo:org/repo:ref:refs/heads/main"}},
            )
        )
    )
    code, out, _ = run(["lint", str(good), "--type", "trust"], capsys)
    assert "E2013" not in out


def test_for_all_values_on_single_valued_oidc_claims_is_flagged() -> None:
    """aws-actions/configure-aws-credentials#690 (https://github.com/aws-actions/configure-aws-credentials/issues/690)
    and #318, github/docs#15769 (https://github.com/github/docs/issues/15769): trusts written with
    ``ForAllValues:StringEquals`` on ``:aud`` and ``ForAllValues:StringLike`` on ``:sub``. AWS: ForAllValues is
    true when the request has no value for the key (IAM User Guide, "Single-valued vs. multivalued context
    keys"), and Access Analyzer reports "ForAllValues with single valued key" (S3008 here)."""
    aud = _federated(
        GH_PROVIDER,
        "sts:AssumeRoleWithWebIdentity",
        {
            "StringLike": {f"{GH}:sub": "repo:org/repo:*"},
            "ForAllValues:StringEquals": {f"{GH}:aud": "sts.amazonaws.com"},
        },
    )
    hits = [f for f in lint_document(aud, "trust") if f.code == "S3008"]
    assert hits and f"{GH}:aud" in hits[0].message
    sub = _federated(
        GH_PROVIDER,
        "sts:AssumeRoleWithWebIdentity",
        {"ForAllValues:StringLike": {f"{GH}:sub": "repo:My-ORG/*"}, "StringEquals": {f"{GH}:aud": "sts.amazonaws.com"}},
    )
    assert "S3008" in codes(sub, "trust")
    # what AWS does with it: a request without the claim satisfies the ForAllValues condition
    d = compile_policies(PolicySet(resource=sub)).evaluate(
        Request(GH_PROVIDER, "sts:AssumeRoleWithWebIdentity", ROLE, context={f"{GH}:aud": "sts.amazonaws.com"})
    )
    assert d.allowed


def test_allow_not_action_with_an_unknown_action_grants_everything() -> None:
    """prowler-cloud/prowler#5035 (https://github.com/prowler-cloud/prowler/pull/5035): ``Allow`` +
    ``NotAction: "prowler:action"`` + ``Resource: "*"`` grants administrator access and IAM accepts the policy.
    AWS allows every real action; lint must flag it (S3006) and the unknown service (E2001)."""
    policy = doc({"Effect": "Allow", "NotAction": "prowler:action", "Resource": "*"})
    assert {"S3006", "E2001"} <= codes(policy, "identity")
    d = compile_policies(PolicySet(identity=[policy])).evaluate(
        Request(f"arn:aws:iam::{A}:role/app", "iam:CreateUser", f"arn:aws:iam::{A}:user/x")
    )
    assert d.allowed


def test_service_trust_without_a_confused_deputy_guard_is_warned_only_where_aws_documents_one() -> None:
    """aws-solutions/aws-control-tower-customizations#226 (https://github.com/aws-solutions/aws-control-tower-
    customizations/issues/226): CodeBuild service roles with bare trust policies, while CodeBuild documents
    ``aws:SourceAccount``/``aws:SourceArn`` (IAM User Guide, "The confused deputy problem"): W3007.
    prowler-cloud/prowler#2810 (https://github.com/prowler-cloud/prowler/issues/2810): the same check on
    ``ec2.amazonaws.com`` was a false positive (EC2's documented trust carries no such key): no W3007."""
    bare = doc({"Effect": "Allow", "Principal": {"Service": "codebuild.amazonaws.com"}, "Action": "sts:AssumeRole"})
    assert "W3007" in codes(bare, "trust")
    guarded = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "codebuild.amazonaws.com"},
            "Action": "sts:AssumeRole",
            "Condition": {"StringEquals": {"aws:SourceAccount": A}},
        }
    )
    assert "W3007" not in codes(guarded, "trust")
    ec2 = doc({"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"})
    assert "W3007" not in codes(ec2, "trust")


def test_a_trust_policy_with_resource_is_refused() -> None:
    """terraform-aws-modules/terraform-aws-eks-pod-identity#34 (https://github.com/terraform-aws-modules/terraform-
    aws-eks-pod-identity/issues/34): extra trust statements with a ``Resource`` made IAM answer
    "MalformedPolicyDocument: Has prohibited field Resource". AWS refuses the document: E1007 (ERROR)."""
    trust = doc(
        {
            "Effect": "Allow",
            "Principal": {"Service": "pods.eks.amazonaws.com"},
            "Action": ["sts:AssumeRole", "sts:TagSession"],
            "Resource": "*",
        }
    )
    found = [f for f in lint_document(trust, "trust") if f.code == "E1007"]
    assert found and str(found[0].severity).endswith("ERROR") and found[0].path == "/Statement/0/Resource"
    del trust["Statement"][0]["Resource"]
    assert "E1007" not in codes(trust, "trust")
