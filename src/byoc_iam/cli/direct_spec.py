"""Generate ``data/cli/direct.json``, the table :mod:`byoc_iam.cli.direct` reads argv with, from the typer app.

    python -m byoc_iam.cli.direct_spec            # rewrite the packaged file
    python -m byoc_iam.cli.direct_spec --check    # exit 1 when it is stale (tests/test_cli_direct.py does too)

Each parameter is described as click parses it. A parameter this module cannot describe exactly (a callback, an
eager option, another click type, a path with checks, a case-insensitive choice) raises TypeError: such a command
does not belong in :data:`DIRECT`.
"""

from __future__ import annotations

import json
import sys
import typing
from enum import Enum
from importlib import import_module
from pathlib import Path
from typing import Any

import click

from byoc_iam.cli import COMMANDS
from byoc_iam.cli.typer_app import module_commands
from byoc_iam.data import schema

# The interactive commands that run without typer when their argv is plain (issue 18).
DIRECT = ("render", "lint", "simulate", "verify")
PATH = Path(__file__).parent.parent / "data" / "cli" / "direct.json"


def build() -> dict[str, Any]:
    """The table: ``{"$schema", "$comment", "commands": {name: {"function", "params"}}}``."""
    commands = {name: _command(name) for name in DIRECT}
    return {
        "$schema": schema("cli-direct"),
        "$comment": "Generated from the typer app by `python -m byoc_iam.cli.direct_spec`: do not edit.",
        "commands": commands,
    }


def _command(name: str) -> dict[str, Any]:
    module = f"byoc_iam.cli.{COMMANDS[name]}"
    function = name.replace("-", "_")
    cmd = module_commands(COMMANDS[name])[name]
    if cmd.context_settings or not cmd.allow_interspersed_args:
        raise TypeError(f"{name}: context settings are not read directly")
    hints = typing.get_type_hints(getattr(import_module(module), function))
    params = [_param(p, hints.get(p.name or "")) for p in cmd.params]
    return {"function": f"{module}:{function}", "params": params}


def _param(p: click.Parameter, hint: Any) -> dict[str, Any]:
    if p.callback is not None or p.is_eager or p.required or p.nargs not in (1, -1) or p.name is None:
        raise TypeError(f"{p.name}: a callback, eager, required or multi-value parameter is not read directly")
    entry: dict[str, Any] = {"name": p.name, "envvar": _envvars(p)}
    if isinstance(p, click.Option) and p.is_flag:
        if not p.is_bool_flag or p.count:
            raise TypeError(f"{p.name}: only boolean flags are read directly")
        return {**entry, "kind": "flag", "opts": p.opts, "secondary": p.secondary_opts, "default": p.default}
    if isinstance(p, click.Argument):
        entry["kind"] = "argument"
    else:
        entry.update(kind="option", opts=p.opts)
    entry.update(nargs=p.nargs, multiple=getattr(p, "multiple", False), **_type(p.type, hint))
    entry["default"] = _plain(p.default)
    return entry


def _envvars(p: click.Parameter) -> list[str]:
    if p.envvar is None:
        return []
    return [p.envvar] if isinstance(p.envvar, str) else list(p.envvar)


def _type(t: click.ParamType[Any], hint: Any) -> dict[str, Any]:
    if isinstance(t, click.IntRange):
        if t.min_open or t.max_open or t.clamp:
            raise TypeError("only closed, unclamped integer ranges are read directly")
        return {"type": "int", "min": t.min, "max": t.max}
    if isinstance(t, click.types.IntParamType):
        return {"type": "int", "min": None, "max": None}
    if isinstance(t, click.Choice):
        if not t.case_sensitive:
            raise TypeError("case-insensitive choices are not read directly")
        enum = hint if isinstance(hint, type) and issubclass(hint, Enum) else None
        path = f"{enum.__module__}:{enum.__qualname__}" if enum else None
        return {"type": "choice", "choices": [str(c) for c in t.choices], "enum": path}
    if isinstance(t, click.Path):
        if t.exists or t.writable or t.executable or t.resolve_path or t.allow_dash:
            raise TypeError("only a path's file, directory and readable checks are read directly")
        return {"type": "path", "file_okay": t.file_okay, "dir_okay": t.dir_okay, "readable": t.readable}
    if isinstance(t, click.types.StringParamType):
        return {"type": "str"}
    raise TypeError(f"click type {t!r} is not read directly")


def _plain(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def text() -> str:
    """The file's text as generated now."""
    return json.dumps(build(), indent=2) + "\n"


def main(argv: list[str]) -> int:
    if argv == ["--check"]:
        stale = not PATH.exists() or PATH.read_text() != text()
        print(f"{PATH}: {'stale: run python -m byoc_iam.cli.direct_spec' if stale else 'current'}")
        return int(stale)
    PATH.parent.mkdir(exist_ok=True)
    PATH.write_text(text())
    print(f"wrote {PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
