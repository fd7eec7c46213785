"""verify: every component's required calls against the engine, the trust policy's intended and unintended principals,
and the findings specific to this shared role. Pure: no I/O (managed documents are passed in or taken from the
packaged catalog).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from byoc_iam import __version__
from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.errors import UsageError
from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.model import arn as arnmod
from byoc_iam.model.arn import PLACEHOLDER_PROVIDER
from byoc_iam.verify import explain as ex
from byoc_iam.verify.report import (
    AuthorizationResult,
    CallResult,
    ComponentResult,
    Counts,
    Finding,
    RoleInfo,
    Summary,
    TargetInfo,
    TrustResult,
    VerifyReport,
)
from byoc_iam.verify.requirements import Call, Component, Target, all_features, components

OTHER_ACCOUNT = "111122223333"


def _partition_facts(partition: str) -> tuple[dict[str, str], str]:
    """(service principal by service, STS audience) of a partition (``aws``'s for an unsupported one)."""
    facts = arnmod.partition_facts(partition if partition in arnmod.supported_partitions() else "aws")
    return dict(facts["service_principals"]), str(facts["sts_audience"])


@dataclass(frozen=True)
class LabelledPolicy:
    """One of the role's permission policies with the name people know it by."""

    label: str
    kind: str  # "aws-managed" | "inline" | "customer-managed"
    name: str
    document: PolicyDocument


@dataclass
class _Evaluator:
    """Compiled policy sets, cached by the labels they contain (one compile per distinct set)."""

    principal: str
    base_context: dict[str, str | list[str]]
    account: str
    boundary: PolicyDocument | None = None
    compiled: dict[tuple[str, ...], Any] = field(default_factory=dict)

    def evaluate(
        self,
        policies: Sequence[LabelledPolicy],
        action: str,
        resource: str,
        context: Mapping[str, Any],
        resource_policy: Mapping[str, Any] | None = None,
    ) -> Any:
        rp = None if resource_policy is None else json.dumps(resource_policy, sort_keys=True)
        key = (*(p.label for p in policies), f"resource={rp}")
        cp = self.compiled.get(key)
        if cp is None:
            boundary = None if self.boundary is None else [self.boundary]
            cp = compile_policies(
                PolicySet(identity=[p.document for p in policies], resource=resource_policy, boundary=boundary)
            )
            self.compiled[key] = cp
        ctx = {**self.base_context, **context}
        return cp.evaluate(
            Request(
                principal=self.principal, action=action, resource=resource, resource_account=self.account, context=ctx
            )
        )


def role_policies(spec: RoleSpec, managed_docs: Mapping[str, PolicyDocument] | None = None) -> list[LabelledPolicy]:
    """The role's identity policies, labelled: AWS managed (documents from ``managed_docs`` or the catalog),
    inline, customer-managed."""
    out: list[LabelledPolicy] = []
    for arn in spec.managed_policy_arns:
        name = arn.rsplit("/", 1)[-1]
        doc = (managed_docs or {}).get(arn)
        if doc is None:
            doc = _catalog_document(arn)
        out.append(LabelledPolicy(label=name, kind="aws-managed", name=name, document=doc))
    for name, doc in spec.inline().items():
        out.append(LabelledPolicy(label=f"inline:{name}", kind="inline", name=name, document=doc))
    for name, doc in spec.customer_managed().items():
        out.append(LabelledPolicy(label=f"customer-managed:{name}", kind="customer-managed", name=name, document=doc))
    return out


def _catalog_document(arn: str) -> PolicyDocument:
    from byoc_iam.managed import get_catalog

    entry = get_catalog().by_arn(arn)
    if entry is None:
        raise UsageError(f"no document for managed policy {arn} in the catalog (use --live to read it from AWS)")
    partition = arn.split(":")[1]
    if partition == "aws":
        return entry.document
    text = json.dumps(entry.document.to_dict()).replace('"arn:aws:', f'"arn:{partition}:')
    return PolicyDocument.from_json(text)


def _catalog_document_or_none(arn: str) -> PolicyDocument | None:
    try:
        return _catalog_document(arn)
    except UsageError:
        return None


def own_policies(component: Component, policies: Sequence[LabelledPolicy]) -> list[LabelledPolicy]:
    """The policies meant for ``component``: its AWS managed policies and its controller's policy (found by the
    blueprint's policy name, a name hint, or an action only that controller's policy grants)."""
    attr = component.policies
    out = [p for p in policies if p.kind == "aws-managed" and p.name in attr.managed]
    if attr.controller:
        names = {_norm(h) for h in attr.name_hints}
        try:
            from byoc_iam.blueprint import controller

            names.add(_norm(controller(attr.controller).policy_name))
        except Exception:  # the blueprint may not know this controller; hints still apply
            pass
        signature = {a.lower() for a in attr.signature_actions}
        for p in policies:
            if p.kind == "aws-managed":
                continue
            norm = _norm(p.name)
            granted = {a.lower() for s in p.document.statements for a in (s.action or ())}
            if any(n and n in norm for n in names) or signature & granted:
                out.append(p)
    return out


def _meant_for(comp: Component, own: Sequence[LabelledPolicy]) -> str:
    """The policies meant for ``comp``, saying which are missing from the role."""
    have = {p.name for p in own if p.kind == "aws-managed"}
    parts = [name if name in have else f"{name}: not attached" for name in comp.policies.managed]
    if comp.policies.controller:
        found = [p.label for p in own if p.kind != "aws-managed"]
        parts += found or [f"the {comp.name} policy: not found in the role"]
    return "; ".join(parts)


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def infer_target(spec: RoleSpec, *, account: str | None, region: str | None, cluster: str | None) -> Target:
    """Account, region and partition from the flags, else from the trust policy's OIDC provider and the ARNs."""
    provider = _providers(spec.trust())
    partition, acct, reg = None, account, region
    if provider:
        m = arnmod.parse_oidc_provider_arn(provider[0])
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
    )


