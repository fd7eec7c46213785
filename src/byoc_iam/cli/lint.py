"""CLI: ``byoc-iam lint`` — lint policy documents or a whole RoleSpec.

Kept lean for start-up time: the linter, the catalog and rich are imported inside the command.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer

from byoc_iam.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from byoc_iam.lint import Finding

TYPES = ("auto", "identity", "trust", "resource", "scp")
OUTPUTS = ("text", "json", "sarif")
TRUST_MODES = ("auto", "placeholder", "resolved")
STYLES = {"ERROR": "bold red", "SECURITY_WARNING": "bold magenta", "WARNING": "yellow", "SUGGESTION": "cyan"}


def _read(name: str) -> str | bytes:
    if name == "-":
        return sys.stdin.buffer.read()
    try:
        return Path(name).read_bytes()
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None


def _line(f: Finding) -> str:
    return f"{f.location()} {f.severity} {f.code} {f.message}" + (f" (Sid {f.sid})" if f.sid else "")


def _print_text(findings: list[Finding], documents: int) -> None:
    """One line per finding and a summary; coloured with rich on a terminal, plain text otherwise (rich's
    import is skipped when nothing would be coloured: it costs ~30 ms of start-up)."""
    from byoc_iam.lint.output import summary

    noun = "document" if documents == 1 else "documents"
    tail = f"{documents} {noun} linted: {summary(findings)}"
    if not sys.stdout.isatty() and not os.environ.get("FORCE_COLOR"):
        sys.stdout.write("".join(_line(f) + "\n" for f in findings) + tail + "\n")
        return
    from rich.console import Console
    from rich.markup import escape

    console = Console(highlight=False, soft_wrap=True)
    for f in findings:
        style = STYLES.get(str(f.severity), "")
        sid = f" [dim](Sid {escape(f.sid)})[/dim]" if f.sid else ""
        console.print(
            f"[bold]{escape(f.location())}[/bold] [{style}]{f.severity}[/{style}] [dim]{f.code}[/dim] "
            f"{escape(f.message)}{sid}"
        )
    console.print(f"[dim]{tail}[/dim]")


def _print_rules() -> None:
    from rich.console import Console
    from rich.table import Table

    from byoc_iam.lint import all_rules

    table = Table("code", "name", "severity", "description", box=None)
    for r in all_rules():
        style = STYLES.get(str(r.severity), "")
        table.add_row(r.code, r.name, f"[{style}]{r.severity}[/{style}]", r.description)
    Console().print(table)


class _Parser(argparse.ArgumentParser):
    """argparse, with bad usage turned into the CLI's one-line UsageError (exit 2)."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"lint: {message}")


def _positive(value: str) -> int:
    if not value.isdigit() or int(value) < 1:
        raise argparse.ArgumentTypeError(f"{value!r} is not a positive whole number")
    return int(value)


def parser() -> argparse.ArgumentParser:
    """The options of ``byoc-iam lint`` (documented in the README)."""
    p = _Parser(
        prog="byoc-iam lint",
        description="Lint IAM policy documents, or a whole RoleSpec with --role. "
        "Exit 0: no error (--strict: no finding); 1: failing findings; 2: bad usage or unreadable input.",
    )
    p.add_argument("files", nargs="*", metavar="FILE", help="policy documents (JSON); '-' reads stdin")
    p.add_argument("-t", "--type", dest="policy_type", default="auto", choices=TYPES, help="policy type (auto)")
    p.add_argument("-o", "--output", default="text", choices=OUTPUTS, help="output format (text)")
    p.add_argument("--strict", action="store_true", help="fail (exit 1) on any finding, not only on errors")
    p.add_argument("--role", metavar="ROLESPEC", help="lint a whole RoleSpec JSON file ('-' reads stdin)")
    p.add_argument(
        "--trust-mode",
        default="auto",
        choices=TRUST_MODES,
        help="placeholder: the eks_oidc_url trust is intended; resolved: the trust must be usable (auto)",
    )
    p.add_argument("--trust-size-limit", type=_positive, default=2048, metavar="N", help="trust size quota (2048)")
    p.add_argument(
        "--managed-policies-limit", type=_positive, default=10, metavar="N", help="managed policies per role (10)"
    )
    p.add_argument("--ignore", action="append", default=[], metavar="CODES", help="rule codes to skip (repeatable)")
    p.add_argument("--list-rules", action="store_true", help="print the rules and exit")
    return p


def lint(ctx: typer.Context) -> None:
    """Lint IAM policy documents, or a whole RoleSpec with --role (see byoc-iam lint --help)."""
    run(list(ctx.args))


def run(argv: list[str]) -> None:
    """``byoc-iam lint`` with its own arguments. Parsed with argparse, not typer: typer coerces every
    non-flag option through pydantic, which would cost ``lint`` about 100 ms of start-up."""
    args = parser().parse_args(argv)
    files: list[str] = args.files
    role: str | None = args.role
    output: str = args.output
    policy_type: str = args.policy_type
    trust_mode: str = args.trust_mode
    trust_size_limit: int = args.trust_size_limit
    managed_policies_limit: int = args.managed_policies_limit
    ignore: list[str] = args.ignore
    strict: bool = args.strict
    list_rules: bool = args.list_rules
    if list_rules:
        _print_rules()
        return
    if not files and role is None:
        raise UsageError("nothing to lint: give policy FILEs ('-' for stdin) or --role ROLESPEC.json")
    if files.count("-") + (role == "-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    skip = [c.strip() for item in ignore or [] for c in item.split(",") if c.strip()]

    from byoc_iam.lint import lint_document, lint_role, rule

    unknown = [c for c in skip if rule(c) is None]
    if unknown:
        raise UsageError(f"--ignore: unknown rule code {unknown[0]} (see byoc-iam lint --list-rules)")
    texts = [(name, _read(name)) for name in files]
    role_text = _read(role) if role is not None else None

    findings: list[Finding] = []
    documents = 0
    common = {"trust_mode": trust_mode, "trust_size_limit": trust_size_limit, "ignore": skip}
    if role is not None and role_text is not None:
        from byoc_iam.model import RoleSpec

        label = "<stdin>" if role == "-" else role
        try:
            text = role_text.decode("utf-8") if isinstance(role_text, bytes) else role_text
        except UnicodeDecodeError:
            raise UsageError(f"{label}: not UTF-8 text") from None
        spec = RoleSpec.from_json(text, source=label)
        findings += lint_role(spec, file=label, text=text, managed_policies_limit=managed_policies_limit, **common)  # type: ignore[arg-type]
        documents += 1 + len(spec.inline_policies) + len(spec.customer_managed_policies)
    for name, data in texts:
        label = "<stdin>" if name == "-" else name
        findings += lint_document(data, policy_type, file=label, **common)  # type: ignore[arg-type]
        documents += 1

    if output == "json":
        from byoc_iam.lint.output import to_json

        sys.stdout.write(to_json(findings))
    elif output == "sarif":
        from byoc_iam.lint.output import to_sarif
        from byoc_iam.report.sarif import dumps

        sys.stdout.write(dumps(to_sarif(findings)))
    else:
        _print_text(findings, documents)

    from byoc_iam.lint import failing

    if failing(findings, strict=strict):
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    """Add ``lint`` to the app (its arguments pass through to :func:`run`)."""
    app.command(
        "lint",
        context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []},
        add_help_option=False,
    )(lint)
