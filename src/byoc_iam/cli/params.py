"""typer's ``Option`` and ``Argument``, declared without importing typer (issue 18, cold start).

A command's parameters are declared once, as typer would have them::

    def lint(files: list[str] | None = argument(None, metavar="FILE..."),
             strict: bool = option(False, "--strict", help="...")) -> None: ...

:func:`option` and :func:`argument` only record their arguments (:class:`Param`); :func:`typer_signature`, called
when a typer app registers the command (:class:`byoc_iam.cli.typer_app.ByocTyper`), hands typer a wrapper whose
signature has the real ``typer.Option``/``typer.Argument`` in their place. So a command module imports no typer
or click (a tenth of a second of start-up), and :mod:`byoc_iam.cli.direct` can call the same function
(:mod:`inspect` is imported by :func:`typer_signature` only). A decorator that adds parameters
(``with_role_options``) states the wrapper's signature with :func:`defer_signature`, built only then too.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from inspect import Signature

SignatureBuilder = Callable[[], "tuple[Signature, dict[str, Any]]"]


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


def defer_signature(wrapper: Callable[..., Any], build: SignatureBuilder) -> None:
    """State that ``wrapper``'s signature and annotations are ``build()``'s, made when typer (or another decorator)
    asks :func:`signature_of`, not at import: building it imports :mod:`inspect` (a tenth of ``render``'s start).
    A ``__signature__`` that ``functools.wraps`` copied from the wrapped function is dropped: this one is the
    wrapper's."""
    wrapper.__dict__.pop("__signature__", None)
    wrapper.byoc_signature = build  # type: ignore[attr-defined]


def _deferred(func: Callable[..., Any]) -> SignatureBuilder | None:
    """``func``'s deferred signature, unless it states its own ``__signature__`` (a decorator around a deferred
    wrapper inherits the attribute with ``functools.wraps``, and sets its own signature)."""
    return None if hasattr(func, "__signature__") else getattr(func, "byoc_signature", None)


def signature_of(func: Callable[..., Any]) -> tuple[Signature, dict[str, Any]]:
    """``func``'s signature and annotations: its deferred ones (:func:`defer_signature`) or :mod:`inspect`'s."""
    build = _deferred(func)
    if build is not None:
        return build()
    import inspect

    return inspect.signature(func), dict(getattr(func, "__annotations__", {}))


def typer_signature(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` as typer must see it: a wrapper whose signature has each :class:`Param` default made into its typer
    object (``func`` itself when it has neither one nor a deferred signature). Fresh typer objects on every call:
    an app may register it again."""
    sig, annotations = signature_of(func)
    if _deferred(func) is None and not any(isinstance(p.default, Param) for p in sig.parameters.values()):
        return func

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        return func(*args, **kwargs)

    params = [
        p.replace(default=p.default.to_typer()) if isinstance(p.default, Param) else p for p in sig.parameters.values()
    ]
    wrapper.__signature__ = sig.replace(parameters=params)  # type: ignore[attr-defined]
    wrapper.__annotations__ = annotations
    return wrapper
