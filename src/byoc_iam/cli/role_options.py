"""The shared role options: one decorator gives a command the flags, config file and env vars of the role.

Any command that works on the BYOC EKS role (render, verify, plan, apply) adds the same options like this::

    from byoc_iam.cli.role_options import with_role_options

    @with_role_options
    def verify(inputs: BlueprintInputs, strict: bool = option(False, "--strict")) -> None:
        from byoc_iam.blueprint import render_role
        spec = render_role(inputs)
        ...

    def register(app: Typer) -> None:
        app.command("verify")(verify)

``with_role_options`` removes the ``inputs`` parameter from the signature typer sees and appends the role
options (``--config``, ``--account-id``, ``--partition``, ``--region``, ``--role-name``, ``--path``,
``--description``, ``--max-session-duration``, ``--permissions-boundary``, ``--tag k=v`` (repeatable),
``--trust-mode``, ``--oidc-issuer``, ``--allow-custom-issuer``, ``--compact-trust``, ``--service-account
ns:name`` (repeatable), ``--policy-placement``, and the role set's ``--name-prefix``, ``--bucket``,
``--bucket-kms-key-arn``, ``--external-id``, ``--storage-service-account``, ``--storage-wildcard-subjects``),
shown under a "Role" help panel; ``select=True`` adds ``--role KIND`` (which roles of the set). When the command
runs, it merges them with the ``[role]`` table of ``--config`` (or ``$BYOC_IAM_CONFIG``) and ``BYOC_IAM_*`` variables,
flags winning (see :mod:`byoc_iam.blueprint.config`), validates them with pydantic and calls the command with
``inputs`` = a :class:`~byoc_iam.blueprint.BlueprintInputs`. Any bad value raises ``UsageError``: one line
``byoc-iam: <setting>: <rule>`` on stderr, exit 2, before the command body runs.

``@with_role_options(inputs_param="role")`` picks another parameter name. ``@with_role_options(lazy=True)``
passes a :class:`RoleValues` instead (the raw option values; ``.given()`` says whether any was set,
``.inputs()`` validates them): for commands that can also take the role from elsewhere (``--role FILE``).
Without the decorator, :func:`role_option_table` gives the ``(name, annotation, typer.Option)`` triples to add
to a signature, and :func:`role_inputs` validates a dict of their values (None or empty = not given).

This module stays light at import (no pydantic): the CLI imports every command module at start-up.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar, overload

from byoc_iam.cli.params import defer_signature, option

if TYPE_CHECKING:
    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.fast_inputs import PlainInputs

PANEL = "Role"
COMPACT_HELP = "One web-identity statement listing every service account (smaller trust policy)."
F = TypeVar("F", bound=Callable[..., Any])


def _opt(*decls: str, help: str, metavar: str | None = None) -> Any:
    return option(None, *decls, help=help, metavar=metavar, rich_help_panel=PANEL, show_default=False)


def role_option_table() -> list[tuple[str, Any, Any]]:
    """``(parameter name, annotation, option)`` of every role option, in help order (fresh objects each
    call)."""
    return [
        (
            "config",
            str | None,  # a file name (blueprint.config reads it): no pathlib on the start-up path (issue 18)
            _opt("--config", help="TOML file whose \\[role] table sets these options.", metavar="FILE"),
        ),
        ("account_id", str | None, _opt("--account-id", help="AWS account id (12 digits). Required.")),
        (
            "partition",
            str | None,
            _opt("--partition", help="aws, aws-cn or aws-us-gov \\[default: from --region, else aws]"),
        ),
        ("region", str | None, _opt("--region", help="AWS region of the cluster (optional in placeholder mode).")),
        ("role_name", str | None, _opt("--role-name", help="Role name \\[default: zilliz-byoc-eks-role].")),
        ("path", str | None, _opt("--path", help="Role path \\[default: /].")),
        ("description", str | None, _opt("--description", help="Role description.")),
        (
            "max_session_duration",
            str | None,  # parsed by pydantic, so a bad value gets the one-line message
            _opt("--max-session-duration", help="Seconds, 3600-43200 \\[default: 3600]."),
        ),
        (
            "permissions_boundary",
            str | None,
            _opt("--permissions-boundary", help="Policy ARN set as the role's permissions boundary.", metavar="ARN"),
        ),
        ("tags", list[str] | None, _opt("--tag", help="Role tag key=value (repeatable).", metavar="KEY=VALUE")),
        (
            "trust_mode",
            str | None,
            _opt(
                "--trust-mode",
                help="placeholder (literal eks_oidc_url, as Zilliz "
                "expects) or resolved \\[default: resolved if --oidc-issuer, else "
                "placeholder].",
            ),
        ),
        (
            "oidc_issuer",
            str | None,
            _opt(
                "--oidc-issuer",
                help="Cluster OIDC issuer URL, https://oidc.eks.<region>.amazonaws.com/id/<ID>.",
                metavar="URL",
            ),
        ),
        (
            "allow_custom_issuer",
            bool | None,
            _opt("--allow-custom-issuer/--no-allow-custom-issuer", help="Accept any https issuer, not only EKS's."),
        ),
        ("compact_trust", bool | None, _opt("--compact-trust/--no-compact-trust", help=COMPACT_HELP)),
        (
            "service_accounts",
            list[str] | None,
            _opt(
                "--service-account", help="Extra IRSA service account namespace:name (repeatable).", metavar="NS:NAME"
            ),
        ),
        (
            "policy_placement",
            str | None,
            _opt(
                "--policy-placement",
                help="Controller policies inline "
                "(default, as Zilliz's docs) or managed (customer-managed, as "
                "Zilliz's Terraform).",
            ),
        ),
        *set_option_table(),
    ]


def set_option_table() -> list[tuple[str, Any, Any]]:
    """The role set's options (storage and cross-account roles; see ``byoc_iam.blueprint.roleset``)."""
    return [
        (
            "name_prefix",
            str | None,
            _opt("--name-prefix", help="Prefix of the storage and cross-account role names \\[default: zilliz-byoc]."),
        ),
        (
            "bucket",
            str | None,
            _opt("--bucket", help="The Milvus data bucket (storage and cross-account roles).", metavar="NAME"),
        ),
        (
            "bucket_kms_key_arn",
            str | None,
            _opt(
                "--bucket-kms-key-arn",
                help="The bucket's SSE-KMS key (adds kms:Decrypt/GenerateDataKey).",
                metavar="ARN",
            ),
        ),
        (
            "external_id",
            str | None,
            _opt("--external-id", help="The External ID the Zilliz console shows (cross-account role).", metavar="ID"),
        ),
        (
            "storage_service_accounts",
            list[str] | None,
            _opt(
                "--storage-service-account",
                help="Service account the storage role trusts (repeatable).",
                metavar="NS:NAME",
            ),
        ),
        (
            "storage_wildcard_subjects",
            bool | None,
            _opt(
                "--storage-wildcard-subjects/--no-storage-wildcard-subjects",
                help="Trust Zilliz's wildcard subjects (milvus-*:milvus*...): a security warning.",
            ),
        ),
        (
            "layout",
            str | None,
            _opt(
                "--layout",
                help="combined (one EKS role, as Zilliz's console asks) or split (cluster, node and one role per "
                "controller) \\[default: combined].",
            ),
        ),
        (
            "identity",
            str | None,
            _opt("--identity", help="Split layout: controllers via irsa or pod-identity \\[default: irsa]."),
        ),
        (
            "cni_role",
            bool | None,
            _opt("--cni-role/--no-cni-role", help="Split layout: the VPC CNI on its own role, not the node role."),
        ),
        (
            "cluster_name",
            str | None,
            _opt("--cluster-name", help="EKS cluster name (Pod Identity trust and associations).", metavar="NAME"),
        ),
    ]


