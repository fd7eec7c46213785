"""verify_role: the composition of verify's jobs — which policy serves which component (:mod:`.policies`),
documents IAM would refuse (:mod:`.documents`), permissions (:mod:`.permissions`), the federation
(:mod:`.federation`) and trust (:mod:`.trust`), grants beyond the blueprint (:mod:`.beyond`) and findings
(:mod:`.findings`). Pure: no I/O (managed documents and live federation facts are passed in)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from byoc_iam import __version__
from byoc_iam.errors import UsageError
from byoc_iam.model import PolicyDocument
from byoc_iam.model import arn as arnmod
from byoc_iam.model.record import record
from byoc_iam.verify import beyond
from byoc_iam.verify.documents import Refusal, refusal
from byoc_iam.verify.evaluator import Evaluator
from byoc_iam.verify.federation import Federation, check_provider
from byoc_iam.verify.findings import Facts, findings
from byoc_iam.verify.permissions import check_component
from byoc_iam.verify.policies import (
    LabelledPolicy,
    catalog_document_or_none,
    own_policies,
    role_policies,
    unknown_managed,
)
from byoc_iam.verify.report import (
    SEVERITY_ORDER,
    ComponentResult,
    Counts,
    FederationResult,
    Finding,
    RoleInfo,
    Status,
    Summary,
    TargetInfo,
    TrustResult,
    VerifyReport,
)
from byoc_iam.verify.requirements import ContextValue, Target, all_features, components
from byoc_iam.verify.trust import (
    TrustMode,
    check_trust,
    intended_principals,
    partition_facts,
    providers,
    trust_mode,
)

if TYPE_CHECKING:
    from byoc_iam.model import RoleSpec

__all__ = ["infer_target", "own_policies", "role_policies", "role_session", "verify_role"]


def infer_target(spec: RoleSpec, *, account: str | None, region: str | None, cluster: str | None) -> Target:
    """Account, region and partition from the flags, else from the trust policy's OIDC provider and the ARNs."""
    found = providers(spec.trust())
    partition, acct, reg = None, account, region
    m = arnmod.parse_oidc_provider_arn(found[0]) if found else None
    if m and arnmod.is_account_id(m.account):
        partition = m.partition
        acct = acct or m.account
        eks = arnmod.eks_issuer(m.name)
        reg = reg or (eks.region if eks else None)
    if partition is None:
        arns = list(spec.managed_policy_arns)
        partition = arns[0].split(":")[1] if arns else "aws"
    return Target(
        account=acct or "123456789012",
        region=reg or arnmod.example_region(partition),
        partition=partition,
        cluster=cluster or "zilliz-byoc",
        account_inferred=account is None,
        region_inferred=region is None,
    )


@record(frozen=True, kw_only=False)
class _Sound:
    """The role's documents IAM would accept (refused ones dropped) and the refusals."""

    policies: list[LabelledPolicy]
    trust: PolicyDocument | None
    refused: list[Refusal]


def _sound(spec: RoleSpec, policies: list[LabelledPolicy]) -> _Sound:
    """Drop the documents IAM would refuse: AWS managed documents are IAM's own and are not re-checked."""
    refused: list[Refusal] = []
    kept: list[LabelledPolicy] = []
    for p in policies:
        r = None if p.kind == "aws-managed" else refusal(p.label, p.document, "identity")
        if r is None:
            kept.append(p)
        else:
            refused.append(r)
    trust: PolicyDocument | None = spec.trust()
    r = refusal("trust policy", spec.trust(), "trust")
    if r is not None:
        refused.insert(0, r)
        trust = None
    return _Sound(kept, trust, refused)


