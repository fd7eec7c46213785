"""Trust: the intended principals (service principals, each IRSA service account through the cluster's OIDC
provider) can assume the role; the unintended ones (``data/verify/trust_negatives.json``) cannot."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

from byoc_iam.engine import CompiledPolicies, PolicySet, Request, compile_policies
from byoc_iam.model import PolicyDocument
from byoc_iam.model import arn as arnmod
from byoc_iam.model.arn import PLACEHOLDER_PROVIDER
from byoc_iam.model.record import record
from byoc_iam.verify import explain as ex
from byoc_iam.verify.context import assume_unmodelled
from byoc_iam.verify.data import Negative, trust_negatives
from byoc_iam.verify.policies import LabelledPolicy
from byoc_iam.verify.report import FederationResult, TrustResult, TrustStatus
from byoc_iam.verify.requirements import ContextValue, Target, components
from byoc_iam.verify.trust_variants import variations
from byoc_iam.verify.unknown import condition_keys, worst_case
from byoc_iam.verify.unknown import note as unknown_note

TrustMode = Literal["placeholder", "linked", "none"]
_WEB = "sts:AssumeRoleWithWebIdentity"
# a principal of another account is governed by its own account's policies, which we assume allow anything:
# only the trust policy stands between it and the role
_ALLOW_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"], "Resource": "*"}],
}


def providers(trust: PolicyDocument) -> list[str]:
    """The OIDC provider ARNs the trust's Allow statements federate, in order."""
    found: list[str] = []
    for st in trust.statements:
        if st.effect != "Allow" or not isinstance(st.principal, dict):
            continue
        for arn in st.principal.get("Federated", ()):
            if ":oidc-provider/" in arn and arn not in found:
                found.append(arn)
    return found


def trust_mode(trust: PolicyDocument) -> TrustMode:
    found = providers(trust)
    if not found:
        return "none"
    m = arnmod.parse_oidc_provider_arn(found[0])
    real = m is not None and arnmod.is_account_id(m.account) and not arnmod.is_placeholder_provider(found[0])
    return "linked" if real else "placeholder"  # fail closed: an unparsable provider is not linked


def partition_facts(partition: str) -> tuple[dict[str, str], str]:
    """(service principal by service, STS audience) of a partition (``aws``'s for an unsupported one)."""
    facts = arnmod.partition_facts(partition if partition in arnmod.supported_partitions() else "aws")
    return dict(facts["service_principals"]), str(facts["sts_audience"])


def intended_principals(partition: str) -> tuple[list[str], list[str]]:
    """(service principals, IRSA service accounts ``namespace:name``) of the catalog's components."""
    principals, _ = partition_facts(partition)
    services: list[str] = []
    accounts: list[str] = []
    for comp in components():
        for o in comp.obtains_role:
            if o.via != "irsa" and o.principal:
                # the catalog names aws-partition principals; use this partition's name of the service
                svc = principals.get(o.principal.split(".", 1)[0], o.principal)
                if svc not in services:
                    services.append(svc)
            if o.via == "irsa" and o.service_account and o.service_account not in accounts:
                accounts.append(o.service_account)
    return services, accounts


@record(frozen=True, kw_only=False)
class TrustAsk:
    """One request to the trust policy and what must come of it."""

    id: str
    kind: Literal["positive", "negative"]
    description: str
    principal: str
    action: str
    context: dict[str, ContextValue]
    expected: Literal["allowed", "denied"]


