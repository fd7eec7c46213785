"""The one loader of byoc-iam's knowledge files (``src/byoc_iam/data/<folder>/<name>.json``).

As botocore's loader does for its service models: every data file names its kind and version in a
``"$schema": "byoc-iam/<kind>/<version>"`` key, the kind says which folder it lives in (:data:`KINDS`), and a
reader asks for it by kind and name:

* :func:`load` ``(model, name)`` — the file validated into ``model`` (a pydantic model whose ``KIND`` names the
  kind), cached per process;
* :func:`raw` ``(kind, name)`` — the file as parsed JSON with its ``$schema`` checked, no pydantic. Only for
  readers on the interactive commands' start-up path (lint rules, the service catalog, IAM quotas and
  partitions, the managed-policy catalog),
  where importing pydantic would double the start-up time; their models are enforced on every packaged file
  by ``tests/test_data_files.py`` all the same.

A broken file (missing, not JSON, wrong ``$schema``, failing its model) is one line: :class:`DataError`.
This module imports only the standard library.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any, ClassVar, NamedTuple, Protocol, TypeVar

from byoc_iam.errors import UsageError

# The package's folder, as importlib.resources.files(__name__) gives it for an installed (unzipped) package;
# read directly because importing importlib.resources (zipfile, tempfile...) cost `lint FILE` a tenth of its start;
# a plain path, as pathlib (with urllib.parse and ipaddress) is more than a single `simulate` needs of it.
_ROOT = os.path.dirname(__file__)

SCHEMA_KEY = "$schema"
SCHEMA_PREFIX = "byoc-iam/"
METADATA_KEYS = ("$schema", "$comment")  # removed before a model validates the file


class Kind(NamedTuple):
    """One kind of data file: the folder under ``data/`` it lives in and the version readers understand."""

    folder: str
    version: int


# Every kind of data file. To add a kind: a row here, a pydantic model with ``KIND`` set (see ``docs/architecture.md``).
KINDS: dict[str, Kind] = {
    "blueprint": Kind("blueprints", 1),
    "role-blueprint": Kind("blueprints", 1),
    "layout": Kind("blueprints", 1),
    "controller-variant": Kind("controllers", 1),
    "controller-history": Kind("controller_history", 1),
    "controller": Kind("controllers", 1),
    "partitions": Kind("iam", 1),
    "quotas": Kind("iam", 1),
    "trust-policy": Kind("iam", 1),
    "requirements": Kind("requirements", 1),
    "role-requirements": Kind("requirements/roles", 1),
    "managed-catalog": Kind("managed", 1),
    "managed-snapshot": Kind("managed", 1),
    "managed-history": Kind("managed", 1),
    "managed-policy-names": Kind("managed", 1),
    "operator-calls": Kind("operator", 1),
    "verify-components": Kind("verify", 1),
    "wiring-helm-charts": Kind("wiring", 1),
    "verify-findings": Kind("verify", 1),
    "verify-trust-negatives": Kind("verify", 1),
    "verify-request-context": Kind("verify", 1),
    "verify-wildcard-only": Kind("verify", 1),
    "confused-deputy": Kind("lint", 1),
    "service-principals": Kind("lint", 1),
    "access-analyzer-checks": Kind("lint", 1),
    "lint-rule-index": Kind("lint", 1),
    "global-condition-keys": Kind("servicecatalog", 1),
    "merged-services": Kind("servicecatalog", 1),
    "cli-direct": Kind("cli", 1),
}


class DataError(UsageError):
    """A data file is missing or breaks its schema: ``data/<folder>/<name>.json: <what>`` (one line)."""


class DataModel(Protocol):
    """What :func:`load` needs of a model: its kind and pydantic's ``model_validate``."""

    KIND: ClassVar[str]

    @classmethod
    def model_validate(cls, obj: Any) -> Any: ...


M = TypeVar("M", bound=DataModel)


def schema(kind: str) -> str:
    """The ``$schema`` value of a kind's current version: ``byoc-iam/<kind>/<version>``."""
    return f"{SCHEMA_PREFIX}{kind}/{_kind(kind).version}"


