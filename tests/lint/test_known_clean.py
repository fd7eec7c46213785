"""lint/known_clean.py: the packaged controller policies lint_role skips are exactly those every rule passes,
and skipping them changes no finding."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.lint import known_clean, lint_role
from byoc_iam.lint.context import DocContext, LintOptions
from byoc_iam.lint.runner import _run_doc

ISSUERS = {
    "aws": ("us-east-1", "https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789"),
    "aws-cn": ("cn-north-1", "https://oidc.eks.cn-north-1.amazonaws.com.cn/id/ABCDEF0123456789"),
    "aws-us-gov": ("us-gov-west-1", "https://oidc.eks.us-gov-west-1.amazonaws.com/id/ABCDEF0123456789"),
}


@given(st.binary(max_size=300))
def test_the_digest_is_hashlibs_sha256(data: bytes) -> None:
    import hashlib

    assert known_clean._sha256()(data).hexdigest() == hashlib.sha256(data).hexdigest()


def test_the_table_is_exactly_the_packaged_controller_policies() -> None:
    # a changed controller policy (or a new one) fails here: update KNOWN_CLEAN with known_clean.digests()
    assert known_clean.digests() == known_clean.KNOWN_CLEAN


@pytest.mark.parametrize("trust_mode", ["auto", "placeholder", "resolved"])
@pytest.mark.parametrize("base", ["/inline_policies/P", "/customer_managed_policies/zilliz-byoc-eks-role-P"])
def test_every_rule_passes_every_known_clean_document(trust_mode: str, base: str) -> None:
    options = LintOptions(trust_mode=trust_mode)  # type: ignore[arg-type]
    for key, doc in known_clean.packaged_documents().items():
        ctx = DocContext(doc, "identity", options, base=base, name=base.rsplit("/", 1)[1], in_role=True)
        assert _run_doc(ctx) == [], key  # every document rule for an identity policy, none ignored


def _without_table(monkeypatch: pytest.MonkeyPatch, spec: Any, **kw: Any) -> list[Any]:
    with monkeypatch.context() as m:
        m.setattr(known_clean, "KNOWN_CLEAN", frozenset())
        return lint_role(spec, **kw)


@pytest.mark.parametrize(
    ("partition", "resolved", "placement"), list(itertools.product(ISSUERS, (False, True), ("inline", "managed")))
)
def test_skipping_known_clean_documents_changes_no_finding(
    monkeypatch: pytest.MonkeyPatch, partition: str, resolved: bool, placement: str
) -> None:
    region, issuer = ISSUERS[partition]
    kw: dict[str, Any] = {"account_id": "123456789012", "region": region, "policy_placement": placement}
    if resolved:
        kw["oidc_issuer"] = issuer
    spec = render_role(BlueprintInputs(**kw))
    documents = {**spec.inline_policies, **spec.customer_managed_policies}.values()
    assert sum(known_clean.is_known_clean(d) for d in documents) == 3
    for opts in ({}, {"trust_mode": "resolved"}, {"trust_size_limit": 100}):
        assert lint_role(spec, **opts) == _without_table(monkeypatch, spec, **opts)


def test_a_document_differing_in_anything_is_linted(monkeypatch: pytest.MonkeyPatch) -> None:
    spec = render_role(BlueprintInputs(account_id="123456789012"))
    name, doc = next(iter(spec.inline_policies.items()))
    bad = {**doc, "Statement": [*doc["Statement"], {"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]}
    assert known_clean.is_known_clean(doc) and not known_clean.is_known_clean(bad)
    tampered = spec.model_copy(update={"inline_policies": {**spec.inline_policies, name: bad}})
    assert "E2002" in {f.code for f in lint_role(tampered)}
    assert not known_clean.is_known_clean({"a": float("nan"), "b": {1, 2}})  # not JSON: never a match