def _providers(trust: PolicyDocument) -> list[str]:
    found: list[str] = []
    for st in trust.statements:
        if st.effect != "Allow" or not isinstance(st.principal, dict):
            continue
        for arn in st.principal.get("Federated", ()):
            if ":oidc-provider/" in arn and arn not in found:
                found.append(arn)
    return found


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
) -> VerifyReport:
    """Verify ``spec``: every required call allowed (by the role and by the policies meant for its component),
    every intended principal able to assume it, every unintended one denied.

    ``explain=False`` skips the engine's explanation of *allowed* requests (their deciding statements), which
    costs most of the time; failures are always explained. ``boundary``: the document of the role's permissions
    boundary (AWS managed boundaries are taken from the catalog); without it the boundary is reported as not
    evaluated."""
    selected = sorted(set(features))
    known = all_features()
    unknown = [f for f in selected if f not in known]
    if unknown:
        raise UsageError(f"unknown feature {unknown[0]!r} (see `byoc-iam verify --list-features`)")
    target = target or infer_target(spec, account=None, region=None, cluster=None)
    policies = role_policies(spec, managed_docs)
    arn = role_arn or f"arn:{target.partition}:iam::{target.account}:role{spec.path}{spec.role_name}"
    base_ctx: dict[str, str | list[str]] = {
        "aws:PrincipalArn": arn,
        "aws:PrincipalAccount": target.account,
        "aws:PrincipalType": "AssumedRole",
        "aws:RequestedRegion": target.region,
        "aws:SecureTransport": "true",
    }
    session = f"arn:{target.partition}:sts::{target.account}:assumed-role/{spec.role_name}/byoc-iam-verify"
    if spec.permissions_boundary and boundary is None:
        boundary = _catalog_document_or_none(spec.permissions_boundary)
    evaluator = _Evaluator(principal=session, base_context=base_ctx, account=target.account, boundary=boundary)
    comp_results = [_check_component(c, policies, evaluator, target, set(selected), explain) for c in components()]
    trust_results, trust_mode = _check_trust(spec, target, arn, explain)
    findings = _findings(spec, trust_mode, policies, comp_results, boundary_evaluated=boundary is not None)
    calls = Counts()
    for c in comp_results:
        calls.passed += c.counts.passed
        calls.failed += c.counts.failed
        calls.optional += c.counts.optional
        calls.not_evaluated += c.counts.not_evaluated
    t_failed = sum(1 for t in trust_results if not t.passed)
    return VerifyReport(
        tool_version=__version__,
        role=RoleInfo(
            name=spec.role_name,
            arn=arn,
            source=source,
            policies=[p.label for p in policies],
            trust_statements=len(spec.trust().statements),
            session=session,
            request_context=base_ctx,
        ),
        target=TargetInfo(
            account=target.account, region=target.region, partition=target.partition, cluster=target.cluster
        ),
        trust_mode=trust_mode,
        features=selected,
        ok=calls.failed == 0 and t_failed == 0,
        summary=Summary(
            calls=calls, trust_passed=len(trust_results) - t_failed, trust_failed=t_failed, findings=len(findings)
        ),
        components=comp_results,
        trust=trust_results,
        findings=findings,
    )