def verify_role(
    spec: RoleSpec,
    features: Iterable[str] = (),
    managed_docs: Mapping[str, PolicyDocument] | None = None,
    *,
    target: Target | None = None,
    source: str = "rendered",
    role_arn: str | None = None,
    explain: bool = True,
    boundary: PolicyDocument | None = None,
    federation: Federation | None = None,
) -> VerifyReport:
    """Verify ``spec``: every required call allowed (by the role and by the policies meant for its component),
    every intended principal able to assume it through a working federation, every unintended one denied, every
    document one IAM accepts, nothing granted beyond the blueprint.

    ``explain=False`` skips the engine's explanation of *allowed* requests (their deciding statements), which
    costs most of the time; failures are always explained. ``boundary``: the document of the role's permissions
    boundary (AWS managed boundaries are taken from the catalog); without it the boundary is reported as not
    evaluated. ``federation``: the OIDC providers and cluster issuer read live (None: offline, only the
    provider's account is checked). Raises UsageError for an unknown feature or managed policy."""
    selected = sorted(set(features))
    unknown = [f for f in selected if f not in all_features()]
    if unknown:
        raise UsageError(f"unknown feature {unknown[0]!r} (see `byoc-iam verify --list-features`)")
    target = target or infer_target(spec, account=None, region=None, cluster=None)
    arn = role_arn or f"arn:{target.partition}:iam::{target.account}:role{spec.path}{spec.role_name}"
    all_policies = role_policies(spec, managed_docs, skip_unknown=True)
    unread = unknown_managed(spec, managed_docs)
    sound = _sound(spec, all_policies)
    if spec.permissions_boundary and boundary is None:
        boundary = catalog_document_or_none(spec.permissions_boundary)
    evaluator, role = _session(spec, target, arn, source, all_policies, boundary)
    comps = [check_component(c, sound.policies, evaluator, target, frozenset(selected), explain) for c in components()]
    mode = trust_mode(spec.trust())
    fed = federation_checks(spec, mode, target, federation)
    trust = check_trust(spec.trust(), sound.trust, target, arn, explain, fed[0] if fed else None)
    services, accounts = intended_principals(target.partition)
    facts = Facts(
        spec=spec,
        trust_mode=mode,
        policies=all_policies,
        components=comps,
        boundary_evaluated=boundary is not None,
        refused=sound.refused,
        federation=fed,
        beyond=beyond.beyond_policies(all_policies, target.partition, unread)
        + beyond.beyond_trust(spec.trust(), services, accounts),
        irsa_accounts=accounts,
        account_unknown=target.account_inferred and mode == "linked",
        account=target.account,
    )
    return _report(role, target, mode, selected, comps, trust, fed, findings(facts))


def _failing_names(comps: Sequence[ComponentResult]) -> str:
    names = [c.name for c in comps if c.status == "failed"]
    return f" ({', '.join(names)})" if names else ""


def role_session(
    spec: RoleSpec,
    target: Target,
    arn: str,
    boundary: PolicyDocument | None = None,
    extra: Mapping[str, ContextValue] | None = None,
) -> tuple[Evaluator, dict[str, ContextValue], str]:
    """``(evaluator, base request context, session ARN)`` of the role's session that makes every call: the role's
    session ``byoc-iam-verify`` (``aws:PrincipalType`` AssumedRole, TLS, the target's region, the keys
    ``data/verify/request_context.json`` knows, the role's tags as ``aws:PrincipalTag/*``), within ``boundary``;
    ``extra`` adds context keys (e.g. Pod Identity's session tags, which win over the role's tags, as in AWS).
    Every other key is unknown (:func:`byoc_iam.verify.context.unmodelled_keys`): left out, and every check is
    evaluated at its worst for it."""
    from byoc_iam.verify.context import session_context, unmodelled_keys
    from byoc_iam.verify.unknown import Unmodelled

    base_ctx: dict[str, ContextValue] = {
        **session_context(arn, target.account, target.region, spec.tags),
        **(extra or {}),
    }
    unknown = unmodelled_keys()
    if extra:  # a session with tags of its own (EKS Pod Identity adds six): other principal tags are unknown
        families = tuple(f for f in unknown.families if f != "principaltag/")
        unknown = Unmodelled(unknown.modelled | {k.lower() for k in base_ctx}, families)
    session = f"arn:{target.partition}:sts::{target.account}:assumed-role/{spec.role_name}/byoc-iam-verify"
    evaluator = Evaluator(
        principal=session, base_context=base_ctx, account=target.account, boundary=boundary, unknown=unknown
    )
    return evaluator, base_ctx, session


