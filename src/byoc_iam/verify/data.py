"""verify's own knowledge as data (``data/verify/*.json``): component order, negative trust principals and the
texts of its findings. Each file carries a ``$schema`` key and is validated by a pydantic model on first use."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

FindingSeverity = Literal["error", "security", "warning", "info"]


class _Data(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    schema_: str = Field(alias="$schema")
    description: str = ""


class ComponentOrder(_Data):
    order: tuple[str, ...]


class WebIdentity(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    sub: str
    aud: str | None = None


class Negative(BaseModel):
    """A principal that must not be able to assume the role (templates resolved by :mod:`verify.trust`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    description: str
    principal: str
    action: Literal["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]
    web_identity: WebIdentity | None = None
    context: dict[str, str] = Field(default_factory=dict)


class TrustNegatives(_Data):
    other_account: str = Field(pattern=r"^\d{12}$")
    negatives: tuple[Negative, ...]


class FindingText(BaseModel):
    """A finding's severity and texts; ``message``/``mitigation`` are ``str.format`` templates."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    severity: FindingSeverity
    title: str
    message: str
    mitigation: str = ""


class FindingTexts(_Data):
    findings: dict[str, FindingText]
    node_reachable_actions: tuple[str, ...]


def _read(name: str) -> str:
    return resources.files("byoc_iam").joinpath("data", "verify", name).read_text(encoding="utf-8")


@cache
def component_order() -> tuple[str, ...]:
    return ComponentOrder.model_validate(json.loads(_read("components.json"))).order


@cache
def trust_negatives() -> TrustNegatives:
    return TrustNegatives.model_validate(json.loads(_read("trust_negatives.json")))


@cache
def finding_texts() -> FindingTexts:
    return FindingTexts.model_validate(json.loads(_read("findings.json")))
