"""Settings for the blueprint from three sources, in the order users expect: flags > ``BYOC_IAM_*`` > config file.

The config file is TOML; the role settings live in its ``[role]`` table (other tables belong to other
commands and are ignored here)::

    [role]
    account_id = "123456789012"        # a string: a number would lose leading zeros
    region = "us-west-2"
    service_accounts = ["milvus:milvus-operator"]
    [role.tags]
    team = "data"

Environment variables are ``BYOC_IAM_<SETTING>`` (``BYOC_IAM_ACCOUNT_ID``); lists are comma-separated
(``BYOC_IAM_SERVICE_ACCOUNTS=a:b,c:d``, ``BYOC_IAM_TAGS=team=data,env=prod``); booleans are true/false/1/0.
``BYOC_IAM_CONFIG`` names the config file when ``--config`` is not given. A list or table given by a
higher source replaces the lower one whole. Every problem is one :class:`UsageError` line naming the setting
as the user wrote it (``--account-id``, ``BYOC_IAM_ACCOUNT_ID`` or ``byoc-iam.toml: role.account_id``).
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, NamedTuple

from byoc_iam.blueprint.fast_inputs import PlainInputs, plain_inputs
from byoc_iam.errors import UsageError

if TYPE_CHECKING:
    from byoc_iam.blueprint.inputs import BlueprintInputs

ENV_PREFIX = "BYOC_IAM_"
Kind = Literal["str", "int", "bool", "list", "tags"]


class Setting(NamedTuple):
    """One role setting: its BlueprintInputs field, CLI flag and value kind."""

    name: str
    flag: str
    kind: Kind = "str"

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper()


ROLE_SETTINGS: tuple[Setting, ...] = (
    Setting("account_id", "--account-id"),
    Setting("partition", "--partition"),
    Setting("region", "--region"),
    Setting("role_name", "--role-name"),
    Setting("path", "--path"),
    Setting("description", "--description"),
    Setting("max_session_duration", "--max-session-duration", "int"),
    Setting("permissions_boundary", "--permissions-boundary"),
    Setting("tags", "--tag", "tags"),
    Setting("trust_mode", "--trust-mode"),
    Setting("oidc_issuer", "--oidc-issuer"),
    Setting("allow_custom_issuer", "--allow-custom-issuer", "bool"),
    Setting("compact_trust", "--compact-trust", "bool"),
    Setting("service_accounts", "--service-account", "list"),
    Setting("policy_placement", "--policy-placement"),
    Setting("roles", "--role", "list"),
    Setting("name_prefix", "--name-prefix"),
    Setting("bucket", "--bucket"),
    Setting("bucket_kms_key_arn", "--bucket-kms-key-arn"),
    Setting("external_id", "--external-id"),
    Setting("storage_service_accounts", "--storage-service-account", "list"),
    Setting("storage_wildcard_subjects", "--storage-wildcard-subjects", "bool"),
    Setting("layout", "--layout"),
    Setting("identity", "--identity"),
    Setting("cni_role", "--cni-role", "bool"),
    Setting("cluster_name", "--cluster-name"),
)
_BY_NAME = {s.name: s for s in ROLE_SETTINGS}


class Origin(NamedTuple):
    """Where a setting's value came from, as the user would name it."""

    label: str


def read_config(path: str | Path) -> dict[str, Any]:
    """Read a TOML config file; unreadable or invalid files raise one UsageError line."""
    import tomllib  # only with a config file (render's start-up, issue 18)

    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--config: cannot read {p}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"--config: {p} is not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{p}: invalid TOML: {exc}") from None


def _parse_tags(items: list[str] | tuple[str, ...], label: str) -> dict[str, str]:
    tags: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep:
            raise UsageError(f"{label}: {item!r} must be key=value")
        if key in tags:
            raise UsageError(f"{label}: tag key {key!r} is given twice")
        tags[key] = value
    return tags


def _from_env(env: Mapping[str, str]) -> dict[str, tuple[Any, str]]:
    out: dict[str, tuple[Any, str]] = {}
    for s in ROLE_SETTINGS:
        raw = env.get(s.env)
        if raw is None or raw == "":
            continue
        value: Any = raw
        if s.kind == "list":
            value = tuple(x.strip() for x in raw.split(",") if x.strip())
        elif s.kind == "tags":
            value = _parse_tags([x.strip() for x in raw.split(",") if x.strip()], s.env)
        out[s.name] = (value, s.env)
    return out


