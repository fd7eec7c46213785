"""Which role of the set a RoleSpec file holds (``verify --role FILE``), told without loading the set's verify
(:mod:`byoc_iam.verify.roleset`) or its renderer: the blueprint files are read raw."""

from __future__ import annotations

from typing import TYPE_CHECKING

from byoc_iam import data as knowledge

if TYPE_CHECKING:
    from byoc_iam.model.role import RoleSpec

ZILLIZ_ACCOUNT = "965570967084"  # the AWS account of Zilliz's control plane (the cross-account role's trust)


def file_kind(spec: RoleSpec) -> str | None:
    """Which role of the set a RoleSpec file holds: by its name's suffix (the blueprints' ``role_name_suffix``:
    ``-storage-role``, ``-cross-account-role``), else by the principals its trust names (an AWS principal of
    Zilliz's account: cross-account; the EKS or EC2 service: eks; only OIDC providers: storage), else ``eks``
    (verify's default role). None when the trust points to more than one kind and the name does not tell."""
    for kind in ("storage", "cross-account"):  # the blueprint file read raw: no need of the set's renderer here
        suffix = knowledge.raw("role-blueprint", f"{kind}-role")["defaults"]["role_name_suffix"]
        if spec.role_name.endswith(f"-{suffix}"):
            return kind
    found: set[str] = set()
    trust = spec.trust()
    for st in trust.statements:
        if st.effect != "Allow" or not isinstance(st.principal, dict):
            continue
        if any(f":{ZILLIZ_ACCOUNT}:" in a for a in st.principal.get("AWS", ())):
            found.add("cross-account")
        if any(s.split(".", 1)[0] in ("eks", "ec2", "eks-nodegroup") for s in st.principal.get("Service", ())):
            found.add("eks")
    if not found and any(isinstance(st.principal, dict) and "Federated" in st.principal for st in trust):
        found.add("storage")
    return None if len(found) > 1 else next(iter(found), "eks")
