"""The one set of AWS options every AWS command takes, and ``--output`` with the same meaning everywhere.

Usage::

    @with_aws(region=True, outputs=OUTPUTS)
    def destroy(aws: AwsOptions, ...) -> None:
        with aws.context() as ctx:            # an AwsContext: --profile/AWS_PROFILE, --region/AWS_REGION, ...
            ...
        if aws.output == "json": ...

The decorator removes the ``aws`` parameter from the signature typer sees and appends ``--profile``,
``--region`` (unless the command has its own, e.g. the role options), ``--endpoint-url``, ``--sandbox``,
``--retry-mode``, ``--max-attempts``, ``-v/--verbose`` and ``-o/--output`` under an "AWS" help panel.
This module stays light at import (no boto3): the CLI imports every command module at start-up.
"""

from __future__ import annotations

import contextlib
import functools
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from byoc_iam.cli.params import defer_signature, option, signature_of
from byoc_iam.errors import UsageError

if TYPE_CHECKING:
    from byoc_iam.aws.session import AwsContext

F = TypeVar("F", bound=Callable[..., Any])
AWS_PANEL = "AWS"
OUTPUTS = ("text", "json", "table")


def _opt(default: Any, *decls: str, help: str, **kw: Any) -> Any:
    return option(default, *decls, help=help, rich_help_panel=AWS_PANEL, **kw)


def aws_option_table(
    *, region: bool, outputs: Sequence[str] | None, verbose: bool = True
) -> list[tuple[str, Any, Any]]:
    """``(parameter, annotation, option)`` of the shared AWS options (fresh objects each call)."""
    table: list[tuple[str, Any, Any]] = [
        ("profile", str | None, _opt(None, "--profile", help="AWS profile [default: $AWS_PROFILE, else the chain].")),
    ]
    if region:
        table.append(
            (
                "region",
                str | None,
                _opt(None, "--region", help="AWS region [default: $AWS_REGION, else $AWS_DEFAULT_REGION]."),
            ),
        )
    table += [
        (
            "endpoint_url",
            str | None,
            _opt(None, "--endpoint-url", help="AWS endpoint (else $AWS_ENDPOINT_URL).", metavar="URL"),
        ),
        ("sandbox", bool, _opt(False, "--sandbox", help="Use the embedded sandbox (a local moto server) as AWS.")),
        ("retry_mode", str, _opt("standard", "--retry-mode", help="botocore retry mode: standard or adaptive.")),
        ("max_attempts", int | None, _opt(None, "--max-attempts", help="Total attempts per call (botocore).")),
    ]
    if verbose:
        table.append(("verbose", bool, _opt(False, "--verbose", "-v", help="Show the AWS calls made.")))
    if outputs:
        table.append(
            (
                "output",
                str,
                _opt(outputs[0], "--output", "-o", help=f"{', '.join(outputs)} (on stdout).", metavar="FORMAT"),
            )
        )
    return table


class AwsOptions:
    """The AWS flags of one command (and its ``--output``)."""

    def __init__(
        self,
        profile: str | None = None,
        endpoint_url: str | None = None,
        retry_mode: str = "standard",
        max_attempts: int | None = None,
        sandbox: bool = False,
        verbose: bool = False,
        region: str | None = None,
        output: str = "text",
    ) -> None:
        self.profile = profile
        self.endpoint_url = endpoint_url
        self.retry_mode = retry_mode
        self.max_attempts = max_attempts
        self.sandbox = sandbox
        self.verbose = verbose
        self.region = region
        self.output = output

    @property
    def json(self) -> bool:
        return self.output == "json"

    @property
    def given(self) -> bool:
        """Whether any option that reads AWS was given."""
        return bool(self.profile or self.region or self.endpoint_url or self.sandbox)

    @contextlib.contextmanager
    def context(self, region: str | None = None) -> Iterator[AwsContext]:
        """An :class:`AwsContext` for ``region`` (else ``--region``); closed (sandbox stopped) at the end."""
        from byoc_iam.aws.session import AwsContext

        ctx = AwsContext(
            profile=self.profile,
            region=region or self.region,
            endpoint_url=self.endpoint_url,
            retry_mode=self.retry_mode,
            max_attempts=self.max_attempts,
            sandbox=self.sandbox,
        )
        if ctx.sandbox_note:
            sys.stderr.write(f"byoc-iam: {ctx.sandbox_note}\n")
        try:
            yield ctx
        finally:
            if self.verbose:
                sys.stderr.write(f"byoc-iam: {ctx.summary()}\n")
            ctx.close()


def extend_signature(func: Callable[..., Any], drop: set[str], extra: list[tuple[str, Any, Any]]) -> Any:
    """``func``'s signature and annotations without ``drop``, with ``extra`` keyword-only options appended."""
    import inspect  # here, when typer asks (params.defer_signature): no command's start-up imports it

    sig, own_annotations = signature_of(func)
    own = [p for p in sig.parameters.values() if p.name not in drop]
    params = [inspect.Parameter(n, inspect.Parameter.KEYWORD_ONLY, default=o, annotation=a) for n, a, o in extra]
    annotations = {k: v for k, v in own_annotations.items() if k not in drop}
    annotations.update({n: a for n, a, _ in extra})
    return sig.replace(parameters=[*own, *params]), annotations


def with_aws_options(
    *, region: bool = True, outputs: Sequence[str] | None = OUTPUTS, verbose: bool = True, param: str = "aws"
) -> Callable[[F], F]:
    """Decorate a typer command: add the AWS options (and ``--output`` unless ``outputs`` is None; ``-v`` unless
    ``verbose`` is False: the command has its own); the command receives ``aws: AwsOptions``. A ``--output``
    outside ``outputs`` is a UsageError (exit 2)."""

    def decorate(func: F) -> F:
        table = aws_option_table(region=region, outputs=outputs, verbose=verbose)
        names = [n for n, _, _ in table]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = {name: kwargs.pop(name) for name in names}
            if outputs and values["output"] not in outputs:
                raise UsageError(f"--output must be one of {', '.join(outputs)}")
            kwargs[param] = AwsOptions(**values)
            return func(*args, **kwargs)

        defer_signature(wrapper, functools.partial(extend_signature, func, {param}, table))
        return wrapper  # type: ignore[return-value]

    return decorate
