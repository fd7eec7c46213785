"""Trust of a split layout's roles: each role's intended principals (those of the components the layout gives
it, from the requirements catalog's ``obtains_role``) can assume it, and nobody else can: the standard
negatives (``data/verify/trust_negatives.json``) and, for a role a pod assumes through the cluster's OIDC
provider, the other components' service accounts. With ``--identity pod-identity`` the pod's role is assumed by
``pods.eks.amazonaws.com`` (``sts:AssumeRole`` and ``sts:TagSession``) for this account's cluster only
(``aws:SourceAccount``, ``aws:SourceArn``: EKS user guide, "Create IAM role with trust policy required by EKS Pod
Identity"). Each role's trust as written must also name only its intended principals (the EKS role's beyond-the-
blueprint check, :func:`byoc_iam.verify.beyond.beyond_trust`, and one OIDC provider at most), and it must deny
EC2 (where not intended) and another cluster's OIDC provider of the same account. Pure: federation facts read
live are passed in."""

from __future__ import annotations

from dataclasses import dataclass

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.layout import components as component_roles
from byoc_iam.blueprint.layout import layout_data
from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.verify.beyond import beyond_trust
from byoc_iam.verify.checks import federation_checks
from byoc_iam.verify.data import trust_negatives
from byoc_iam.verify.documents import refusal
from byoc_iam.verify.federation import Federation
from byoc_iam.verify.report import FederationResult, TrustResult
from byoc_iam.verify.requirements import ContextValue, Target, components
from byoc_iam.verify.trust import TrustAsk, check_trust, partition_facts, trust_mode


@dataclass(frozen=True)
class RoleTrust:
    """One split role's trust rows and federation checks; ``mode`` is its trust mode (placeholder, linked,
    none)."""

    kind: str
    role_name: str
    mode: str
    trust: list[TrustResult]
    federation: list[FederationResult]

    @property
    def failed(self) -> bool:
        return any(t.status == "failed" for t in self.trust) or any(not f.passed for f in self.federation)

    @property
    def not_linked(self) -> bool:
        return any(t.status == "not-linked" for t in self.trust)

    def to_dict(self) -> dict[str, object]:
        return {
            "role_kind": self.kind,
            "role_name": self.role_name,
            "trust_mode": self.mode,
            "counts": {k: sum(t.status == k for t in self.trust) for k in ("passed", "failed", "not-linked")},
            "trust": [t.model_dump(mode="json") for t in self.trust],
            "federation": [f.model_dump(mode="json") for f in self.federation],
        }


def intended_by_kind(inputs: BlueprintInputs, partition: str) -> dict[str, tuple[list[str], list[str]]]:
    """Member kind → ``(service principals, IRSA service accounts)`` of the components the layout gives it. The
    VPC CNI on its own role (``--cni-role``) is assumed by its pod's service account (``kube-system:aws-node``,
    the aws-vpc-cni chart's), not through the node's instance profile."""
    principals, _ = partition_facts(partition)
    where = component_roles(inputs)
    out: dict[str, tuple[list[str], list[str]]] = {}
    for comp in components():
        services, accounts = out.setdefault(where[comp.id], ([], []))
        if where[comp.id] == "cni":
            accounts.append(str(layout_data()["cni"]["service_account"]))
            continue
        for o in comp.obtains_role:
            if "split" not in o.layouts:
                continue
            if o.via == "irsa" and o.service_account and o.service_account not in accounts:
                accounts.append(o.service_account)
            elif o.via != "irsa" and o.principal:
                svc = principals.get(o.principal.split(".", 1)[0], o.principal)
                if svc not in services:
                    services.append(svc)
    return out


