"""The snapshot: moto's data reproduces the committed file byte for byte; refresh writes atomically."""

from __future__ import annotations

import json
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from byoc_iam.managed.snapshot import (
    SourceRecord,
    catalog_names,
    moto_managed_policies,
    policy_names_changes,
    policy_names_from_moto,
    records_from_moto,
    render_policy_names,
    render_snapshot,
    snapshot_from_moto,
    utc_time,
)

Cli = Callable[[list[str]], tuple[int, str, str]]  # the `cli` fixture (tests/managed/conftest.py)
DATA = resources.files("byoc_iam").joinpath("data/managed")


def committed(file: str = "snapshot.json") -> bytes:
    return DATA.joinpath(file).read_bytes()


NAMES = "aws_managed_policy_names.json"


def meta() -> dict[str, object]:
    data: dict[str, object] = json.loads(DATA.joinpath("catalog.json").read_text(encoding="utf-8"))
    return data


def test_refresh_from_moto_reproduces_the_committed_files_byte_for_byte(tmp_path: Path, cli: Cli) -> None:
    assert snapshot_from_moto(meta()) == committed()
    assert render_policy_names(policy_names_from_moto(), "moto") == committed(NAMES)
    code, out, _ = cli(["catalog", "refresh", "--dest", str(tmp_path)])
    assert code == 0 and "updated" in out and "AWS managed policy names: " in out
    assert (tmp_path / "snapshot.json").read_bytes() == committed()
    assert (tmp_path / NAMES).read_bytes() == committed(NAMES)
    assert sorted(p.name for p in tmp_path.iterdir()) == [NAMES, "snapshot.json"]  # no temp file left behind
    code, out, _ = cli(["catalog", "refresh", "--dest", str(tmp_path), "--check"])
    assert code == 0 and [line.rsplit(": ", 1)[1] for line in out.splitlines()] == ["unchanged", "unchanged"]


def test_the_names_file_lists_every_aws_managed_policy_by_name_and_path_only() -> None:
    body = json.loads(committed(NAMES))
    assert set(body) == {"$schema", "source", "paths"} and body["source"] == "moto"
    assert body["$schema"] == "byoc-iam/managed-policy-names/1"
    flat = [(name, path) for path, names in body["paths"].items() for name in names]
    assert sorted((name, path) for name, path in policy_names_from_moto()) == sorted(flat)
    assert list(body["paths"]) == sorted(body["paths"]) and all(v == sorted(v) for v in body["paths"].values())
    assert ("ReadOnlyAccess", "/") in flat and ("AmazonEBSCSIDriverPolicy", "/service-role/") in flat
    snap = json.loads(committed())
    assert all((p["name"], p["path"]) in flat for p in snap["policies"])  # the catalog's policies are real ones
    # deterministic: input order and duplicates do not matter
    entries = [("B", "/"), ("A", "/x/"), ("A", "/")]
    assert render_policy_names(entries, "aws") == render_policy_names([*reversed(entries), ("B", "/")], "aws")
    assert json.loads(render_policy_names(entries, "aws"))["paths"] == {"/": ["A", "B"], "/x/": ["A"]}


def test_refresh_check_reports_changed_policy_names(tmp_path: Path, cli: Cli) -> None:
    (tmp_path / "snapshot.json").write_bytes(committed())
    stale = json.loads(committed(NAMES))
    stale["paths"]["/"].remove("ReadOnlyAccess")
    stale["paths"]["/"].append("RetiredPolicy")
    text = json.dumps(stale, indent=2) + "\n"
    (tmp_path / NAMES).write_text(text)
    code, out, _ = cli(["catalog", "refresh", "--dest", str(tmp_path), "--check", "-o", "json"])
    report = json.loads(out)
    assert code == 1 and report["unchanged"] is False and report["changes"] == []
    assert report["names"] == {"added": ["/ReadOnlyAccess"], "removed": ["/RetiredPolicy"]}
    assert [f["unchanged"] for f in report["files"]] == [True, False]
    assert (tmp_path / NAMES).read_text() == text  # --check writes nothing
    assert policy_names_changes({}, {"paths": {"/": ["A"]}}) == {"added": ["/A"], "removed": []}


def test_refresh_check_reports_a_stale_snapshot_without_writing(tmp_path: Path, cli: Cli) -> None:
    stale = json.loads(committed())
    cni = next(p for p in stale["policies"] if p["name"] == "AmazonEKS_CNI_Policy")
    cni["default_version"] = "v5"
    cni["document"]["Statement"][0]["Action"].remove("ec2:DescribeSecurityGroups")
    text = json.dumps(stale, indent=2) + "\n"
    (tmp_path / "snapshot.json").write_text(text)
    code, out, _ = cli(["catalog", "refresh", "--dest", str(tmp_path), "--check", "-o", "json"])
    assert code == 1
    report = json.loads(out)
    assert report["unchanged"] is False
    assert report["changes"] == [
        {"name": "AmazonEKS_CNI_Policy", "old_version": "v5", "new_version": "v6", "document_changed": True}
    ]
    assert (tmp_path / "snapshot.json").read_text() == text  # --check writes nothing


def test_aws_options_need_from_aws(tmp_path: Path, cli: Cli) -> None:
    code, _, err = cli(["catalog", "refresh", "--dest", str(tmp_path), "--sandbox"])
    assert code == 2 and err.startswith("byoc-iam: ") and "--from-aws" in err
    assert not (tmp_path / "snapshot.json").exists()


def test_the_snapshot_holds_exactly_the_catalog_s_policies() -> None:
    snap = json.loads(committed())
    assert snap["source"] == "moto" and snap["$schema"] == "byoc-iam/managed-snapshot/1"
    assert sorted(p["name"] for p in snap["policies"]) == sorted(catalog_names(meta()))
    assert snap["missing"] == []
    moto = moto_managed_policies()
    for p in snap["policies"]:
        assert p["document"] == moto[p["name"]]["Document"]  # taken as is, not edited


def test_a_name_moto_lacks_is_recorded_as_missing_not_invented() -> None:
    records, missing = records_from_moto(["AmazonEKS_CNI_Policy", "AmazonEKSNoSuchPolicy"])
    assert [r.name for r in records] == ["AmazonEKS_CNI_Policy"]
    assert list(missing) == ["AmazonEKSNoSuchPolicy"]
    body = json.loads(render_snapshot(records, missing, "moto"))
    assert body["missing"][0]["name"] == "AmazonEKSNoSuchPolicy"
    assert "document" not in body["missing"][0]


def test_render_is_deterministic_and_sorted() -> None:
    doc = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "x:Y", "Resource": "*"}]}
    r1 = SourceRecord("B", "/", "v1", "2020-01-01T00:00:00+00:00", "2020-01-02T00:00:00+00:00", doc)
    r2 = SourceRecord("A", "/", "v2", "2020-01-01T00:00:00Z", "2020-01-03T01:02:03+02:00", doc)
    one, two = render_snapshot([r1, r2], {}, "moto"), render_snapshot([r2, r1], {}, "moto")
    assert one == two and one.endswith(b"}\n")
    body = json.loads(one)
    assert [p["name"] for p in body["policies"]] == ["A", "B"]
    assert body["policies"][0]["update_date"] == "2020-01-02T23:02:03Z"
    assert utc_time("2018-05-27T21:07:42+00:00") == "2018-05-27T21:07:42Z"
