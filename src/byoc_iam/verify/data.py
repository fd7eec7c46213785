"""verify's own knowledge as data (``data/verify/*.json``): component order, negative trust principals, the
texts of its findings and what it knows of a request's context. Each file carries a ``$schema`` key and is read
raw through the one loader (:func:`byoc_iam.data.raw`: verify's start-up path, no pydantic); its model is in
:mod:`byoc_iam.verify.data_models`, which ``tests/test_data_files.py`` holds every packaged file to."""

from __future__ import annotations

from functools import cache
from typing import Any, Literal

from byoc_iam import data as knowledge
from byoc_iam.model.record import fields, record

FindingSeverity = Literal["error", "security", "warning", "info"]


@record(frozen=True, kw_only=False)
class WebIdentity:
    """The web-identity token a negative principal presents: its ``sub`` and ``aud`` (None: the STS audience)."""

    sub: str
    aud: str | None = None


@record(frozen=True, kw_only=False)
class Negative:
    """A principal that must not be able to assume the role (templates resolved by :mod:`verify.trust`)."""

    id: str
    description: str
    principal: str
    action: str  # sts:AssumeRole or sts:AssumeRoleWithWebIdentity
    web_identity: WebIdentity | None
    context: dict[str, str]


@record(frozen=True, kw_only=False)
class TrustNegatives:
    """``data/verify/trust_negatives.json`` (model: ``data_models.TrustNegatives``)."""

    other_accounts: tuple[str, str]
    other_audience: str
    other_cluster_id: str
    negatives: tuple[Negative, ...]

    def other_account(self, account: str) -> str:
        """An account that is not ``account`` (the role's): a role in 111122223333, AWS's example account,
        must not be probed with a principal of its own account as "another account"."""
        return next(a for a in self.other_accounts if a != account)


@record(frozen=True, kw_only=False)
class FindingText:
    """A finding's severity and texts; ``message``/``mitigation`` are ``str.format`` templates."""

    severity: FindingSeverity
    title: str
    message: str
    mitigation: str = ""


@record(frozen=True, kw_only=False)
class FindingTexts:
    """``data/verify/findings.json`` (model: ``data_models.FindingTexts``)."""

    findings: dict[str, FindingText]
    node_reachable_actions: tuple[str, ...]


@record(frozen=True, kw_only=False)
class RequestContext:
    """``data/verify/request_context.json`` (model: ``data_models.RequestContextFile``): the condition keys verify
    models of a request (``known`` with their value; ``session``, ``assume``, ``tag_families``: key -> where its
    value comes from) and, as examples, keys it cannot know (``unknown``: key -> why)."""

    known: dict[str, str]
    session: dict[str, str]
    assume: dict[str, str]
    tag_families: dict[str, str]
    unknown: dict[str, str]


def _raw(kind: str, name: str) -> dict[str, Any]:
    return knowledge.raw(f"verify-{kind}", name)


@cache
def request_context() -> RequestContext:
    raw = _raw("request-context", "request_context")
    return RequestContext(*(dict(raw[f]) for f in fields(RequestContext)))


@cache
def component_order() -> tuple[str, ...]:
    return tuple(_raw("components", "components")["order"])


def _negative(raw: dict[str, Any]) -> Negative:
    web = raw.get("web_identity")
    return Negative(
        id=raw["id"],
        description=raw["description"],
        principal=raw["principal"],
        action=raw["action"],
        web_identity=None if web is None else WebIdentity(web["sub"], web.get("aud")),
        context=dict(raw.get("context", {})),
    )


@cache
def trust_negatives() -> TrustNegatives:
    raw = _raw("trust-negatives", "trust_negatives")
    negatives = tuple(_negative(n) for n in raw["negatives"])
    return TrustNegatives(tuple(raw["other_accounts"]), raw["other_audience"], raw["other_cluster_id"], negatives)


@cache
def finding_texts() -> FindingTexts:
    raw = _raw("findings", "findings")
    texts = {code: FindingText(**text) for code, text in raw["findings"].items()}
    return FindingTexts(texts, tuple(raw["node_reachable_actions"]))
