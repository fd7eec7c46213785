"""The operator's list of AWS calls (data/operator/calls.json) covers every call the code makes, and only those."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from lifecycle_helpers import RECORDED, run_cli

from byoc_iam.aws import operator
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.plan.diff import ORDER

SRC = Path(__file__).resolve().parents[2] / "src" / "byoc_iam"
# every module that talks to AWS: the lifecycle, the demo, and the catalog's --from-aws reads
OURS = [
    SRC / "aws",
    SRC / "plan",
    SRC / "cli" / "lifecycle.py",
    SRC / "cli" / "sandbox.py",
    SRC / "cli" / "catalog.py",
    SRC / "managed",
]


def _sources() -> dict[Path, str]:
    files: list[Path] = []
    for root in OURS:
        files += [root] if root.is_file() else sorted(root.rglob("*.py"))
    return {f: f.read_text() for f in files}


def test_every_call_in_the_source_is_listed() -> None:
    listed = set(operator.calls())
    called: set[str] = set()
    for path, text in _sources().items():
        called |= set(re.findall(r"\.(?:call|paginate|wait)\(\s*\"([a-z0-9-]+:[A-Za-z]+)\"", text))
        # no boto3 client method is called directly: every call goes through AwsContext.call/paginate/wait
        direct = re.findall(r"client\([^)]*\)\.(?!get_paginator|get_waiter|meta)([a-z_]+)\(", text)
        assert not direct, f"{path}: direct boto3 calls {direct}"
    assert called, "the scan found no calls (regex broken?)"
    read = (SRC / "aws" / "read.py").read_text()  # the catalog commands read through these two functions
    catalog_reads = read[read.index("def read_policy_version(") : read.index("def read_role_for_verify(")]
    catalog = set(re.findall(r"(?:call|paginate|_get)\(\s*ctx,?\s*\"([a-z0-9-]+:[A-Za-z]+)\"", catalog_reads))
    catalog |= set(re.findall(r"\.(?:call|paginate)\(\s*\"([a-z0-9-]+:[A-Za-z]+)\"", catalog_reads))
    assert catalog, "the scan found no catalog calls"
    assert all("catalog" in operator.calls()[a].commands for a in catalog if a in operator.calls()), catalog
    assert called <= listed, sorted(called - listed)
    assert set(ORDER) <= listed  # every change the planner can emit


def test_every_listed_call_is_made_somewhere() -> None:
    # the planner's ORDER list names every action once; a call counts only where the code makes it
    text = "\n".join(re.sub(r"ORDER = \[.*?\]", "", t, flags=re.S) for t in _sources().values())
    unused = [a for a in operator.calls() if f'"{a}"' not in text]
    assert not unused, f"listed but never called (not least privilege): {unused}"


def test_catalog_reads_are_in_the_operator_policy() -> None:
    doc = operator.operator_policy(("catalog",), account="123456789012")
    by_resource = {s["Resource"]: set(s["Action"]) for s in doc["Statement"]}
    assert by_resource["arn:aws:iam::aws:policy/*"] == {"iam:GetPolicy", "iam:GetPolicyVersion"}
    assert by_resource["*"] == {"iam:ListPolicies"}  # no resource-level permission exists for it
    assert not any("iam:CreateRole" in a for a in by_resource.values())  # reads only
    # the lifecycle lists local policies only for destroy (finding what an interrupted destroy left detached)
    assert "iam:ListPolicies" not in str(
        operator.operator_policy(("plan", "apply", "link-cluster"), account="123456789012")
    )


def test_operator_policy_command_accepts_catalog() -> None:
    res = run_cli("operator-policy", "--command", "catalog", "--account-id", "123456789012")
    assert res.code == 0, res.err
    assert "iam:ListPolicies" in res.out and "iam:CreateRole" not in res.out
    res = run_cli("operator-policy", "--command", "nope")
    assert res.code == 2 and "catalog" in res.err


def test_unlisted_call_is_refused(lc_env: MotoServer) -> None:
    from byoc_iam.aws.session import AwsContext

    with pytest.raises(RuntimeError, match=r"not in data/operator/calls\.json"):
        AwsContext(endpoint_url=lc_env.endpoint_url, region="us-east-1").call("iam:CreateUser", UserName="x")


def test_operator_policy_is_least_privilege() -> None:
    doc = operator.operator_policy(account="123456789012", role_name="r")
    granted = {a for s in doc["Statement"] for a in s["Action"]}
    needed = {
        c.action
        for c in operator.calls().values()
        if c.needs_permission and set(c.commands) & set(operator.COMMANDS) and c.layout is None
    }
    assert granted == needed
    assert "iam:PassRole" not in granted and "eks:CreatePodIdentityAssociation" not in granted  # combined layout
    assert "eks:CreateCluster" not in granted and "sts:GetCallerIdentity" not in granted
    assert all("*" not in a for a in granted)
    # only ListPolicies (destroy: no resource-level permission exists for it) is on "*", and it is a read
    assert [s["Action"] for s in doc["Statement"] if s["Resource"] == "*"] == [["iam:ListPolicies"]]


def test_demo_runs_and_its_calls_are_listed(lc_env: MotoServer) -> None:
    start = len(RECORDED)
    res = run_cli("demo")
    assert res.code == 0, res.err
    for step in (
        "rendered role",
        "apply:",
        "apply again: 0 changes, 0 write calls",
        "created EKS cluster",
        "link-cluster: 2 changes",
        "verify (live role)",
        "sandbox stopped",
    ):
        assert step in res.out
    made = set(RECORDED[start:])
    assert {"iam:CreateRole", "eks:CreateCluster", "eks:DescribeCluster", "iam:CreateOpenIDConnectProvider"} <= made


def test_operator_policy_grants_each_call_and_no_admin_attachment() -> None:
    """Evaluated with byoc-iam's own engine: every call on its resource is allowed; attaching
    AdministratorAccess to the role, or touching another role, is not."""
    from byoc_iam.engine import PolicySet, Request, compile_policies

    acct = "123456789012"
    doc = operator.operator_policy(
        operator.ALL_COMMANDS, account=acct, role_name="zilliz-byoc-eks-role", region="us-east-1"
    )
    compiled = compile_policies(PolicySet(identity=[doc]))
    who = f"arn:aws:iam::{acct}:user/operator"
    role = f"arn:aws:iam::{acct}:role/zilliz-byoc-eks-role"
    resources = {
        "role": role,
        "eks-service-linked-role": f"arn:aws:iam::{acct}:role/aws-service-role/{operator.EKS_SERVICE_LINKED_ROLES[0]}",
        "policy": f"arn:aws:iam::{acct}:policy/x",
        "aws-managed-policy": "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
        "own-policy": f"arn:aws:iam::{acct}:policy/x",
        "oidc-provider": f"arn:aws:iam::{acct}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/A",
        "eks-oidc-provider": f"arn:aws:iam::{acct}:oidc-provider/oidc.eks.us-east-1.amazonaws.com/id/A",
        "cluster": f"arn:aws:eks:us-east-1:{acct}:cluster/c1",
        "*": "*",
    }

    def decide(action: str, resource: str, **context: str) -> str:
        # AWS managed policies live in the pseudo-account "aws" but are read as the caller's own resources
        return compiled.evaluate(Request(who, action, resource, resource_account=acct, context=dict(context))).decision

    for call in operator.calls().values():
        if not call.needs_permission or call.layout is not None:  # the layout's calls: tests/layout
            continue
        for kind in call.resources:
            ctx = {"iam:PolicyARN": "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"} if call.condition else {}
            assert decide(call.action, resources[kind], **ctx) == "Allowed", (call.action, kind)
    admin = "arn:aws:iam::aws:policy/AdministratorAccess"
    assert decide("iam:AttachRolePolicy", role, **{"iam:PolicyARN": admin}) != "Allowed"
    assert decide("iam:UpdateAssumeRolePolicy", f"arn:aws:iam::{acct}:role/other") != "Allowed"
    assert decide("iam:CreateUser", f"arn:aws:iam::{acct}:user/x") != "Allowed"


def test_operator_policy_lints_clean() -> None:
    from byoc_iam.lint import lint_document

    findings = lint_document(operator.operator_policy(account="123456789012"), "identity")
    assert not [f for f in findings if f.severity.value in ("ERROR", "SECURITY_WARNING")], findings
