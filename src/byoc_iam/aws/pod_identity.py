"""EKS Pod Identity associations against AWS (boto3 through :class:`AwsContext`): read, plan and make them.

apply of the split layout with ``--identity pod-identity`` creates one association per workload role once the
cluster exists (ListPodIdentityAssociations answers ResourceNotFoundException for a missing cluster); destroy
removes the ones byoc-iam owns. The pure rules are in :mod:`byoc_iam.plan.associations`. An endpoint that does
not implement the Pod Identity API (an old or partial emulator; moto 5.2.5 alone answers HTTP 404) is never
reported as success: :class:`PodIdentityUnavailable` carries the ``aws eks create-pod-identity-association``
commands to run instead.
"""

from __future__ import annotations

from collections.abc import Iterable

from byoc_iam.aws.session import AwsCallError, AwsContext
from byoc_iam.errors import AwsError
from byoc_iam.plan.associations import AssociationPlan, LiveAssociation

# what EKS also authorizes the caller for on Create/UpdatePodIdentityAssociation (no call of ours): passing the role
IMPLIED_PERMISSIONS = ("iam:PassRole",)
# error codes with which an endpoint says it does not know the operation (moto without the routes: "404")
UNKNOWN_API = {"404", "UnknownOperationException", "UnknownOperation", "InvalidAction", "NotImplemented"}


class PodIdentityUnavailable(AwsError):
    """The endpoint does not implement the EKS Pod Identity API; ``commands`` create the associations by hand."""

    def __init__(self, message: str, commands: list[str]) -> None:
        super().__init__(message)
        self.commands = commands


def _unavailable(exc: AwsCallError, commands: list[str]) -> PodIdentityUnavailable:
    return PodIdentityUnavailable(
        f"{exc.action}: this endpoint does not implement the EKS Pod Identity API ({exc.code}); the roles are "
        "applied but no association was made: run the aws eks commands printed above",
        commands,
    )


def read_associations(
    ctx: AwsContext, cluster: str, keys: Iterable[tuple[str, str]] | None, commands: list[str]
) -> list[LiveAssociation] | None:
    """The cluster's associations for the ``(namespace, service account)`` keys (every association of the cluster
    when ``keys`` is None; List, then Describe for the role and tags); None when the cluster does not exist
    (ResourceNotFoundException). Raises :class:`PodIdentityUnavailable` when the endpoint does not know the API."""
    out: list[LiveAssociation] = []
    filters = [{}] if keys is None else [{"namespace": n, "serviceAccount": a} for n, a in keys]
    try:
        for where in filters:
            found = ctx.paginate("eks:ListPodIdentityAssociations", "associations", clusterName=cluster, **where)
            for summary in found:
                a = ctx.call(
                    "eks:DescribePodIdentityAssociation", clusterName=cluster, associationId=summary["associationId"]
                )["association"]
                out.append(
                    LiveAssociation(
                        association_id=str(a["associationId"]),
                        association_arn=str(a["associationArn"]),
                        namespace=str(a["namespace"]),
                        service_account=str(a["serviceAccount"]),
                        role_arn=str(a["roleArn"]),
                        tags={str(k): str(v) for k, v in (a.get("tags") or {}).items()},
                    )
                )
    except AwsCallError as exc:
        if exc.code in UNKNOWN_API:
            raise _unavailable(exc, commands) from None
        if exc.code == "ResourceNotFoundException" and exc.action == "eks:ListPodIdentityAssociations":
            return None
        raise
    return out


def execute_associations(ctx: AwsContext, plan: AssociationPlan, commands: list[str]) -> int:
    """Make the plan's calls in order; returns how many were made. A delete that finds the association gone
    reached its goal; any other failure (a create that finds one made meanwhile, whose role is unknown, included)
    stops with one line saying how far it got."""
    done = 0
    for change in plan.changes:
        try:
            ctx.call(change.action, **change.params)
        except AwsCallError as exc:
            if exc.code in UNKNOWN_API:
                raise _unavailable(exc, commands) from None
            gone = exc.code == "ResourceNotFoundException" and change.action == "eks:DeletePodIdentityAssociation"
            if not gone:  # a create that found one made meanwhile is not assumed right: plan again
                raise AwsError(
                    f"{exc.message} — {done} of {len(plan.changes)} association changes were made; "
                    "run the command again: it continues from here"
                ) from None
        done += 1
    return done


__all__ = ["IMPLIED_PERMISSIONS", "PodIdentityUnavailable", "execute_associations", "read_associations"]
