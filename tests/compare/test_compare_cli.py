"""``byoc-iam compare`` (documents, RoleSpecs, batch, bad input), ``byoc-iam controllers diff``, and the
compare hooks in ``catalog diff`` (managed/diff.py) and ``plan`` text (plan/access.py)."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.cli.compare import run_batch
from byoc_iam.errors import UsageError
from byoc_iam.managed.diff import access_change, describe_access, diff_policies
from byoc_iam.plan.model import Change
from byoc_iam.plan.text import change_lines
from cli_helpers import run_cli

OLD = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
}
NEW = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Rw", "Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"], "Resource": "arn:aws:s3:::b/*"}
    ],
}
TRUST = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}],
}


def _write(tmp_path: Path, name: str, data: Any) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return str(path)


def test_wider_exits_1_with_the_json_shape(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["compare", _write(tmp_path, "o.json", OLD), _write(tmp_path, "n.json", NEW), "-o", "json"], capsys
    )
    data = json.loads(out)
    assert code == 1
    assert list(data) == ["relation", "new_access", "counterexample", "statement", "time_ms"]
    assert data["relation"] == "wider" and data["new_access"] is True
    assert data["counterexample"]["action"] == "s3:PutObject" and data["statement"]["Sid"] == "Rw"
    assert set(data["counterexample"]) == {"principal", "action", "resource", "resource_account", "context"}


def test_narrower_exits_0_in_text(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["compare", _write(tmp_path, "n.json", NEW), _write(tmp_path, "o.json", OLD)], capsys)
    assert code == 0 and out.startswith("narrower") and "lost access: s3:PutObject" in out


def test_trust_type(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    wider = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"}],
    }
    code, out, _ = run_cli(
        [
            "compare",
            _write(tmp_path, "a.json", TRUST),
            _write(tmp_path, "b.json", wider),
            "--type",
            "trust",
            "-o",
            "json",
        ],
        capsys,
    )
    assert code == 1 and json.loads(out)["counterexample"]["action"] == "sts:AssumeRole"


def test_rolespecs_give_permissions_and_trust(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old = {"role_name": "r", "trust_policy": TRUST, "inline_policies": {"p": OLD}}
    new = {"role_name": "r", "trust_policy": TRUST, "inline_policies": {"p": NEW}}
    code, out, _ = run_cli(
        ["compare", _write(tmp_path, "a.json", old), _write(tmp_path, "b.json", new), "-o", "json"], capsys
    )
    data = json.loads(out)
    assert code == 1 and set(data) == {"permissions", "trust"}
    assert data["permissions"]["relation"] == "wider" and data["trust"]["relation"] == "equivalent"


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObjekt", "Resource": "*"}]},
            "E2002",
        ),
        (
            {"Version": "2012-10-17", "Statement": [{"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}]},
            "refused",
        ),
        ([1, 2], "expected a policy document"),
    ],
)
def test_malformed_documents_are_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], doc: Any, message: str
) -> None:
    code, out, err = run_cli(["compare", _write(tmp_path, "o.json", OLD), _write(tmp_path, "bad.json", doc)], capsys)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1 and err.startswith("byoc-iam: ")


def test_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    o = _write(tmp_path, "o.json", OLD)
    assert run_cli(["compare", o, o, "--type", "scp"], capsys)[0] == 2
    assert run_cli(["compare", o], capsys)[0] == 2
    assert run_cli(["compare", o, str(tmp_path / "missing.json")], capsys)[0] == 2
    (tmp_path / "x.json").write_text("{", encoding="utf-8")
    code, _, err = run_cli(["compare", o, str(tmp_path / "x.json")], capsys)
    assert code == 2 and "not JSON" in err


def test_batch_one_line_per_pair_in_order() -> None:
    lines = [
        json.dumps({"old": OLD, "new": NEW}),
        json.dumps({"old": NEW, "new": OLD}),
        json.dumps({"old": OLD, "new": OLD}),
    ]
    out = io.StringIO()
    code = run_batch(io.StringIO("\n".join(lines) + "\n"), out, "<test>")
    answers = [json.loads(line) for line in out.getvalue().splitlines()]
    assert code == 1 and [a["relation"] for a in answers] == ["wider", "narrower", "equivalent"]


def test_batch_bad_line_names_it() -> None:
    out = io.StringIO()
    with pytest.raises(UsageError, match="<test>:2"):
        run_batch(io.StringIO(json.dumps({"old": OLD, "new": OLD}) + '\n{"old": 1}\n'), out, "<test>")
    assert len(out.getvalue().splitlines()) == 1


def test_controllers_diff_lbc_upgrade(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(
        ["controllers", "diff", "aws-load-balancer-controller", "--from", "v2.10.0", "--to", "v2.13.0", "-o", "json"],
        capsys,
    )
    data = json.loads(out)
    added = sorted(a for item in data["new_actions"] for a in item["actions"])
    # the six actions upstream added between v2.10.0 and v2.13.0 (docs/install/iam_policy.json history)
    assert added == sorted(
        [
            "ec2:DescribeIpamPools",
            "ec2:DescribeRouteTables",
            "elasticloadbalancing:DescribeCapacityReservation",
            "elasticloadbalancing:ModifyCapacityReservation",
            "elasticloadbalancing:ModifyIpPools",
            "elasticloadbalancing:SetRulePriorities",
        ]
    )
    assert code == 1 and data["relation"] == "wider"
    code, out, _ = run_cli(
        ["controllers", "diff", "aws-load-balancer-controller", "--from", "v2.13.0", "--to", "v2.10.0"], capsys
    )
    assert code == 0 and "no new access" in out
    assert run_cli(["controllers", "diff", "aws-load-balancer-controller", "--from", "v1.0"], capsys)[0] == 2
    assert run_cli(["controllers", "diff", "nope"], capsys)[0] == 2
    assert run_cli(["controllers", "diff", "aws-load-balancer-controller", "--partition", "mars"], capsys)[0] == 2


def test_catalog_diff_reports_new_access() -> None:
    access = access_change(OLD, NEW)
    assert access["new_access"] and access["counterexample"]["action"] == "s3:PutObject"
    d = diff_policies(OLD, NEW, name="P")
    import dataclasses

    d = dataclasses.replace(d, access=access)
    assert d.to_dict()["access"]["relation"] == "wider"
    assert any("grants new access" in line for line in d.describe())
    assert describe_access(access_change(NEW, OLD)) == "narrows access"


def test_plan_text_marks_access() -> None:
    widen = Change("~", "inline policy", "p", "iam:PutRolePolicy", {}, 2, OLD, NEW)
    text = "\n".join(change_lines(widen))
    assert "= widens access" in text and "s3:PutObject" in text
    narrow = Change("~", "inline policy", "p", "iam:PutRolePolicy", {}, 2, NEW, OLD)
    assert "= narrows access" in "\n".join(change_lines(narrow))
    same = Change(
        "~",
        "inline policy",
        "p",
        "iam:PutRolePolicy",
        {},
        2,
        OLD,
        {**OLD, "Statement": [dict(OLD["Statement"][0], Sid="X")]},
    )
    assert "= no change in access" in "\n".join(change_lines(same))
    trust = Change(
        "~",
        "trust policy",
        "r",
        "iam:UpdateAssumeRolePolicy",
        {},
        2,
        TRUST,
        {
            "Version": "2012-10-17",
            "Statement": [
                *TRUST["Statement"],
                {"Effect": "Allow", "Principal": {"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"},
            ],
        },
    )
    text = "\n".join(change_lines(trust))
    assert "= widens access" in text and "lambda.amazonaws.com" in text
