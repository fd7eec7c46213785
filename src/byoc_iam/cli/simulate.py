"""CLI: ``byoc-iam simulate`` — decide one request (with its explanation) or a stream of requests.

One request:
    byoc-iam simulate --policy p.json [--policy ...] [--resource-policy r.json] [--boundary b.json ...]
        [--scp s.json ...] [--session-policy s.json] --action ec2:CreateVolume --resource ARN
        [--principal ARN] [--resource-account ID] [--context key=value ...] [--output text|json]
        [--expect DECISION]
Batch (``-`` reads stdin): the format of :mod:`byoc_iam.engine.batch`; one line
``{"decision": ..., "blocked_by": [...]}`` per request, in order, streamed.

A document IAM would refuse (any finding the linter rates ERROR) is never evaluated: one line naming the
document, the element's JSON pointer and the rule, exit 2.

Exit codes: 0 a decision was printed (whatever it is); 1 ``--expect`` was given and the decision differs;
2 bad usage or bad input (one ``byoc-iam: ...`` line on stderr; in a batch, the lines already printed stay).
The engine, the policy model and rich are imported inside the functions (start-up time).
"""

from __future__ import annotations

import json
import sys
from typing import IO, TYPE_CHECKING, Any, cast

from byoc_iam.cli.params import option
from byoc_iam.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from typer import Typer

    from byoc_iam.engine import CompiledPolicies, Explanation
    from byoc_iam.engine.statements import CompiledDocument

DECISIONS = ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")


# -- input helpers ------------------------------------------------------------------------------------
def _read_doc(name: str, policy_type: str) -> CompiledDocument:
    """The file's document, compiled; IAM-refused documents raise MalformedPolicyError naming the file."""
    from byoc_iam.cli.files import read_input
    from byoc_iam.engine.checked import check_document
    from byoc_iam.model.policy import PolicyDocument, PolicyParseError

    text = read_input(name)  # at most MAX_INPUT_BYTES of UTF-8, as every command reads a document
    try:
        doc = PolicyDocument.from_json(text)
    except PolicyParseError as exc:
        raise UsageError(f"{name}: {exc}") from None
    return check_document(doc, policy_type, name)


def _compile_files(
    policy: list[str] | None,
    resource_policy: str | None,
    boundary: list[str] | None,
    scp: list[str] | None,
    session_policy: str | None,
) -> CompiledPolicies:
    from byoc_iam.engine import CompiledPolicies

    return CompiledPolicies(
        identity=tuple(_read_doc(f, "identity") for f in policy or []),
        resource=_read_doc(resource_policy, "resource") if resource_policy else None,
        boundary=tuple(_read_doc(f, "pb") for f in boundary) if boundary else None,
        scp=tuple((_read_doc(f, "scp"),) for f in scp) if scp else None,
        session=_read_doc(session_policy, "session") if session_policy else None,
    )


def parse_context(items: list[str] | None) -> dict[str, Any]:
    """``key=value`` items; a repeated key makes a list; a value written as a JSON list is a list."""
    out: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--context {item!r}: expected key=value")
        key = key.strip()
        parsed: Any = value
        if value.startswith("["):
            try:
                parsed = json.loads(value)
            except json.JSONDecodeError:
                raise UsageError(f"--context {key}: {value!r} is not a JSON list") from None
            if not isinstance(parsed, list) or not all(isinstance(v, str | int | float | bool) for v in parsed):
                raise UsageError(f"--context {key}: a list value must hold strings, numbers or booleans")
        if key in out:
            prev = out[key]
            out[key] = (prev if isinstance(prev, list) else [prev]) + (parsed if isinstance(parsed, list) else [parsed])
        else:
            out[key] = parsed
    return out


def _typed(context: dict[str, Any]) -> dict[str, Any]:
    """``context``, each value of the key's type (:func:`byoc_iam.engine.conditions.context_problem`), else
    UsageError."""
    from byoc_iam.engine.conditions import context_problem

    for key, value in context.items():
        problem = context_problem(key, value)
        if problem:
            raise UsageError(f"--context {problem}")
    return context


# -- output ---------------------------------------------------------------------------------------------
_HEADER = ("policy", "statement", "effect", "applies", "why")


def _statement_rows(exp: Explanation) -> list[tuple[str, str, str, str, str]]:
    """The explanation's statements as the text output's table rows (the default RCP, always there, left out)."""
    return [
        (
            s.policy_type + (f"[{s.level}]" if s.level is not None else "") + f" #{s.policy_index}",
            f"{s.statement_index}" + (f" {s.sid}" if s.sid else ""),
            s.effect,
            "yes" if s.applies else "no",
            s.reason,
        )
        for s in exp.statements
        if not (s.policy_type == "rcp" and s.sid == "RCPFullAWSAccess")
    ]


