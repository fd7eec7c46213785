"""The split layout in the CLI: whether ``verify`` is asked for the split layout (run by
:mod:`byoc_iam.cli.layout_verify`) and the wiring each controller needs (``wiring``)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from byoc_iam.blueprint import BlueprintInputs
    from byoc_iam.blueprint.roleset import RoleSet

LAYOUT_VERIFY_FORMAT = "byoc-iam-layout-verify/1"


def layout_requested(role_values: dict[str, Any]) -> bool:
    """Whether flags, ``BYOC_IAM_LAYOUT`` or the config's ``role.layout`` ask for the split layout."""
    from byoc_iam.blueprint.config import gather

    values, _ = gather(dict(role_values))
    return values.get("layout") == "split"


# -- wiring: what each controller needs to use its role ------------------------------------------------------


CLUSTER_NAME_PLACEHOLDER = "<cluster-name>"


def helm_values(roles: RoleSet, partition: str, account: str, cluster: str | None = None) -> dict[str, dict[str, Any]]:
    """Per chart, the values it needs: IRSA annotates its service account with ``eks.amazonaws.com/role-arn``;
    with Pod Identity a chart gets only the settings its cluster-scoped policy needs (EBS CSI:
    ``controller.k8sTagClusterId`` = the cluster's name, ``<cluster-name>`` when not given), no annotation."""
    from byoc_iam.blueprint.layout import layout_data

    data = layout_data()
    out: dict[str, dict[str, Any]] = {}
    for m in roles:
        if m.chart is None:
            continue
        if m.association is None:
            out[m.chart.name] = _nest(m.chart.annotations_path, {data["annotation"]: m.arn(partition, account)})
            continue
        for path in _setting_paths(m.kind):
            _merge(
                out.setdefault(m.chart.name, {}),
                _nest(tuple(path[:-1]), {path[-1]: cluster or CLUSTER_NAME_PLACEHOLDER}),
            )
    return out


def _setting_paths(kind: str) -> list[list[str]]:
    """The chart value paths of the settings Pod Identity needs for the member ``kind``'s components."""
    from byoc_iam.blueprint.layout import layout_data
    from byoc_iam.verify.requirements import components

    data = layout_data()
    ids = [c for e in data["controllers"] if e["kind"] == kind for c in e["components"]]
    wanted = {s for cid in ids for s in data["pod_identity"].get("settings", {}).get(cid, ())}
    return [list(comp.settings[s].helm_value) for comp in components() if comp.id in ids for s in sorted(wanted)]


def _nest(path: tuple[str, ...] | list[str], leaf: dict[str, Any]) -> dict[str, Any]:
    values = leaf
    for key in reversed(path):
        values = {key: values}
    return values


def _merge(into: dict[str, Any], more: dict[str, Any]) -> None:
    for key, value in more.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            _merge(into[key], value)
        else:
            into[key] = value


def eksctl_fragment(roles: RoleSet, partition: str, account: str) -> dict[str, Any]:
    """An eksctl ClusterConfig ``iam`` fragment: ``serviceAccounts`` (IRSA) or ``podIdentityAssociations``."""
    irsa, pods = [], []
    for m in roles:
        if m.service_account is None:
            continue
        namespace, _, name = m.service_account.partition(":")
        if m.association is not None:
            pods.append({"namespace": namespace, "serviceAccountName": name, "roleARN": m.arn(partition, account)})
        else:
            irsa.append(
                {"metadata": {"name": name, "namespace": namespace}, "attachRoleARN": m.arn(partition, account)}
            )
    iam: dict[str, Any] = {"withOIDC": True, "serviceAccounts": irsa} if irsa else {}
    if pods:
        iam["podIdentityAssociations"] = pods
    return {"iam": iam}


def association_commands(roles: RoleSet, partition: str, account: str, cluster: str | None) -> list[str]:
    """``aws eks create-pod-identity-association`` per Pod Identity role (the cluster as given, else a variable)."""
    import shlex

    name = shlex.quote(cluster) if cluster else '"$CLUSTER_NAME"'
    out = []
    for m in roles:
        if m.association is None:
            continue
        ns, sa = shlex.quote(m.association.namespace), shlex.quote(m.association.service_account)
        role = shlex.quote(m.arn(partition, account))
        out.append(
            f"aws eks create-pod-identity-association --cluster-name {name} --namespace {ns} "
            f"--service-account {sa} --role-arn {role}"
        )
    return out


def wiring_files(roles: RoleSet, inputs: BlueprintInputs) -> dict[str, str]:
    """``wiring/``: one Helm values file per chart, the eksctl fragment, the association script (as files)."""
    partition, account = inputs.resolved_partition, inputs.account_id
    files = {
        f"wiring/helm-values-{chart}.json": json.dumps(values, indent=2) + "\n"
        for chart, values in helm_values(roles, partition, account, inputs.cluster_name).items()
    }
    files["wiring/eksctl-iam.json"] = json.dumps(eksctl_fragment(roles, partition, account), indent=2) + "\n"
    commands = association_commands(roles, partition, account, inputs.cluster_name)
    if commands:
        files["wiring/pod-identity-associations.sh"] = (
            "#!/usr/bin/env bash\nset -euo pipefail\n" + "\n".join(commands) + "\n"
        )
    return files
