"""typer's ``Option`` and ``Argument``, declared without importing typer (issue 18, cold start).

A command's parameters are declared once, as typer would have them::

    def lint(files: list[str] | None = argument(None, metavar="FILE..."),
             strict: bool = option(False, "--strict", help="...")) -> None: ...

:func:`option` and :func:`argument` only record their arguments (:class:`Param`); :func:`typer_signature`, called
when a typer app registers the command (:class:`byoc_iam.cli.typer_app.ByocTyper`), hands typer a wrapper whose
signature has the real ``typer.Option``/``typer.Argument`` in their place. So a command module imports no typer
or click (a tenth of a second of start-up), and :mod:`byoc_iam.cli.direct` can call the same function
(:mod:`inspect` is imported by :func:`typer_signature` only).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any


class Param:
    """The arguments of one ``typer.Option(...)`` (``kind="Option"``) or ``typer.Argument(...)``."""

    __slots__ = ("decls", "default", "kind", "kwargs")

    def __init__(self, kind: str, default: Any, decls: tuple[str, ...], kwargs: dict[str, Any]) -> None:
        self.kind, self.default, self.decls, self.kwargs = kind, default, decls, kwargs

    def to_typer(self) -> Any:
        """The typer object these arguments make (imports typer)."""
        import typer

        return getattr(typer, self.kind)(self.default, *self.decls, **self.kwargs)


def option(default: Any, *decls: str, **kwargs: Any) -> Any:
    """``typer.Option(default, *decls, **kwargs)``, made when the command is registered."""
    return Param("Option", default, decls, kwargs)


def argument(default: Any, *decls: str, **kwargs: Any) -> Any:
    """``typer.Argument(default, *decls, **kwargs)``, made when the command is registered."""
    return Param("Argument", default, decls, kwargs)


def typer_signature(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as typer must see it: a wrapper whose signature has each :class:`Param` default made into its typer
    object (``func`` itself when it has none). Fresh typer objects on every call: an app may register it again."""
    import inspect

    sig = inspect.signature(func)
    if not any(isinstance(p.default, Param) for p in sig.parameters.values()):
        return func

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    params = [
        p.replace(default=p.default.to_typer()) if isinstance(p.default, Param) else p for p in sig.parameters.values()
    ]
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    return wrapper