def _print_text(exp: Explanation) -> None:
    """The decision, its summary and one row per statement: coloured with rich on a terminal; plain text laid out
    as rich lays it out otherwise (rich's import is half of a single simulate's start-up)."""
    req = exp.request
    head = [
        f"{exp.decision}  {req['action']} on {req['resource']} by {req['principal'] or 'anonymous'}",
        *([f"blocked by: {', '.join(exp.blocked_by)}"] if exp.blocked_by else []),
        exp.summary,
        "policy results: " + ", ".join(f"{k}={v}" for k, v in exp.results.items()),
    ]
    rows = _statement_rows(exp)
    from byoc_iam.cli.files import plain_stdout

    if plain_stdout():
        widths = [max(len(r[i]) for r in (_HEADER, *rows)) for i in range(len(_HEADER))]
        table = ["".join(f" {cell.ljust(w)} " for cell, w in zip(r, widths, strict=True)) for r in (_HEADER, *rows)]
        sys.stdout.write("".join(line + "\n" for line in (*head, *table)))
        return
    _print_rich(exp.decision, head, rows)


def _print_rich(decision: str, head: list[str], rows: list[tuple[str, str, str, str, str]]) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    style = {"Allowed": "bold green", "ImplicitlyDenied": "bold yellow", "ExplicitlyDenied": "bold red"}[decision]
    first = head[0].removeprefix(decision)
    console.print(f"[{style}]{decision}[/{style}]{escape(first)}")
    for line in head[1:]:
        console.print(escape(line))
    table = Table(*_HEADER, box=None)
    for where, stmt, effect, applies, why in rows:
        mark = "[green]yes[/green]" if applies == "yes" else "no"
        table.add_row(escape(where), escape(stmt), effect, mark, escape(why))
    console.print(table)


def _print_table(exp: Explanation) -> None:
    """The decision as the table's title, one row per statement (as the text output's table)."""
    from byoc_iam.cli.tables import print_table

    req = exp.request
    title = f"{exp.decision}: {req['action']} on {req['resource']} by {req['principal'] or 'anonymous'}" + (
        f" (blocked by {', '.join(exp.blocked_by)})" if exp.blocked_by else ""
    )
    print_table(title, _HEADER, _statement_rows(exp))


# -- command ----------------------------------------------------------------------------------------------
def _opt(*decls: str, metavar: str, help: str) -> Any:
    return option(None, *decls, metavar=metavar, help=help, show_default=False)


OUTPUT_OPTION = option(
    None,
    "--output",
    "-o",
    metavar="FORMAT",
    help="text, json or table (one request) \\[default: text]; --batch always prints JSON lines.",
    show_default=False,
)

EXAMPLES = """[bold]Examples[/bold]

[cyan]byoc-iam simulate -p policy.json -a ec2:CreateVolume -r arn:aws:ec2:us-east-1:111122223333:volume/v-1
-c aws:RequestTag/team=red[/cyan]

[cyan]byoc-iam simulate --resource-policy trust.json -a sts:AssumeRole -r arn:aws:iam::111122223333:role/r
--principal ec2.amazonaws.com --expect Allowed[/cyan]

[cyan]byoc-iam simulate --batch requests.jsonl[/cyan]  (one JSON line per request; '-' reads stdin)

Exit codes: 0 a decision was printed, 1 --expect did not hold, 2 bad usage or input."""


