"""EKS Pod Identity associations of the split layout: diff(wanted, live) → changes (pure).

One association per cluster, namespace and service account (EKS's rule). byoc-iam owns an association it
created: tagged ``byoc-iam:managed-by=byoc-iam`` like its IAM resources (CreatePodIdentityAssociation ``tags``).

apply: a missing association is created (tagged); an owned one pointing at another role is updated
(UpdatePodIdentityAssociation ``roleArn``); an association byoc-iam does not own is never changed: when it already
points at the wanted role it is kept as it is (a note), else the plan is refused unless ``adopt`` (then it is
updated and tagged). destroy: the owned associations of byoc-iam's roles are deleted, unowned ones kept (a note)
unless ``adopt``. Sources: Amazon EKS API Reference, CreatePodIdentityAssociation / UpdatePodIdentityAssociation /
DeletePodIdentityAssociation; EKS user guide "Assign an IAM role to a Kubernetes service account".
"""

from __future__ import annotations

from dataclasses import dataclass, field

from byoc_iam.plan.model import PHASE_CREATE, PHASE_ROLE, Change
from byoc_iam.plan.state import OWNER_TAG, owned

KIND = "Pod Identity association"


@dataclass(frozen=True)
class WantedAssociation:
    """An association apply should make: the cluster's ``namespace:service_account`` → ``role_arn``."""

    namespace: str
    service_account: str
    role_arn: str

    @property
    def key(self) -> tuple[str, str]:
        return self.namespace, self.service_account


@dataclass(frozen=True)
class LiveAssociation:
    """An association EKS has (DescribePodIdentityAssociation): id, ARN, role and tags."""

    association_id: str
    association_arn: str
    namespace: str
    service_account: str
    role_arn: str
    tags: dict[str, str] = field(default_factory=dict)

    @property
    def key(self) -> tuple[str, str]:
        return self.namespace, self.service_account


@dataclass(frozen=True)
class AssociationPlan:
    """The changes for one cluster's associations, with notes and refusals (apply refuses when any)."""

    cluster: str
    changes: tuple[Change, ...] = ()
    notes: tuple[str, ...] = ()
    refusals: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not self.changes


def _target(cluster: str, namespace: str, service_account: str) -> str:
    return f"{cluster}/{namespace}:{service_account}"


def plan_associations(
    cluster: str, wanted: list[WantedAssociation], live: list[LiveAssociation], *, adopt: bool = False
) -> AssociationPlan:
    """What apply changes so that every ``wanted`` association exists in ``cluster`` (``live``: the cluster's
    associations for the wanted service accounts)."""
    have = {a.key: a for a in live}
    changes: list[Change] = []
    notes: list[str] = []
    refusals: list[str] = []
    for w in wanted:
        target = _target(cluster, w.namespace, w.service_account)
        found = have.get(w.key)
        if found is None:
            params = {
                "clusterName": cluster,
                "namespace": w.namespace,
                "serviceAccount": w.service_account,
                "roleArn": w.role_arn,
                "tags": dict(OWNER_TAG),
            }
            changes.append(
                Change("+", KIND, target, "eks:CreatePodIdentityAssociation", params, PHASE_CREATE, None, w.role_arn)
            )
            continue
        if found.role_arn == w.role_arn:
            if not owned(found.tags):
                notes.append(f"keeping {KIND} {target} ({found.association_id}): not byoc-iam's, already {w.role_arn}")
            continue
        if not owned(found.tags) and not adopt:
            refusals.append(
                f"{KIND} {target} ({found.association_id}) points at {found.role_arn} and byoc-iam did not create it; "
                "delete it, or pass --adopt to point it at "
                f"{w.role_arn}"
            )
            continue
        params = {"clusterName": cluster, "associationId": found.association_id, "roleArn": w.role_arn}
        changes.append(
            Change(
                "~", KIND, target, "eks:UpdatePodIdentityAssociation", params, PHASE_ROLE, found.role_arn, w.role_arn
            )
        )
        if not owned(found.tags):
            tag = {"resourceArn": found.association_arn, "tags": dict(OWNER_TAG)}
            changes.append(
                Change("~", f"{KIND} tags", target, "eks:TagResource", tag, PHASE_ROLE, None, dict(OWNER_TAG))
            )
    return AssociationPlan(cluster, tuple(changes), tuple(notes), tuple(refusals))


def plan_association_removal(
    cluster: str, role_arns: set[str], live: list[LiveAssociation], *, adopt: bool = False
) -> AssociationPlan:
    """What destroy deletes: the associations in ``cluster`` that point at one of ``role_arns`` and that byoc-iam
    owns (all of them with ``adopt``); the others are kept with a note."""
    changes: list[Change] = []
    notes: list[str] = []
    for a in live:
        if a.role_arn not in role_arns:
            continue
        target = _target(cluster, a.namespace, a.service_account)
        if owned(a.tags) or adopt:
            params = {"clusterName": cluster, "associationId": a.association_id}
            changes.append(
                Change("-", KIND, target, "eks:DeletePodIdentityAssociation", params, PHASE_ROLE, a.role_arn)
            )
        else:
            notes.append(
                f"keeping {KIND} {target} ({a.association_id}): byoc-iam did not create it (--adopt removes it)"
            )
    return AssociationPlan(cluster, tuple(changes), tuple(notes))


__all__ = [
    "AssociationPlan",
    "LiveAssociation",
    "WantedAssociation",
    "plan_association_removal",
    "plan_associations",
]
