"""The command line: one typer app; each command family lives in its own module with ``register(app)``.

Command modules import heavy libraries (boto3, the engine, jinja2) inside their functions, so that
``byoc-iam lint`` starts fast.
"""

from __future__ import annotations

import os
import sys
from importlib import import_module

import click
import typer

from byoc_iam.errors import ByocError, ExitCode

COMMAND_MODULES = (
    "render",
    "lint",
    "simulate",
    "compare",
    "controllers",
    "catalog",
    "lifecycle",
    "verify",
    "sandbox",
    "wiring",
)

app = typer.Typer(
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


for _name in COMMAND_MODULES:
    import_module(f"byoc_iam.cli.{_name}").register(app)


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