def selection_option() -> tuple[str, Any, Any]:
    """``--role eks|storage|cross-account|all`` (repeatable or comma-separated) for commands without ``--role FILE``."""
    return (
        "roles",
        list[str] | None,
        _opt("--role", help="Roles: eks, storage, cross-account or all (repeatable) \\[default: eks].", metavar="KIND"),
    )


ROLE_OPTION_NAMES: tuple[str, ...] = tuple(name for name, _, _ in role_option_table())


class RoleValues(dict[str, Any]):
    """The raw role option values of one invocation (``None`` or empty = not given on the command line)."""

    def given(self) -> bool:
        """Whether any role option was given as a flag."""
        return any(v not in (None, [], ()) for v in self.values())

    def inputs(self, env: Mapping[str, str] | None = None) -> BlueprintInputs:
        """Validate (with the config file and ``BYOC_IAM_*`` env); UsageError on a bad value."""
        return role_inputs(self, env=env)


def role_inputs(values: Mapping[str, Any], env: Mapping[str, str] | None = None) -> BlueprintInputs:
    """BlueprintInputs from option values (None/empty = not given) + config file + ``BYOC_IAM_*`` env."""
    from byoc_iam.blueprint.config import load_inputs

    return load_inputs(values, env=env)


def plain_role_inputs(values: Mapping[str, Any]) -> PlainInputs | BlueprintInputs:
    """:func:`role_inputs` for ``render``: :class:`~byoc_iam.blueprint.fast_inputs.PlainInputs` (no pydantic) when
    the values are plainly valid for the EKS role alone (``blueprint.config.load_plain_inputs``)."""
    from byoc_iam.blueprint.config import load_plain_inputs

    return load_plain_inputs(values)


