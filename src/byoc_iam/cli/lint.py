"""CLI: ``byoc-iam lint`` — lint policy documents or a whole RoleSpec.

Kept lean for start-up time: the linter, the catalog and rich are imported inside the command (rich only
when something is coloured or a table is printed).
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from byoc_iam.cli.params import argument, option
from byoc_iam.errors import ExitCode, UsageError
from byoc_iam.model.quotas import quotas

if TYPE_CHECKING:
    from typer import Typer

    from byoc_iam.lint import Finding, LintOptions

STYLES = {"ERROR": "bold red", "SECURITY_WARNING": "bold magenta", "WARNING": "yellow", "SUGGESTION": "cyan"}


class TypeChoice(StrEnum):
    auto = "auto"
    identity = "identity"
    trust = "trust"
    resource = "resource"
    scp = "scp"


class LintOutput(StrEnum):
    text = "text"
    json = "json"
    table = "table"
    sarif = "sarif"


class FailOn(StrEnum):
    error = "error"
    security = "security"
    warning = "warning"
    suggestion = "suggestion"


class OriginChoice(StrEnum):
    customer = "customer"
    aws_managed = "aws-managed"


ORIGIN_HELP = (
    "aws-managed: the FILEs are AWS managed policies (no customer size quota; what the service catalog snapshot "
    "lacks is W2018, not an error)."
)


class TrustChoice(StrEnum):
    auto = "auto"
    placeholder = "placeholder"
    resolved = "resolved"


def _read(name: str) -> bytes:
    """The bytes of a file (``-``: stdin), at most ``MAX_INPUT_BYTES``: a larger input is a one-line UsageError
    (bounded memory: never read whole)."""
    from byoc_iam.cli.files import MAX_INPUT_BYTES

    try:
        if name == "-":
            data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        else:
            with Path(name).open("rb") as f:
                data = f.read(MAX_INPUT_BYTES + 1)
    except OSError as exc:
        raise UsageError(f"cannot read {name}: {exc.strerror or exc}") from None
    if len(data) > MAX_INPUT_BYTES:
        mib = MAX_INPUT_BYTES // (1024 * 1024)
        raise UsageError(f"{_label(name)}: larger than {mib} MiB: not a document byoc-iam reads")
    return data


def _label(name: str) -> str:
    return "<stdin>" if name == "-" else name


def _line(f: Finding) -> str:
    return f"{f.location()} {f.severity} {f.code} {f.message}" + (f" (Sid {f.sid})" if f.sid else "")


def _print_text(findings: list[Finding], documents: int) -> None:
    """One line per finding and a summary; coloured with rich on a terminal, plain text otherwise (rich's
    import is skipped when nothing would be coloured: it costs ~30 ms of start-up)."""
    from byoc_iam.lint.output import summary

    noun = "document" if documents == 1 else "documents"
    tail = f"{documents} {noun} linted: {summary(findings)}"
    from byoc_iam.cli.files import plain_stdout

    if plain_stdout():
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


def _print_rules(output: LintOutput) -> None:
    """The rules: a table (text, table), one JSON array (json) or the rules of a SARIF log with no results."""
    from byoc_iam.lint import all_rules

    if output is LintOutput.json:
        import json

        rows = [
            {
                "code": r.code,
                "name": r.name,
                "severity": str(r.severity),
                "description": r.description,
                "types": list(r.types),
                "aws_checks": list(r.aws_checks),
            }
            for r in all_rules()
        ]
        sys.stdout.write(json.dumps(rows, indent=2) + "\n")
        return
    if output is LintOutput.sarif:
        from byoc_iam.lint.output import to_sarif
        from byoc_iam.report.sarif import dumps

        sys.stdout.write(dumps(to_sarif([])))
        return
    from rich.console import Console
    from rich.table import Table

    table = Table("code", "name", "severity", "description", box=None)
    for r in all_rules():
        style = STYLES.get(str(r.severity), "")
        table.add_row(r.code, r.name, f"[{style}]{r.severity}[/{style}]", r.description)
    Console().print(table)


def _write(findings: list[Finding], output: LintOutput, documents: int) -> None:
    if output is LintOutput.json:
        from byoc_iam.lint.output import to_json

        sys.stdout.write(to_json(findings))
    elif output is LintOutput.sarif:
        from byoc_iam.lint.output import to_sarif
        from byoc_iam.report.sarif import dumps

        sys.stdout.write(dumps(to_sarif(findings)))
    elif output is LintOutput.table:
        from byoc_iam.cli.tables import print_table
        from byoc_iam.lint.output import summary

        noun = "document" if documents == 1 else "documents"
        rows = [(f.location(), f.severity, f.code, f.message, f.sid or "") for f in findings]
        print_table(
            f"{documents} {noun} linted: {summary(findings)}", ("where", "severity", "code", "message", "sid"), rows
        )
    else:
        _print_text(findings, documents)


def _lint_rolespec(label: str, data: bytes, options: LintOptions) -> tuple[list[Finding], int]:
    """A whole RoleSpec, or every role of a rendered role set: (findings, documents linted)."""
    from byoc_iam.lint import lint_role
    from byoc_iam.model import RoleSpec

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not UTF-8 text") from None
    from byoc_iam.cli.roleset import set_document_specs

    members = set_document_specs(text, label)  # a role set's roleset.json (render --role all --out)
    specs = members if members is not None else [RoleSpec.from_json(text, source=label)]
    findings: list[Finding] = []
    documents = 0
    for spec in specs:
        where = label if members is None else f"{label}#{spec.role_name}"
        findings += lint_role(spec, file=where, text=text if members is None else None, options=options)
        documents += 1 + len(spec.inline_policies) + len(spec.customer_managed_policies)
    return findings, documents


def _lint_file(label: str, data: bytes, policy_type: str, options: LintOptions) -> tuple[list[Finding], int]:
    """A policy document, or every document inside a Terraform/CloudFormation file."""
    from byoc_iam.lint import lint_document

    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return lint_document(data, policy_type, file=label, options=options), 1
    from byoc_iam.lint.embedded import is_embedding_source, lint_source
    from byoc_iam.lint.sources import SourceError

    if not is_embedding_source(label, text):
        return lint_document(data, policy_type, file=label, options=options), 1
    try:
        return lint_source(label, text, options)
    except SourceError as exc:
        raise UsageError(f"{label}: {exc}") from None
    except ImportError as exc:
        raise UsageError(f"{label}: reading Terraform/CloudFormation needs {exc.name}: pip install byoc-iam") from None


def _ignored(ignore: list[str]) -> list[str]:
    """The rule codes of ``--ignore`` (comma-separated, repeatable); an unknown code is a UsageError."""
    from byoc_iam.lint import rule

    skip = [c.strip().upper() for item in ignore for c in item.split(",") if c.strip()]
    unknown = [c for c in skip if rule(c) is None]
    if unknown:
        raise UsageError(f"--ignore: unknown rule code {unknown[0]} (see byoc-iam lint --list-rules)")
    return skip


def lint(
    files: list[str] | None = argument(
        None,
        metavar="FILE...",
        help="Policy documents (JSON), Terraform (.tf, .tf.json, plan JSON) or CloudFormation; '-' reads stdin.",
        show_default=False,
    ),
    policy_type: TypeChoice = option(TypeChoice.auto, "--type", "-t", help="Policy type of the FILEs."),
    output: LintOutput = option(LintOutput.text, "--output", "-o", help="Output format (on stdout)."),
    strict: bool = option(False, "--strict", help="Fail (exit 1) on any finding (= --fail-on suggestion)."),
    fail_on: FailOn = option(FailOn.error, "--fail-on", help="Exit 1 when a finding is at this severity or worse."),
    role: str | None = option(
        None, "--role", metavar="ROLESPEC", help="Lint a whole RoleSpec JSON file ('-' reads stdin)."
    ),
    trust_mode: TrustChoice = option(
        TrustChoice.auto,
        "--trust-mode",
        help="placeholder: the eks_oidc_url trust is intended; resolved: the trust must be usable now.",
    ),
    trust_size_limit: int = option(
        quotas().trust_policy_size, "--trust-size-limit", min=1, metavar="N", help="Trust size quota."
    ),
    managed_policies_limit: int = option(
        quotas().managed_policies_per_role,
        "--managed-policies-limit",
        min=1,
        metavar="N",
        help="Managed policies per role (--role).",
    ),
    origin: OriginChoice = option(OriginChoice.customer, "--origin", help=ORIGIN_HELP),
    ignore: list[str] | None = option(
        None, "--ignore", metavar="CODES", help="Rule codes to skip, comma-separated (repeatable).", show_default=False
    ),
    list_rules: bool = option(False, "--list-rules", help="Print the rules and exit."),
) -> None:
    """Lint IAM policy documents, or a whole RoleSpec with --role.

    FILE... are policy documents (JSON); - reads stdin. A Terraform file (.tf, .tf.json, `terraform show -json`)
    or a CloudFormation template (YAML/JSON) is searched for every IAM document in it.

    Exit codes: 0 nothing at --fail-on severity (default error) or worse; 1 failing findings; 2 bad usage or
    unreadable input.
    """
    if list_rules:
        _print_rules(output)
        return
    names = files or []
    if not names and role is None:
        raise UsageError("nothing to lint: give policy FILEs ('-' for stdin) or --role ROLESPEC.json")
    if names.count("-") + (role == "-") > 1:
        raise UsageError("stdin ('-') can be read only once")
    skip = _ignored(ignore or [])

    from byoc_iam.lint import LintOptions, failing

    texts = [(_label(name), _read(name)) for name in names]
    role_data = _read(role) if role is not None else None
    options = LintOptions(
        trust_mode=trust_mode.value,
        trust_size_limit=trust_size_limit,
        managed_policies_limit=managed_policies_limit,
        ignore=frozenset(skip),
        origin=origin.value,
    )

    findings: list[Finding] = []
    documents = 0
    if role is not None and role_data is not None:
        findings, documents = _lint_rolespec(_label(role), role_data, options)
    for label, data in texts:
        more, count = _lint_file(label, data, policy_type.value, options)
        findings += more
        documents += count

    _write(findings, output, documents)
    if failing(findings, strict=strict, fail_on=fail_on.value):
        raise SystemExit(int(ExitCode.FINDINGS))


def register(app: Typer) -> None:
    """Add ``lint`` to the app (usage errors are one line, exit 2)."""
    import click
    from typer.core import TyperCommand

    class OneLineUsage(TyperCommand):
        """typer's command, with a usage error (bad flag or value) raised as the CLI's one-line UsageError (exit 2)."""

        def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
            try:
                return super().parse_args(ctx, args)
            except click.UsageError as exc:
                raise UsageError(f"lint: {exc.format_message()}") from None

    app.command("lint", cls=OneLineUsage)(lint)
