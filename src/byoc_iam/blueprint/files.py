"""Pydantic models of the blueprint's data files (``data/blueprints/*.json`` of kind ``blueprint``,
``data/controllers/*.json``): ``tests/test_data_files.py`` validates every packaged file against them;
:mod:`byoc_iam.blueprint.data` reads the files raw (no pydantic on render's start-up path, issue 18)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field

from byoc_iam.data.datafile import DataFile


class PinFile(DataFile):
    repository: str
    release: str
    path: str
    commit: str = Field(pattern=r"^[0-9a-f]{40}$")
    unchanged_through: str
    actions: int = Field(ge=1)
    url: str


class ControllerFile(DataFile):
    """``data/controllers/<name>.json``: one controller's IRSA service account, policy name, pin and policy."""

    KIND: ClassVar[str] = "controller"
    name: str
    title: str
    service_account: str
    policy_name: str
    pinned: PinFile
    partitions: list[str] = Field(min_length=1)
    policy: dict[str, Any]


class ServiceStatementFile(DataFile):
    service: str
    sid: str | None


class BlueprintFile(DataFile):
    """``data/blueprints/<name>.json``: a role blueprint's defaults, trust statements, controllers, managed policies."""

    KIND: ClassVar[str] = "blueprint"
    name: str
    defaults: dict[str, Any]
    service_statements: list[ServiceStatementFile]
    controllers: list[str]
    aws_managed_policies: list[str]
