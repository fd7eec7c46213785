"""S3012/I5011: global tag condition keys against the services of a statement's actions (the catalog)."""

from __future__ import annotations

from typing import Any

from byoc_iam.lint import lint_document
from byoc_iam.servicecatalog import get_catalog


def _statement(effect: str, action: Any, key: str, operator: str = "StringEquals") -> dict[str, Any]:
    st = {"Effect": effect, "Action": action, "Resource": "*", "Condition": {operator: {key: "blue"}}}
    return {"Version": "2012-10-17", "Statement": [st]}


def test_only_the_services_without_the_key_are_named() -> None:
    doc = _statement(
        "Deny", ["cloudsearch:Search", "ec2:TerminateInstances", "cloudshell:CreateSession"], "aws:ResourceTag/team"
    )
    [f] = [f for f in lint_document(doc, "identity") if f.code == "S3012"]
    assert f.path == "/Statement/0/Condition/StringEquals/aws:ResourceTag~1team"
    assert f.message.startswith("cloudsearch, cloudshell support no aws:ResourceTag condition key")


def test_wildcard_and_unknown_services_and_other_keys_are_left_alone() -> None:
    for action, key in [
        ("*", "aws:ResourceTag/team"),
        ("cloud*:Search", "aws:ResourceTag/team"),
        ("nosuch:Thing", "aws:ResourceTag/team"),
        ("cloudsearch:Search", "aws:SourceAccount"),
        ("cloudsearch:Search", "aws:PrincipalTag/team"),  # the caller's tags: every service
    ]:
        codes = {f.code for f in lint_document(_statement("Deny", action, key), "identity")}
        assert "S3012" not in codes, (action, key)


def test_notaction_statements_are_not_checked() -> None:
    doc = _statement("Deny", "s3:GetObject", "aws:ResourceTag/team")
    doc["Statement"][0]["NotAction"] = doc["Statement"][0].pop("Action")
    assert "S3012" not in {f.code for f in lint_document(doc, "identity")}


def test_catalog_support() -> None:
    cat = get_catalog()
    assert cat.supports_tag_key("ec2", "aws:ResourceTag/x") is True
    assert cat.supports_tag_key("ec2", "aws:TagKeys") is True
    assert cat.supports_tag_key("cloudsearch", "aws:ResourceTag/x") is False
    assert (
        cat.supports_tag_key("ec2", "aws:SourceArn") is None and cat.supports_tag_key("nosuch", "aws:TagKeys") is None
    )
