"""Documents IAM would refuse are never evaluated: the library raises MalformedPolicyError from the checked
entry point, ``simulate`` (single and batch) exits 2 naming the document, the element and the lint rule."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.cli import main
from byoc_iam.engine import PolicySet
from byoc_iam.engine.batch import run_batch
from byoc_iam.engine.checked import compile_checked
from byoc_iam.errors import MalformedPolicyError, UsageError

A = "111122223333"
GOOD = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
BAD_RESOURCE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*22223333:role/x"}],
}
BAD_VERSION = {"Version": "2020-01-01", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}


def test_checked_compile_raises_typed_error() -> None:
    with pytest.raises(MalformedPolicyError) as info:
        compile_checked(PolicySet(identity=[GOOD, BAD_RESOURCE]))
    err = info.value
    assert (
        err.document == "identity[1]" and err.pointer.startswith("/Statement/0/Resource") and err.rule.startswith("E")
    )
    assert isinstance(err, UsageError) and err.exit_code == 2


def test_checked_compile_names_the_document_and_rule() -> None:
    with pytest.raises(MalformedPolicyError) as info:
        compile_checked(PolicySet(identity=[GOOD], boundary=[BAD_VERSION]), names={"boundary": "pb.json"})
    assert info.value.document == "pb.json[0]" and info.value.rule == "E1002" and "/Version" in str(info.value)


def test_checked_compile_accepts_good_documents() -> None:
    cp = compile_checked(PolicySet(identity=[GOOD]))
    from byoc_iam.engine import Request

    assert cp.evaluate(Request(f"arn:aws:iam::{A}:role/r", "s3:GetObject", "arn:aws:s3:::b/k")).allowed


def cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    with pytest.raises(SystemExit) as info:
        main(args)
    out, err = capsys.readouterr()
    return int(info.value.code or 0), out, err


def test_simulate_refuses_a_malformed_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(BAD_RESOURCE))
    code, out, err = cli(["simulate", "-p", str(path), "-a", "iam:PassRole", "-r", f"arn:aws:iam::{A}:role/x"], capsys)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert err.startswith("byoc-iam: ") and f"{path}/Statement/0/Resource" in err and "[E" in err


def _batch(item: dict[str, Any]) -> str:
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps([item])), out, "b.json")
    return out.getvalue()


def test_batch_refuses_a_malformed_policy() -> None:
    request = {"principal": f"arn:aws:iam::{A}:role/r", "action": "iam:PassRole", "resource": "*"}
    with pytest.raises(MalformedPolicyError, match=r"b\.json\[0\]\.policies\.identity\[0\]/Statement/0/Resource"):
        _batch({"policies": {"identity": [BAD_RESOURCE]}, "request": request})


def test_batch_refusal_exits_2_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    request = {"principal": f"arn:aws:iam::{A}:role/r", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}
    items = [
        {"policies": {"identity": [GOOD]}, "request": request},
        {"policies": {"scp": [[BAD_VERSION]]}, "request": request},
    ]
    path = tmp_path / "batch.json"
    path.write_text("\n".join(json.dumps(i) for i in items))
    code, out, err = cli(["simulate", "--batch", str(path)], capsys)
    assert code == 2 and json.loads(out)["decision"] == "Allowed"  # the line already printed stays
    assert err.count("\n") == 1 and "batch.json:2.policies.scp[0][0]/Version" in err and "[E1002]" in err