_SOURCES = ("rendered", "file", "live")


def _session(
    spec: RoleSpec,
    target: Target,
    arn: str,
    source: str,
    policies: Sequence[LabelledPolicy],
    boundary: PolicyDocument | None,
) -> tuple[Evaluator, RoleInfo]:
    """The role's session that makes every call, and the report's description of the role."""
    evaluator, base_ctx, session = role_session(spec, target, arn, boundary)
    if source not in _SOURCES:
        raise ValueError(f"unknown role source {source!r}")
    role = RoleInfo(
        name=spec.role_name,
        arn=arn,
        source=source,  # type: ignore[arg-type]  # checked above
        policies=[p.label for p in policies],
        trust_statements=len(spec.trust().statements),
        session=session,
        request_context=base_ctx,
    )
    return evaluator, role


def federation_checks(spec: RoleSpec, mode: str, target: Target, facts: Federation | None) -> list[FederationResult]:
    """The federation checks of the trust's OIDC providers (none in placeholder mode: nothing is linked yet)."""
    if mode != "linked":
        return []
    _, audience = partition_facts(target.partition)
    known = not target.account_inferred
    region = None if target.region_inferred else target.region
    return [
        check_provider(p, target.account, audience, facts, account_known=known, region=region)
        for p in providers(spec.trust())
    ]


def _report(
    role: RoleInfo,
    target: Target,
    mode: TrustMode,
    features: list[str],
    comps: list[ComponentResult],
    trust: list[TrustResult],
    fed: list[FederationResult],
    found: list[Finding],
) -> VerifyReport:
    calls = Counts(
        passed=sum(c.counts.passed for c in comps),
        failed=sum(c.counts.failed for c in comps),
        optional=sum(c.counts.optional for c in comps),
        not_evaluated=sum(c.counts.not_evaluated for c in comps),
    )
    t_failed = sum(t.status == "failed" for t in trust)
    t_unlinked = sum(t.status == "not-linked" for t in trust)
    by_severity: dict[str, int] = {s: sum(f.severity == s for f in found) for s in SEVERITY_ORDER}
    summary = Summary(
        calls=calls,
        trust_passed=sum(t.status == "passed" for t in trust),
        trust_failed=t_failed,
        findings=len(found),
        trust_not_linked=t_unlinked,
        findings_by_severity=by_severity,
    )
    fails = bool(calls.failed or t_failed or by_severity["error"] or by_severity["security"])
    status: Status = "fails" if fails else ("not-linked" if mode == "placeholder" else "ready")
    return VerifyReport(
        tool_version=__version__,
        role=role,
        target=TargetInfo(
            account=target.account, region=target.region, partition=target.partition, cluster=target.cluster
        ),
        trust_mode=mode,
        features=features,
        ok=status == "ready",  # exit 0 at the defaults (not linked yet exits 3 unless --allow-unlinked)
        status=status,
        verdict=_verdict(status, summary, _failing_names(comps)),
        summary=summary,
        components=comps,
        trust=trust,
        federation=fed,
        findings=found,
    )


def _verdict(status: Status, s: Summary, where: str = "") -> str:
    """The status in words a reviewer signs."""
    if status == "ready":
        return "ready: every component's required calls are allowed and only the intended principals can assume it"
    if status == "not-linked":
        return (
            "not linked yet: permissions and trust are right, but the IRSA controllers cannot assume the role "
            "until link-cluster"
        )
    parts = []
    if s.calls.failed:
        parts.append(f"{s.calls.failed} required call{'s' if s.calls.failed != 1 else ''} denied{where}")
    if s.trust_failed:
        parts.append(f"{s.trust_failed} trust check{'s' if s.trust_failed != 1 else ''} failed")
    for sev in ("error", "security"):
        n = s.findings_by_severity.get(sev, 0)
        if n:
            parts.append(f"{n} {sev} finding{'s' if n != 1 else ''}")
    return "fails: " + ", ".join(parts)