# -- permissions ---------------------------------------------------------------------------------------


def _check_component(
    comp: Component, policies: list[LabelledPolicy], ev: _Evaluator, target: Target, features: set[str], explain: bool
) -> ComponentResult:
    own = own_policies(comp, policies)
    counts = Counts()
    results: list[CallResult] = []
    for call in comp.calls:
        res = _check_call(comp, call, policies, own, ev, target, features, explain)
        results.append(res)
        if res.status == "passed":
            counts.passed += 1
        elif res.status == "failed":
            counts.failed += 1
        elif res.status == "optional":
            counts.optional += 1
        else:
            counts.not_evaluated += 1
    obtains = [
        f"IRSA service account {o.service_account}"
        if o.via == "irsa"
        else f"{'EC2 instance profile' if o.via == 'instance-profile' else 'service principal'} {o.principal}"
        for o in comp.obtains_role
    ]
    return ComponentResult(
        id=comp.id,
        name=comp.name,
        runs=comp.runs,
        obtains_role=obtains,
        upstream=[
            f"{u.repo} {u.release}" + (f" @ {u.commit[:12]}" if u.commit else "") + f" — {u.what}"
            for u in comp.upstream
        ],
        own_policies=[p.label for p in own],
        status="failed" if counts.failed else "passed",
        counts=counts,
        calls=results,
    )


