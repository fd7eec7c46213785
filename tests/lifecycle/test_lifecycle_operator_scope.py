"""Issue 10: the operator policy is least privilege, proven with byoc-iam's engine: attach/detach only the
blueprint's exact policy ARNs, writes only to the role's ARN, no iam:PassRole, one concrete account; and it
covers every supported option (--allow-custom-issuer)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from lifecycle_helpers import run_cli

from byoc_iam.aws import operator
from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID, MotoServer
from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.engine import PolicySet, Request, compile_policies

ACCT = "123456789012"
ROLE = "zilliz-byoc-eks-role"
ROLE_ARN = f"arn:aws:iam::{ACCT}:role/{ROLE}"
WHO = f"arn:aws:iam::{ACCT}:user/operator"


def decider(doc: dict[str, Any]) -> Any:
    compiled = compile_policies(PolicySet(identity=[doc]))

    def decide(action: str, resource: str, **context: str) -> str:
        request = Request(WHO, action, resource, resource_account=ACCT, context=dict(context))
        return str(compiled.evaluate(request).decision)

    return decide


def rendered_arns() -> list[str]:
    """Every policy ARN the rendered blueprint role attaches (AWS managed + its customer-managed policies)."""
    spec = render_role(BlueprintInputs(account_id=ACCT, role_name=ROLE, policy_placement="managed"))
    own = [f"arn:aws:iam::{ACCT}:policy{spec.path}{name}" for name in spec.customer_managed_policies]
    return sorted({*spec.managed_policy_arns, *own})


def test_attach_and_detach_only_the_blueprints_exact_policies() -> None:
    decide = decider(operator.operator_policy(account=ACCT, role_name=ROLE))
    for arn in rendered_arns():  # the blueprint's own policies: allowed
        for action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy"):
            assert decide(action, ROLE_ARN, **{"iam:PolicyARN": arn}) == "Allowed", (action, arn)
    others = [
        "arn:aws:iam::aws:policy/AdministratorAccess",
        "arn:aws:iam::aws:policy/AmazonEKSClusterPolicyX",  # a prefix match is not the policy
        "arn:aws:iam::aws:policy/IAMFullAccess",
        f"arn:aws:iam::{ACCT}:policy/{ROLE}-Admin",  # a policy named like ours that the blueprint never renders
        f"arn:aws:iam::{ACCT}:policy/anything",
        f"arn:aws:iam::999999999999:policy/{ROLE}-AmazonEBSCSIDriverPolicy",
    ]
    for arn in others:
        for action in ("iam:AttachRolePolicy", "iam:DetachRolePolicy"):
            assert decide(action, ROLE_ARN, **{"iam:PolicyARN": arn}) != "Allowed", (action, arn)
    assert decide("iam:AttachRolePolicy", ROLE_ARN) != "Allowed"  # no iam:PolicyARN in the request: denied


def test_writes_only_to_the_roles_arn_and_never_pass_role() -> None:
    decide = decider(operator.operator_policy(operator.ALL_COMMANDS, account=ACCT, role_name=ROLE))
    writes = [c.action for c in operator.calls().values() if c.access == "write" and "role" in c.resources]
    assert "iam:UpdateAssumeRolePolicy" in writes and "iam:DeleteRole" in writes
    for other in (f"arn:aws:iam::{ACCT}:role/other", f"arn:aws:iam::{ACCT}:role/x/{ROLE}", ROLE_ARN + "-2"):
        for action in writes:
            assert decide(action, other, **{"iam:PolicyARN": rendered_arns()[0]}) != "Allowed", (action, other)
    for resource in (ROLE_ARN, f"arn:aws:iam::{ACCT}:role/other", "*"):
        assert decide("iam:PassRole", resource, **{"iam:PassedToService": "eks.amazonaws.com"}) != "Allowed"
    assert not any("iam:PassRole" in json.dumps(s) for s in operator.operator_policy(account=ACCT)["Statement"])


@pytest.mark.parametrize("account", ["*", "12", "\uff11" * 12, "123456789012\n"])
def test_a_concrete_account_is_required(account: str) -> None:
    with pytest.raises(ValueError, match="12-digit"):
        operator.operator_policy(account=account)
    res = run_cli("operator-policy", "--account-id", account)
    assert res.code == 2 and res.err.count("\n") == 1 and "--account-id" in res.err


def test_without_account_id_the_account_comes_from_sts(lc_env: MotoServer) -> None:
    res = run_cli("operator-policy")
    assert res.code == 0, res.err
    role = next(s for s in json.loads(res.out)["Statement"] if s.get("Sid") == "ByocRole")
    assert role["Resource"] == f"arn:aws:iam::{SANDBOX_ACCOUNT_ID}:role/{ROLE}"
    assert "*:role" not in res.out and "iam::*:" not in res.out


def test_allow_custom_issuer_is_covered_only_when_asked() -> None:
    custom = f"arn:aws:iam::{ACCT}:oidc-provider/token.example.com/issuer"
    eks = f"arn:aws:iam::{ACCT}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/A"
    narrow = decider(operator.operator_policy(account=ACCT))
    wide = decider(operator.operator_policy(account=ACCT, custom_issuer=True))
    for action in ("iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider"):
        assert narrow(action, eks) == "Allowed" and narrow(action, custom) != "Allowed"
        assert wide(action, custom) == "Allowed" and wide(action, eks) == "Allowed"
    res = run_cli("operator-policy", "--account-id", ACCT, "--allow-custom-issuer")
    assert res.code == 0 and f"arn:aws:iam::{ACCT}:oidc-provider/*" in res.out
