"""verify for the role set's storage and cross-account roles (pure): requirements and byoc-iam's engine.

The requirements are data, one file per role in ``data/requirements/roles/`` (``storage.json``: Milvus's S3 calls,
and KMS when the bucket is encrypted; ``cross-account.json``: the calls Zilliz's control plane makes, as its
Terraform and docs imply, plus ``must_deny`` cases that prove the prefix/tag scoping). Each call is evaluated
against the role's own policies; the trust policy is evaluated as the role's resource policy with callers of
other accounts given an allow-everything identity policy (only the trust stands between them and the role).
The EKS role keeps its own, richer verify (:func:`byoc_iam.verify.verify_role`).

Service-linked roles: EKS needs ``AWSServiceRoleForAmazonEKS`` and ``AWSServiceRoleForAmazonEKSNodegroup``; each
check passes when the role exists (``existing``, read live by the caller) or when the cross-account role may
create it (``iam:CreateServiceLinkedRole`` for that service) — never on an assumption.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from functools import cache
from typing import Any, Literal

from byoc_iam import data as knowledge
from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.model import PolicyDocument
from byoc_iam.model.arn import is_oidc_provider_arn, is_placeholder_provider
from byoc_iam.model.role import RoleSpec
from byoc_iam.verify.context import assume_unmodelled, session_context, unmodelled_keys
from byoc_iam.verify.data import trust_negatives
from byoc_iam.verify.file_kind import ZILLIZ_ACCOUNT
from byoc_iam.verify.file_kind import file_kind as file_kind  # re-exported (its home before issue 18)
from byoc_iam.verify.set_guard import Attached, attached, beyond_blueprint, trust_structure
from byoc_iam.verify.trust_variants import variations
from byoc_iam.verify.unknown import known_context, worst_case

OTHER_ACCOUNT = "111122223333"
Expected = Literal["allowed", "denied"]
_ALLOW_ASSUME = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "sts:*", "Resource": "*"}],
}
_TOKEN = re.compile(r"\$\{([a-z_]+)\}")
# checks that are no request: a policy or boundary verify cannot read, a grant beyond the blueprint, a trust
# statement admitting a principal not intended (:mod:`byoc_iam.verify.set_guard`)
GUARD_KINDS = ("unverified", "beyond", "trust-structure")


@dataclass(frozen=True)
class SetFacts:
    """The values substituted into the requirements (``${partition}``, ``${bucket}``, ...)."""

    account: str
    partition: str = "aws"
    region: str = "us-west-2"
    bucket: str = ""
    kms_key_arn: str | None = None
    cluster: str = "zilliz-byoc-project"
    eks_role_arn: str = ""
    storage_role_arn: str = ""
    vendor_key: str = "Vendor"
    vendor: str = "zilliz-byoc"
    # the split layout: the roles passed to EKS (cluster, node) and the roles of the set that must never be
    passed_roles: tuple[str, ...] = ()
    unpassed_roles: tuple[str, ...] = ()

    def sub(self, text: str) -> str:
        values = {k: v for k, v in asdict(self).items() if v is not None and not isinstance(v, tuple)}
        return _TOKEN.sub(lambda m: str(values.get(m.group(1), m.group(0))), text)


@dataclass(frozen=True)
class Check:
    """One evaluated expectation: a call, a must-deny case, a trust case or a service-linked role."""

    id: str
    kind: str  # "call", "must-deny", "trust", "service-linked-role"
    description: str
    principal: str
    action: str
    resource: str
    expected: Expected
    decision: str
    passed: bool
    context: dict[str, Any] = field(default_factory=dict)
    # passed, failed, or not-linked: allowed only through the placeholder OIDC provider, which cannot exist in IAM
    status: str = ""

    def __post_init__(self) -> None:
        if not self.status:
            object.__setattr__(self, "status", "passed" if self.passed else "failed")


@dataclass(frozen=True)
class RoleVerdict:
    """The checks of one role of the set; ``ok`` when every check passed or is not linked yet (``not_linked``:
    a service account assumes the role only through the placeholder provider until link-cluster)."""

    kind: str
    role_name: str
    checks: tuple[Check, ...]
    not_checked: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return all(c.passed or c.status == "not-linked" for c in self.checks)

    @property
    def not_linked(self) -> bool:
        return any(c.status == "not-linked" for c in self.checks)

    def failures(self) -> list[str]:
        return [
            f"{self.role_name}: {c.description}"
            + ("" if c.kind in GUARD_KINDS else f": expected {c.expected}, got {c.decision}")
            for c in self.checks
            if c.status == "failed"
        ]

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "role_name": self.role_name,
            "ok": self.ok,
            "checks": [asdict(c) for c in self.checks],
            "not_checked": list(self.not_checked),
        }


@cache
def requirements(kind: str) -> dict[str, Any]:
    """``data/requirements/roles/<kind>.json`` (``storage`` or ``cross-account``)."""
    return knowledge.raw("role-requirements", kind)


def _worst(docs: list[dict[str, Any]], expected: Expected) -> list[dict[str, Any]]:
    return [worst_case(d, expected, unmodelled_keys()).document for d in docs]


def _worst_one(doc: dict[str, Any] | None, expected: Expected) -> dict[str, Any] | None:
    return None if doc is None else worst_case(doc, expected, unmodelled_keys()).document


def _request_context(call: dict[str, Any], facts: SetFacts, resource: dict[str, Any]) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    tags = {facts.sub(k): facts.sub(v) for k, v in call.get("request_tags", {}).items()}
    for key, value in tags.items():
        ctx[f"aws:RequestTag/{key}"] = value
    if tags:
        ctx["aws:TagKeys"] = list(tags)
    for key, value in call.get("context", {}).items():
        ctx[key] = facts.sub(value) if isinstance(value, str) else [facts.sub(v) for v in value]
    for key, value in resource.get("tags", {}).items():
        ctx[f"aws:ResourceTag/{facts.sub(key)}"] = facts.sub(value)
    return ctx


def evaluate_calls(
    spec: RoleSpec,
    facts: SetFacts,
    calls: list[dict[str, Any]],
    *,
    kind: str,
    expected: Expected,
    found: Attached | None = None,
) -> list[Check]:
    """Each call (one check per resource) against the role's own policies, as the role's session, within its
    permissions boundary (``found``: its policies as read live; default: AWS managed ones from the snapshot)."""
    found = found or attached(spec)
    identity = _worst(found.identity(), expected)
    bound = None if found.boundary is None else _worst([found.boundary.to_dict()], expected)
    plain = compile_policies(PolicySet(identity=identity, boundary=bound))
    principal = f"arn:{facts.partition}:iam::{facts.account}:role/{spec.role_name}"
    session = session_context(principal, facts.account, facts.region, spec.tags)
    out: list[Check] = []
    for call in calls:
        cp = plain
        if call.get("resource_policy"):  # e.g. the KMS key policy, which must delegate to IAM
            resource_policy = json.loads(facts.sub(json.dumps(call["resource_policy"])))
            cp = compile_policies(
                PolicySet(identity=identity, resource=_worst_one(resource_policy, expected), boundary=bound)
            )
        for i, res in enumerate(call["resources"]):
            arn = facts.sub(res["arn"])
            ctx = known_context({**session, **_request_context(call, facts, res)}, unmodelled_keys())
            decision = cp.evaluate(
                Request(
                    principal=principal,
                    action=call["action"],
                    resource=arn,
                    resource_account=facts.account,
                    context=ctx,
                )
            ).decision
            passed = (decision == "Allowed") == (expected == "allowed")
            cid = call["id"] if len(call["resources"]) == 1 else f"{call['id']}#{i}"
            out.append(
                Check(cid, kind, call["summary"], principal, call["action"], arn, expected, decision, passed, ctx)
            )
    return out


def trust_check(
    spec: RoleSpec,
    facts: SetFacts,
    cid: str,
    desc: str,
    principal: str,
    action: str,
    ctx: dict[str, Any],
    expected: Expected,
) -> Check:
    """One AssumeRole* request against the trust policy (the caller's own account allows everything)."""
    role_arn = f"arn:{facts.partition}:iam::{facts.account}:role{spec.path}{spec.role_name}"
    # the request models the keys it sends and nothing else (the caller's aws:PrincipalArn, a service's
    # aws:SourceAccount... are unknown): the trust at its worst for the others
    trust = worst_case(spec.trust_policy, expected, assume_unmodelled(ctx)).document
    cp = compile_policies(PolicySet(identity=[_ALLOW_ASSUME], resource=trust))
    request = Request(
        principal=principal, action=action, resource=role_arn, resource_account=facts.account, context=ctx
    )
    decision = cp.evaluate(request).decision
    passed = (decision == "Allowed") == (expected == "allowed")
    if passed and expected == "allowed" and is_oidc_provider_arn(principal) and is_placeholder_provider(principal):
        return Check(cid, "trust", desc, principal, action, role_arn, expected, decision, False, ctx, "not-linked")
    return Check(cid, "trust", desc, principal, action, role_arn, expected, decision, passed, ctx)


def _federated(spec: RoleSpec) -> str:
    for stmt in spec.trust().statements:
        if isinstance(stmt.principal, dict) and stmt.principal.get("Federated"):
            return stmt.principal["Federated"][0]
    return ""


def storage_trust_checks(
    spec: RoleSpec, facts: SetFacts, subjects: list[str], exact_subjects: list[bool] | None = None
) -> list[Check]:
    """The storage role's trust: each Milvus subject can assume it; other service accounts, audiences,
    providers and accounts cannot, and for each subject neither another trust action nor an altered audience
    (or subject, when ``exact_subjects`` says it was not a wildcard pattern) passes
    (:func:`byoc_iam.verify.trust_variants.variations`)."""
    provider = _federated(spec)
    host = provider.split(":oidc-provider/", 1)[-1]
    other_provider = f"arn:{facts.partition}:iam::{OTHER_ACCOUNT}:oidc-provider/{host}"
    web = "sts:AssumeRoleWithWebIdentity"

    def ctx(sub: str, aud: str = "sts.amazonaws.com", prov: str = provider) -> dict[str, Any]:
        return {f"{host}:sub": sub, f"{host}:aud": aud, "aws:FederatedProvider": prov}

    checks = [
        trust_check(spec, facts, f"irsa:{s}", f"{s} can assume the role", provider, web, ctx(s), "allowed")
        for s in subjects
    ]
    negatives = [
        (
            "irsa-kube-system-default",
            "kube-system:default is denied",
            provider,
            ctx("system:serviceaccount:kube-system:default"),
        ),
        ("irsa-other-namespace", "default:milvus is denied", provider, ctx("system:serviceaccount:default:milvus")),
        (
            "irsa-wrong-audience",
            "a token for another audience is denied",
            provider,
            ctx(subjects[0], aud="https://kubernetes.default.svc"),
        ),
        (
            "irsa-other-account-provider",
            f"the issuer registered in account {OTHER_ACCOUNT} is denied",
            other_provider,
            ctx(subjects[0], prov=other_provider),
        ),
    ]
    checks += [trust_check(spec, facts, i, d, p, web, c, "denied") for i, d, p, c in negatives]
    for s, exact in zip(subjects, exact_subjects or [True] * len(subjects), strict=True):
        checks.append(
            trust_check(
                spec,
                facts,
                f"variant:irsa:{s}/provider:other-account",
                f"{s} through the issuer registered in account {OTHER_ACCOUNT} is denied",
                other_provider,
                web,
                ctx(s, prov=other_provider),
                "denied",
            )
        )
        pinned = (f"{host}:aud", f"{host}:sub") if exact else (f"{host}:aud",)
        others = {f"{host}:aud": "https://kubernetes.default.svc"}
        for v in variations(web, ctx(s), (web,), pinned, others):
            cid, desc = (
                f"variant:irsa:{s}/{v.what}",
                f"{s} cannot {v.why}" if v.what.startswith("action:") else f"{s} with {v.why} is denied",
            )
            checks.append(trust_check(spec, facts, cid, desc, provider, v.action, v.context, "denied"))
    checks.append(
        trust_check(
            spec,
            facts,
            "other-account-root",
            f"account {OTHER_ACCOUNT} is denied",
            f"arn:{facts.partition}:iam::{OTHER_ACCOUNT}:root",
            "sts:AssumeRole",
            {"aws:PrincipalAccount": OTHER_ACCOUNT},
            "denied",
        )
    )
    return [*checks, _other_cluster(spec, facts, subjects[0]), *standard_negatives(spec, facts, {})]


def _other_cluster(spec: RoleSpec, facts: SetFacts, subject: str) -> Check:
    """``subject``'s token from another cluster, whose OIDC provider is registered in the same account: denied."""
    host = f"oidc.eks.{facts.region}.amazonaws.com/id/{trust_negatives().other_cluster_id}"
    provider = f"arn:{facts.partition}:iam::{facts.account}:oidc-provider/{host}"
    ctx = {f"{host}:sub": subject, f"{host}:aud": "sts.amazonaws.com", "aws:FederatedProvider": provider}
    desc = f"{subject} of another cluster (its OIDC provider in this account) is denied"
    return trust_check(
        spec, facts, "irsa-other-cluster", desc, provider, "sts:AssumeRoleWithWebIdentity", ctx, "denied"
    )


def _impostors(spec: RoleSpec, facts: SetFacts, external_id: str, zilliz_principal: str) -> list[Check]:
    """Another role of Zilliz's account with the External ID, Zilliz's principal with a guessed one, and the
    :func:`standard_negatives`: all denied."""
    zilliz = {"aws:PrincipalAccount": ZILLIZ_ACCOUNT}
    other = f"arn:aws:iam::{ZILLIZ_ACCOUNT}:role/zilliz-byoc-dev"
    return [
        trust_check(
            spec,
            facts,
            "zilliz-other-role",
            "another role of Zilliz's account with the External ID is denied",
            other,
            "sts:AssumeRole",
            {**zilliz, "sts:ExternalId": external_id},
            "denied",
        ),
        trust_check(
            spec,
            facts,
            "zilliz-guessed-external-id",
            "Zilliz's control plane with a guessed External ID is denied",
            zilliz_principal,
            "sts:AssumeRole",
            {**zilliz, "sts:ExternalId": "guessme"},
            "denied",
        ),
        *standard_negatives(spec, facts, {"sts:ExternalId": external_id}),
    ]


def standard_negatives(spec: RoleSpec, facts: SetFacts, ctx: dict[str, Any]) -> list[Check]:
    """Principals no role of the set intends: the role's own account (its root: any principal there whose
    policies allow it) and an unrelated AWS service (EC2), each asking with ``ctx``."""
    from byoc_iam.verify.trust import partition_facts

    ec2 = partition_facts(facts.partition)[0].get("ec2", "ec2.amazonaws.com")
    root = f"arn:{facts.partition}:iam::{facts.account}:root"
    own = {**ctx, "aws:PrincipalAccount": facts.account}
    return [
        trust_check(
            spec, facts, "own-account-root", "this account's root is denied", root, "sts:AssumeRole", own, "denied"
        ),
        trust_check(spec, facts, "other-service", f"the service {ec2} is denied", ec2, "sts:AssumeRole", ctx, "denied"),
    ]


def concrete_subject(pattern: str) -> str:
    """A subject a wildcard pattern admits (``*`` → ``demo``, ``?`` → ``x``), to check it can assume the role."""
    return pattern.replace("*", "demo").replace("?", "x")


def verify_storage(
    spec: RoleSpec,
    facts: SetFacts,
    subjects: list[str],
    *,
    managed_docs: Mapping[str, PolicyDocument] | None = None,
    boundary: PolicyDocument | None = None,
    blueprint: RoleSpec | None = None,
) -> RoleVerdict:
    """Milvus's S3 calls (and KMS when ``facts.kms_key_arn``) are allowed within the role's boundary; the trust
    admits only ``subjects`` through one OIDC provider of the role's account; nothing is granted beyond
    ``blueprint`` (the rendered storage role; default: ``spec``'s own grants are not compared). ``managed_docs``,
    ``boundary``: documents read live (default: the packaged snapshot); one that cannot be read fails."""
    req = requirements("storage")
    features = {"kms"} if facts.kms_key_arn else set()
    calls = [c for c in req["calls"] if c.get("feature") is None or c["feature"] in features]
    found = attached(spec, managed_docs, boundary)
    checks = evaluate_calls(spec, facts, calls, kind="call", expected="allowed", found=found)
    exact = [concrete_subject(s) == s for s in subjects]
    checks += storage_trust_checks(spec, facts, [concrete_subject(s) for s in subjects], exact)
    provider = f"arn:{facts.partition}:iam::{facts.account}:oidc-provider/*"
    structure = trust_structure(spec.trust(), {"Federated": [provider]}, subjects=subjects)
    checks += guard_checks(spec, facts, found, blueprint, structure)
    skipped = tuple(f"{c['id']} (only with {c['feature']})" for c in req["calls"] if c not in calls)
    return RoleVerdict("storage", spec.role_name, tuple(checks), skipped)


def guard_checks(
    spec: RoleSpec, facts: SetFacts, found: Attached, blueprint: RoleSpec | None, structure: list[tuple[str, str]]
) -> list[Check]:
    """Failed checks, one per policy or boundary verify cannot read, grant beyond ``blueprint`` and trust
    statement admitting an unintended principal (``structure``, :func:`set_guard.trust_structure`)."""
    arn = f"arn:{facts.partition}:iam::{facts.account}:role{spec.path}{spec.role_name}"
    beyond = [] if blueprint is None else beyond_blueprint(found, blueprint, facts.partition)
    rows = [
        *(("unverified", "NotEvaluated", p) for p in found.problems()),
        *(("beyond", "Granted", p) for p in beyond),
        *(("trust-structure", "Allowed", p) for p in structure),
    ]
    return [Check(cid, kind, desc, arn, "", "", "denied", decision, False) for kind, decision, (cid, desc) in rows]


def cross_account_trust_checks(spec: RoleSpec, facts: SetFacts, external_id: str, zilliz_principal: str) -> list[Check]:
    """Zilliz's principal with the right external id can assume (and tag the session); without it, with another
    id, from Zilliz's account root or another account, nobody can: the confused-deputy protection."""
    zilliz = {"aws:PrincipalAccount": ZILLIZ_ACCOUNT}
    right = {**zilliz, "sts:ExternalId": external_id}
    other_role = f"arn:aws:iam::{OTHER_ACCOUNT}:role/zilliz-byoc"
    cases: list[tuple[str, str, str, str, dict[str, Any], Expected]] = [
        (
            "zilliz-assume",
            "Zilliz's control plane with the External ID can assume",
            zilliz_principal,
            "sts:AssumeRole",
            right,
            "allowed",
        ),
        (
            "zilliz-tag-session",
            "Zilliz's control plane with the External ID can tag its session",
            zilliz_principal,
            "sts:TagSession",
            right,
            "allowed",
        ),
        (
            "zilliz-source-identity",
            "Zilliz's control plane with the External ID can set its source identity",
            zilliz_principal,
            "sts:SetSourceIdentity",
            right,
            "allowed",
        ),
        (
            "zilliz-no-external-id",
            "Zilliz's control plane without the External ID is denied",
            zilliz_principal,
            "sts:AssumeRole",
            zilliz,
            "denied",
        ),
        (
            "zilliz-wrong-external-id",
            "Zilliz's control plane with another External ID is denied",
            zilliz_principal,
            "sts:AssumeRole",
            {**zilliz, "sts:ExternalId": external_id + "-other"},
            "denied",
        ),
        (
            "zilliz-account-root",
            "another principal of Zilliz's account is denied",
            f"arn:aws:iam::{ZILLIZ_ACCOUNT}:root",
            "sts:AssumeRole",
            right,
            "denied",
        ),
        (
            "other-account-role",
            f"a role named zilliz-byoc in account {OTHER_ACCOUNT} is denied",
            other_role,
            "sts:AssumeRole",
            {"aws:PrincipalAccount": OTHER_ACCOUNT, "sts:ExternalId": external_id},
            "denied",
        ),
        (
            "anonymous",
            "an anonymous caller is denied",
            "*",
            "sts:AssumeRole",
            {"sts:ExternalId": external_id},
            "denied",
        ),
    ]
    checks = [trust_check(spec, facts, *case) for case in cases]
    checks += _impostors(spec, facts, external_id, zilliz_principal)
    intended = [c[3] for c in cases if c[0].startswith("zilliz-") and c[5] == "allowed"]
    return checks + _external_id_variants(spec, facts, right, intended, zilliz_principal)


def _external_id_variants(
    spec: RoleSpec, facts: SetFacts, right: dict[str, Any], intended: list[str], principal: str
) -> list[Check]:
    """Zilliz's principal with the External ID altered (case changed, extended...: a ``StringEqualsIgnoreCase``
    or wildcard ``sts:ExternalId`` condition admits them; AWS compares it case-sensitively under
    ``StringEquals``) or asking a trust action beyond ``intended`` is denied (:mod:`verify.trust_variants`)."""
    out: list[Check] = []
    for v in variations("sts:AssumeRole", right, intended, ("sts:ExternalId",)):
        who = "Zilliz's control plane"
        desc = f"{who} cannot {v.why}" if v.what.startswith("action:") else f"{who} with {v.why} is denied"
        cid = f"variant:zilliz-assume/{v.what}"
        out.append(trust_check(spec, facts, cid, desc, principal, v.action, v.context, "denied"))
    return out


def service_linked_role_checks(
    spec: RoleSpec, facts: SetFacts, existing: set[str] | None, found: Attached | None = None
) -> list[Check]:
    """AWSServiceRoleForAmazonEKS / ...Nodegroup: exists (live), or the cross-account role may create it."""
    req = requirements("cross-account")
    out: list[Check] = []
    for call in (c for c in req["calls"] if c.get("feature") == "create-service-linked-roles"):
        arn = facts.sub(call["resources"][0]["arn"])
        name = arn.rsplit("/", 1)[-1]
        if existing is not None and name in existing:
            out.append(
                Check(
                    f"slr:{name}",
                    "service-linked-role",
                    f"{name} exists",
                    "",
                    "iam:GetRole",
                    arn,
                    "allowed",
                    "Exists",
                    True,
                )
            )
            continue
        (made,) = evaluate_calls(spec, facts, [call], kind="service-linked-role", expected="allowed", found=found)
        desc = f"{name} {'is missing; ' if existing is not None else ''}the cross-account role may create it"
        out.append(
            Check(
                f"slr:{name}",
                "service-linked-role",
                desc,
                made.principal,
                made.action,
                arn,
                "allowed",
                made.decision,
                made.passed,
                made.context,
            )
        )
    return out


def _pass_calls(roles: tuple[str, ...], allowed: bool) -> list[dict[str, Any]]:
    """The split layout's PassRole cases: the cluster and node roles are passed to EKS, no other role of the set."""
    verb = "pass" if allowed else "cannot pass"
    return [
        {
            "id": f"{'pass' if allowed else 'no-pass'}-split-{i}",
            "action": "iam:PassRole",
            "summary": f"{verb} {arn.rsplit('/', 1)[-1]} to EKS (split layout)",
            "resources": [{"arn": arn}],
            "context": {"iam:PassedToService": "eks.amazonaws.com"},
        }
        for i, arn in enumerate(roles)
    ]


def verify_cross_account(
    spec: RoleSpec,
    facts: SetFacts,
    *,
    external_id: str,
    zilliz_principal: str,
    features: tuple[str, ...] = ("teardown",),
    existing_slrs: set[str] | None = None,
    managed_docs: Mapping[str, PolicyDocument] | None = None,
    boundary: PolicyDocument | None = None,
    blueprint: RoleSpec | None = None,
) -> RoleVerdict:
    """The control plane's calls are allowed within the role's boundary, the scoping cases denied, the trust is
    confused-deputy safe and names Zilliz's principal alone with exactly the External ID, nothing is granted
    beyond ``blueprint`` (the rendered role), and the two EKS service-linked roles exist or can be created.
    ``managed_docs``, ``boundary``: documents read live (default: the packaged snapshot)."""
    req = requirements("cross-account")
    calls = [c for c in req["calls"] if c.get("feature") is None or c["feature"] in features]
    found = attached(spec, managed_docs, boundary)

    def run(cases: list[dict[str, Any]], kind: str, expected: Expected) -> list[Check]:
        return evaluate_calls(spec, facts, cases, kind=kind, expected=expected, found=found)

    checks = run(calls, "call", "allowed") + run(req["must_deny"], "must-deny", "denied")
    checks += run(_pass_calls(facts.passed_roles, True), "call", "allowed")
    checks += run(_pass_calls(facts.unpassed_roles, False), "must-deny", "denied")
    checks += cross_account_trust_checks(spec, facts, external_id, zilliz_principal)
    structure = trust_structure(spec.trust(), {"AWS": [zilliz_principal]}, external_id=external_id)
    checks += guard_checks(spec, facts, found, blueprint, structure)
    checks += service_linked_role_checks(spec, facts, existing_slrs, found)
    return RoleVerdict("cross-account", spec.role_name, tuple(checks))