def _check_call(
    comp: Component,
    call: Call,
    policies: list[LabelledPolicy],
    own: list[LabelledPolicy],
    ev: _Evaluator,
    target: Target,
    features: set[str],
    explain: bool,
) -> CallResult:
    required = call.feature is None or call.feature in features
    common = dict(
        id=call.id,
        action=call.action,
        kind=call.kind,
        feature=call.feature,
        required=required,
        summary=call.summary,
        source=call.source,
        note=call.note,
    )
    if not call.evaluated:
        reason = (
            "IAM does not authorize this call"
            if call.kind == "no-permission-needed"
            else ("made with another principal's credentials, not this role")
        )
        return CallResult(**common, status="not-evaluated", reason=reason)
    auths: list[AuthorizationResult] = []
    for req in call.requests(target):
        d = ev.evaluate(policies, call.action, req.resource, req.context, req.resource_policy)
        decision = ex.decision_of(d)
        # scoped: the decision of the component's own policies alone (required calls only)
        scoped: ex.DecisionName | None = decision if required else None
        if required and decision == "Allowed" and len(own) != len(policies):
            scoped = ex.decision_of(ev.evaluate(own, call.action, req.resource, req.context, req.resource_policy))
        detail = explain or (required and (decision != "Allowed" or scoped != "Allowed"))
        exp = d.explain() if detail else None
        deciding = ex.deciding(exp, policies) if exp else []
        blocked = list(d.blocked_by)
        types = ("pb",) if "pb" in blocked else ("identity",)
        nearest, why = (None, "") if decision == "Allowed" or not exp else ex.nearest(exp, policies, own, types)
        if exp is not None and why == "applies":  # the statement allows, but not enough (e.g. a key policy)
            why = exp.summary
        auths.append(
            AuthorizationResult(
                resource=req.resource,
                context=req.context,
                decision=decision,
                blocked_by=blocked,
                deciding=deciding,
                nearest=nearest,
                reason=why,
                scoped_decision=scoped,
            )
        )
    overall = next((a.decision for a in auths if a.decision != "Allowed"), "Allowed")
    reason = ""
    failed = False
    bad = next((a for a in auths if a.decision != "Allowed"), None)
    if bad is not None:
        failed = True
        where = f" on {bad.resource}" if bad.resource != "*" else ""
        near = (
            f"; nearest statement {bad.nearest.label()}: {bad.reason}"
            if bad.nearest
            else "; no statement grants this action"
        )
        if "pb" in bad.blocked_by:
            near = "; the permissions boundary does not allow it" + (
                f" (nearest boundary statement #{bad.nearest.index}: {bad.reason})" if bad.nearest else ""
            )
        reason = f"{'explicitly denied' if bad.decision == 'ExplicitlyDenied' else 'denied'}{where}{near}"
    else:
        incidental = next((a for a in auths if required and a.scoped_decision != "Allowed"), None)
        if incidental is not None:
            failed = True
            via = ", ".join(sorted({s.policy for s in incidental.deciding})) or "another policy"
            reason = (
                f"allowed only through {via}, not through the policies meant for this component "
                f"({_meant_for(comp, own)}); it breaks when the role is split or that policy changes"
            )
    status = ("failed" if failed else "passed") if required else "optional"
    return CallResult(**common, status=status, decision=overall, reason=reason, authorizations=auths)


# -- trust -----------------------------------------------------------------------------------------------
_ALLOW_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "sts:AssumeRoleWithWebIdentity"], "Resource": "*"}],
}


