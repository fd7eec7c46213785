"""verify's terminal output: the component matrix, failing calls with the nearest statement, trust, findings.

The report is first laid out as blocks (:func:`blocks`: lines of styled pieces and tables); :func:`render_text`
prints them with rich (colour on a terminal) and :func:`plain_text` as plain text laid out exactly as rich lays it
out on a pipe (:mod:`byoc_iam.report.plain`), without importing rich; ``cli/verify.py`` prints the latter when
stdout is not a terminal and falls back to rich when it raises ``NotPlain``. Text is printed as written: no rich
markup or emoji codes are interpreted (a ``:name:`` in a policy's text stays as it is).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING

from byoc_iam.model.record import record
from byoc_iam.report.plain import Column, console_width, table, wrap
from byoc_iam.verify.report import VerifyReport

if TYPE_CHECKING:
    from rich.console import Console

_STYLE = {"passed": "green", "failed": "bold red", "optional": "dim", "not-evaluated": "dim"}
_TRUST = {"passed": ("PASS", "green"), "failed": ("FAIL", "bold red"), "not-linked": ("NOT LINKED", "yellow")}
_SEVERITY = {"error": "bold red", "security": "bold magenta", "warning": "yellow", "info": "cyan"}
_VERDICT = {"ready": "bold green", "not-linked": "bold yellow", "fails": "bold red"}
_MATRIX = (
    Column("component"),
    Column("obtains the role via"),
    Column("passed", "right"),
    Column("failed", "right"),
    Column("optional", "right"),
    Column("not evaluated", "right"),
    Column("status"),
)
_TRUST_COLUMNS = (Column("check"), Column("expected"), Column("decision"), Column("result"))
Piece = tuple[str, str]  # text, rich style ("" for none)


@record(frozen=True, kw_only=False)
class Line:
    """One printed line (wrapped at the console's width) made of styled pieces."""

    pieces: tuple[Piece, ...]


@record(frozen=True, kw_only=False)
class Grid:
    """A table: title, columns and rows of styled cells."""

    title: str
    columns: tuple[Column, ...]
    rows: Sequence[tuple[Piece, ...]]


Block = Line | Grid


def _line(*pieces: str | Piece) -> Line:
    return Line(tuple((p, "") if isinstance(p, str) else p for p in pieces))


def _short(obtains: str) -> str:
    for long, short in (
        ("service principal ", ""),
        ("EC2 instance profile ", "instance profile "),
        ("IRSA service account ", "IRSA "),
    ):
        obtains = obtains.replace(long, short)
    return obtains


def render_text(report: VerifyReport, console: Console, *, verbose: bool = False) -> None:
    """Print the report with rich: matrix, failures, trust checks, findings and the verdict."""
    from rich.table import Table
    from rich.text import Text

    for block in blocks(report, verbose=verbose):
        if isinstance(block, Line):
            console.print(Text.assemble(*block.pieces))
            continue
        grid = Table(title=Text(block.title, style="table.title"), title_justify="left")  # as written: no markup
        for col in block.columns:
            grid.add_column(Text(col.header), justify=col.justify)
        for row in block.rows:
            grid.add_row(*(Text(text, style=style) for text, style in row))
        console.print(grid)


def plain_text(report: VerifyReport, *, verbose: bool = False) -> str:
    """The report as :func:`render_text` prints it on a console that is not a terminal (rich's layout, no
    colour); ``byoc_iam.report.plain.NotPlain`` when rich would lay it out otherwise."""
    width = console_width()
    lines: list[str] = []
    for block in blocks(report, verbose=verbose):
        if isinstance(block, Line):
            lines += wrap("".join(text for text, _ in block.pieces), width)
        else:
            lines += table(block.title, block.columns, [[text for text, _ in row] for row in block.rows], width)
    return "".join(line + "\n" for line in lines)


def blocks(report: VerifyReport, *, verbose: bool = False) -> Iterator[Block]:
    """The report laid out: the header line, the matrix, failing calls, trust checks, findings and the verdict."""
    role = report.role
    yield _line(
        ("verify ", "bold"),
        (role.arn, "cyan"),
        f"  ({role.source}; trust: {report.trust_mode}; features: {', '.join(report.features) or 'default'})",
    )
    rows = [
        (
            (c.name, ""),
            ("; ".join(_short(o) for o in c.obtains_role), ""),
            (str(c.counts.passed), ""),
            (str(c.counts.failed), "bold red" if c.counts.failed else ""),
            (str(c.counts.optional), ""),
            (str(c.counts.not_evaluated), ""),
            (c.status.upper(), _STYLE[c.status]),
        )
        for c in report.components
    ]
    yield Grid("Components by required calls", _MATRIX, rows)
    yield from _calls(report, verbose)
    yield from _trust(report, verbose)
    yield from _findings(report)
    yield from _verdict(report)


def _calls(report: VerifyReport, verbose: bool) -> Iterator[Block]:
    failed = [(c, call) for c in report.components for call in c.calls if call.status == "failed"]
    if failed:
        yield _line(("Failing calls", "bold red"))
        for comp, call in failed:
            yield _line("  ✗ ", (f"{comp.id} ", "bold"), (call.action, "yellow"), f" [{call.id}]")
            yield _line(f"      {call.reason}")
    if verbose:
        yield _line(("Calls", "bold"))
        for comp in report.components:
            for call in comp.calls:
                deciding = ", ".join(sorted({s.label() for a in call.authorizations for s in a.deciding}))
                yield _line(
                    (f"  {call.status:<13}", _STYLE[call.status]),
                    f"{comp.id} {call.action} [{call.id}]",
                    (f"  ← {deciding}" if deciding else "", "dim"),
                )


def _trust(report: VerifyReport, verbose: bool = False) -> Iterator[Block]:
    """The trust rows; the negative variations (``variant:...``) that passed only with ``verbose``, counted."""
    rows: list[tuple[Piece, ...]] = []
    hidden = 0
    for t in report.trust:
        if t.id.startswith("variant:") and t.status == "passed" and not verbose:
            hidden += 1
            continue
        word, style = _TRUST[t.status]
        rows.append(((t.id, ""), (t.expected, ""), (t.decision, ""), (word, style)))
    yield Grid("Trust policy", _TRUST_COLUMNS, rows)
    if hidden:
        yield _line(
            f"  ✓ {hidden} negative variations denied (each intended principal's other trust actions and altered "
            "audience/subject; --verbose lists them)"
        )
    for t in report.trust:
        if t.status == "failed":
            yield _line(f"  ✗ {t.id}: {t.reason}")
    unlinked = [t.id for t in report.trust if t.status == "not-linked"]
    if unlinked:
        yield _line(
            f"  … {len(unlinked)} IRSA service accounts: not linked yet (the controllers cannot assume the role "
            "until link-cluster)"
        )
    for fed in report.federation:
        mark = "✓" if fed.passed else "✗"
        yield _line(f"  {mark} federation {fed.provider} ({', '.join(fed.checked)})")
        for problem in fed.problems:
            yield _line(f"      {problem}")


def _findings(report: VerifyReport) -> Iterator[Block]:
    if report.findings:
        yield _line(("Findings", "bold"))
        for f in report.findings:
            yield _line("  ", (f"{f.severity}", _SEVERITY[f.severity]), f" [{f.code}] ", (f.title, "bold"))
            yield _line(f"      {f.message}")
            if f.mitigation:
                yield _line(f"      Mitigation: {f.mitigation}")


def _verdict(report: VerifyReport) -> Iterator[Block]:
    s = report.summary
    head, _, rest = report.verdict.partition(":")
    yield _line((head.upper(), _VERDICT[report.status]), (f":{rest}", _VERDICT[report.status]))
    yield _line(
        f"  {s.calls.passed} required calls allowed, {s.calls.failed} failed, {s.calls.optional} optional; "
        f"trust {s.trust_passed} passed, {s.trust_failed} failed, {s.trust_not_linked} not linked; "
        f"{s.findings} finding{'s' if s.findings != 1 else ''}"
    )
