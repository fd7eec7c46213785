"""The batch reader parses exactly or refuses (issue 18, found by breaking the fast reader): numbers orjson would
round, JSON's non-numbers, lines that are not one value each, and repeated keys of the object form."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from byoc_iam.engine.batch import run_batch
from byoc_iam.errors import UsageError
from byoc_iam.model.policy import PolicyParseError, scalar_to_str

ACCOUNT = "111122223333"
BIG = "18446744073709551616"  # 2**64: orjson reads it as a float, json as the exact integer


def _doc(value: str, effect: str = "Allow") -> str:
    condition = '{"StringEquals": {"aws:ResourceTag/x": ' + value + "}}"
    return (
        '{"Version": "2012-10-17", "Statement": [{"Effect": "' + effect + '", "Action": "s3:GetObject", '
        '"Resource": "*", "Condition": ' + condition + "}]}"
    )


ALLOW = '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}'


def _item(docs: str, context_value: str) -> str:
    request = (
        '{"principal": "arn:aws:iam::' + ACCOUNT + ':role/a", "action": "s3:GetObject", '
        '"resource": "arn:aws:s3:::b/k", "context": {"aws:ResourceTag/x": ' + context_value + "}}"
    )
    return '{"policies": {"identity": [' + docs + ']}, "request": ' + request + "}"


def _run(text: str) -> tuple[list[str], str | None]:
    out = io.StringIO()
    try:
        run_batch(io.StringIO(text), out, "b")
    except UsageError as exc:
        return out.getvalue().splitlines(), str(exc)
    return out.getvalue().splitlines(), None


@pytest.mark.parametrize("effect", ["Allow", "Deny"])
def test_an_integer_beyond_64_bits_in_a_document_is_refused_not_rounded(effect: str) -> None:
    """IAM reads the literal's digits; orjson would round them to a float, so a Deny on them could be skipped."""
    lines, error = _run("[" + _item(ALLOW + ", " + _doc(BIG, effect), f'"{BIG}"') + "]")
    assert lines == []
    assert error is not None and error.startswith("b[0].policies.identity[1]: ") and "too large" in error


def test_an_integer_beyond_64_bits_in_a_request_is_refused() -> None:
    lines, error = _run("[" + _item(ALLOW, BIG) + "]")
    assert lines == [] and error is not None
    assert error.startswith("b[0].request.context.aws:ResourceTag/x: ") and "too large" in error


@pytest.mark.parametrize("value", [2.0**64, -(2.0**63), float("nan"), float("inf")])
def test_scalar_to_str_refuses_a_float_it_cannot_write_exactly(value: float) -> None:
    with pytest.raises(PolicyParseError, match="too large to read exactly"):
        scalar_to_str(value)


@pytest.mark.parametrize("literal", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_json_non_numbers_are_invalid_json(literal: str) -> None:
    """NaN and the infinities are not JSON (the standard library would read them, orjson does not): refused, so
    two documents that differ only there can never share a cache entry (orjson writes both as null)."""
    lines, error = _run("[" + _item(_doc(literal), '"x"') + ", " + _item(_doc("null"), '"x"') + "]")
    assert lines == [] and error is not None and "invalid JSON" in error
    lines, error = _run(_item(_doc(literal), '"x"') + "\n")  # JSON lines, on the first line
    assert error is not None and error.startswith("b:1: invalid JSON: ")


def test_a_value_split_over_lines_is_refused_even_when_the_count_of_values_matches() -> None:
    whole = _item(ALLOW, '"x"')
    head, tail = whole[:-40], whole[-40:]
    lines, error = _run("\n".join([whole, head, tail, whole + ", " + whole]) + "\n")
    assert len(lines) == 1 and error is not None and error.startswith("b:2: invalid JSON")


@pytest.mark.parametrize("blank", ["\x0c", "\xa0"])
def test_a_line_of_non_json_whitespace_is_not_blank(blank: str) -> None:
    whole = _item(ALLOW, '"x"')
    lines, error = _run(f"{whole}\n{blank}\n{whole}\n")
    assert len(lines) == 1 and error is not None and error.startswith("b:2: invalid JSON")


@pytest.mark.parametrize("repeated", ['"policies": {"identity": []}', '"requests": 5', '"requests": []'])
def test_a_repeated_key_of_the_streamed_object_form_is_refused(repeated: str) -> None:
    """Which value a parser keeps for a repeated key differs; the streamed form has decided with the first."""
    request: dict[str, Any] = {
        "principal": f"arn:aws:iam::{ACCOUNT}:role/a",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::b/k",
    }
    policies = json.dumps({"identity": [json.loads(ALLOW)]}, indent=1)  # over many lines: streamed
    text = '{"policies": ' + policies + ',\n "requests": [' + json.dumps(request) + "],\n " + repeated + "}"
    lines, error = _run(text)
    assert len(lines) == 1 and error is not None and "is repeated" in error