def _check_trust(spec: RoleSpec, target: Target, role_arn: str, explain: bool) -> tuple[list[TrustResult], Any]:
    trust = spec.trust()
    cp = compile_policies(PolicySet(identity=[], resource=trust))
    # a principal of another account is governed by its own account's policies, which we assume allow anything:
    # only the trust policy stands between it and the role
    cp_other = compile_policies(PolicySet(identity=[_ALLOW_ASSUME], resource=trust))
    providers = _providers(trust)
    provider = (
        providers[0] if providers else arnmod.oidc_provider_arn(target.partition, target.account, PLACEHOLDER_PROVIDER)
    )
    m = arnmod.parse_oidc_provider_arn(provider)
    real = m is not None and arnmod.is_account_id(m.account) and not arnmod.is_placeholder_provider(provider)
    host = m.name if m is not None and arnmod.is_account_id(m.account) else PLACEHOLDER_PROVIDER
    mode = "none" if not providers else ("linked" if real else "placeholder")  # fail closed: unparsable = not linked
    principals, aud = _partition_facts(target.partition)
    trust_labels = [LabelledPolicy(label="trust", kind="trust", name="trust", document=trust)]

    def run(
        tid: str,
        kind: str,
        desc: str,
        principal: str,
        action: str,
        ctx: dict[str, str | list[str]],
        expected: str,
    ) -> TrustResult:
        context: dict[str, str | list[str]] = dict(ctx)
        other = principal.startswith("arn:") and principal.split(":")[4] not in ("", target.account)
        d = (cp_other if other else cp).evaluate(
            Request(
                principal=principal, action=action, resource=role_arn, resource_account=target.account, context=context
            )
        )
        decision = ex.decision_of(d)
        passed = (decision == "Allowed") == (expected == "allowed")
        exp = d.explain() if explain or not passed else None
        deciding = ex.deciding(exp, trust_labels, ("resource",)) if exp else []
        reason = ""
        if not passed:
            if expected == "allowed":
                assert exp is not None
                near, why = ex.nearest(exp, trust_labels, trust_labels, ("resource",))
                reason = f"{principal} cannot {action}" + (
                    f"; nearest statement {near.label()}: {why}"
                    if near
                    else "; no trust statement names this principal"
                )
            else:
                reason = f"{principal} can {action} but must not; allowed by " + (
                    ", ".join(s.label() for s in deciding) or "the trust policy"
                )
        return TrustResult(
            id=tid,
            kind=kind,
            description=desc,
            principal=principal,
            action=action,
            context=context,
            expected=expected,
            decision=decision,
            passed=passed,
            deciding=deciding,
            reason=reason,
        )

    results: list[TrustResult] = []
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
    for svc in services:
        results.append(
            run(f"service:{svc}", "positive", f"{svc} can assume the role", svc, "sts:AssumeRole", {}, "allowed")
        )

    def web(sub: str, audience: str = aud, prov: str = provider, prov_host: str = host) -> dict[str, str | list[str]]:
        return {f"{prov_host}:sub": sub, f"{prov_host}:aud": audience, "aws:FederatedProvider": prov}

    for sa in accounts:
        results.append(
            run(
                f"irsa:{sa}",
                "positive",
                f"service account {sa} can assume the role through the cluster's OIDC provider",
                provider,
                "sts:AssumeRoleWithWebIdentity",
                web(f"system:serviceaccount:{sa}"),
                "allowed",
            )
        )
    lbc = "system:serviceaccount:kube-system:aws-load-balancer-controller"
    other_provider = f"arn:{target.partition}:iam::{OTHER_ACCOUNT}:oidc-provider/{host}"
    negatives: list[tuple[str, str, str, str, dict[str, str | list[str]]]] = [
        (
            "irsa-kube-system-default",
            "service account kube-system:default is denied",
            provider,
            "sts:AssumeRoleWithWebIdentity",
            web("system:serviceaccount:kube-system:default"),
        ),
        (
            "irsa-other-namespace",
            "service account default:aws-load-balancer-controller is denied",
            provider,
            "sts:AssumeRoleWithWebIdentity",
            web("system:serviceaccount:default:aws-load-balancer-controller"),
        ),
        (
            "irsa-wrong-audience",
            "a token for another audience is denied",
            provider,
            "sts:AssumeRoleWithWebIdentity",
            web(lbc, audience="https://kubernetes.default.svc"),
        ),
        (
            "irsa-other-account-provider",
            f"the same issuer registered in account {OTHER_ACCOUNT} is denied",
            other_provider,
            "sts:AssumeRoleWithWebIdentity",
            web(lbc, prov=other_provider),
        ),
        (
            "other-account-root",
            f"account {OTHER_ACCOUNT} is denied",
            f"arn:{target.partition}:iam::{OTHER_ACCOUNT}:root",
            "sts:AssumeRole",
            {"aws:PrincipalAccount": OTHER_ACCOUNT},
        ),
        (
            "other-account-role",
            f"a role in account {OTHER_ACCOUNT} is denied",
            f"arn:{target.partition}:iam::{OTHER_ACCOUNT}:role/admin",
            "sts:AssumeRole",
            {"aws:PrincipalAccount": OTHER_ACCOUNT},
        ),
        ("anonymous", "an anonymous caller is denied", "*", "sts:AssumeRole", {}),
        (
            "other-service",
            "an unrelated service (lambda.amazonaws.com) is denied",
            "lambda.amazonaws.com",
            "sts:AssumeRole",
            {},
        ),
    ]
    for tid, desc, principal, action, ctx in negatives:
        results.append(run(tid, "negative", desc, principal, action, ctx, "denied"))
    return results, mode