class TrustChecker:
    """Evaluates requests to assume the role against its trust policy (``trust`` None: IAM would refuse it,
    so it trusts no one). Each ask models the keys it sends (and ``sts:ExternalId``, ``aws:FederatedProvider`` as
    absent when it does not send them); the trust is evaluated at its worst for every other key it conditions on
    (:func:`byoc_iam.verify.context.assume_unmodelled`, :mod:`byoc_iam.verify.unknown`): for a principal that must be
    admitted and, the reverse way, for one that must not."""

    def __init__(self, trust: PolicyDocument | None, target: Target, role_arn: str, explain: bool) -> None:
        self.trust = None if trust is None else trust.to_dict()
        self.keys = frozenset(k.lower() for k in condition_keys(self.trust or {}))
        self.worst: dict[tuple[str, frozenset[str]], tuple[CompiledPolicies, CompiledPolicies, tuple[str, ...]]] = {}
        document = trust or PolicyDocument.from_dict({"Version": "2012-10-17", "Statement": []})
        self.labels = [LabelledPolicy(label="trust", kind="trust", name="trust", document=document)]
        self.target, self.role_arn, self.explain = target, role_arn, explain

    def _compiled(self, ask: TrustAsk) -> tuple[CompiledPolicies, CompiledPolicies, tuple[str, ...]]:
        """(same-account, other-account) trust at its worst for ``ask``, and the unknown keys it conditions on;
        cached by the expectation and the unknown keys (asks that send the same keys share one)."""
        unmodelled = assume_unmodelled(ask.context)
        key = (ask.expected, frozenset(k for k in self.keys if k in unmodelled))
        found = self.worst.get(key)
        if found is None:
            rewritten = None if self.trust is None else worst_case(self.trust, ask.expected, key[1])
            resource = None if rewritten is None else rewritten.document
            found = self.worst[key] = (
                compile_policies(PolicySet(identity=[], resource=resource)),
                compile_policies(PolicySet(identity=[_ALLOW_ASSUME], resource=resource)),
                () if rewritten is None else rewritten.keys,
            )
        return found

    def run(self, ask: TrustAsk) -> TrustResult:
        # a principal of another account needs its own account's allow (given here: the worst case); one of this
        # account that must be denied may have one too (an administrator), which a trust naming the account admits
        other = ask.principal.startswith("arn:") and ask.principal.split(":")[4] not in ("", self.target.account)
        same, cross, keys = self._compiled(ask)
        d = (cross if other or ask.expected == "denied" else same).evaluate(
            Request(
                principal=ask.principal,
                action=ask.action,
                resource=self.role_arn,
                resource_account=self.target.account,
                context=ask.context,
            )
        )
        decision = ex.decision_of(d)
        passed = (decision == "Allowed") == (ask.expected == "allowed")
        exp = d.explain(matched_only=True) if self.explain or not passed else None
        deciding = ex.deciding(exp, self.labels, ("resource",)) if exp else []
        reason = ""
        if not passed and exp is not None and ask.expected == "allowed":
            near, why = ex.nearest(exp, self.labels, self.labels, ("resource",))
            reason = f"{ask.principal} cannot {ask.action}" + (
                f"; nearest statement {near.label()}: {why}" if near else "; no trust statement names this principal"
            )
        elif not passed:
            reason = f"{ask.principal} can {ask.action} but must not; allowed by " + (
                ", ".join(s.label() for s in deciding) or "the trust policy"
            )
        if not passed:
            reason += unknown_note(keys, ask.expected)
        return TrustResult(
            id=ask.id,  # the ask, and what came of it
            kind=ask.kind,
            description=ask.description,
            principal=ask.principal,
            action=ask.action,
            context=ask.context,
            expected=ask.expected,
            decision=decision,
            passed=passed,
            status="passed" if passed else "failed",
            deciding=deciding,
            reason=reason,
        )


