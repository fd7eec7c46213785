"""CLI: ``byoc-iam simulate`` — decide one request (with its explanation) or a stream of requests.

One request:
    byoc-iam simulate --policy p.json [--policy ...] [--resource-policy r.json] [--boundary b.json ...]
        [--scp s.json ...] [--session-policy s.json] --action ec2:CreateVolume --resource ARN
        [--principal ARN] [--resource-account ID] [--context key=value ...] [--output text|json]
        [--expect DECISION]
Batch (``-`` reads stdin): a JSON array or JSON lines of ``{"policies": {...}, "request": {...}}``, or one
object ``{"policies": {...}, "requests": [...]}``; one line ``{"decision": ..., "blocked_by": [...]}`` per
request, in order, streamed (policy sets are compiled once per distinct set).

Exit codes: 0 a decision was printed (whatever it is); 1 ``--expect`` was given and the decision differs;
2 bad usage or bad input (one ``byoc-iam: ...`` line on stderr; in a batch, the lines already printed stay).
The engine, the policy model and rich are imported inside the functions (start-up time).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import typer

from byoc_iam.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from byoc_iam.engine import CompiledPolicies, Explanation, PolicySet, Request

DECISIONS = ("Allowed", "ImplicitlyDenied", "ExplicitlyDenied")
POLICY_KEYS = ("identity", "resource", "boundary", "scp", "rcp", "session")
REQUEST_KEYS = ("principal", "action", "resource", "resource_account", "context")
_CHUNK = 1 << 16


# -- input helpers ------------------------------------------------------------------------------------
def _read_doc(name: str) -> Any:
    from byoc_iam.model.policy import PolicyDocument, PolicyParseError

    try:
        text = sys.stdin.read() if name == "-" else Path(name).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {name}: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        return PolicyDocument.from_json(text)
    except PolicyParseError as exc:
        raise UsageError(f"{name}: {exc}") from None


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


def _object(data: Any, allowed: tuple[str, ...], where: str, not_object: str, key: str = "key") -> dict[str, Any]:
    """``data`` if it is a JSON object whose keys are all ``allowed`` (else UsageError)."""
    if not isinstance(data, dict):
        raise UsageError(f"{where}: {not_object}")
    unknown = sorted(set(data) - set(allowed))
    if unknown:
        raise UsageError(f"{where}: unknown {key} {unknown[0]!r} (expected {', '.join(allowed)})")
    return data


def _policy_set(data: Any, where: str) -> PolicySet:
    """A ``policies`` object of the batch format as a PolicySet (bad input: UsageError)."""
    from byoc_iam.engine import PolicySet
    from byoc_iam.model.policy import PolicyParseError

    shape = f"policies must be an object with keys {', '.join(POLICY_KEYS)}"
    data = _object(data, POLICY_KEYS, where, shape, key="policy type")

    def docs(key: str, value: Any, nested: bool = False) -> Any:
        if value is None:
            return None
        if not isinstance(value, list) or (nested and not all(isinstance(v, list) for v in value)):
            shape = "a list of lists of documents" if nested else "a list of documents"
            raise UsageError(f"{where}.{key}: expected {shape}")
        return value

    try:
        return PolicySet(
            identity=docs("identity", data.get("identity")) or [],
            resource=data.get("resource"),
            boundary=docs("boundary", data.get("boundary")),
            scp=docs("scp", data.get("scp"), nested=True),
            rcp=docs("rcp", data.get("rcp"), nested=True),
            session=data.get("session"),
        )
    except PolicyParseError as exc:
        raise UsageError(f"{where}: {exc}") from None


def parse_request(data: Any, where: str) -> Request:
    """A batch request object as a Request (bad input: UsageError)."""
    from byoc_iam.engine import Request

    data = _object(data, REQUEST_KEYS, where, "a request must be an object")
    principal = data.get("principal")
    action = data.get("action")
    resource = data.get("resource")
    account = data.get("resource_account")
    context = data.get("context") or {}
    if principal is not None and not isinstance(principal, str):
        raise UsageError(f"{where}.principal: expected a string or null")
    if not isinstance(action, str) or (":" not in action and action != "*"):
        raise UsageError(f"{where}.action: expected a string such as 'ec2:CreateVolume'")
    if not isinstance(resource, str) or not resource:
        raise UsageError(f"{where}.resource: expected an ARN or '*'")
    if account is not None and not isinstance(account, str):
        raise UsageError(f"{where}.resource_account: expected a string")
    if not isinstance(context, dict):
        raise UsageError(f"{where}.context: expected an object")
    for key, value in context.items():
        scalar = (str, int, float, bool)
        if not (isinstance(value, scalar) or (isinstance(value, list) and all(isinstance(v, scalar) for v in value))):
            raise UsageError(f"{where}.context.{key}: expected a string, number, boolean or a list of them")
    return Request(principal, action, resource, account, context)


# -- streaming JSON -----------------------------------------------------------------------------------
class JsonStream:
    """Read JSON values one at a time from a text stream (arrays item by item), without loading it all."""

    def __init__(self, stream: IO[str], before_read: Callable[[], None] | None = None) -> None:
        self.stream = stream
        self.before_read = before_read
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.decoder = json.JSONDecoder()

    def _fill(self) -> bool:
        if self.eof:
            return False
        if self.before_read is not None:
            self.before_read()
        chunk = self.stream.readline(_CHUNK)  # returns as soon as a line is there (pipes stay interactive)
        if not chunk:
            self.eof = True
            return False
        if self.pos > _CHUNK:
            self.buf, self.pos = self.buf[self.pos :], 0
        self.buf += chunk
        return True

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end)."""
        while True:
            while self.pos < len(self.buf) and self.buf[self.pos] in " \t\r\n":
                self.pos += 1
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self._fill():
                return ""

    def expect(self, ch: str, where: str) -> None:
        got = self.peek()
        if got != ch:
            raise UsageError(f"{where}: invalid JSON: expected {ch!r}, found {got or 'end of input'!r}")
        self.pos += 1

    def value(self, where: str) -> Any:
        self.peek()
        while True:
            try:
                value, end = self.decoder.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self._fill():
                    continue
                raise UsageError(f"{where}: invalid JSON: {exc.msg}") from None
            except RecursionError:
                raise UsageError(f"{where}: invalid JSON: nested too deeply") from None
            # a number or literal at the end of the buffer may continue in the next chunk
            if end == len(self.buf) and not self.eof and self.buf[self.pos] not in '{["' and self._fill():
                continue
            self.pos = end
            return value

    def array(self, where: str) -> Iterator[Any]:
        """The items of the array starting at the current position."""
        self.expect("[", where)
        if self.peek() == "]":
            self.pos += 1
            return
        i = 0
        while True:
            yield self.value(f"{where}[{i}]")
            i += 1
            ch = self.peek()
            if ch == ",":
                self.pos += 1
            elif ch == "]":
                self.pos += 1
                return
            else:
                raise UsageError(f"{where}: invalid JSON: expected ',' or ']' after item {i - 1}")


