"""verify reads the documents of the AWS managed policies a role attaches from the packaged snapshot raw
(issue 18: building the whole catalog parses every document and the history): for every ARN the result is the
catalog's own (``get_catalog().by_arn``, the long way), unknown and wrongly pathed ARNs included."""

from __future__ import annotations

import pytest

from byoc_iam import data as knowledge
from byoc_iam.managed import get_catalog
from byoc_iam.verify import policies

PARTITIONS = ("aws", "aws-cn", "aws-us-gov")


def _arns() -> list[str]:
    names = [p.name for p in get_catalog().policies]
    names += [str(p["name"]) for p in knowledge.raw("managed-snapshot", "snapshot")["policies"]]
    names += list(get_catalog().gaps)
    out = []
    for name in sorted(set(names)):
        path = next((p.path for p in get_catalog().policies if p.name == name), "/")
        for partition in PARTITIONS:
            out += [
                f"arn:{partition}:iam::aws:policy{path}{name}",
                f"arn:{partition}:iam::aws:policy{path}{name.lower()}",
                f"arn:{partition}:iam::aws:policy/other/{name}",
            ]
    return [
        *out,
        "arn:aws:iam::aws:policy/NoSuchPolicy",
        "arn:aws:iam::123456789012:policy/AmazonEKSClusterPolicy",
        "not an arn",
    ]


@pytest.mark.parametrize("arn", _arns())
def test_the_snapshot_reading_is_the_catalogs(arn: str) -> None:
    entry = get_catalog().by_arn(arn)
    fast = policies.catalog_document_or_none(arn)
    slow = None if entry is None else policies._in_partition(entry.document, arn)
    assert (fast is None) == (slow is None)
    if fast is not None and slow is not None:
        assert fast.to_dict() == slow.to_dict()
        assert fast.canonical() == slow.canonical()


def test_every_catalog_policy_is_found() -> None:
    assert all(
        policies.catalog_document_or_none(f"arn:aws:iam::aws:policy{p.path}{p.name}") is not None
        for p in get_catalog().policies
    )