def _kind(kind: str) -> Kind:
    if kind not in KINDS:
        raise DataError(f"unknown data kind {kind!r} (known: {', '.join(sorted(KINDS))})")
    return KINDS[kind]


def where(kind: str, name: str) -> str:
    """``data/<folder>/<name>.json``: how a file is named in messages."""
    return f"data/{_kind(kind).folder}/{name}.json"


def names(kind: str) -> tuple[str, ...]:
    """The names of the packaged files in a kind's folder whose ``$schema`` is that kind, sorted."""
    folder = os.path.join(_ROOT, _kind(kind).folder)
    found = (e.removesuffix(".json") for e in os.listdir(folder) if e.endswith(".json"))
    return tuple(n for n in sorted(found) if _declared(kind, n) == kind)


def _declared(kind: str, name: str) -> str | None:
    value = _read(kind, name).get(SCHEMA_KEY)
    return value.removeprefix(SCHEMA_PREFIX).rsplit("/", 1)[0] if isinstance(value, str) else None


def check_schema(kind: str, data: Any, source: str) -> dict[str, Any]:
    """``data`` when it is an object whose ``$schema`` is this kind's current version; else :class:`DataError`."""
    if not isinstance(data, dict):
        raise DataError(f"{source}: expected a JSON object")
    expected = schema(kind)
    found = data.get(SCHEMA_KEY)
    if found != expected:
        shown = f"{found!r}" if found is not None else "no $schema"
        raise DataError(f"{source}: {shown}, expected {SCHEMA_KEY} {expected!r}")
    return data


def parse(model: type[M], text: str, source: str) -> M:
    """Validate JSON ``text`` (from ``source``, for messages) into ``model``; :class:`DataError` on any problem."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{source}: invalid JSON: {exc.msg} (line {exc.lineno})") from None
    return validate(model, check_schema(model.KIND, data, source), source)


def validate(model: type[M], data: Mapping[str, Any], source: str) -> M:
    """``data`` (its ``$schema``/``$comment`` dropped) validated into ``model``; :class:`DataError` on failure."""
    from pydantic import ValidationError

    body = {k: v for k, v in data.items() if k not in METADATA_KEYS}
    try:
        return model.model_validate(body)  # type: ignore[no-any-return]
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"])
        msg = str(err["msg"]).removeprefix("Value error, ")
        raise DataError(f"{source}: {loc}: {msg}" if loc else f"{source}: {msg}") from None


@cache
def _read(kind: str, name: str) -> dict[str, Any]:
    source = where(kind, name)
    try:
        with open(os.path.join(_ROOT, _kind(kind).folder, f"{name}.json"), encoding="utf-8") as f:
            text = f.read()
    except (FileNotFoundError, NotADirectoryError):
        raise DataError(f"{source}: no such data file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(f"{source}: invalid JSON: {exc.msg} (line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise DataError(f"{source}: expected a JSON object")
    return data


def raw(kind: str, name: str) -> dict[str, Any]:
    """The packaged file as parsed JSON (cached; treat it as read-only), its ``$schema`` checked."""
    return check_schema(kind, _read(kind, name), where(kind, name))


@cache
def _load(model: type[Any], name: str) -> Any:
    return validate(model, raw(model.KIND, name), where(model.KIND, name))


def load(model: type[M], name: str) -> M:
    """The packaged file ``name`` of ``model.KIND``, validated into ``model`` (cached per process)."""
    result: M = _load(model, name)
    return result


PARTITION_TOKEN = "${partition}"  # in the controller policies' templates: the ARN partition (aws, aws-cn, aws-us-gov)


def fill_partition(value: Any, partition: str) -> Any:
    """A copy of the JSON ``value`` with :data:`PARTITION_TOKEN` replaced by ``partition`` in every string."""
    if isinstance(value, str):
        return value.replace(PARTITION_TOKEN, partition)
    if isinstance(value, list):
        return [fill_partition(v, partition) for v in value]
    if isinstance(value, dict):
        return {k: fill_partition(v, partition) for k, v in value.items()}
    return value
