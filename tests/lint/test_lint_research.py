"""The upstream and Zilliz documents in ../shared/research lint without crashing, with the findings we expect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from byoc_iam.lint import Origin, Severity, lint_document


def _docs(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*.json") if p.name != "index.json")


def test_every_research_json_lints_without_crashing(shared_research: Path) -> None:
    files = _docs(shared_research / "upstream") + _docs(shared_research / "zilliz")
    assert len(files) > 40
    for path in files:
        findings = lint_document(path.read_bytes(), "auto", file=path.name)
        assert all(f.file == path.name for f in findings)


def test_upstream_controller_and_managed_policies_have_no_error(shared_research: Path) -> None:
    up = shared_research / "upstream"
    files = [
        *sorted((up / "aws-managed").glob("*.json")),
        *(p for p in sorted(up.glob("*.json")) if "policy" in p.name and "history" not in p.name),
    ]
    files = [p for p in files if "minimal-policy" not in p.name]
    assert len(files) >= 14
    for path in files:
        origin: Origin = "aws-managed" if path.parent.name == "aws-managed" else "customer"
        findings = lint_document(path.read_text(), "identity", origin=origin)
        errors = [f for f in findings if f.severity is Severity.ERROR]
        assert errors == [], (path.name, errors)


def test_cluster_autoscaler_minimal_policy_placeholders(shared_research: Path) -> None:
    text = (shared_research / "upstream" / "cluster-autoscaler.minimal-policy.json").read_text()
    [f] = [f for f in lint_document(text, "identity") if f.severity is Severity.ERROR]
    assert f.code == "E4001" and "${YOUR_CLUSTER_AWS_REGION}" in f.message and f.line is not None


def test_zilliz_trust_policies_report_the_literal_eks_oidc_url(shared_research: Path) -> None:
    z = shared_research / "zilliz"
    index = json.loads((z / "index.json").read_text())
    trusts = [e["file"] for e in index["entries"] if str(e["kind"]).startswith("trust")]
    assert trusts
    for name in trusts:
        findings = lint_document((z / name).read_text(), "trust", file=name)
        assert all(f.code != "E1001" for f in findings), name
    eks = lint_document((z / "aws_byoc/eks-role.trust.json").read_text(), "trust")
    literal = [f for f in eks if f.code == "E4001" and "eks_oidc_url" in f.message]
    assert len(literal) == 6 and all(f.path.startswith("/Statement/") for f in literal)
    assert "I4002" not in {f.code for f in eks}  # ${var.federated_principal} is not the rendered placeholder shape


def test_zilliz_storage_trust_wildcard_subjects(shared_research: Path) -> None:
    text = (shared_research / "zilliz/aws_byoc_i/storage-role.trust.json").read_text()
    wild = [f for f in lint_document(text, "trust") if f.code == "S3003"]
    assert len(wild) == 3 and all(f.severity is Severity.SECURITY_WARNING for f in wild)


def test_zilliz_documents_only_err_on_their_terraform_placeholders(shared_research: Path) -> None:
    z = shared_research / "zilliz"
    index = json.loads((z / "index.json").read_text())
    for entry in index["entries"]:
        kind = str(entry["kind"])
        ptype = "trust" if kind.startswith("trust") else "resource" if "key policy" in kind else "identity"
        findings = lint_document((z / entry["file"]).read_text(), ptype, file=entry["file"])
        errors = {f.code for f in findings if f.severity is Severity.ERROR}
        assert errors <= {"E4001"}, (entry["file"], errors)
        if entry.get("terraform_placeholders"):
            assert "E4001" in errors, entry["file"]


@pytest.mark.slow
def test_every_aws_managed_policy_lints_without_error() -> None:
    """All of AWS's managed policies (moto ships their documents), linted as AWS managed: no ERROR on any of
    them (AWS stores them, so IAM accepted them). Where the service catalog snapshot disagrees (W2018) and the
    other findings are counted by rule and printed (``pytest -m slow -s``; ``bench/lint_managed.py`` prints
    the same). Slow: about 1,600 documents, ~40 s."""
    from collections import Counter

    from moto.iam.aws_managed_policies import aws_managed_policies_data

    data = json.loads(aws_managed_policies_data)
    assert len(data) > 1000
    by_rule: Counter[str] = Counter()
    for name, entry in data.items():
        findings = lint_document(entry["Document"], "identity", origin="aws-managed")
        errors = [(f.code, f.path, f.message) for f in findings if f.severity is Severity.ERROR]
        assert errors == [], (name, errors)
        by_rule.update(f"{f.code} {f.severity}" for f in findings)
    print(f"\n{len(data)} AWS managed policies, findings by rule: {dict(sorted(by_rule.items()))}")
    assert by_rule["W2018 WARNING"] > 0  # the snapshot is behind AWS somewhere: the sweep sees it
