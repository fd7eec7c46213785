"""verify's refusal check skips the packaged controller policies (known clean by digest): the long way finds
nothing in any of them, in any partition, and a document that differs in anything is checked in full."""

from __future__ import annotations

import json

import pytest

from byoc_iam.lint.known_clean import KNOWN_CLEAN, digest, packaged_documents
from byoc_iam.model import PolicyDocument
from byoc_iam.verify import documents

PACKAGED = packaged_documents()


@pytest.mark.parametrize("name", sorted(PACKAGED))
def test_the_long_way_refuses_no_packaged_controller_policy(name: str) -> None:
    raw = PACKAGED[name]
    assert digest(raw) in KNOWN_CLEAN and documents._known_sound(raw)
    assert documents._problem(json.dumps(raw, sort_keys=True), "identity") is None
    assert documents.refusal(name, PolicyDocument.from_dict(raw), "identity") is None


def test_a_changed_controller_policy_is_checked_in_full() -> None:
    raw = json.loads(json.dumps(next(iter(PACKAGED.values()))))
    raw["Statement"][0]["Condition"] = {"StringEqualz": {"aws:RequestedRegion": "us-east-1"}}
    assert not documents._known_sound(raw)
    refused = documents.refusal("inline:x", PolicyDocument.from_dict(raw), "identity")
    assert refused is not None and "StringEqualz" in refused.first


def test_a_packaged_policy_as_a_trust_policy_is_still_checked() -> None:
    raw = next(iter(PACKAGED.values()))
    refused = documents.refusal("trust policy", PolicyDocument.from_dict(raw), "trust")
    assert refused is not None  # a trust policy needs a Principal: only identity use is known clean
