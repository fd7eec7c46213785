"""Direct dispatch (issue 18, cold start): run an interactive command without importing typer or click.

typer and click cost a tenth of a second or more of start-up, more than ``lint FILE`` needs for all its work.
The typer app stays the one declaration of every command and option: ``data/cli/direct.json`` is generated from
its click parameters (``python -m byoc_iam.cli.direct_spec``; ``tests/test_cli_direct.py`` fails when the file
is stale) for the commands listed there. :func:`dispatch` reads argv against that table with :mod:`getopt` (GNU
order: options and arguments intermixed, as click reads them; :mod:`argparse` costs three times as much to import
and build, with the locale lookups of its messages) and returns the command's own function (the one typer calls)
bound to the values click would have passed.

It only ever accepts what it reads exactly as click does. Anything else returns ``None`` and the typer app
handles argv, with typer's help and error messages: ``--help``, an unknown or abbreviated option, a missing
value, a value out of range or not one of the choices, a flag given a value, ``--``, an option whose
environment variable is set, shell completion, or a command not in the table. ``byoc-iam --version`` alone
is printed here, as the root's option prints it. ``tests/test_cli_direct.py`` checks, over generated argv, that whenever
dispatch accepts, the function receives what typer gives it.
"""

from __future__ import annotations

import getopt
import os
import stat
import sys
from collections.abc import Callable
from enum import Enum
from importlib import import_module
from typing import TYPE_CHECKING, Any

from byoc_iam.data import raw

if TYPE_CHECKING:
    from pathlib import Path

COMPLETION_VARIABLE = "_BYOC_IAM_COMPLETE"  # set by the shell when it asks typer for completions


class _NotDirect(Exception):
    """argv is not one this module reads exactly as click does: typer handles it."""


def dispatch(argv: list[str]) -> Callable[[], Any] | None:
    """The command of ``argv`` (without the program name), ready to call; ``None`` when typer must handle it."""
    if argv == ["--version"]:
        return _print_version
    found = parse(argv)
    if found is None:
        return None
    func, kwargs = found
    return lambda: func(**kwargs)


def _print_version() -> None:
    from byoc_iam.cli.version import version_lines

    sys.stdout.write("".join(line + "\n" for line in version_lines()))


def parse(argv: list[str]) -> tuple[Callable[..., Any], dict[str, Any]] | None:
    """The function of ``argv``'s command and the keyword arguments typer would call it with, or ``None``."""
    commands: dict[str, Any] = raw("cli-direct", "direct")["commands"]
    if not argv or argv[0] not in commands or COMPLETION_VARIABLE in os.environ:
        return None
    spec = commands[argv[0]]
    try:
        kwargs = _values(spec, argv[1:])
    except _NotDirect:
        return None
    module, name = spec["function"].split(":")
    return getattr(import_module(module), name), kwargs


def _values(spec: dict[str, Any], args: list[str]) -> dict[str, Any]:
    """The keyword arguments of the command's function for ``args``; :class:`_NotDirect` when typer must read them."""
    params: list[dict[str, Any]] = spec["params"]
    if any(os.environ.get(v) is not None for p in params for v in p.get("envvar", ())):
        raise _NotDirect("an option's environment variable is set")
    if "--" in args:  # click reads a second "--" as a value
        raise _NotDirect("'--' is left to click")
    if "POSIXLY_CORRECT" in os.environ:  # getopt would stop at the first argument; click reads options after it
        raise _NotDirect("POSIXLY_CORRECT is set")
    options = _options(params)
    _plain(args, options)
    shorts = "".join(o[1] + ("" if flag is not None else ":") for o, (_, flag) in options.items() if o[1] != "-")
    longs = [o[2:] + ("" if flag is not None else "=") for o, (_, flag) in options.items() if o[1] == "-"]
    try:
        pairs, positional = getopt.gnu_getopt(args, shorts, longs)  # options and arguments in any order, as click
    except getopt.GetoptError as exc:
        raise _NotDirect(str(exc)) from None
    given: dict[str, Any] = {}
    for opt, value in pairs:
        p, flag = options[opt]
        if flag is not None:
            given[p["name"]] = flag
        elif p["multiple"]:
            given.setdefault(p["name"], []).append(value)
        else:
            given[p["name"]] = value  # the last one given wins, as in click
    _arguments(params, positional, given)
    return {p["name"]: _value(p, given.get(p["name"])) for p in params}


