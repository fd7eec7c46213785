"""The command line: one typer app; each command family lives in its own module with ``register(app)``.

Start-up is lazy (issue 18): the root group knows each command's name and module (:data:`COMMANDS`) and
imports a module only when one of its commands runs (or is listed with help, or completed); command modules
import heavy libraries (boto3, the engine, jinja2) inside their functions, so that ``byoc-iam lint`` starts
fast. To add a command: register it in its module and add its name here (``tests/cli/test_lazy_cli.py``
checks the table against what the modules register).
"""

from __future__ import annotations

import os
import sys
from importlib import import_module
from typing import ClassVar

import click
import typer
from typer.core import TyperGroup

from byoc_iam.errors import ByocError, ExitCode

# Every top-level command -> the module under byoc_iam.cli whose register(app) adds it, in help order.
COMMANDS: dict[str, str] = {
    "render": "render",
    "lint": "lint",
    "simulate": "simulate",
    "compare": "compare",
    "plan": "lifecycle",
    "apply": "lifecycle",
    "link-cluster": "lifecycle",
    "destroy": "lifecycle",
    "operator-policy": "lifecycle",
    "verify": "verify",
    "demo": "sandbox",
    "wiring": "wiring",
    "controllers": "controllers",
    "catalog": "catalog",
    "sandbox": "sandbox",
}
COMMAND_MODULES = tuple(dict.fromkeys(COMMANDS.values()))


def module_commands(module: str) -> dict[str, click.Command]:
    """The click commands ``byoc_iam.cli.<module>``'s ``register`` adds, by name (built once per process)."""
    built = LazyGroup.built.get(module)
    if built is None:
        sub = typer.Typer(rich_markup_mode="rich", pretty_exceptions_enable=False)
        import_module(f"byoc_iam.cli.{module}").register(sub)
        built = LazyGroup.built[module] = dict(typer.main.get_group(sub).commands)
    return built


class LazyGroup(TyperGroup):
    """The root group: lists every name of :data:`COMMANDS` and imports a command's module when it is asked
    for that command (running it, its help, the root's help, shell completion)."""

    built: ClassVar[dict[str, dict[str, click.Command]]] = {}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*COMMANDS, *(n for n in self.commands if n not in COMMANDS)]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMANDS:
            self.commands.update(module_commands(COMMANDS[cmd_name]))
        return self.commands.get(cmd_name)

    def resolve_command(
        self, ctx: click.Context, args: list[str]
    ) -> tuple[str | None, click.Command | None, list[str]]:
        try:
            return click.Group.resolve_command(self, ctx, args)
        except click.UsageError as e:
            from difflib import get_close_matches

            matches = get_close_matches(args[0], self.list_commands(ctx)) if args else []
            if not matches:
                raise
            hint = f"{e.message.rstrip('.')}. Did you mean {', '.join(repr(m) for m in matches)}?"
            raise click.UsageError(hint, e.ctx) from None


app = typer.Typer(
    cls=LazyGroup,
    name="byoc-iam",
    help="Render, lint, apply and verify the IAM role for Zilliz Cloud BYOC on AWS EKS.",
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        from byoc_iam.cli.version import version_lines

        typer.echo("\n".join(version_lines()))
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        callback=_version,
        is_eager=True,
        help="Print the version, the controller policy pins and the managed-policy snapshot date.",
    ),
) -> None:
    """Render, lint, apply and verify the IAM role for Zilliz Cloud BYOC on AWS EKS."""


def one_line(message: str) -> str:
    """``message`` with line breaks and other unprintable characters escaped (a file name may hold them)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)


def fail(message: str, code: int = ExitCode.USAGE) -> None:
    """Print ``byoc-iam: message`` on stderr (always one line) and exit with ``code``."""
    sys.stderr.write(f"byoc-iam: {one_line(message)}\n")
    raise SystemExit(int(code))


def usage_line(exc: click.UsageError, argv: list[str]) -> str:
    """A parser error as one line: ``plan: <message> (see `byoc-iam plan --help`)``. The command comes from the
    error's context or, when the parser gives none (an option missing its value), from the words of ``argv``;
    a "Did you mean" that click and typer both add is said once."""
    import re

    path = exc.ctx.command_path if exc.ctx else _command_path(argv)
    where = path.removeprefix("byoc-iam").strip()
    message = re.sub(r"( Did you mean [^?]*\?)(?:\1)+", r"\1", exc.format_message()).rstrip(".")
    return f"{where + ': ' if where else ''}{message} (see `{path} --help`)"


def _command_path(argv: list[str]) -> str:
    """``byoc-iam catalog show`` for ``["catalog", "show", "X", "-o"]``: the leading words that name commands."""
    cmd: click.Command = typer.main.get_command(app)
    words = ["byoc-iam"]
    for word in argv:
        if not isinstance(cmd, click.Group) or word.startswith("-"):
            break
        sub = cmd.get_command(click.Context(cmd), word)
        if sub is None:
            break
        cmd, words = sub, [*words, word]
    return " ".join(words)


WIDE_COLUMNS = "250"  # rich's width when stdout is not a terminal (it would cut tables at 80 columns)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error is one ``byoc-iam:`` line and its exit code (usage errors from the parser: 2);
    always ends with SystemExit, as click's standalone mode does."""
    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        os.environ["COLUMNS"] = WIDE_COLUMNS
    # pydantic would scan every installed distribution's entry points for plugins on its first validation (a
    # tenth of render's start-up); the CLI has no use for them. A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        code = app(args=argv, prog_name="byoc-iam", standalone_mode=False)
    except ByocError as exc:
        fail(exc.message, exc.exit_code)
    except click.UsageError as exc:
        fail(usage_line(exc, sys.argv[1:] if argv is None else argv), ExitCode.USAGE)
    except click.ClickException as exc:
        fail(exc.format_message(), exc.exit_code)
    except click.Abort:
        fail("aborted", 1)
    except BrokenPipeError:
        raise SystemExit(0) from None
    # Last line of defence for bad input a command did not name (it should, with the file's name):
    except UnicodeDecodeError as exc:
        fail(f"input is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except RecursionError:
        fail("input is nested too deeply")
    except OSError as exc:  # e.g. stdout on a full disk: the output is incomplete, say so in one line
        fail(f"cannot write the output: {exc.strerror or exc}")
    # like click's standalone mode: the command always ends with SystemExit (0 on success)
    raise SystemExit(code if isinstance(code, int) else 0)
