"""The controller policies are ours, and grant exactly what the pinned upstream releases grant."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byoc_iam.blueprint import controller, controller_pins, controller_policy
from byoc_iam.model import PolicyDocument

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")
# controller -> (upstream file for aws, {partition: upstream file of its own, when upstream publishes one})
UPSTREAM = {
    "aws-load-balancer-controller": (
        "aws-load-balancer-controller.iam_policy.json",
        {
            "aws-cn": "aws-load-balancer-controller.iam_policy_cn.json",
            "aws-us-gov": "aws-load-balancer-controller.iam_policy_us-gov.json",
        },
    ),
    "aws-ebs-csi-driver": ("aws-ebs-csi-driver.example-iam-policy.json", {}),
    "cluster-autoscaler": ("cluster-autoscaler.full-policy.json", {}),
}
EXPECTED_ACTIONS = {"aws-load-balancer-controller": 80, "aws-ebs-csi-driver": 20, "cluster-autoscaler": 11}


def _actions(doc: PolicyDocument) -> set[str]:
    return {a for s in doc.statements for a in (s.action or ())}


def _upstream(shared_research: Path, name: str, partition: str) -> PolicyDocument:
    aws_file, variants = UPSTREAM[name]
    if partition in variants:
        return PolicyDocument.from_json((shared_research / "upstream" / variants[partition]).read_text())
    # Upstream publishes one document: its partition variant is the same with arn:<partition>:.
    text = (shared_research / "upstream" / aws_file).read_text()
    return PolicyDocument.from_json(text.replace('"arn:aws:', f'"arn:{partition}:'))


@pytest.mark.parametrize("partition", PARTITIONS)
@pytest.mark.parametrize("name", sorted(UPSTREAM))
def test_controller_policy_semantically_equals_upstream(shared_research: Path, name: str, partition: str) -> None:
    ours = controller_policy(name, partition)
    upstream = _upstream(shared_research, name, partition)
    assert ours.semantically_equal(upstream), f"{name} ({partition}) differs from upstream"


def test_upstream_partition_variants_differ_from_aws(shared_research: Path) -> None:
    """The aws-cn/us-gov upstream files really are different documents (the test above is not vacuous)."""
    aws = _upstream(shared_research, "aws-load-balancer-controller", "aws")
    for partition in ("aws-cn", "aws-us-gov"):
        variant = _upstream(shared_research, "aws-load-balancer-controller", partition)
        assert not aws.semantically_equal(variant)
        assert not controller_policy("aws-load-balancer-controller", partition).semantically_equal(aws)


@pytest.mark.parametrize("name", sorted(UPSTREAM))
def test_dropping_one_action_breaks_equality(shared_research: Path, name: str) -> None:
    data = controller_policy(name).to_dict()
    stmt = next(s for s in data["Statement"] if isinstance(s["Action"], list) and len(s["Action"]) > 1)
    stmt["Action"] = stmt["Action"][1:]
    assert not PolicyDocument.from_dict(data).semantically_equal(_upstream(shared_research, name, "aws"))


@pytest.mark.parametrize("name", sorted(EXPECTED_ACTIONS))
def test_action_counts_match_the_pins(name: str) -> None:
    for partition in PARTITIONS:
        assert len(_actions(controller_policy(name, partition))) == EXPECTED_ACTIONS[name]
    assert controller(name).pin.actions == EXPECTED_ACTIONS[name]


def test_partition_variants_only_change_the_arn_partition() -> None:
    for name in UPSTREAM:
        aws = json.dumps(controller_policy(name, "aws").to_dict())
        for partition in ("aws-cn", "aws-us-gov"):
            variant = json.dumps(controller_policy(name, partition).to_dict())
            assert "${partition}" not in variant
            assert variant.replace(f"arn:{partition}:", "arn:aws:") == aws
            if "arn:" in aws:
                assert f"arn:{partition}:" in variant


def test_unknown_partition_is_refused() -> None:
    with pytest.raises(ValueError, match="no policy for partition aws-iso"):
        controller_policy("cluster-autoscaler", "aws-iso")


def test_pins_name_the_upstream_releases() -> None:
    pins = {p.controller: p for p in controller_pins()}
    assert list(pins) == ["aws-load-balancer-controller", "aws-ebs-csi-driver", "cluster-autoscaler"]
    assert pins["aws-load-balancer-controller"].release == "v2.13.0"
    assert pins["aws-load-balancer-controller"].path == "docs/install/iam_policy.json"
    assert pins["aws-ebs-csi-driver"].release == "v1.59.0"
    assert pins["aws-ebs-csi-driver"].path == "docs/example-iam-policy.json"
    assert pins["cluster-autoscaler"].repository == "kubernetes/autoscaler"
    assert "full features" in pins["cluster-autoscaler"].path
    for pin in pins.values():
        assert len(pin.commit) == 40
        assert pin.url.startswith("https://github.com/")
        assert pin.release in pin.label()


def test_statement_sids_are_ours_and_valid() -> None:
    for name in UPSTREAM:
        sids = [s.sid for s in controller_policy(name).statements]
        assert all(sid and sid.isalnum() for sid in sids)
        assert len(set(sids)) == len(sids)
