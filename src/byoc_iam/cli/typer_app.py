"""The typer app: the root group (:class:`LazyGroup`, commands imported on demand from :data:`COMMANDS`), the
``--version`` option and the parser's errors as one line. Imported only when a command runs through typer
(see :mod:`byoc_iam.cli`): typer and click are a tenth of a second of start-up.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any, ClassVar, TypeVar

import click
import typer
from typer.core import TyperGroup

from byoc_iam.cli import COMMANDS
from byoc_iam.cli.params import typer_signature

F = TypeVar("F", bound=Callable[..., Any])


class ByocTyper(typer.Typer):
    """A typer app whose commands may declare their parameters with :mod:`byoc_iam.cli.params` (no typer at import)."""

    def command(self, *args: Any, **kwargs: Any) -> Callable[[F], F]:
        register = super().command(*args, **kwargs)

        def decorator(func: F) -> F:
            register(typer_signature(func))
            return func

        return decorator


def module_commands(module: str) -> dict[str, click.Command]:
    """The click commands ``byoc_iam.cli.<module>``'s ``register`` adds, by name (built once per process)."""
    built = LazyGroup.built.get(module)
    if built is None:
        sub = ByocTyper(rich_markup_mode="rich", pretty_exceptions_enable=False)
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
