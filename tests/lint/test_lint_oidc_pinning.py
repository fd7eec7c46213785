"""S3002/S3003: a web-identity trust must pin ``aud`` and ``sub`` each with a positive exact operator
(``StringEquals``, or ``StringLike`` without wildcards). A negated operator, a wildcard pattern, ``Null``,
``...IfExists`` or ``StringEqualsIgnoreCase`` does not pin; each such case below was "no findings" before."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_lint_rules import PROVIDER, codes, doc, web_identity

from byoc_iam.lint import lint_document
from cli_helpers import run_main

AUD, SUB = f"{PROVIDER}:aud", f"{PROVIDER}:sub"
STS = "sts.amazonaws.com"
SA = "system:serviceaccount:a:b"

# (rule, condition that does not pin the claim, condition of the same shape that does)
CASES: dict[str, tuple[str, dict[str, Any], dict[str, Any]]] = {
    "aud-like-star": (
        "S3002",
        {"StringLike": {AUD: "*", SUB: SA}},
        {"StringLike": {AUD: STS, SUB: SA}},
    ),
    "aud-not-equals": (
        "S3002",
        {"StringNotEquals": {AUD: "foo"}, "StringEquals": {SUB: SA}},
        {"StringNotEquals": {AUD: "foo"}, "StringEquals": {AUD: STS, SUB: SA}},
    ),
    "aud-like-question-mark": (
        "S3002",
        {"StringLike": {AUD: "sts.amazonaws.co?"}, "StringEquals": {SUB: SA}},
        {"StringLike": {AUD: STS}, "StringEquals": {SUB: SA}},
    ),
    "aud-ignore-case": (
        "S3002",
        {"StringEqualsIgnoreCase": {AUD: STS}, "StringEquals": {SUB: SA}},
        {"StringEquals": {AUD: STS, SUB: SA}},
    ),
    "aud-null": (
        "S3002",
        {"Null": {AUD: "false"}, "StringEquals": {SUB: SA}},
        {"Null": {AUD: "false"}, "StringEquals": {AUD: STS, SUB: SA}},
    ),
    "aud-for-all-values": (
        "S3002",
        {"ForAllValues:StringEquals": {AUD: STS}, "StringEquals": {SUB: SA}},
        {"ForAnyValue:StringEquals": {AUD: STS}, "StringEquals": {SUB: SA}},
    ),
    "sub-not-equals": (
        "S3003",
        {"StringEquals": {AUD: STS}, "StringNotEquals": {SUB: SA}},
        {"StringEquals": {AUD: STS, SUB: SA}, "StringNotEquals": {SUB: "system:serviceaccount:a:c"}},
    ),
    "sub-null": (
        "S3003",
        {"Null": {SUB: "false"}, "StringEquals": {AUD: STS}},
        {"Null": {SUB: "false"}, "StringEquals": {AUD: STS, SUB: SA}},
    ),
    "sub-ignore-case": (
        "S3003",
        {"StringEquals": {AUD: STS}, "StringEqualsIgnoreCase": {SUB: SA}},
        {"StringEquals": {AUD: STS}, "StringLike": {SUB: SA}},
    ),
}


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_a_claim_not_pinned_is_flagged(case: str) -> None:
    rule, bad, _ = CASES[case]
    found = [f for f in lint_document(doc(web_identity(bad)), "trust") if f.code == rule]
    assert found, case
    assert all("does not pin" in f.message for f in found)


@pytest.mark.parametrize("case", CASES, ids=list(CASES))
def test_the_same_claim_pinned_is_clean(case: str) -> None:
    rule, _, good = CASES[case]
    assert rule not in codes(lint_document(doc(web_identity(good)), "trust"))


def test_message_names_the_operator_and_why() -> None:
    (f,) = lint_document(doc(web_identity(CASES["sub-not-equals"][1])), "trust")
    assert f.code == "S3003" and "StringNotEquals" in f.message and "admits every other value" in f.message
    (g,) = lint_document(doc(web_identity(CASES["aud-like-question-mark"][1])), "trust")
    assert g.code == "S3002" and "'sts.amazonaws.co?' is a wildcard pattern" in g.message


def test_cli_lint_exits_with_the_finding(tmp_path: Path) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(doc(web_identity(CASES["aud-like-star"][1]))))
    code, out, _ = run_main("lint", str(path), "--type", "trust", "--fail-on", "security")
    assert code == 1 and "S3002" in out and "no findings" not in out
