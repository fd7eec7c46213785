"""The managed-policy catalog contract: entries, ARNs per partition, attachability, history."""

from __future__ import annotations

import copy
import json
from datetime import date
from importlib import resources
from typing import Any

import pytest

from byoc_iam.errors import UsageError
from byoc_iam.managed import PARTITIONS, CatalogDataError, get_catalog, parse_policy_arn, policy_arn
from byoc_iam.managed.catalog import build_catalog
from byoc_iam.model import PolicyDocument

SEED_POLICIES = {
    "AmazonEKS_CNI_Policy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSFargatePodExecutionRolePolicy",
    "AmazonEKSForFargateServiceRolePolicy",
    "AmazonEKSServicePolicy",
    "AmazonEKSServiceRolePolicy",
    "AmazonEKSVPCResourceController",
    "AmazonEKSWorkerNodePolicy",
    "AWSServiceRoleForAmazonEKSNodegroup",
    "AmazonEBSCSIDriverPolicy",
    "AmazonEFSCSIDriverPolicy",
    "AmazonEKSLocalOutpostClusterPolicy",
    "AmazonEKSLocalOutpostServiceRolePolicy",
}
# "cannot be attached to IAM entities" on the page
SERVICE_LINKED = {
    "AmazonEKSForFargateServiceRolePolicy",
    "AmazonEKSServiceRolePolicy",
    "AWSServiceRoleForAmazonEKSNodegroup",
    "AmazonEKSLocalOutpostServiceRolePolicy",
}
BYOC_FIVE = {
    "AmazonEC2ContainerRegistryReadOnly",
    "AmazonEKS_CNI_Policy",
    "AmazonEKSWorkerNodePolicy",
    "AmazonEKSClusterPolicy",
    "AmazonEKSVPCResourceController",
}


def _data(name: str) -> Any:
    return json.loads(resources.files("byoc_iam").joinpath(f"data/managed/{name}").read_text(encoding="utf-8"))


def test_every_policy_of_the_page_and_the_byoc_five_is_in_the_catalog() -> None:
    cat = get_catalog()
    assert set(cat.names()) == SEED_POLICIES | BYOC_FIVE
    assert len(cat) == 14
    assert not cat.gaps, "moto's data has every policy; a gap would be listed here"
    assert get_catalog() is cat  # cached


def test_entry_fields_and_types() -> None:
    p = get_catalog().by_name("AmazonEKS_CNI_Policy")
    assert p is not None
    assert p.path == "/"
    assert p.default_version.startswith("v") and int(p.default_version[1:]) >= 5
    assert isinstance(p.updated, date) and p.updated >= date(2024, 3, 4)
    assert isinstance(p.document, PolicyDocument)
    actions = {a.lower() for s in p.document.statements for a in s.actions}
    assert "ec2:describesubnets" in actions
    assert p.attachable_to == "role" and not p.deprecated
    assert "VPC CNI" in p.purpose


@pytest.mark.parametrize("partition", PARTITIONS)
def test_arns_in_every_partition_round_trip(partition: str) -> None:
    cat = get_catalog()
    for p in cat:
        arn = p.arn(partition)
        assert arn == f"arn:{partition}:iam::aws:policy{p.path}{p.name}"
        assert cat.by_arn(arn) is p
        assert parse_policy_arn(arn) == (partition, p.path, p.name)


def test_service_linked_paths_and_attachability() -> None:
    cat = get_catalog()
    for p in cat:
        assert (p.path == "/aws-service-role/") == (p.name in SERVICE_LINKED), p.name
        assert p.attachable_to == ("service-linked-role" if p.name in SERVICE_LINKED else "role"), p.name
        assert p.service_linked_only == (p.name in SERVICE_LINKED)
        assert (p.service_linked_role is not None) == (p.name in SERVICE_LINKED)
    slr = cat.by_name("AmazonEKSServiceRolePolicy")
    assert slr is not None
    assert slr.arn() == "arn:aws:iam::aws:policy/aws-service-role/AmazonEKSServiceRolePolicy"
    assert slr.service_linked_role == "AWSServiceRoleForAmazonEKS"
    ng = cat.by_name("AWSServiceRoleForAmazonEKSNodegroup")
    assert ng is not None and ng.arn("aws-cn").endswith("policy/aws-service-role/AWSServiceRoleForAmazonEKSNodegroup")
    # the CSI driver policies live under /service-role/ but are attachable
    ebs = cat.by_name("AmazonEBSCSIDriverPolicy")
    assert ebs is not None and ebs.path == "/service-role/" and ebs.attachable_to == "role"


def test_only_the_service_policy_is_deprecated() -> None:
    cat = get_catalog()
    assert [p.name for p in cat if p.deprecated] == ["AmazonEKSServicePolicy"]
    sp = cat.by_name("AmazonEKSServicePolicy")
    assert sp is not None and sp.deprecation is not None and "2020-04-16" in sp.deprecation


def test_lookup_misses() -> None:
    cat = get_catalog()
    assert cat.by_name("amazoneks_cni_policy") is cat.by_name("AmazonEKS_CNI_Policy")  # IAM names: case-insensitive
    assert cat.by_name("NoSuchPolicy") is None
    assert cat.by_arn("arn:aws:iam::aws:policy/AmazonEKSServiceRolePolicy") is None  # wrong path
    assert cat.by_arn("arn:aws:iam::123456789012:policy/AmazonEKS_CNI_Policy") is None  # customer managed
    assert cat.by_arn("arn:aws-iso:iam::aws:policy/AmazonEKS_CNI_Policy") is None
    assert cat.by_arn("not an arn") is None


