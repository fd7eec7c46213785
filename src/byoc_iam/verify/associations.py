"""The split layout's EKS Pod Identity associations as ``verify --live`` reads them (pure): every intended
``namespace:service account`` is associated with exactly its split role, and no other association names one of
the split roles (pods of that service account would get the role's credentials: EKS hands a pod the role of the
association of its namespace and service account, whoever made it. Source: EKS user guide, "Learn how EKS Pod
Identity grants pods access to AWS services"; Amazon EKS API Reference, ListPodIdentityAssociations).

Statuses: ``passed``; ``failed`` (an association names another role, or names a split role for a service account
the layout does not give it); ``not-linked`` (an intended association does not exist yet, the cluster does not
exist, or no cluster was named: the pods get no role until apply makes them, never a pass)."""

from __future__ import annotations

from dataclasses import dataclass

from byoc_iam.plan.associations import LiveAssociation, WantedAssociation

MISSING = "association-missing"
WRONG_ROLE = "association-role"
FOREIGN = "association-foreign"
NO_CLUSTER = "association-cluster"


@dataclass(frozen=True)
class AssociationCheck:
    """One verdict: ``id`` (one of the ids above), ``status``, the service account ``namespace:name`` (empty for
    the cluster check), the role it should get (``expected``, empty for a foreign one) and the roles it gets."""

    id: str
    status: str
    service_account: str
    expected: str
    actual: tuple[str, ...]
    message: str

    def to_dict(self) -> dict[str, object]:
        return {
            "id": self.id,
            "status": self.status,
            "service_account": self.service_account,
            "expected_role_arn": self.expected,
            "role_arns": list(self.actual),
            "message": self.message,
        }


def check_associations(
    cluster: str | None,
    wanted: list[WantedAssociation],
    live: list[LiveAssociation] | None,
    split_role_arns: set[str],
) -> list[AssociationCheck]:
    """The checks of ``live`` (every association of ``cluster``; None: the cluster does not exist) against
    ``wanted``; ``split_role_arns``: every role of the layout (an association naming one of them for another
    service account fails). Role ARNs are compared exactly for the intended ones (anything else fails) and
    case-insensitively for foreign ones (IAM role names are case-insensitive: more is flagged, never less)."""
    if cluster is None or live is None:
        why = "no cluster named (--cluster or --cluster-name)" if cluster is None else f"cluster {cluster} not found"
        msg = f"{why}: the Pod Identity associations were not checked; the pods get no role until apply makes them"
        return [AssociationCheck(NO_CLUSTER, "not-linked", "", "", (), msg)]
    out = [_intended(cluster, w, [a for a in live if a.key == w.key]) for w in wanted]
    keys = {w.key for w in wanted}
    ours = {a.lower() for a in split_role_arns}
    for a in live:
        if a.key in keys or a.role_arn.lower() not in ours:
            continue
        sa = f"{a.namespace}:{a.service_account}"
        msg = (
            f"association {a.association_id} in {cluster} gives {sa} the split role {a.role_arn}: its pods get "
            "that role's permissions; the layout gives the role to no such service account"
        )
        out.append(AssociationCheck(FOREIGN, "failed", sa, "", (a.role_arn,), msg))
    return out


def _intended(cluster: str, w: WantedAssociation, found: list[LiveAssociation]) -> AssociationCheck:
    sa = f"{w.namespace}:{w.service_account}"
    roles = tuple(a.role_arn for a in found)
    if not found:
        msg = f"no association for {sa} in {cluster}: its pods get no role until apply makes it"
        return AssociationCheck(MISSING, "not-linked", sa, w.role_arn, roles, msg)
    if roles != (w.role_arn,):
        names = ", ".join(f"{a.association_id} → {a.role_arn}" for a in found)
        msg = f"{sa} in {cluster} is associated with another role ({names}), not {w.role_arn}"
        return AssociationCheck(WRONG_ROLE, "failed", sa, w.role_arn, roles, msg)
    return AssociationCheck("association", "passed", sa, w.role_arn, roles, f"{sa} → {w.role_arn}")


__all__ = ["AssociationCheck", "check_associations"]
