"""The snapshot (moto's copy) against the research copies of the AWS managed policies (MAMIP mirror).

Known differences are listed here on purpose: when moto's data or the research copy moves, this fails and
someone reads the new difference instead of it passing silently.
"""

from __future__ import annotations

import json
from pathlib import Path

from byoc_iam.managed import diff_policies, get_catalog

# name -> (research version per upstream/INDEX.md, actions moto's snapshot adds, actions it removes)
KNOWN = {
    "AmazonEKS_CNI_Policy": ("v5", ("ec2:DescribeSecurityGroups",), ()),  # snapshot v6 (2026-03-04)
    "AmazonEKSClusterPolicy": ("v9", (), ()),  # snapshot v10 (2026-02-12): same document, new version id
    "AmazonEKSWorkerNodePolicy": ("v3", (), ()),
    "AmazonEC2ContainerRegistryReadOnly": ("v3", (), ()),
    "AmazonEKSVPCResourceController": ("v1", (), ()),
}


def test_snapshot_against_the_research_copies(shared_research: Path) -> None:
    files = sorted((shared_research / "upstream" / "aws-managed").glob("*.json"))
    assert {f.stem for f in files} == set(KNOWN)
    cat = get_catalog()
    for f in files:
        p = cat.by_name(f.stem)
        assert p is not None, f.stem
        research_version, added, removed = KNOWN[f.stem]
        d = diff_policies(
            json.loads(f.read_text()),
            p.document,
            name=p.name,
            old_version=research_version,
            new_version=p.default_version,
        )
        assert (d.actions.added, d.actions.removed) == (added, removed), d.describe()
        assert d.changed == bool(added or removed), d.describe()
        if research_version != p.default_version:
            assert int(p.default_version[1:]) > int(research_version[1:]), "moto's copy is older than the research copy"
