"""A request ``simulate`` cannot decide is refused before the engine: one ``byoc-iam: --<option>: ...`` line and
exit 2 for one request, ``<source>[i].request.<field>: ...`` for a batch item (the lines already printed stay).
The rules live in :mod:`byoc_iam.model.request`."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byoc_iam.cli import main
from byoc_iam.engine.batch import run_batch
from byoc_iam.errors import UsageError
from byoc_iam.model.request import (
    check_request_action,
    check_request_principal,
    check_request_resource,
    request_problem,
)

A = "123456789012"
ALLOW_ALL = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}
GOOD = {"principal": f"arn:aws:iam::{A}:role/a", "action": "s3:GetObject", "resource": "arn:aws:s3:::b/k"}

# (option, bad value, request field, words of the message)
BAD: list[tuple[str, str, str, str]] = [
    ("--principal", "arn:aws:iam::12:role/x", "principal", "12-digit account id"),
    ("--principal", "12345", "principal", "exactly 12 digits"),
    ("--principal", "ARN:aws:iam::123456789012:role/x", "principal", "is not a principal"),
    ("--principal", "arn:aws:s3:::b", "principal", "IAM or STS principal ARN"),
    ("--principal", "arn:aws:iam::123456789012:role/*", "principal", "wildcard"),
    ("--principal", "arn:nope:iam::123456789012:role/x", "principal", "not an AWS partition"),
    ("--resource-account", "abc", "resource_account", "12 digits"),
    ("--resource-account", "12345678901", "resource_account", "12 digits"),
    ("--resource", "notanarn", "resource", "is not an ARN"),
    ("--resource", "arn:aws:s3::b", "resource", "is not an ARN"),
    ("--resource", "xrn:aws:s3:::b", "resource", "is not an ARN"),
    ("--resource", "arn:nope:s3:::b", "resource", "not an AWS partition"),
    ("--resource", "arn:aws:ec2:us-east-1:abc:volume/v", "resource", "12-digit account id"),
    ("--resource", "arn:aws::us-east-1:123456789012:volume/v", "resource", "service prefix"),
    ("--action", "s3:Get*", "action", "wildcard"),
    ("--action", "s3:GetObjec?", "action", "wildcard"),
    ("--action", "*", "action", "wildcard"),
    ("--action", "GetObject", "action", "ec2:CreateVolume"),
    ("--action", "s3:Get:Object", "action", "service:Operation"),
    ("--action", "s3:", "action", "service:Operation"),
]
FIELD = {"--principal": "principal", "--resource-account": "resource_account", "--resource": "resource"}


def _single(tmp_path: Path, option: str, value: str) -> list[str]:
    policy = tmp_path / "all.json"
    policy.write_text(json.dumps(ALLOW_ALL))
    args = {"--action": "s3:GetObject", "--resource": "arn:aws:s3:::b/k", option: value}
    return ["simulate", "-p", str(policy), *[x for kv in args.items() for x in kv]]


@pytest.mark.parametrize(("option", "value", "field", "words"), BAD)
def test_simulate_refuses_a_bad_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str, field: str, words: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main(_single(tmp_path, option, value))
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert err.startswith(f"byoc-iam: {option}: ") and words in err and err.count("\n") == 1, err


@pytest.mark.parametrize(("option", "value", "field", "words"), BAD)
def test_batch_refuses_a_bad_item_naming_it(option: str, value: str, field: str, words: str) -> None:
    bad = {**GOOD, field: value}
    lines = [json.dumps({"policies": {"identity": [ALLOW_ALL]}, "request": r}) for r in (GOOD, bad, GOOD)]
    out = io.StringIO()
    with pytest.raises(UsageError) as info:
        run_batch(io.StringIO("\n".join(lines)), out, "b.jsonl")
    assert str(info.value.message).startswith(f"b.jsonl:2.request.{field}: ") and words in info.value.message
    assert out.getvalue() == '{"decision": "Allowed", "blocked_by": []}\n'  # the line already printed stays


def test_batch_array_item_error_names_the_index(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    items = [{"policies": {"identity": [ALLOW_ALL]}, "request": r} for r in (GOOD, {**GOOD, "resource": "nope"})]
    path = tmp_path / "batch.json"
    path.write_text(json.dumps(items))
    with pytest.raises(SystemExit) as info:
        main(["simulate", "--batch", str(path)])
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out.count("\n") == 1
    assert err.startswith(f"byoc-iam: {path}[1].request.resource: 'nope' is not an ARN") and err.count("\n") == 1


GOOD_VALUES: list[tuple[str, str]] = [
    ("--principal", "anonymous"),
    ("--principal", A),
    ("--principal", "ec2.amazonaws.com"),
    ("--principal", "pods.eks.amazonaws.com"),
    ("--principal", "accounts.google.com"),
    ("--principal", f"arn:aws:iam::{A}:root"),
    ("--principal", f"arn:aws:sts::{A}:assumed-role/r/session"),
    ("--principal", f"arn:aws-cn:iam::{A}:user/u"),
    ("--principal", f"arn:aws:iam::{A}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/ABC"),
    ("--resource", "*"),
    ("--resource", "arn:aws:s3:::b/*"),  # a resource pattern: "any such resource"
    ("--resource", "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy"),
    ("--resource", f"arn:aws:ec2:us-east-1:{A}:volume/v"),
    ("--resource", "arn:aws:ec2:us-east-1::image/ami-1"),
    ("--resource-account", A),
    ("--resource-account", "aws"),  # AWS's own resources (iam-simulate's matrix.json has one)
    ("--action", "execute-api:Invoke"),
    ("--action", "ec2:CreateVolume"),
]


@pytest.mark.parametrize(("option", "value"), GOOD_VALUES)
def test_simulate_decides_a_good_request(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], option: str, value: str
) -> None:
    with pytest.raises(SystemExit) as info:
        main([*_single(tmp_path, option, value), "-o", "json"])
    out, err = capsys.readouterr()
    assert info.value.code == 0 and err == "" and json.loads(out)["decision"] in ("Allowed", "ImplicitlyDenied")


def test_model_checks() -> None:
    assert check_request_action("s3:GetObject") is None and check_request_action("s3:*") is not None
    assert check_request_resource("*") is None and check_request_resource("arn:aws:s3:::b") is None
    assert check_request_resource("b") is not None
    assert check_request_principal("anonymous") is None and check_request_principal("a b") is not None
    assert request_problem(None, "s3:GetObject", "*", None) is None
    problem: Any = request_problem("x", "s3:GetObject", "*", "1")
    assert problem == ("resource_account", "'1' must be exactly 12 digits (or 'aws', for AWS's own resources)")


@settings(max_examples=300, deadline=None)
@given(
    st.from_regex(
        r"\Aarn:(aws|aws-cn|aws-us-gov|aws-x|AWS|\*):[a-z0-9*?-]{0,6}:[a-z0-9*?:-]{0,9}:[0-9a-z*]{0,13}:.{0,8}\Z"
    )
)
def test_the_plain_arn_shortcut_accepts_only_what_the_full_check_accepts(resource: str) -> None:
    """request_problem skips check_request_resource for a plain ARN: the shortcut must be a strict subset."""
    from byoc_iam.model.request import _plain_arn, check_request_resource

    if _plain_arn().fullmatch(resource):
        assert check_request_resource(resource) is None, resource


@settings(max_examples=400)
@given(
    st.from_regex(r"\Aarn:(aws|aws-cn|aws-x|\*):(iam|sts|s3|IAM):[a-z0-9-]{0,3}:[0-9a-z*\n]{0,13}:.{0,10}\Z")
    | st.sampled_from(
        [
            "arn:aws:iam::111122223333: ",
            "arn:aws:iam::111122223333:role/x ",
            "arn:aws:sts::111122223333:assumed-role/r/s\n",
            "arn:aws:iam::111122223333:role/*",
            "arn:aws:iam::111122223333\n:role/x",
            "arn:aws:iam::\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669\u0660\u0661\u0662:role/x",
        ]
    )
)
def test_the_plain_principal_shortcut_accepts_only_what_the_full_check_accepts(principal: str) -> None:
    """request_problem skips check_request_principal for a plain IAM/STS ARN: the shortcut must be a strict
    subset."""
    from byoc_iam.model.request import _plain_principal, check_request_principal

    if _plain_principal().fullmatch(principal):
        assert check_request_principal(principal) is None, principal


def test_the_plain_principal_shortcut_takes_the_common_principals() -> None:
    from byoc_iam.model.request import _plain_principal

    for principal in ("arn:aws:sts::111122223333:assumed-role/r/s-1", "arn:aws-cn:iam::111122223333:user/a b"):
        assert _plain_principal().fullmatch(principal)
    for principal in ("arn:aws:iam::111122223333:role/x ", "arn:aws:iam::111122223333:role/*", "arn:aws:s3:::b"):
        assert not _plain_principal().fullmatch(principal)
