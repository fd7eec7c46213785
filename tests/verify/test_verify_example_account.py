"""verify's "another account" probes are never the role's own account: a role in 111122223333 (AWS's example
account, the one in every doc and in this project's bench) used to fail four trust checks, because the probe's
"other" account was that same account and its OIDC provider was the role's own."""

from __future__ import annotations

import pytest

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.verify import verify_role
from byoc_iam.verify.data import trust_negatives
from byoc_iam.verify.requirements import Target
from byoc_iam.verify.split_trust import check_split_trust

ISSUER = "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"
ACCOUNTS = [*trust_negatives().other_accounts, "123456789012"]


@pytest.mark.parametrize("account", ACCOUNTS)
def test_the_eks_role_passes_its_trust_checks_in_any_account(account: str) -> None:
    spec = render_role(BlueprintInputs(account_id=account, region="us-east-1", oidc_issuer=ISSUER))
    report = verify_role(spec, target=Target(account=account, region="us-east-1"))
    failed = [t.id for t in report.trust if t.status == "failed"]
    assert failed == []
    other = [t for t in report.trust if t.id == "irsa-other-account-provider"]
    assert other and other[0].status == "passed"
    assert trust_negatives().other_account(account) not in (account, None)


@pytest.mark.parametrize("account", ACCOUNTS)
def test_pod_identity_roles_pass_the_other_account_check_in_any_account(account: str) -> None:
    inputs = BlueprintInputs(account_id=account, layout="split", region="us-east-1", identity="pod-identity")
    specs = {m.kind: m.spec for m in render_role_set(inputs)}
    target = Target(account=account, region="us-east-1", partition="aws", cluster="zilliz-byoc")
    rows = [(r.kind, t.id, t.status) for r in check_split_trust(inputs, specs, target) for t in r.trust]
    assert [row for row in rows if row[2] == "failed"] == []
    assert any(t == "pod-identity:other-account" for _, t, _ in rows)
