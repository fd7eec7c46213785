"""The controllers' wiring (pure): the IRSA annotation ``eks.amazonaws.com/role-arn: <role ARN>`` on each
service account the trust policy admits, as Helm values for the three controllers' charts, an eksctl
``ClusterConfig`` fragment (``iam.serviceAccounts[].attachRoleARN``) and ``kubectl annotate`` lines.

Where each chart takes its service account is data (``data/wiring/helm-charts.json``, with its sources).
"""

from __future__ import annotations

import re
from functools import cache
from shlex import quote
from typing import Any

from byoc_iam import data as knowledge
from byoc_iam.export._trust import trust_facts
from byoc_iam.export.cloudformation import yaml_lines
from byoc_iam.model import arn as arns
from byoc_iam.model.role import RoleSpec

_SUB = re.compile(r"^system:serviceaccount:([^:*?]+):([^:*?]+)$")
WIRING_DIR = "wiring"


@cache
def charts() -> dict[str, Any]:
    """``data/wiring/helm-charts.json``: the annotation key and, per controller, its chart's value paths."""
    return knowledge.raw("wiring-helm-charts", "helm-charts")


def role_arn(spec: RoleSpec, account: str, partition: str = "aws") -> str:
    return arns.role_arn(partition, account, spec.role_name, spec.path)


def service_accounts(spec: RoleSpec) -> list[tuple[str, str]]:
    """``(namespace, name)`` of every service account the trust policy pins by ``<issuer>:sub``, in order."""
    found: list[tuple[str, str]] = []
    for stmt in spec.trust_policy.get("Statement", []):
        for keys in ((stmt.get("Condition") or {}) if isinstance(stmt, dict) else {}).values():
            for key, values in keys.items():
                if not key.endswith(":sub"):
                    continue
                for value in [values] if isinstance(values, str) else values:
                    m = _SUB.match(str(value))
                    if m and (m.group(1), m.group(2)) not in found:
                        found.append((m.group(1), m.group(2)))
    return found


def _controller_of(namespace: str, name: str) -> str | None:
    from byoc_iam.blueprint.data import blueprint, controller

    for ctl in blueprint().controllers:
        if controller(ctl).service_account == f"{namespace}:{name}":
            return ctl
    return None


def _set(tree: dict[str, Any], path: list[str], value: Any) -> None:
    for key in path[:-1]:
        tree = tree.setdefault(key, {})
    tree[path[-1]] = value


def helm_values(arn: str, accounts: list[tuple[str, str]], cluster: str, region: str | None) -> dict[str, Any]:
    """Chart name → its values (service account created with the annotation; cluster name and region)."""
    data = charts()
    out: dict[str, Any] = {}
    for namespace, name in accounts:
        ctl = _controller_of(namespace, name)
        if ctl is None or ctl not in data["charts"]:
            continue
        chart = data["charts"][ctl]
        values: dict[str, Any] = {}
        sa = {"create": True, "name": name, "annotations": {data["annotation"]: arn}}
        _set(values, chart["service_account_path"], sa)
        if chart.get("cluster_name_path"):
            _set(values, chart["cluster_name_path"], cluster)
        if region and chart.get("region_path"):
            _set(values, chart["region_path"], region)
        out[ctl] = values
    return out


def eksctl_fragment(arn: str, accounts: list[tuple[str, str]], cluster: str, region: str | None) -> dict[str, Any]:
    """An eksctl ``ClusterConfig`` whose ``iam.serviceAccounts`` attach the role (``eksctl create iamserviceaccount
    -f``)."""
    metadata: dict[str, Any] = {"name": cluster}
    if region:
        metadata["region"] = region
    sas = [{"metadata": {"name": n, "namespace": ns}, "attachRoleARN": arn} for ns, n in accounts]
    return {
        "apiVersion": "eksctl.io/v1alpha5",
        "kind": "ClusterConfig",
        "metadata": metadata,
        "iam": {"withOIDC": True, "serviceAccounts": sas},
    }


def kubectl_lines(arn: str, accounts: list[tuple[str, str]]) -> list[str]:
    key = charts()["annotation"]
    return [
        f"kubectl annotate serviceaccount --namespace {quote(ns)} {quote(n)} {quote(f'{key}={arn}')} --overwrite"
        for ns, n in accounts
    ]


def _yaml(value: dict[str, Any], header: str) -> str:
    return f"# {header}\n" + "\n".join(yaml_lines(value)) + "\n"


def wiring_files(spec: RoleSpec, cluster: str, region: str | None, account: str | None = None) -> dict[str, str]:
    """Relative path → text of the wiring files (``wiring/values-<chart>.yaml``, ``wiring/eksctl.yaml``,
    ``wiring/annotate.sh``); empty when the account is unknown (a trust policy without OIDC principals)."""
    facts = trust_facts(spec)
    account = account or facts.account
    accounts = service_accounts(spec)
    if not account or not accounts:
        return {}
    arn = role_arn(spec, account, facts.partition)
    files: dict[str, str] = {}
    for ctl, values in helm_values(arn, accounts, cluster, region).items():
        chart = charts()["charts"][ctl]
        header = f"helm upgrade --install {ctl} {chart['chart']} -n kube-system -f values-{ctl}.yaml"
        files[f"{WIRING_DIR}/values-{ctl}.yaml"] = _yaml(values, header)
    files[f"{WIRING_DIR}/eksctl.yaml"] = _yaml(
        eksctl_fragment(arn, accounts, cluster, region), "eksctl create iamserviceaccount -f eksctl.yaml --approve"
    )
    script = ["#!/usr/bin/env bash", "set -euo pipefail", *kubectl_lines(arn, accounts)]
    files[f"{WIRING_DIR}/annotate.sh"] = "\n".join(script) + "\n"
    return files
