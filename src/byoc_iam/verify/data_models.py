"""The models of verify's own knowledge (``data/verify/*.json``): component order, negative trust principals,
the texts of its findings and what it knows of a request's context. ``tests/test_data_files.py`` holds every
packaged file to its model; verify reads the files raw (:mod:`byoc_iam.verify.data`, its start-up path: no
pydantic), as lint reads its own."""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

FindingSeverity = Literal["error", "security", "warning", "info"]


class _Data(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)
    KIND: ClassVar[str]

    description: str = ""


class ComponentOrder(_Data):
    KIND: ClassVar[str] = "verify-components"
    order: tuple[str, ...]


class WebIdentity(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    sub: str
    aud: str | None = None


class Negative(BaseModel):
    """A principal that must not be able to assume the role (templates resolved by :mod:`verify.trust`)."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    id: str
    description: str
    principal: str
    action: Literal["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"]
    web_identity: WebIdentity | None = None
    context: dict[str, str] = Field(default_factory=dict)


_AccountId = Annotated[str, Field(pattern=r"^\d{12}$")]


class TrustNegatives(_Data):
    KIND: ClassVar[str] = "verify-trust-negatives"
    other_accounts: tuple[_AccountId, _AccountId]
    other_audience: str
    other_cluster_id: str
    negatives: tuple[Negative, ...]

    @model_validator(mode="after")
    def _distinct(self) -> TrustNegatives:
        if self.other_accounts[0] == self.other_accounts[1]:
            raise ValueError("other_accounts must be two different accounts")
        return self


class FindingText(BaseModel):
    """A finding's severity and texts; ``message``/``mitigation`` are ``str.format`` templates."""

    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    severity: FindingSeverity
    title: str
    message: str
    mitigation: str = ""


class FindingTexts(_Data):
    KIND: ClassVar[str] = "verify-findings"
    findings: dict[str, FindingText]
    node_reachable_actions: tuple[str, ...]


class RequestContextFile(_Data):
    """``data/verify/request_context.json``: the condition keys verify models of a request (``known`` with their
    value; ``session``, ``assume``, ``tag_families``: key -> where its value comes from) and, as examples, keys it
    cannot know (``unknown``: key -> why); every key it does not model is unknown."""

    KIND: ClassVar[str] = "verify-request-context"
    known: dict[str, str]
    session: dict[str, str] = Field(min_length=1)
    assume: dict[str, str] = Field(min_length=1)
    tag_families: dict[str, str] = Field(min_length=1)
    unknown: dict[str, str] = Field(min_length=1)