def _from_config(doc: Mapping[str, Any], source: str) -> dict[str, tuple[Any, str]]:
    table = doc.get("role", {})
    if not isinstance(table, dict):
        raise UsageError(f"{source}: role: must be a table ([role])")
    out: dict[str, tuple[Any, str]] = {}
    for key, value in table.items():
        label = f"{source}: role.{key}"
        setting = _BY_NAME.get(key)
        if setting is None:
            raise UsageError(f"{label}: is not a setting byoc-iam knows ({', '.join(_BY_NAME)})")
        if setting.kind == "list":
            if key == "roles" and isinstance(value, str):
                value = [value]
            if not isinstance(value, list):
                raise UsageError(f"{label}: must be a list of strings")
            value = tuple(value)
        elif setting.kind == "tags" and not isinstance(value, dict):
            raise UsageError(f'{label}: must be a table of key = "value"')
        out[key] = (value, label)
    return out


def _from_flags(flags: Mapping[str, Any]) -> dict[str, tuple[Any, str]]:
    out: dict[str, tuple[Any, str]] = {}
    for key, value in flags.items():
        if key == "config":
            continue
        setting = _BY_NAME.get(key)
        if setting is None:
            raise TypeError(f"not a role setting: {key}")
        if value is None or (setting.kind in ("list", "tags") and not value):
            continue
        if setting.kind == "list":
            value = tuple(value)
        elif setting.kind == "tags" and not isinstance(value, dict):
            value = _parse_tags(list(value), setting.flag)
        out[key] = (value, setting.flag)
    return out


def gather(
    flags: Mapping[str, Any], config: str | Path | None = None, env: Mapping[str, str] | None = None
) -> tuple[dict[str, Any], dict[str, Origin]]:
    """Merge the three sources: the values and, per setting, where it came from."""
    environ = os.environ if env is None else env
    if config is None:
        config = flags.get("config")  # --config "" is a file name too (and an error), not "no --config"
    if config is None:
        config = environ.get(ENV_PREFIX + "CONFIG") or None
    merged: dict[str, tuple[Any, str]] = {}
    if config is not None:
        merged.update(_from_config(read_config(config), Path(config).name))
    merged.update(_from_env(environ))
    merged.update(_from_flags(flags))
    values = {k: v for k, (v, _) in merged.items()}
    origins = {k: Origin(label) for k, (_, label) in merged.items()}
    return values, origins


def load_inputs(
    flags: Mapping[str, Any], config: str | Path | None = None, env: Mapping[str, str] | None = None
) -> "BlueprintInputs":
    """BlueprintInputs from flags (a dict of field → value, None/empty = not given), env and config file.

    Raises :class:`UsageError` with one line ``<setting as the user wrote it>: <rule>``.
    """
    return _inputs(*gather(flags, config, env))


def load_plain_inputs(
    flags: Mapping[str, Any], config: str | Path | None = None, env: Mapping[str, str] | None = None
) -> "PlainInputs | BlueprintInputs":
    """:func:`load_inputs` for ``render`` of the EKS role alone: the :class:`PlainInputs` of plainly valid values
    of the single combined EKS role (no pydantic imported, issue 18); otherwise, and for every problem, the
    ``BlueprintInputs`` or the error :func:`load_inputs` gives."""
    values, origins = gather(flags, config, env)
    plain = plain_inputs(values)
    if plain is not None and plain.roles == ("eks",) and plain.layout == "combined":
        return plain
    return _inputs(values, origins)


def _inputs(values: dict[str, Any], origins: dict[str, Origin]) -> "BlueprintInputs":
    from byoc_iam.blueprint.fast_inputs import fast_inputs

    fast = fast_inputs(values)  # the common case, without building pydantic's validator (issue 18)
    return fast if fast is not None else _validate(values, origins)


def _validate(values: dict[str, Any], origins: dict[str, Origin]) -> "BlueprintInputs":
    """pydantic's validation of ``values``; its first problem as one UsageError line."""
    from pydantic import ValidationError

    from byoc_iam.blueprint.inputs import BlueprintInputs, describe_problem

    def label(field: str) -> str:
        if field in origins:
            return origins[field].label
        setting = _BY_NAME.get(field)
        return setting.flag if setting else field

    try:
        return BlueprintInputs.model_validate(values)
    except ValidationError as exc:
        message = describe_problem(exc, label)
        if exc.errors()[0]["type"] == "missing":
            s = _BY_NAME[str(exc.errors()[0]["loc"][0])]
            message += f" (give {s.flag}, set {s.env}, or {s.name} in the [role] table of --config)"
        raise UsageError(message) from None