# -- findings ----------------------------------------------------------------------------------------------
_NODE_REACHABLE = (
    "ec2:DeleteVolume",
    "elasticloadbalancing:DeleteLoadBalancer",
    "autoscaling:TerminateInstanceInAutoScalingGroup",
    "ec2:AuthorizeSecurityGroupIngress",
    "ec2:DeleteSecurityGroup",
)


def _findings(
    spec: RoleSpec,
    trust_mode: str,
    policies: list[LabelledPolicy],
    comps: list[ComponentResult],
    *,
    boundary_evaluated: bool,
) -> list[Finding]:
    out: list[Finding] = []
    trust = spec.trust()
    services = {
        s
        for st in trust.statements
        if st.effect == "Allow" and isinstance(st.principal, dict)
        for s in st.principal.get("Service", ())
    }
    if any(s.startswith("ec2.") for s in services) and _providers(trust):
        controllers = [c.name for c in comps if any(o.startswith("IRSA") for o in c.obtains_role)]
        granted = sorted(
            {a for p in policies for s in p.document.statements for a in (s.action or ()) if a in _NODE_REACHABLE}
        )
        out.append(
            Finding(
                code="shared-node-irsa-role",
                severity="warning",
                title="Node role and IRSA controllers share one role",
                message=(
                    "The role is both the EC2 instance profile role and the IRSA role of "
                    f"{', '.join(controllers)}; any pod that can reach the node's instance metadata service gets the "
                    f"controllers' permissions (e.g. {', '.join(granted) or 'their write actions'})."
                ),
                mitigation=(
                    "Require IMDSv2 with a hop limit of 1 on the nodes' launch template (HttpTokens=required, "
                    "HttpPutResponseHopLimit=1) so pods cannot reach instance metadata, "
                    "or give the controllers separate roles."
                ),
            )
        )
    owned = {label for c in comps for label in c.own_policies}
    extra = [p.label for p in policies if p.label not in owned]
    if extra:
        out.append(
            Finding(
                code="policy-not-attributed",
                severity="info",
                title="Policies no component is known to need",
                message=(
                    f"{', '.join(extra)} {'is' if len(extra) == 1 else 'are'} not meant for any component of the "
                    "requirements catalog; whatever they grant is available to every component and to any pod "
                    "that reaches the node's instance metadata."
                ),
                mitigation="Remove them, or move them to a role of their own.",
            )
        )
    if spec.permissions_boundary and not boundary_evaluated:
        out.append(
            Finding(
                code="boundary-not-evaluated",
                severity="warning",
                title="Permissions boundary not evaluated",
                message=(
                    f"The role has the permissions boundary {spec.permissions_boundary}; verify evaluates the role's "
                    "identity policies only, so a call the boundary does not allow would still fail at run time."
                ),
                mitigation="Verify the live role (--live reads the boundary's document), or check that the "
                "boundary allows every action listed as passed here.",
            )
        )
    if trust_mode == "placeholder":
        out.append(
            Finding(
                code="placeholder-trust-not-linked",
                severity="warning",
                title="IRSA trust is not linked to the cluster yet",
                message=(
                    f"The trust policy names the placeholder provider {PLACEHOLDER_PROVIDER!r}; "
                    "no real token can match it, so the controllers cannot assume the role "
                    "until the cluster's OIDC provider is linked."
                ),
                mitigation=(
                    "After the cluster exists, run `byoc-iam link-cluster --cluster NAME` "
                    "(or re-render with --oidc-issuer and apply)."
                ),
            )
        )
    elif trust_mode == "none":
        out.append(
            Finding(
                code="no-oidc-provider",
                severity="warning",
                title="No OIDC provider in the trust policy",
                message="The trust policy has no Federated OIDC provider; IRSA controllers cannot assume the role.",
                mitigation="Render the trust policy with the IRSA statements (byoc-iam render).",
            )
        )
    return out
