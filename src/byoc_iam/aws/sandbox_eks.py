"""The sandbox's EKS Pod Identity associations: OUR addition to moto's server, not moto's code.

moto 5.2.5 implements EKS clusters but not the Pod Identity association API, which ``apply --layout split
--identity pod-identity`` calls. ``python -m byoc_iam.aws.sandbox_eks`` starts moto's own server (``moto.server``,
same flags) after registering five routes on moto's EKS service and a small association store on moto's EKS
backend (per account and region; moto's reset clears it):

* ``CreatePodIdentityAssociation`` (POST ``/clusters/{name}/pod-identity-associations``): the cluster must exist
  (``ResourceNotFoundException``), one association per namespace and service account (``ResourceInUseException``);
* ``ListPodIdentityAssociations`` (GET, filters ``namespace``, ``serviceAccount``; summaries only, no role);
* ``DescribePodIdentityAssociation``, ``UpdatePodIdentityAssociation`` (``roleArn``), ``DeletePodIdentityAssociation``
  (``/clusters/{name}/pod-identity-associations/{associationId}``);
* ``TagResource``/``ListTagsForResource`` on an association ARN.

Request and answer shapes are botocore's EKS service model (``PodIdentityAssociation``,
``PodIdentityAssociationSummary``): moto parses and serialises them from that model, so boto3 and the AWS CLI
talk to these routes exactly as to EKS. IDs look like EKS's (``a-`` and 17 characters), ARNs are
``arn:<partition>:eks:<region>:<account>:podidentityassociation/<cluster>/<id>``. Not modelled: the session
policy, ``targetRoleArn`` role chaining and ``disableSessionTags`` are stored and returned, never evaluated.
"""

from __future__ import annotations

import secrets
import string
import sys
from datetime import UTC, datetime
from typing import Any

ASSOCIATIONS = "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations$"
ASSOCIATION = "{0}/clusters/(?P<name>[^/]+)/pod-identity-associations/(?P<associationId>[^/]+)$"
_ID_CHARS = string.ascii_lowercase + string.digits


def _store(backend: Any) -> dict[str, dict[str, Any]]:
    """The backend's associations by id (created on first use; moto's reset replaces the backend's state). As in
    EKS, a cluster's associations go with it: those whose cluster was deleted (or replaced) are dropped."""
    found: dict[str, dict[str, Any]] = backend.__dict__.setdefault("byoc_pod_identity", {})
    clusters: dict[str, Any] = backend.__dict__.setdefault("byoc_pod_identity_clusters", {})
    for association_id in [i for i, c in clusters.items() if backend.clusters.get(found[i]["clusterName"]) is not c]:
        del found[association_id], clusters[association_id]
    return found


def _errors() -> Any:
    from moto.eks import exceptions

    return exceptions


def _find(backend: Any, cluster: str, association_id: str) -> dict[str, Any]:
    backend.describe_cluster(cluster)  # ResourceNotFoundException for a cluster that does not exist
    found = _store(backend).get(association_id)
    if found is None or found["clusterName"] != cluster:
        raise _errors().ResourceNotFoundException(
            clusterName=cluster, message=f"No Pod Identity Association found with id {association_id}"
        )
    return found