def batch_items(
    stream: IO[str], source: str, before_read: Callable[[], None] | None = None
) -> Iterator[tuple[Any, Any, str]]:
    """``(policies, request, where)`` for every request of a batch input, streamed."""
    js = JsonStream(stream, before_read)
    first = js.peek()
    if first == "":
        return
    if first == "[":
        for i, item in enumerate(js.array(source)):
            yield from _item(item, f"{source}[{i}]")
        _expect_end(js, source)
        return
    if first != "{":
        raise UsageError(f"{source}: expected a JSON array, JSON lines or an object")
    # an object: either the {"policies", "requests"} form, or the first of JSON lines
    js.pos += 1
    fields: dict[str, Any] = {}
    streamed = False
    while True:
        ch = js.peek()
        if ch == "}":
            js.pos += 1
            break
        if fields or streamed:
            js.expect(",", source)
        key = js.value(source)
        if not isinstance(key, str):
            raise UsageError(f"{source}: invalid JSON object")
        js.expect(":", source)
        if key == "requests" and "policies" in fields and js.peek() == "[":
            for i, request in enumerate(js.array(f"{source}.requests")):
                yield fields["policies"], request, f"{source}.requests[{i}]"
            streamed = True
        else:
            fields[key] = js.value(f"{source}.{key}")
    if streamed:
        _object(fields, ("policies", "requests"), source, "")
        _expect_end(js, source)
        return
    if "requests" in fields:
        yield from _item(fields, source)
        _expect_end(js, source)
        return
    yield from _item(fields, f"{source}:1")
    line = 1
    while js.peek():
        line += 1
        yield from _item(js.value(f"{source}:{line}"), f"{source}:{line}")


def _expect_end(js: JsonStream, source: str) -> None:
    if js.peek():
        raise UsageError(f"{source}: unexpected data after the end of the JSON value")


def _item(item: Any, where: str) -> Iterator[tuple[Any, Any, str]]:
    """``(policies, request, where)`` of one item: ``{"policies", "request"}`` or ``{"policies", "requests"}``."""
    many = isinstance(item, dict) and "requests" in item
    item = _object(item, ("policies", "requests" if many else "request"), where, "expected an object")
    if "policies" not in item:
        raise UsageError(f"{where}: missing 'policies'")
    if not many:
        if "request" not in item:
            raise UsageError(f"{where}: missing 'request'")
        yield item["policies"], item["request"], where
        return
    requests = item["requests"]
    if not isinstance(requests, list):
        raise UsageError(f"{where}.requests: expected a list")
    for i, r in enumerate(requests):
        yield item["policies"], r, f"{where}.requests[{i}]"


