"""CLI: ``byoc-iam compare OLD NEW`` — does NEW grant anything OLD does not? A proof, or a request.

    byoc-iam compare OLD NEW [--type identity|resource|trust] [--output text|json]
    byoc-iam compare --batch FILE|-        (JSON lines {"old": doc, "new": doc[, "type": ...]})

OLD and NEW are policy documents or RoleSpecs (then ``{"permissions": ..., "trust": ...}``). Every document
is linted first and refused on an ERROR finding, as simulate does. Exit codes: 0 no new access, 1 new
access, 2 bad usage or input (one ``byoc-iam: ...`` line; in a batch, the lines already printed stay).
The prover (z3) and the engine are imported inside the command (start-up time).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import IO, TYPE_CHECKING, Any, cast

import typer

from byoc_iam.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from byoc_iam.compare import Comparison

TYPES = ("identity", "resource", "trust")
EXAMPLES = """Examples:

  byoc-iam compare old-policy.json new-policy.json
  byoc-iam compare old-trust.json new-trust.json --type trust --output json
  byoc-iam compare old-role.json new-role.json       (two RoleSpecs: permissions and trust)

Exit codes: 0 no new access, 1 NEW grants new access, 2 bad usage or input."""


def _load(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise UsageError(f"{where}: not JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})") from None
    except RecursionError:
        raise UsageError(f"{where}: invalid JSON: nested too deeply") from None


def _read(name: str) -> Any:
    from byoc_iam.cli.files import read_input

    return _load(read_input(name), "<stdin>" if name == "-" else name)


def is_rolespec(data: Any) -> bool:
    return isinstance(data, dict) and "role_name" in data and "trust_policy" in data


def checked_document(data: Any, policy_type: str, where: str) -> Any:
    """A policy document, linted (``lint_document``); an ERROR finding refuses it (UsageError)."""
    from byoc_iam.lint import Severity, lint_document
    from byoc_iam.model.policy import PolicyDocument, PolicyParseError

    if not isinstance(data, dict):
        raise UsageError(f"{where}: expected a policy document (a JSON object)")
    errors = [f for f in lint_document(data, policy_type, file=where) if f.severity == Severity.ERROR]
    if errors:
        f = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise UsageError(f"{where}: {f.code} {f.message} at {f.path or '/'}{more}: refused, as simulate refuses it")
    try:
        return PolicyDocument.from_dict(data)
    except PolicyParseError as exc:
        raise UsageError(f"{where}: {exc}") from None


def checked_role(data: Any, where: str) -> Any:
    """A RoleSpec, linted (``lint_role``); an ERROR finding refuses it."""
    from pydantic import ValidationError

    from byoc_iam.lint import Severity, lint_role
    from byoc_iam.model.role import RoleSpec, describe_validation_error

    try:
        spec = RoleSpec.model_validate(data)
    except ValidationError as exc:
        raise UsageError(f"{where}: {describe_validation_error(exc)}") from None
    errors = [f for f in lint_role(spec, file=where) if f.severity == Severity.ERROR]
    if errors:
        f = errors[0]
        raise UsageError(f"{where}: {f.code} {f.message} at {f.path or '/'}: refused, as simulate refuses it")
    return spec


def compare_pair(old: Any, new: Any, policy_type: str, where: tuple[str, str]) -> Comparison | dict[str, Comparison]:
    """Compare two parsed JSON values (documents or RoleSpecs); bad input is a UsageError."""
    from byoc_iam.compare import Undecided, compare_policies
    from byoc_iam.compare.roles import compare_roles

    if is_rolespec(old) != is_rolespec(new):
        raise UsageError(f"{where[0]} and {where[1]}: compare two policy documents or two RoleSpecs, not one of each")
    try:
        if is_rolespec(old):
            return compare_roles(checked_role(old, where[0]), checked_role(new, where[1]))
        lint_type = "trust" if policy_type == "trust" else policy_type
        a = checked_document(old, lint_type, where[0])
        b = checked_document(new, lint_type, where[1])
        return compare_policies(a, b, policy_type)
    except LookupError as exc:
        raise UsageError(str(exc).strip("'\"")) from None
    except Undecided as exc:
        raise UsageError(f"{where[0]} vs {where[1]}: {exc}") from None


def new_access(result: Comparison | dict[str, Comparison]) -> bool:
    if isinstance(result, dict):
        return any(c.new_access for c in result.values())
    return result.new_access


def _text(result: Comparison | dict[str, Comparison]) -> str:
    if isinstance(result, dict):
        return "\n".join(f"{name}: {_text_one(c)}" for name, c in result.items())
    return _text_one(result)


def _text_one(c: Comparison) -> str:
    words = {
        "equivalent": "equivalent: NEW grants exactly what OLD grants",
        "narrower": "narrower: NEW grants less than OLD, nothing new",
        "wider": "wider: NEW grants everything OLD does, and more",
        "incomparable": "incomparable: NEW grants something OLD does not, and loses something",
    }
    lines = [f"{words[c.relation]} ({c.time_ms:.0f} ms)"]
    if c.counterexample is not None:
        r = c.counterexample
        lines.append(f"  new access: {r['action']} on {r['resource']} by {r['principal']}")
        if r.get("context"):
            lines.append(f"    context: {json.dumps(r['context'], sort_keys=True)}")
        if c.statement is not None:
            lines.append(f"    allowed by NEW statement: {json.dumps(c.statement, sort_keys=True)}")
    if c.lost is not None:
        r = c.lost
        lines.append(f"  lost access: {r['action']} on {r['resource']} by {r['principal']}")
    if c.approximate:
        lines.append(f"  approximate: {c.approximate}")
    return "\n".join(lines)


def _table(result: Comparison | dict[str, Comparison]) -> None:
    """One row per comparison (a RoleSpec pair: permissions and trust): the relation and a request each way."""
    from byoc_iam.cli.tables import print_table

    def request(r: dict[str, Any] | None) -> str:
        return "" if r is None else f"{r['action']} on {r['resource']} by {r['principal']}"

    items = result.items() if isinstance(result, dict) else [("policy", result)]
    rows = [
        (name, c.relation, request(c.counterexample), request(c.lost), f"{c.time_ms:.0f}", c.approximate or "")
        for name, c in items
    ]
    print_table("compare OLD NEW", ("compared", "relation", "new access", "lost access", "ms", "approximate"), rows)


def _json(result: Comparison | dict[str, Comparison]) -> dict[str, Any]:
    from byoc_iam.compare.roles import to_json

    return to_json(result)


def _lines(stream: IO[str]) -> Iterator[tuple[int, str]]:
    for number, line in enumerate(stream, 1):
        if line.strip():
            yield number, line


def run_batch(stream: IO[str], out: IO[str], source: str) -> int:
    """One JSON line per input line ``{"old": ..., "new": ..., "type"?: ...}``; the exit code."""
    code = 0
    for number, line in _lines(stream):
        where = f"{source}:{number}"
        item = _load(line, where)
        if not isinstance(item, dict) or "old" not in item or "new" not in item:
            raise UsageError(f'{where}: expected {{"old": document, "new": document}}')
        ptype = item.get("type", "identity")
        if ptype not in TYPES:
            raise UsageError(f"{where}: type {ptype!r} is not one of {', '.join(TYPES)}")
        result = compare_pair(item["old"], item["new"], ptype, (f"{where} old", f"{where} new"))
        out.write(json.dumps(_json(result)) + "\n")
        out.flush()
        if new_access(result):
            code = int(ExitCode.FINDINGS)
    return code


def compare(
    old: str | None = typer.Argument(None, metavar="OLD", help="Policy document or RoleSpec file ('-': stdin)."),
    new: str | None = typer.Argument(None, metavar="NEW", help="Policy document or RoleSpec file."),
    policy_type: str = typer.Option("identity", "--type", "-t", metavar="TYPE", help="identity | resource | trust."),
    output: str | None = typer.Option(
        None,
        "--output",
        "-o",
        metavar="FORMAT",
        help="text, json or table \\[default: text]; --batch always prints JSON lines.",
        show_default=False,
    ),
    batch: str | None = typer.Option(
        None, "--batch", metavar="FILE", help='JSON lines {"old": doc, "new": doc} (\'-\': stdin); one JSON line each.'
    ),
) -> None:
    """Prove that NEW grants nothing OLD does not, or show a request it newly allows (z3, offline)."""
    if policy_type not in TYPES:
        raise UsageError(f"--type: {policy_type!r} is not one of {', '.join(TYPES)}")
    from byoc_iam.cli.tables import check_output

    if output is not None:
        check_output(output)
    if batch is not None:
        if old is not None or new is not None:
            raise UsageError("--batch cannot be combined with OLD and NEW")
        if output not in (None, "json"):
            raise UsageError(f"--batch prints JSON lines (one per pair): --output {output} is for one pair")
        from byoc_iam.cli.files import GuardedOutput

        out = cast("IO[str]", GuardedOutput(sys.stdout))  # a failing stdout is not "cannot read" the batch
        if batch == "-":
            raise typer.Exit(run_batch(sys.stdin, out, "<stdin>"))
        try:
            with open(batch, encoding="utf-8") as fh:
                code = run_batch(fh, out, batch)
        except OSError as exc:
            raise UsageError(f"cannot read {batch}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"cannot read {batch}: not UTF-8 text") from None
        raise typer.Exit(code)
    if old is None or new is None:
        raise UsageError("give OLD and NEW (or --batch FILE)")
    result = compare_pair(_read(old), _read(new), policy_type, (old, new))
    if output == "json":
        sys.stdout.write(json.dumps(_json(result), indent=2) + "\n")
    elif output == "table":
        _table(result)
    else:
        sys.stdout.write(_text(result) + "\n")
    if new_access(result):
        raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("compare", epilog=EXAMPLES)(compare)