def create(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    """CreatePodIdentityAssociation on ``backend`` (moto's EKSBackend) with the parsed request ``params``."""
    cluster = backend.describe_cluster(params["clusterName"])
    namespace, account = params["namespace"], params["serviceAccount"]
    for a in _store(backend).values():
        if (a["clusterName"], a["namespace"], a["serviceAccount"]) == (cluster.name, namespace, account):
            raise _errors().ResourceInUseException(
                clusterName=cluster.name,
                message=f"Association already exists: {a['associationId']}",
            )
    association_id = "a-" + "".join(secrets.choice(_ID_CHARS) for _ in range(17))
    now = datetime.now(UTC)
    arn = cluster.arn.replace(":cluster/", ":podidentityassociation/") + f"/{association_id}"
    association = {
        "clusterName": cluster.name,
        "namespace": namespace,
        "serviceAccount": account,
        "roleArn": params["roleArn"],
        "associationArn": arn,
        "associationId": association_id,
        "tags": dict(params.get("tags") or {}),
        "createdAt": now,
        "modifiedAt": now,
        "disableSessionTags": bool(params.get("disableSessionTags", False)),
    }
    _store(backend)[association_id] = association
    backend.__dict__["byoc_pod_identity_clusters"][association_id] = cluster
    return association


def summaries(backend: Any, params: dict[str, Any]) -> list[dict[str, Any]]:
    """ListPodIdentityAssociations: the cluster's associations, filtered by namespace and service account."""
    cluster = backend.describe_cluster(params["clusterName"]).name
    out = []
    for a in _store(backend).values():
        if a["clusterName"] != cluster:
            continue
        if params.get("namespace") and a["namespace"] != params["namespace"]:
            continue
        if params.get("serviceAccount") and a["serviceAccount"] != params["serviceAccount"]:
            continue
        keys = ("clusterName", "namespace", "serviceAccount", "associationArn", "associationId")
        out.append({k: a[k] for k in keys})
    return out


def update(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    found = _find(backend, params["clusterName"], params["associationId"])
    if params.get("roleArn"):
        found["roleArn"] = params["roleArn"]
    if "disableSessionTags" in params:
        found["disableSessionTags"] = bool(params["disableSessionTags"])
    found["modifiedAt"] = datetime.now(UTC)
    return found


def delete(backend: Any, params: dict[str, Any]) -> dict[str, Any]:
    found = _find(backend, params["clusterName"], params["associationId"])
    del _store(backend)[found["associationId"]]
    del backend.__dict__["byoc_pod_identity_clusters"][found["associationId"]]
    return found


def _by_arn(backend: Any, arn: str) -> dict[str, Any] | None:
    return next((a for a in _store(backend).values() if a["associationArn"] == arn), None)


def install() -> None:
    """Register the routes and handlers on moto's EKS service (idempotent)."""
    from moto.core.responses import ActionResult
    from moto.eks import urls
    from moto.eks.responses import EKSResponse

    if ASSOCIATIONS in urls.url_paths:
        return
    urls.url_paths[ASSOCIATIONS] = urls.response.dispatch
    urls.url_paths[ASSOCIATION] = urls.response.dispatch

    keys = ("namespace", "serviceAccount", "roleArn", "tags", "disableSessionTags", "associationId")

    def _params(self: Any) -> dict[str, Any]:
        params = {k: self._get_param(k) for k in keys}
        params = {k: v for k, v in params.items() if v is not None}
        params["clusterName"] = self._get_param("name") or self._get_param("clusterName")
        if "associationId" not in params and getattr(self, "uri_match", None):
            params["associationId"] = self.uri_match.get("associationId")
        return {k: v for k, v in params.items() if v is not None}

    def answer(func: Any, key: str) -> Any:
        def handler(self: Any) -> Any:
            return ActionResult({key: func(self.eks_backend, _params(self))})

        return handler

    handlers = {
        "create_pod_identity_association": answer(create, "association"),
        "list_pod_identity_associations": answer(summaries, "associations"),
        "describe_pod_identity_association": answer(
            lambda b, p: _find(b, p["clusterName"], p["associationId"]), "association"
        ),
        "update_pod_identity_association": answer(update, "association"),
        "delete_pod_identity_association": answer(delete, "association"),
    }
    for name, handler in handlers.items():
        setattr(EKSResponse, name, handler)
    _wrap_tags(EKSResponse)


def _wrap_tags(response: Any) -> None:
    """Tags of an association ARN are kept on the association; other ARNs go to moto's own tag handling."""
    from moto.core.responses import ActionResult, EmptyResult

    original_tag, original_list = response.tag_resource, response.list_tags_for_resource

    def tag_resource(self: Any) -> Any:
        found = _by_arn(self.eks_backend, self._extract_arn_from_path())
        if found is None:
            return original_tag(self)
        found["tags"].update(self._get_param("tags") or {})
        return EmptyResult()

    def list_tags_for_resource(self: Any) -> Any:
        found = _by_arn(self.eks_backend, self._extract_arn_from_path())
        return original_list(self) if found is None else ActionResult({"tags": dict(found["tags"])})

    response.tag_resource = tag_resource
    response.list_tags_for_resource = list_tags_for_resource


def main(argv: list[str] | None = None) -> None:
    """``python -m byoc_iam.aws.sandbox_eks [moto.server flags]``: moto's server with the routes above."""
    install()
    from moto import server

    server.main(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