def test_get_raises_usage_errors_with_suggestions() -> None:
    cat = get_catalog()
    assert cat.get("arn:aws-us-gov:iam::aws:policy/AmazonEKSWorkerNodePolicy").name == "AmazonEKSWorkerNodePolicy"
    with pytest.raises(UsageError, match="did you mean AmazonEKSWorkerNodePolicy"):
        cat.get("AmazonEKSWorkerNodePolicyy")
    with pytest.raises(UsageError, match=r"wrong path.*aws-service-role/AmazonEKSServiceRolePolicy"):
        cat.get("arn:aws:iam::aws:policy/AmazonEKSServiceRolePolicy")
    with pytest.raises(UsageError, match="unknown AWS managed policy 'zzzz'"):
        cat.get("zzzz")
    with pytest.raises(UsageError, match="unknown partition"):
        policy_arn("X", "/", "aws-iso")


def test_snapshot_dates_are_the_default_versions() -> None:
    snap = {p["name"]: p for p in _data("snapshot.json")["policies"]}
    for p in get_catalog():
        assert p.default_version == snap[p.name]["default_version"]
        assert p.updated.isoformat() == snap[p.name]["update_date"][:10]
        assert p.created <= p.updated


def test_history_cni_2024_03_04_added_describe_subnets() -> None:
    entries = get_catalog().history("AmazonEKS_CNI_Policy")
    match = [e for e in entries if e.date == date(2024, 3, 4)]
    assert len(match) == 1
    assert match[0].actions_added == ("ec2:DescribeSubnets",)
    assert match[0].kind == "updated"


def test_history_is_complete_sorted_and_names_known_policies() -> None:
    cat = get_catalog()
    entries = cat.history()
    assert len(entries) == 15  # the page's update table
    assert [e.date for e in entries] == sorted((e.date for e in entries), reverse=True)
    assert entries[-1].kind == "tracking-started" and entries[-1].policy is None
    assert entries[-1].date == date(2021, 6, 17)
    for e in entries:
        assert e.policy is None or cat.by_name(e.policy) is not None, e.policy
    introduced = {e.policy for e in entries if e.kind == "introduced"}
    assert introduced == {
        "AmazonEFSCSIDriverPolicy",
        "AmazonEKSLocalOutpostClusterPolicy",
        "AmazonEKSLocalOutpostServiceRolePolicy",
        "AmazonEBSCSIDriverPolicy",
    }
    assert len(cat.history("AmazonEKSClusterPolicy")) == 2
    assert cat.history("AmazonEKSVPCResourceController") == ()


def test_actions_the_history_added_are_in_the_current_documents() -> None:
    """Literal, case-insensitive: what each entry says was added is still granted by the snapshot's version."""
    cat = get_catalog()
    checked = 0
    for e in cat.history():
        if e.policy is None:
            continue
        p = cat.by_name(e.policy)
        assert p is not None
        granted = {a.lower() for s in p.document.statements for a in s.actions}
        resources_ = {r for s in p.document.statements for r in (s.resource or ())}
        for action in e.actions_added:
            assert action.lower() in granted, (e.date, e.policy, action)
            checked += 1
        for res in e.resources_added:
            assert res in resources_, (e.date, e.policy, res)
    assert checked == 11


def test_the_page_s_ec2_describe_secret_is_flagged() -> None:
    entry = next(e for e in get_catalog().history("AmazonEKSLocalOutpostServiceRolePolicy") if e.kind == "updated")
    assert "ec2:DescribeSecret" in entry.description  # as the page writes it
    assert "secretsmanager:DescribeSecret" in entry.actions_added  # what the policy grants
    assert entry.note is not None and "no such action" in entry.note


def _meta_snapshot_history() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    return copy.deepcopy(_data("catalog.json")), copy.deepcopy(_data("snapshot.json")), _data("history.json")


def test_a_policy_without_a_document_is_a_gap_not_an_invented_entry() -> None:
    meta, snap, hist = _meta_snapshot_history()
    snap["policies"] = [p for p in snap["policies"] if p["name"] != "AmazonEFSCSIDriverPolicy"]
    snap["missing"] = [{"name": "AmazonEFSCSIDriverPolicy", "reason": "not in the source's data"}]
    cat = build_catalog(meta, snap, hist)
    assert cat.by_name("AmazonEFSCSIDriverPolicy") is None
    assert cat.gaps == {"AmazonEFSCSIDriverPolicy": "not in the source's data"}
    with pytest.raises(UsageError, match="known but the snapshot has no document"):
        cat.get("AmazonEFSCSIDriverPolicy")
    assert cat.history("AmazonEFSCSIDriverPolicy")  # the history still knows it


def test_bad_data_is_caught() -> None:
    meta, snap, hist = _meta_snapshot_history()
    meta["policies"][0]["attachable_to"] = "user"
    with pytest.raises(CatalogDataError, match="attachable_to"):
        build_catalog(meta, snap, hist)
    meta, snap, hist = _meta_snapshot_history()
    meta["policies"][0]["path"] = "/elsewhere/"
    with pytest.raises(CatalogDataError, match="path"):
        build_catalog(meta, snap, hist)