def run_batch(stream: IO[str], out: IO[str], source: str, *, interactive: bool = False) -> int:
    """Decide every request of a batch, writing one JSON line each; returns the number of requests.

    ``interactive``: flush the output before each blocking read (stdin pipelines see answers at once)."""
    cache: dict[Any, CompiledPolicies] = {}
    last_policies: Any = object()
    last_compiled: CompiledPolicies | None = None
    lines: dict[tuple[str, tuple[str, ...]], str] = {}
    n = 0
    from byoc_iam.engine import compile_policies

    for policies, request, where in batch_items(stream, source, out.flush if interactive else None):
        if policies is not last_policies and policies != last_policies:
            key = json.dumps(policies, sort_keys=True, separators=(",", ":"))
            compiled = cache.get(key)
            if compiled is None:
                compiled = compile_policies(_policy_set(policies, f"{where}.policies"))
                if len(cache) >= 64:
                    cache.clear()
                cache[key] = compiled
            last_policies, last_compiled = policies, compiled
        assert last_compiled is not None
        decided = last_compiled.decide(parse_request(request, f"{where}.request" if "requests" not in where else where))
        line = lines.get(decided)
        if line is None:
            line = json.dumps({"decision": decided[0], "blocked_by": list(decided[1])}) + "\n"
            lines[decided] = line
        out.write(line)
        n += 1
    out.flush()
    return n


# -- output ---------------------------------------------------------------------------------------------
def _print_text(exp: Explanation) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    style = {"Allowed": "bold green", "ImplicitlyDenied": "bold yellow", "ExplicitlyDenied": "bold red"}[exp.decision]
    req = exp.request
    console.print(
        f"[{style}]{exp.decision}[/{style}]  {escape(req['action'])} on {escape(req['resource'])}"
        f" by {escape(str(req['principal'] or 'anonymous'))}"
    )
    if exp.blocked_by:
        console.print(f"blocked by: {', '.join(exp.blocked_by)}")
    console.print(escape(exp.summary))
    console.print("policy results: " + ", ".join(f"{k}={v}" for k, v in exp.results.items()))
    table = Table("policy", "statement", "effect", "applies", "why", box=None)
    for s in exp.statements:
        if s.policy_type == "rcp" and s.sid == "RCPFullAWSAccess":
            continue
        where = s.policy_type + (f"[{s.level}]" if s.level is not None else "") + f" #{s.policy_index}"
        stmt = f"{s.statement_index}" + (f" {s.sid}" if s.sid else "")
        mark = "[green]yes[/green]" if s.applies else "no"
        table.add_row(escape(where), escape(stmt), s.effect, mark, escape(s.reason))
    console.print(table)


# -- command ----------------------------------------------------------------------------------------------
def _opt(*decls: str, metavar: str, help: str) -> Any:
    return typer.Option(None, *decls, metavar=metavar, help=help, show_default=False)


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
    output: str = typer.Option("text", "--output", "-o", metavar="FORMAT", help="text | json."),
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
    if output not in ("text", "json"):
        raise UsageError(f"--output: {output!r} is not one of text, json")
    if expect is not None and expect not in (*DECISIONS, "denied"):
        raise UsageError(f"--expect: {expect!r} is not one of {', '.join(DECISIONS)}, denied")
    if batch is not None:
        single = [n for n, v in (("--policy", policy), ("--action", action), ("--resource", resource)) if v]
        if single:
            raise UsageError(f"--batch cannot be combined with {single[0]}")
        if batch == "-":
            run_batch(sys.stdin, sys.stdout, "<stdin>", interactive=True)
            return
        try:
            with open(batch, encoding="utf-8") as fh:
                run_batch(fh, sys.stdout, batch)
        except OSError as exc:
            raise UsageError(f"cannot read {batch}: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise UsageError(f"cannot read {batch}: not UTF-8 text") from None
        return
    if not action or not resource:
        raise UsageError("--action and --resource are required (or use --batch)")
    if not policy and not resource_policy:
        raise UsageError("give at least one --policy or a --resource-policy")
    if ":" not in action and action != "*":
        raise UsageError(f"--action: {action!r} is not service:Action")

    from byoc_iam.engine import PolicySet, Request, compile_policies

    ps = PolicySet(
        identity=[_read_doc(f) for f in policy or []],
        resource=_read_doc(resource_policy) if resource_policy else None,
        boundary=[_read_doc(f) for f in boundary] if boundary else None,
        scp=[[_read_doc(f)] for f in scp] if scp else None,
        session=_read_doc(session_policy) if session_policy else None,
    )
    if principal is None:
        parts = resource.split(":")
        acct = resource_account or (parts[4] if len(parts) > 5 and parts[4] else "123456789012")
        principal = f"arn:aws:iam::{acct}:role/simulated"
    req = Request(
        None if principal.lower() == "anonymous" else principal,
        action,
        resource,
        resource_account,
        parse_context(context),
    )
    decision = compile_policies(ps).evaluate(req)
    exp = decision.explain()
    if output == "json":
        sys.stdout.write(json.dumps(exp.to_dict(), indent=2) + "\n")
    else:
        _print_text(exp)
    if expect is not None:
        ok = decision.decision != "Allowed" if expect == "denied" else decision.decision == expect
        if not ok:
            raise typer.Exit(int(ExitCode.FINDINGS))


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("simulate", epilog=EXAMPLES)(simulate)