def simulate(
    policy: list[str] | None = _opt("--policy", "-p", metavar="FILE", help="Identity policy file (repeatable)."),
    resource_policy: str | None = _opt(
        "--resource-policy", metavar="FILE", help="The resource's policy (a role's trust policy for sts:AssumeRole*)."
    ),
    boundary: list[str] | None = _opt("--boundary", metavar="FILE", help="Permissions boundary file (repeatable)."),
    scp: list[str] | None = _opt(
        "--scp", metavar="FILE", help="SCP file (repeatable: each is one level of the organization, root first)."
    ),
    session_policy: str | None = _opt("--session-policy", metavar="FILE", help="Session policy file."),
    action: str | None = _opt("--action", "-a", metavar="ACTION", help="The action, e.g. ec2:CreateVolume."),
    resource: str | None = _opt("--resource", "-r", metavar="ARN", help="The resource ARN, or '*'."),
    principal: str | None = _opt(
        "--principal",
        metavar="PRINCIPAL",
        help="Principal ARN, account id, service principal or 'anonymous' "
        "(default: arn:aws:iam::<resource account>:role/simulated).",
    ),
    resource_account: str | None = _opt(
        "--resource-account",
        metavar="ACCOUNT",
        help="The resource's account (default: the ARN's account, else the principal's).",
    ),
    context: list[str] | None = _opt(
        "--context",
        "-c",
        metavar="KEY=VALUE",
        help='Request context (repeatable; repeat a key, or write key=["a","b"], for a multi-valued key).',
    ),
    output: str | None = OUTPUT_OPTION,
    expect: str | None = _opt(
        "--expect",
        metavar="DECISION",
        help="Exit 1 unless the decision is this: Allowed, ImplicitlyDenied, ExplicitlyDenied, or 'denied' (either).",
    ),
    batch: str | None = _opt(
        "--batch", metavar="FILE", help="Decide a batch of requests (JSON array or JSON lines; '-': stdin)."
    ),
) -> None:
    """Decide a request against policies (AWS's evaluation logic) and explain the decision."""
    from byoc_iam.cli.tables import check_output

    if output is not None and check_output(output) and batch is not None and output != "json":
        raise UsageError(f"--batch prints JSON lines (one per request): --output {output} is for one request")
    if expect is not None and expect not in (*DECISIONS, "denied"):
        raise UsageError(f"--expect: {expect!r} is not one of {', '.join(DECISIONS)}, denied")
    if batch is not None:
        single = [n for n, v in (("--policy", policy), ("--action", action), ("--resource", resource)) if v]
        if single:
            raise UsageError(f"--batch cannot be combined with {single[0]}")
        _batch(batch)
        return
    if not action or not resource:
        raise UsageError("--action and --resource are required (or use --batch)")
    if not policy and not resource_policy:
        raise UsageError("give at least one --policy or a --resource-policy")
    _check_request(principal, action, resource, resource_account)

    from byoc_iam.engine import Request

    compiled = _compile_files(policy, resource_policy, boundary, scp, session_policy)
    principal = principal or _default_principal(resource, resource_account)
    req = Request(
        None if principal.lower() == "anonymous" else principal,
        action,
        resource,
        resource_account,
        _typed(parse_context(context)),
    )
    decision = compiled.evaluate(req)
    _show(decision.explain(), output)
    if expect is not None:
        ok = decision.decision != "Allowed" if expect == "denied" else decision.decision == expect
        if not ok:
            raise SystemExit(int(ExitCode.FINDINGS))


_FLAGS = {
    "principal": "--principal",
    "action": "--action",
    "resource": "--resource",
    "resource_account": "--resource-account",
}


def _check_request(principal: str | None, action: str, resource: str, resource_account: str | None) -> None:
    """A request the engine may decide (:func:`byoc_iam.model.request.request_problem`), else UsageError naming
    the option."""
    from byoc_iam.model.request import request_problem

    problem = request_problem(principal, action, resource, resource_account)
    if problem:
        raise UsageError(f"{_FLAGS[problem[0]]}: {problem[1]}")


def _show(exp: Explanation, output: str | None) -> None:
    """One request's explained decision on stdout: text (default), json or table."""
    if output == "json":
        sys.stdout.write(json.dumps(exp.to_dict(), indent=2) + "\n")
    elif output == "table":
        _print_table(exp)
    else:
        _print_text(exp)


def _default_principal(resource: str, resource_account: str | None) -> str:
    from byoc_iam.model.arn import is_account_id

    parts = resource.split(":")
    acct = resource_account or (parts[4] if len(parts) > 5 and is_account_id(parts[4]) else "123456789012")
    return f"arn:aws:iam::{acct}:role/simulated"


def _batch(batch: str) -> None:
    """``--batch FILE`` (``-``: stdin, answers flushed before each read)."""
    import gc

    from byoc_iam.cli.files import GuardedOutput
    from byoc_iam.engine.batch import run_batch

    gc.freeze()  # what start-up loaded lives as long as the process: the collector need not walk it again

    out = cast("IO[str]", GuardedOutput(sys.stdout))  # a failing stdout is not "cannot read" the batch
    if batch == "-":
        run_batch(sys.stdin, out, "<stdin>", interactive=True)
        return
    try:
        with open(batch, encoding="utf-8") as fh:
            run_batch(fh, out, batch)
    except OSError as exc:
        raise UsageError(f"cannot read {batch}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"cannot read {batch}: not UTF-8 text") from None


def register(app: Typer) -> None:
    """Add this module's commands to the app."""
    app.command("simulate", epilog=EXAMPLES)(simulate)
