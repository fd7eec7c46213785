"""verify's terminal output: the component matrix, failing calls with the nearest statement, trust, findings."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from byoc_iam.verify.report import VerifyReport

_STYLE = {"passed": "green", "failed": "bold red", "optional": "dim", "not-evaluated": "dim"}
_TRUST = {"passed": ("PASS", "green"), "failed": ("FAIL", "bold red"), "not-linked": ("NOT LINKED", "yellow")}
_SEVERITY = {"error": "bold red", "security": "bold magenta", "warning": "yellow", "info": "cyan"}
_VERDICT = {"ready": "bold green", "not-linked": "bold yellow", "fails": "bold red"}


def _short(obtains: str) -> str:
    for long, short in (
        ("service principal ", ""),
        ("EC2 instance profile ", "instance profile "),
        ("IRSA service account ", "IRSA "),
    ):
        obtains = obtains.replace(long, short)
    return obtains


def render_text(report: VerifyReport, console: Console, *, verbose: bool = False) -> None:
    """Print the report: matrix, failures, trust checks, findings and the verdict."""
    role = report.role
    console.print(
        Text.assemble(
            ("verify ", "bold"),
            (role.arn, "cyan"),
            f"  ({role.source}; trust: {report.trust_mode}; features: {', '.join(report.features) or 'default'})",
        )
    )
    matrix = Table(title="Components by required calls", title_justify="left", show_lines=False)
    for col, kw in (
        ("component", {}),
        ("obtains the role via", {}),
        ("passed", {"justify": "right"}),
        ("failed", {"justify": "right"}),
        ("optional", {"justify": "right"}),
        ("not evaluated", {"justify": "right"}),
        ("status", {}),
    ):
        matrix.add_column(col, **kw)  # type: ignore[arg-type]
    for c in report.components:
        matrix.add_row(
            c.name,
            "; ".join(_short(o) for o in c.obtains_role),
            str(c.counts.passed),
            Text(str(c.counts.failed), style="bold red" if c.counts.failed else ""),
            str(c.counts.optional),
            str(c.counts.not_evaluated),
            Text(c.status.upper(), style=_STYLE[c.status]),
        )
    console.print(matrix)
    _calls(report, console, verbose)
    _trust(report, console, verbose)
    _findings(report, console)
    _verdict(report, console)


def _calls(report: VerifyReport, console: Console, verbose: bool) -> None:
    failed = [(c, call) for c in report.components for call in c.calls if call.status == "failed"]
    if failed:
        console.print(Text("Failing calls", style="bold red"))
        for comp, call in failed:
            console.print(Text.assemble("  ✗ ", (f"{comp.id} ", "bold"), (call.action, "yellow"), f" [{call.id}]"))
            console.print(f"      {call.reason}", markup=False, highlight=False)
    if verbose:
        console.print(Text("Calls", style="bold"))
        for comp in report.components:
            for call in comp.calls:
                deciding = ", ".join(sorted({s.label() for a in call.authorizations for s in a.deciding}))
                console.print(
                    Text.assemble(
                        (f"  {call.status:<13}", _STYLE[call.status]),
                        f"{comp.id} {call.action} [{call.id}]",
                        (f"  ← {deciding}" if deciding else "", "dim"),
                    )
                )


def _trust(report: VerifyReport, console: Console, verbose: bool = False) -> None:
    """The trust rows; the negative variations (``variant:...``) that passed only with ``verbose``, counted."""
    trust = Table(title="Trust policy", title_justify="left")
    for col in ("check", "expected", "decision", "result"):
        trust.add_column(col)
    hidden = 0
    for t in report.trust:
        if t.id.startswith("variant:") and t.status == "passed" and not verbose:
            hidden += 1
            continue
        word, style = _TRUST[t.status]
        trust.add_row(t.id, t.expected, t.decision, Text(word, style=style))
    console.print(trust)
    if hidden:
        console.print(
            f"  ✓ {hidden} negative variations denied (each intended principal's other trust actions and altered "
            "audience/subject; --verbose lists them)",
            markup=False,
            highlight=False,
        )
    for t in report.trust:
        if t.status == "failed":
            console.print(f"  ✗ {t.id}: {t.reason}", markup=False, highlight=False)
    unlinked = [t.id for t in report.trust if t.status == "not-linked"]
    if unlinked:
        console.print(
            f"  … {len(unlinked)} IRSA service accounts: not linked yet (the controllers cannot assume the role "
            "until link-cluster)",
            markup=False,
            highlight=False,
        )
    for fed in report.federation:
        mark = "✓" if fed.passed else "✗"
        checks = ", ".join(fed.checked)
        console.print(f"  {mark} federation {fed.provider} ({checks})", markup=False, highlight=False)
        for problem in fed.problems:
            console.print(f"      {problem}", markup=False, highlight=False)


def _findings(report: VerifyReport, console: Console) -> None:
    if report.findings:
        console.print(Text("Findings", style="bold"))
        for f in report.findings:
            style = _SEVERITY[f.severity]
            console.print(Text.assemble("  ", (f"{f.severity}", style), f" [{f.code}] ", (f.title, "bold")))
            console.print(f"      {f.message}", markup=False, highlight=False)
            if f.mitigation:
                console.print(f"      Mitigation: {f.mitigation}", markup=False, highlight=False)


def _verdict(report: VerifyReport, console: Console) -> None:
    s = report.summary
    head, _, rest = report.verdict.partition(":")
    console.print(Text.assemble((head.upper(), _VERDICT[report.status]), (f":{rest}", _VERDICT[report.status])))
    console.print(
        f"  {s.calls.passed} required calls allowed, {s.calls.failed} failed, {s.calls.optional} optional; "
        f"trust {s.trust_passed} passed, {s.trust_failed} failed, {s.trust_not_linked} not linked; "
        f"{s.findings} finding{'s' if s.findings != 1 else ''}",
        markup=False,
        highlight=False,
    )