def check_trust(
    written: PolicyDocument,
    sound: PolicyDocument | None,
    target: Target,
    role_arn: str,
    explain: bool,
    federation: FederationResult | None,
    intended: tuple[list[str], list[str]] | None = None,
    unintended_accounts: Sequence[str] = (),
    extra: Sequence[TrustAsk] = (),
) -> list[TrustResult]:
    """The positive checks (each service principal, each IRSA service account) and the negative ones, of the
    trust as ``written``, evaluated as IAM would have it (``sound``: None when IAM would refuse it).
    ``intended``: ``(service principals, service accounts)`` that must be able to assume the role (default: every
    component's, :func:`intended_principals`); ``unintended_accounts``: service accounts (``namespace:name``)
    that must not, through the same provider (a split layout's other controllers); ``extra``: more requests
    (a split layout's Pod Identity asks)."""
    checker = TrustChecker(sound, target, role_arn, explain)
    mode = trust_mode(written)
    found = providers(written)
    placeholder = arnmod.oidc_provider_arn(target.partition, target.account, PLACEHOLDER_PROVIDER)
    provider = found[0] if found else placeholder
    host = provider.split(":oidc-provider/", 1)[-1]
    services, accounts = intended or intended_principals(target.partition)
    _, aud = partition_facts(target.partition)

    def web(sub: str, audience: str = aud, prov: str = provider) -> dict[str, ContextValue]:
        return {f"{host}:sub": sub, f"{host}:aud": audience, "aws:FederatedProvider": prov}

    asks = [
        TrustAsk(f"service:{s}", "positive", f"{s} can assume the role", s, "sts:AssumeRole", {}, "allowed")
        for s in services
    ]
    results = [checker.run(ask) for ask in asks]
    other = trust_negatives().other_account(target.account)
    other_provider = f"arn:{target.partition}:iam::{other}:oidc-provider/{host}"
    for sa in accounts:
        desc = f"service account {sa} can assume the role through the cluster's OIDC provider"
        ask = TrustAsk(
            f"irsa:{sa}",
            "positive",
            desc,
            provider,
            _WEB,
            web(f"system:serviceaccount:{sa}"),
            "allowed",
        )
        asks.append(ask)
        results.append(_irsa_status(checker.run(ask), mode, federation))
        desc = f"service account {sa} through the same issuer registered in account {other} cannot assume the role"
        ctx = web(f"system:serviceaccount:{sa}", aud, other_provider)
        results.append(
            checker.run(
                TrustAsk(
                    f"variant:irsa:{sa}/provider:other-account", "negative", desc, other_provider, _WEB, ctx, "denied"
                )
            )
        )
    asks += [a for a in extra if a.kind == "positive"]
    pinned = (f"{host}:aud", f"{host}:sub")
    others = {f"{host}:aud": trust_negatives().other_audience}
    results += [checker.run(a) for a in negative_variations(asks, pinned, others)]
    values = {
        "partition": target.partition,
        "account": target.account,
        "other_account": other,
        "provider": provider,
        "other_provider": other_provider,
    }
    for neg in trust_negatives().negatives:
        results.append(checker.run(_negative(neg, values, aud, web)))
    for sa in unintended_accounts:
        desc = f"service account {sa} (another component's) cannot assume the role"
        sub = web(f"system:serviceaccount:{sa}")
        results.append(checker.run(TrustAsk(f"other:{sa}", "negative", desc, provider, _WEB, sub, "denied")))
    return results + [checker.run(ask) for ask in extra]


def negative_variations(positives: Sequence[TrustAsk], pinned: Sequence[str], others: dict[str, str]) -> list[TrustAsk]:
    """For every positive ask, the asks that must be denied (:func:`byoc_iam.verify.trust_variants.variations`):
    the principal's other trust actions and its ``pinned`` condition values altered."""
    intended: dict[str, list[str]] = {}
    for ask in positives:
        actions = intended.setdefault(ask.principal, [])
        actions += [ask.action] if ask.action not in actions else []
    out: list[TrustAsk] = []
    for ask in positives:
        base = ask.description.split(" can ", 1)[0]
        for v in variations(ask.action, ask.context, intended[ask.principal], pinned, others):
            desc = (
                f"{base} cannot {v.why}" if v.what.startswith("action:") else f"{base} cannot {v.action} with {v.why}"
            )
            out.append(
                TrustAsk(f"variant:{ask.id}/{v.what}", "negative", desc, ask.principal, v.action, v.context, "denied")
            )
    return out


def _fill(text: str, values: dict[str, str]) -> str:
    for key, value in values.items():
        text = text.replace("${" + key + "}", value)
    return text


_Web = Callable[[str, str, str], dict[str, ContextValue]]


def _negative(neg: Negative, values: dict[str, str], aud: str, web: _Web) -> TrustAsk:
    principal = _fill(neg.principal, values)
    context: dict[str, ContextValue] = {k: _fill(v, values) for k, v in neg.context.items()}
    if neg.web_identity is not None:
        context = {**web(neg.web_identity.sub, neg.web_identity.aud or aud, principal), **context}
    return TrustAsk(neg.id, "negative", _fill(neg.description, values), principal, neg.action, context, "denied")


def _irsa_status(row: TrustResult, mode: TrustMode, federation: FederationResult | None) -> TrustResult:
    """A positive IRSA row: failed when the federation it relies on is broken; not linked in placeholder mode."""
    status: TrustStatus = row.status
    reason = row.reason
    if status == "passed" and federation is not None and not federation.passed:
        status, reason = "failed", "federation: " + "; ".join(federation.problems)
    elif status == "passed" and mode == "placeholder":
        status = "not-linked"
        reason = "not linked yet: the trust names the placeholder provider; no real token matches it until link-cluster"
    return row.model_copy(update={"status": status, "passed": status == "passed", "reason": reason})
