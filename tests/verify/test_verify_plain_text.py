"""verify's text report without rich (issue 18): on a pipe it is exactly what rich prints there (colour
stripped: rich prints none on a pipe), at every console width, or it is left to rich (``NotPlain``)."""

from __future__ import annotations

import io
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console
from rich.table import Table
from rich.text import Text
from verify_helpers import ISSUER, rendered

from byoc_iam.model import RoleSpec
from byoc_iam.report import plain
from byoc_iam.report.plain import Column, NotPlain
from byoc_iam.report.verify_text import plain_text, render_text
from byoc_iam.verify import VerifyReport, verify_role
from byoc_iam.verify.report import FederationResult

WIDTHS = [*range(20, 140), 160, 200, 250, 400]


def _failing() -> RoleSpec:
    """The rendered role with a statement removed, a Deny on an unknown key, a refused document and a wider
    trust: failing calls, findings of every severity, failed and refused rows."""
    spec = rendered()
    data = spec.model_dump()
    name = next(iter(data["inline_policies"]))
    doc = dict(data["inline_policies"][name])
    doc["Statement"] = doc["Statement"][1:]
    data["inline_policies"][name] = doc
    data["inline_policies"]["Extra"] = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Wide", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "ec2:CreateVolume",
                "Resource": "*",
                "Condition": {"DateGreaterThan": {"aws:CurrentTime": "2020-01-01T00:00:00Z"}},
            },
        ],
    }
    data["inline_policies"]["Broken"] = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*", "Condition": {"Bad": {}}}],
    }
    trust = spec.trust().to_dict()
    trust["Statement"].append({"Effect": "Allow", "Principal": {"AWS": "*"}, "Action": "sts:AssumeRole"})
    data["trust_policy"] = trust
    return RoleSpec(**data)


def _reports() -> dict[str, VerifyReport]:
    linked = verify_role(rendered(oidc_issuer=ISSUER, region="us-west-2"), explain=True)
    broken = FederationResult(provider="arn:aws:iam::1:oidc-provider/x", checked=["account"], passed=False)
    return {
        "placeholder": verify_role(rendered(), explain=True),
        "linked": linked,
        "failing": verify_role(_failing(), explain=True),
        "federation": linked.model_copy(update={"federation": [broken.model_copy(update={"problems": ["p q"]})]}),
    }


REPORTS = _reports()


def _rich(report: VerifyReport, verbose: bool) -> str:
    out = io.StringIO()
    render_text(report, Console(file=out), verbose=verbose)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(REPORTS))
@pytest.mark.parametrize("verbose", [False, True])
def test_the_plain_report_is_riches_at_every_width(name: str, verbose: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    report = REPORTS[name]
    laid_out = 0
    for width in WIDTHS:
        monkeypatch.setenv("COLUMNS", str(width))
        try:
            text = plain_text(report, verbose=verbose)
        except NotPlain:
            assert width < 40, width  # only a console too narrow for the matrix is left to rich
            continue
        assert text == _rich(report, verbose), width
        laid_out += 1
    assert laid_out > 100


def test_the_failing_report_has_what_the_plain_layout_must_wrap() -> None:
    text = _rich(REPORTS["failing"], False)
    assert "Failing calls" in text and "FAIL" in text and "error [document-refused]" in text


_WORD = st.text(alphabet="abcdefghij-:/.", min_size=1, max_size=30)
_CELL = st.lists(_WORD, min_size=0, max_size=6).map(" ".join)


@settings(max_examples=150, deadline=None)
@given(
    st.integers(20, 160),
    st.lists(st.tuples(_WORD, st.sampled_from(["left", "right"])), min_size=1, max_size=7),
    st.integers(0, 5),
    st.data(),
)
def test_tables_and_lines_lay_out_as_riches(width: int, cols: list[tuple[str, Any]], n: int, data: Any) -> None:
    rows = [[data.draw(_CELL) for _ in cols] for _ in range(n)]
    line = data.draw(st.lists(st.text(alphabet="ab ✓…", min_size=1, max_size=40), max_size=6).map(" ".join))
    out = io.StringIO()
    console = Console(file=out, width=width)
    title = data.draw(_CELL)
    grid = Table(title=Text(title), title_justify="left")  # Text: as written (no ":a:" emoji), as verify prints
    for header, justify in cols:
        grid.add_column(Text(header), justify=justify)
    for row in rows:
        grid.add_row(*(Text(c) for c in row))
    console.print(Text(line))
    try:
        mine = plain.wrap(line, width) + plain.table(title, [Column(h, j) for h, j in cols], rows, width)
    except NotPlain:
        return
    console.print(grid)
    assert "".join(x + "\n" for x in mine) == out.getvalue()


def test_the_console_width_is_riches(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "123")
    assert plain.console_width() == Console().width == 123
    monkeypatch.delenv("COLUMNS")
    assert plain.console_width() == Console().width
    monkeypatch.setenv("COLUMNS", "12")
    with pytest.raises(NotPlain):
        plain.console_width()
    monkeypatch.setenv("COLUMNS", "100")
    monkeypatch.setenv("TTY_COMPATIBLE", "1")  # rich colours a pipe then
    with pytest.raises(NotPlain):
        plain.console_width()


@pytest.mark.parametrize("text", ["wide 漢字", "tab\there", "new\nline", "emoji 😀"])
def test_characters_rich_measures_otherwise_are_left_to_rich(text: str) -> None:
    with pytest.raises(NotPlain):
        plain.wrap(text, 80)


def test_text_is_printed_as_written_not_as_rich_markup_or_emoji(monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "X",
                "Effect": "Deny",
                "Action": "ec2:CreateVolume",
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:CalledVia[bold]:smile:": "x"}},
            }
        ],
    }
    spec = rendered()
    spec = spec.model_copy(update={"inline_policies": {**spec.inline_policies, "Odd": doc}})
    report = verify_role(spec, explain=True)
    monkeypatch.setenv("COLUMNS", "400")
    text = plain_text(report)
    assert text == _rich(report, False)
    assert "aws:CalledVia[bold]:smile:" in text


def test_verify_on_a_pipe_prints_the_plain_report(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Any
) -> None:
    from cli_helpers import run_cli

    role = tmp_path / "role.json"
    role.write_text(rendered().to_json())
    monkeypatch.setenv("COLUMNS", "90")
    code, out, _ = run_cli(["verify", "--role", str(role)], capsys)
    assert code == 3
    monkeypatch.setattr("byoc_iam.cli.files.plain_stdout", lambda: False)
    code_rich, out_rich, _ = run_cli(["verify", "--role", str(role)], capsys)
    assert (code, out) == (code_rich, out_rich)
    assert "NOT LINKED YET" in out and "┏" in out
