"""The command line: one typer app; each command family lives in its own module with ``register(app)``.

Command modules import heavy libraries (boto3, the engine, jinja2) inside their functions, so that
``byoc-iam lint`` starts fast.
"""

from __future__ import annotations

import sys
from importlib import import_module

import typer

from byoc_iam import __version__
from byoc_iam.errors import ByocError, ExitCode

COMMAND_MODULES = ("render", "lint", "simulate", "compare", "controllers", "catalog", "lifecycle", "verify", "sandbox")

app = typer.Typer(
    name="byoc-iam",
    help="Render, lint, apply and verify the IAM role for Zilliz Cloud BYOC on AWS EKS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"byoc-iam {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version."),
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


def main(argv: list[str] | None = None) -> None:
    """Entry point: typer handles usage errors (exit 2); every ByocError becomes one line and its code."""
    try:
        app(args=argv, prog_name="byoc-iam")
    except ByocError as exc:
        fail(exc.message, exc.exit_code)
    except BrokenPipeError:
        raise SystemExit(0) from None
    # Last line of defence for bad input a command did not name (it should, with the file's name):
    except UnicodeDecodeError as exc:
        fail(f"input is not UTF-8 text ({exc.reason} at byte {exc.start})")
    except RecursionError:
        fail("input is nested too deeply")
    except OSError as exc:  # e.g. stdout on a full disk: the output is incomplete, say so in one line
        fail(f"cannot write the output: {exc.strerror or exc}")