def check_split_trust(
    inputs: BlueprintInputs, specs: dict[str, RoleSpec], target: Target, federation: Federation | None = None
) -> list[RoleTrust]:
    """Every split role's trust (``specs``: member kind → RoleSpec, rendered or read live; storage and
    cross-account members are verified by the role set)."""
    intended = intended_by_kind(inputs, target.partition)
    every_account = [sa for _, accounts in intended.values() for sa in accounts]
    out: list[RoleTrust] = []
    for kind, (services, accounts) in intended.items():
        spec = specs[kind]
        arn = f"arn:{target.partition}:iam::{target.account}:role{spec.path}{spec.role_name}"
        written = spec.trust()
        sound = None if refusal("trust policy", written, "trust") else written
        mode = trust_mode(written)
        pods = inputs.identity == "pod-identity" and bool(accounts)
        fed = [] if pods else federation_checks(spec, mode, target, federation)
        others = [sa for sa in every_account if sa not in accounts]
        extra = _pod_identity_asks(target) if pods else []
        rows = check_trust(
            written,
            sound,
            target,
            arn,
            False,
            fed[0] if fed else None,
            intended=(services, [] if pods else accounts),
            unintended_accounts=[] if pods else others,
            extra=extra + _other_asks(target, services, [] if pods else accounts),
        )
        intended_services = services + ([str(layout_data()["pod_identity"]["service"])] if pods else [])
        rows += _as_written(written, intended_services, [] if pods else accounts)
        label = "pod-identity" if pods else ("service" if mode == "none" else mode)
        out.append(RoleTrust(kind, spec.role_name, label, rows, fed))
    return out


def _other_asks(target: Target, services: list[str], accounts: list[str]) -> list[TrustAsk]:
    """EC2 (unless the role intends it) and, for a role a pod assumes through the cluster's OIDC provider, the
    issuer of another cluster registered in the same account, with the role's own service account: both denied."""
    ec2 = partition_facts(target.partition)[0].get("ec2", "ec2.amazonaws.com")
    out = []
    if ec2 not in services:
        out.append(
            TrustAsk(
                "other-service:ec2", "negative", f"{ec2} cannot assume the role", ec2, "sts:AssumeRole", {}, "denied"
            )
        )
    if accounts:
        _, aud = partition_facts(target.partition)
        host = f"oidc.eks.{target.region}.amazonaws.com/id/{trust_negatives().other_cluster_id}"
        provider = f"arn:{target.partition}:iam::{target.account}:oidc-provider/{host}"
        ctx: dict[str, ContextValue] = {
            f"{host}:sub": f"system:serviceaccount:{accounts[0]}",
            f"{host}:aud": aud,
            "aws:FederatedProvider": provider,
        }
        desc = f"service account {accounts[0]} of another cluster (its provider in this account) cannot assume it"
        out.append(
            TrustAsk("irsa-other-cluster", "negative", desc, provider, "sts:AssumeRoleWithWebIdentity", ctx, "denied")
        )
    return out


def _as_written(trust: PolicyDocument, services: list[str], accounts: list[str]) -> list[TrustResult]:
    """A failed row per way the trust as written admits a principal beyond ``services`` and the service accounts
    ``accounts``, or more than one OIDC provider (:func:`byoc_iam.verify.beyond.beyond_trust`)."""
    problems = [what for _, what in beyond_trust(trust, services, accounts)]
    return [
        TrustResult(
            id=f"as-written:{i}",
            kind="negative",
            description=f"the trust as written names only the intended principals: {what}",
            principal="",
            action="",
            expected="denied",
            decision="Allowed",
            passed=False,
            status="failed",
            reason=f"{what} (not an intended principal of this role)",
        )
        for i, what in enumerate(dict.fromkeys(problems))
    ]


def _pod_identity_asks(target: Target) -> list[TrustAsk]:
    """EKS Pod Identity may assume and tag the session for this account's cluster; not for another account's."""
    pod = layout_data()["pod_identity"]
    service = str(pod["service"])
    cluster = f"arn:{target.partition}:eks:{target.region}:{target.account}:cluster/{target.cluster}"
    own: dict[str, ContextValue] = {"aws:SourceAccount": target.account, "aws:SourceArn": cluster}
    asks = [
        TrustAsk(f"pod-identity:{a}", "positive", f"EKS Pod Identity can {a}", service, a, own, "allowed")
        for a in pod["actions"]
    ]
    other = trust_negatives().other_account(target.account)
    theirs: dict[str, ContextValue] = {
        "aws:SourceAccount": other,
        "aws:SourceArn": cluster.replace(target.account, other),
    }
    desc = "EKS Pod Identity for another account's cluster cannot assume the role (confused deputy)"
    return [
        *asks,
        TrustAsk("pod-identity:other-account", "negative", desc, service, "sts:AssumeRole", theirs, "denied"),
    ]