def _options(params: list[dict[str, Any]]) -> dict[str, tuple[dict[str, Any], bool | None]]:
    """Each option string -> (its parameter, the flag's value; None for an option that takes a value)."""
    out: dict[str, tuple[dict[str, Any], bool | None]] = {}
    for p in params:
        if p["kind"] == "flag":
            out.update({o: (p, True) for o in p["opts"]})
            out.update({o: (p, False) for o in p["secondary"]})
        elif p["kind"] == "option":
            out.update({o: (p, None) for o in p["opts"]})
    return out


def _plain(args: list[str], options: dict[str, tuple[dict[str, Any], bool | None]]) -> None:
    """:class:`_NotDirect` unless every option in ``args`` is one of ``options`` written out in full (getopt takes a
    unique prefix of a long option, click does not) and no option's value looks like an option (``--context
    --help``: left to click's own reading)."""
    takes_value = False
    for arg in args:
        if takes_value:
            takes_value = False
            if arg.startswith("-") and arg != "-":
                raise _NotDirect(f"the value {arg!r} looks like an option")
        elif arg.startswith("--"):
            name, equals, _ = arg.partition("=")
            if name not in options:
                raise _NotDirect(f"no such option {name!r}")
            takes_value = options[name][1] is None and not equals
        elif arg.startswith("-") and arg != "-":
            takes_value = _short_cluster(arg, options)


def _short_cluster(arg: str, options: dict[str, tuple[dict[str, Any], bool | None]]) -> bool:
    """Check the short options of ``-abc`` (flags, then at most one option with its value joined); True when the
    last one takes its value from the next argument."""
    for i, ch in enumerate(arg[1:], 1):
        found = options.get("-" + ch)
        if found is None:
            raise _NotDirect(f"no such option -{ch}")
        if found[1] is None:
            return i == len(arg) - 1
    return False


def _arguments(params: list[dict[str, Any]], positional: list[str], given: dict[str, Any]) -> None:
    """Put the positional arguments in ``given`` (the commands here take at most one, of any number of values)."""
    arguments = [p for p in params if p["kind"] == "argument"]
    if not arguments:
        if positional:
            raise _NotDirect("unexpected arguments")
        return
    (p,) = arguments
    if p["nargs"] != -1 and len(positional) != 1:
        raise _NotDirect("one argument expected")
    given[p["name"]] = positional if p["nargs"] == -1 else positional[0]


def _value(p: dict[str, Any], given: Any) -> Any:
    """What typer passes for parameter ``p``: its default when not given, else the value(s) converted."""
    if p["kind"] == "flag":
        return p["default"] if given is None else given
    many = p["multiple"] or p["nargs"] == -1
    if given is None or given == []:
        given = p["default"]
        if given is None:
            return None
    return [_convert(p, v) for v in given] if many else _convert(p, given)


def _convert(p: dict[str, Any], value: Any) -> Any:
    kind = p["type"]
    if kind == "int":
        return _int(p, value)
    if kind == "choice":
        if value not in p["choices"]:
            raise _NotDirect(f"{value!r} is not a choice")
        return _enum(p["enum"])(value) if p.get("enum") else value
    if kind == "path":
        return _path(p, value)
    return value


def _path(p: dict[str, Any], value: str) -> Path:
    """``Path(value)`` when click's ``Path`` type accepts it (it checks only a path that exists)."""
    from pathlib import Path  # here: simulate's arguments are strings (pathlib imports urllib.parse, ipaddress)

    try:
        st = os.stat(value)
    except OSError:
        return Path(value)
    refused = (
        (not p["file_okay"] and stat.S_ISREG(st.st_mode))
        or (not p["dir_okay"] and stat.S_ISDIR(st.st_mode))
        or (p["readable"] and not os.access(value, os.R_OK))
    )
    if refused:
        raise _NotDirect(f"click refuses the path {value!r}")
    return Path(value)


def _int(p: dict[str, Any], value: Any) -> int:
    try:
        number = int(value)
    except ValueError:
        raise _NotDirect(f"{value!r} is not an integer") from None
    if (p.get("min") is not None and number < p["min"]) or (p.get("max") is not None and number > p["max"]):
        raise _NotDirect(f"{number} is out of range")
    return number


def _enum(path: str) -> type[Enum]:
    module, name = path.split(":")
    cls: type[Enum] = getattr(import_module(module), name)
    return cls
