"""E2019/E2020/E2021: a resource ARN's Region and account against what the catalog's ARN formats carry."""

from __future__ import annotations

import pytest

from byoc_iam.lint import lint_document
from byoc_iam.servicecatalog import get_catalog


def _codes(arn: str) -> dict[str, str]:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": arn}]}
    return {f.code: f.message for f in lint_document(doc, "identity") if f.code in ("E2019", "E2020", "E2021")}


def test_the_message_says_what_to_write() -> None:
    assert "write arn:aws:iam::123456789012:role/r" in _codes("arn:aws:iam:eu-west-1:123456789012:role/r")["E2019"]
    assert "write arn:aws:health:*::event/*" in _codes("arn:aws:health:*:123456789012:event/*")["E2020"]
    assert "arn:aws:logs:*:123456789012:log-group:g" in _codes("arn:aws:logs::123456789012:log-group:g")["E2021"]


@pytest.mark.parametrize(
    "arn",
    [
        "arn:aws:iam:*:123456789012:role/r",  # a wildcard Region may be empty
        "arn:aws:iam:${aws:RequestedRegion}:123456789012:role/r",  # a policy variable
        "arn:aws:s3:::bucket",  # S3: buckets have no Region or account, access points have both
        "arn:aws:s3:us-east-1:123456789012:accesspoint/ap",
        "arn:aws:ec2:us-east-1::image/ami-1",  # EC2: some types have no account
        "arn:aws:nosuchservice:us-east-1:123456789012:thing/x",  # unknown service: E2006/E2007's business
        "arn:aws:logs:us-east-1:123456789012:log-group:g",
    ],
)
def test_what_the_catalog_cannot_decide_is_left_alone(arn: str) -> None:
    assert _codes(arn) == {}


def test_segment_use_reads_every_service_using_the_arn_segment() -> None:
    cat = get_catalog()
    assert cat.arn_segment_always("iam", "region", present=False)
    assert cat.arn_segment_always("iam", "account", present=True)
    assert cat.arn_segment_always("logs", "region", present=True)
    assert not cat.arn_segment_always("s3", "region", present=False) and not cat.arn_segment_always(
        "s3", "region", present=True
    )
    assert not cat.arn_segment_always("ec2", "account", present=False)  # ebs's ec2 snapshots have none, ec2's others do
    assert not cat.arn_segment_always("nosuchservice", "region", present=True)


def test_in_an_aws_managed_policy_they_are_w2018() -> None:
    arn = "arn:aws:iam:eu-west-1:123456789012:role/r"
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": arn}]}
    found = {f.code: f.message for f in lint_document(doc, "identity", origin="aws-managed")}
    assert "E2019" not in found and "ARN formats may be behind" in found["W2018"]
