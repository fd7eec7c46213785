"""verify's trust mode uses model/arn.py's one placeholder test, and fails closed on a provider it cannot parse."""

from __future__ import annotations

import json

from verify_helpers import ACCOUNT, ISSUER, rendered, without

from byoc_iam.model import RoleSpec
from byoc_iam.verify import verify_role

HOST = ISSUER.removeprefix("https://")


def _retrust(spec: RoleSpec, old: str, new: str) -> RoleSpec:
    return without(spec, trust_policy=json.loads(json.dumps(spec.trust_policy).replace(old, new)))


def _mode(spec: RoleSpec) -> tuple[str, bool]:
    report = verify_role(spec, explain=False)
    return report.trust_mode, any(f.code == "placeholder-trust-not-linked" for f in report.findings)


def test_any_provider_without_an_issuer_host_is_a_placeholder() -> None:
    assert _mode(rendered()) == ("placeholder", True)
    assert _mode(_retrust(rendered(), "eks_oidc_url", "${OIDC_PROVIDER}")) == ("placeholder", True)


def test_a_real_issuer_is_linked_but_an_unparsable_provider_arn_is_not() -> None:
    linked = rendered(oidc_issuer=ISSUER)
    assert _mode(linked) == ("linked", False)
    # a provider ARN without a 12-digit account cannot be a real provider: never reported as linked
    broken = _retrust(linked, f"arn:aws:iam::{ACCOUNT}:oidc-provider/", "arn:aws:iam::${ACCOUNT}:oidc-provider/")
    assert _mode(broken) == ("placeholder", True)