@overload
def with_role_options(fn: F, /) -> F: ...
@overload
def with_role_options(
    *, inputs_param: str = "inputs", lazy: bool = False, select: bool = False, plain: bool = False
) -> Callable[[F], F]: ...
def with_role_options(
    fn: F | None = None,
    /,
    *,
    inputs_param: str = "inputs",
    lazy: bool = False,
    select: bool = False,
    plain: bool = False,
) -> F | Callable[[F], F]:
    """Decorate a typer command: add the role options, pass validated ``BlueprintInputs`` as ``inputs``
    (with ``plain``, :func:`plain_role_inputs`; with ``lazy``, the unvalidated :class:`RoleValues`)."""

    def decorate(func: F) -> F:
        code = func.__code__
        own = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        if inputs_param not in own:
            raise TypeError(f"{func.__name__} has no parameter {inputs_param!r} to receive the role inputs")
        clash = set(own) & set(ROLE_OPTION_NAMES)
        if clash:
            raise TypeError(f"{func.__name__} parameters clash with role options: {', '.join(sorted(clash))}")
        table = role_option_table() + ([selection_option()] if select else [])
        names = [name for name, _, _ in table]

        @functools.wraps(func)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            values = RoleValues({name: kwargs.pop(name, None) for name in names})
            load = plain_role_inputs if plain else role_inputs
            kwargs[inputs_param] = values if lazy else load(values)
            return func(*args, **kwargs)

        annotations = {k: v for k, v in getattr(func, "__annotations__", {}).items() if k != inputs_param}
        annotations.update({name: annotation for name, annotation, _ in table})
        wrapper.__annotations__ = annotations
        defer_signature(wrapper, functools.partial(_signature, func, inputs_param, table, annotations))
        return wrapper  # type: ignore[return-value]

    return decorate(fn) if fn is not None else decorate


def _signature(
    func: Callable[..., Any], inputs_param: str, table: list[Any], annotations: dict[str, Any]
) -> tuple[Any, dict[str, Any]]:
    """The decorated command's signature (``func``'s without ``inputs_param``, the role options of ``table``
    appended as keyword-only parameters) and its ``annotations``."""
    import inspect

    sig = inspect.signature(func)
    own = [p for p in sig.parameters.values() if p.name != inputs_param]
    extra = [
        inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=option, annotation=annotation)
        for name, annotation, option in table
    ]
    return sig.replace(parameters=[*own, *extra]), annotations
