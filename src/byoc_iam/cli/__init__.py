"""The command line: one typer app (:mod:`byoc_iam.cli.typer_app`); each command family lives in its own module with
``register(app)``.

Start-up is lazy (issue 18): the root group knows each command's name and module (:data:`COMMANDS`) and
imports a module only when one of its commands runs (or is listed with help, or completed); command modules
declare their options with :mod:`byoc_iam.cli.params` and import heavy libraries (boto3, the engine, jinja2)
inside their functions. The interactive commands run without typer at all when their arguments are plain
(:mod:`byoc_iam.cli.direct`). To add a command: register it in its module and add its name here
(``tests/test_cli_lazy.py`` checks the table against what the modules register).
"""

from __future__ import annotations

import os
import sys
from typing import Any

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


def one_line(message: str) -> str:
    """``message`` with line breaks and other unprintable characters escaped (a file name may hold them)."""
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in message)


def fail(message: str, code: int = ExitCode.USAGE) -> None:
    """Print ``byoc-iam: message`` on stderr (always one line) and exit with ``code``."""
    sys.stderr.write(f"byoc-iam: {one_line(message)}\n")
    raise SystemExit(int(code))


WIDE_COLUMNS = "250"  # rich's width when stdout is not a terminal (it would cut tables at 80 columns)


def main(argv: list[str] | None = None) -> None:
    """Entry point: every error is one ``byoc-iam:`` line and its exit code (usage errors from the parser: 2);
    always ends with SystemExit, as click's standalone mode does."""
    args = sys.argv[1:] if argv is None else list(argv)
    if "COLUMNS" not in os.environ and not sys.stdout.isatty():
        os.environ["COLUMNS"] = WIDE_COLUMNS
    # pydantic would scan every installed distribution's entry points for plugins on its first validation (a
    # tenth of render's start-up); the CLI has no use for them. A value the user set is kept.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if argv is None:  # the process's own command: see _own_process
        _own_process()
    try:
        code = _run(args)
    except Exception as exc:
        _fail_on(exc, args)
        raise
    finally:
        if argv is None:
            _quick_exit()
    # like click's standalone mode: the command always ends with SystemExit (0 on success)
    raise SystemExit(code if isinstance(code, int) else 0)


def _own_process() -> None:
    """Collect cyclic garbage every 100,000 new objects instead of 700 (:func:`gc.set_threshold`): a command
    creates its objects and keeps most of them, so the default collects again and again for little (13M
    instructions of a ``verify --role FILE``'s 387M, issue 18). ``simulate --batch`` collects on its own schedule
    (:mod:`byoc_iam.engine.batch`; memory stays flat on 1,000,000 lines, ``bench/engine.py --memory``). Only for the
    process's own command, as :func:`_quick_exit`."""
    import gc

    gc.set_threshold(100_000, 20, 20)


def _quick_exit() -> None:
    """Let the interpreter's shutdown skip its last garbage collection (:func:`gc.freeze`), which walks the whole
    heap: 29M instructions of a ``verify --role FILE``'s 537M (issue 18). Exit handlers still run, standard
    streams are flushed and every object not in a reference cycle is freed; cycles are left to the process's end
    (every file the CLI writes is closed by then). Only for the process's own command (``main()`` without
    ``argv``): a test calling ``main(argv)`` in its process keeps collecting."""
    import gc

    gc.freeze()


def _run(args: list[str]) -> Any:
    """Run the command: directly when :func:`byoc_iam.cli.direct.dispatch` can read ``args``, else through typer."""
    from byoc_iam.cli.direct import dispatch

    call = dispatch(args)
    if call is not None:
        return call()
    from byoc_iam.cli.typer_app import app

    return app(args=args, prog_name="byoc-iam", standalone_mode=False)


def _fail_on(exc: Exception, args: list[str]) -> None:
    """Exit with one line for an error the CLI knows; return (the caller re-raises) for any other."""
    if isinstance(exc, ByocError):
        fail(exc.message, exc.exit_code)
    click = sys.modules.get("click")  # a click error can only come from a run that imported click
    if click is not None:
        if isinstance(exc, click.UsageError):
            from byoc_iam.cli.typer_app import usage_line

            fail(usage_line(exc, args), ExitCode.USAGE)
        if isinstance(exc, click.ClickException):
            fail(exc.format_message(), exc.exit_code)
        if isinstance(exc, click.Abort):
            fail("aborted", 1)
    if isinstance(exc, BrokenPipeError):
        raise SystemExit(0) from None
    # Last line of defence for bad input a command did not name (it should, with the file's name):
    if isinstance(exc, UnicodeDecodeError):
        fail(f"input is not UTF-8 text ({exc.reason} at byte {exc.start})")
    if isinstance(exc, RecursionError):
        fail("input is nested too deeply")
    if isinstance(exc, OSError):  # e.g. stdout on a full disk: the output is incomplete, say so in one line
        fail(f"cannot write the output: {exc.strerror or exc}")


_APP_NAMES = ("app", "LazyGroup", "module_commands", "usage_line")


def __getattr__(name: str) -> Any:
    """The typer app and its parts (:mod:`byoc_iam.cli.typer_app`), imported on first use."""
    if name in _APP_NAMES:
        from importlib import import_module

        return getattr(import_module("byoc_iam.cli.typer_app"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
