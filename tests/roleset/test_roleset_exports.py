"""The set's exports: one Terraform file (python-hcl2), one CloudFormation template (cfn-lint), one aws-cli
script (bash -n, and its calls read back) holding every role, each the very role rendered; render --out."""

from __future__ import annotations

import json
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.blueprint import BlueprintInputs
from byoc_iam.blueprint.roleset import render_role_set
from byoc_iam.export.roleset import bundle_set, export_set
from cli_helpers import run_main as run
from export_helpers import deployed, jsonencoded, unquote

ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/0123456789ABCDEF0123456789ABCDEF"
SET = ["--account-id", ACCOUNT, "--bucket", "milvus-data", "--external-id", "ext-123", "--region", "us-west-2"]


def members(placement: str = "inline") -> list[tuple[str, Any]]:
    inputs = BlueprintInputs.model_validate(
        {
            "account_id": ACCOUNT,
            "roles": ["all"],
            "bucket": "milvus-data",
            "external_id": "ext-123",
            "region": "us-west-2",
            "policy_placement": placement,
        }
    )
    return [(m.kind, m.spec) for m in render_role_set(inputs)]


KINDS = {"eks": "byoc_eks", "storage": "byoc_storage", "cross-account": "byoc_cross_account"}


def _resources(parsed: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {
        f"{kind.strip(chr(34))}.{rid.strip(chr(34))}": body
        for block in parsed["resource"]
        for kind, named in block.items()
        for rid, body in named.items()
    }


@pytest.mark.parametrize("placement", ["inline", "managed"])
def test_terraform_set_holds_every_role(placement: str) -> None:
    import hcl2

    ms = members(placement)
    text = export_set(ms, "terraform", ["a header"])
    parsed = hcl2.loads(text)
    variables = {k.strip('"'): v for block in parsed["variable"] for k, v in block.items()}
    # one set of shared variables and one locals block, a name variable per role (default: its rendered name)
    assert sorted(variables) == ["account_id", "cross_account_role_name", "eks_role_name", "storage_role_name", "tags"]
    assert text.count('variable "account_id" {') == 1 and len(parsed["locals"]) == 1
    roles = {rid: body for rid, body in _resources(parsed).items() if rid.startswith("aws_iam_role.")}
    assert set(roles) == {f"aws_iam_role.{rid}" for rid in KINDS.values()}
    for kind, spec in ms:
        var = f"{kind.replace('-', '_')}_role_name"
        assert roles[f"aws_iam_role.{KINDS[kind]}"]["name"] == f"${{var.{var}}}"
        assert unquote(variables[var]["default"]) == spec.role_name
    # the cross-account policy names the EKS role through its variable, so renaming it keeps Zilliz's access
    assert ':role/${var.eks_role_name}"' in text
    # the variables at their defaults give back every role, its trust policy and its policies
    resolved = text.replace("${var.account_id}", unquote(variables["account_id"]["default"]))
    resolved = resolved.replace("${var.eks_role_name}", unquote(variables["eks_role_name"]["default"]))
    assert "${var." not in resolved.replace("$${", "") and "${local.oidc" not in resolved
    resources = _resources(hcl2.loads(resolved))
    for kind, spec in ms:
        rid = KINDS[kind]
        assert jsonencoded(resources[f"aws_iam_role.{rid}"]["assume_role_policy"]) == spec.trust_policy, kind
        inline = {
            unquote(b["name"]): jsonencoded(b["policy"])
            for b in resources.values()
            if b.get("role") == f"${{aws_iam_role.{rid}.id}}"
        }
        assert inline == spec.inline_policies, kind
        attached = {b["policy_arn"] for b in resources.values() if b.get("role") == f"${{aws_iam_role.{rid}.name}}"}
        managed = {
            unquote(b["name"]): jsonencoded(b["policy"])
            for k, b in resources.items()
            if k.startswith("aws_iam_policy.") and f"${{{k}.arn}}" in attached
        }
        assert managed == spec.customer_managed_policies, kind
    outputs = {k.strip('"') for o in parsed["output"] for k in o}
    assert outputs == {"eks_role_arn", "storage_role_arn", "cross_account_role_arn"}
    per_role = sum(
        1 + len(s.managed_policy_arns) + len(s.inline_policies) + 2 * len(s.customer_managed_policies) for _, s in ms
    )
    assert len(resources) == per_role  # nothing lost or merged between roles


def test_terraform_set_shares_the_oidc_issuer() -> None:
    import hcl2

    inputs = BlueprintInputs.model_validate(
        {
            "account_id": ACCOUNT,
            "roles": ["all"],
            "bucket": "milvus-data",
            "external_id": "ext-123",
            "oidc_issuer": ISSUER,
        }
    )
    ms = [(m.kind, m.spec) for m in render_role_set(inputs)]
    text = export_set(ms, "terraform")
    parsed = hcl2.loads(text)
    variables = {k.strip('"'): v for block in parsed["variable"] for k, v in block.items()}
    assert unquote(variables["oidc_issuer"]["default"]) == ISSUER
    assert text.count('variable "oidc_issuer" {') == 1 and len(parsed["locals"]) == 1
    assert "oidc_provider" in parsed["locals"][0]
    resolved = text.replace("${var.account_id}", ACCOUNT).replace("${var.eks_role_name}", ms[0][1].role_name)
    resolved = resolved.replace("${local.oidc_provider}", ISSUER.removeprefix("https://"))
    resources = _resources(hcl2.loads(resolved))
    for kind, spec in ms:
        assert jsonencoded(resources[f"aws_iam_role.{KINDS[kind]}"]["assume_role_policy"]) == spec.trust_policy


def test_terraform_set_refuses_roles_that_disagree_on_a_shared_variable() -> None:
    ms = members()
    kind, spec = ms[1]
    other = [ms[0], (kind, spec.model_copy(update={"tags": {"team": "other"}})), ms[2]]
    with pytest.raises(ValueError, match="variable tags"):
        export_set(other, "terraform")


def _listed(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_cloudformation_set_passes_cfn_lint() -> None:
    import yaml
    from cfnlint.api import ManualArgs, lint

    ms = members("managed")
    text = export_set(ms, "cloudformation")
    assert [f"{m.rule.id} {m.message}" for m in lint(text, config=ManualArgs(regions=["us-west-2"]))] == []
    template = yaml.safe_load(text)
    res = template["Resources"]
    assert {k for k, v in res.items() if v["Type"] == "AWS::IAM::Role"} == {
        "ByocEksRole",
        "StorageRole",
        "CrossAccountRole",
    }
    assert set(template["Parameters"]) == {"RoleName", "StorageRoleName", "CrossAccountRoleName"}
    assert res["StorageRole"]["Properties"]["RoleName"] == {"Ref": "StorageRoleName"}
    refs = res["CrossAccountRole"]["Properties"]["ManagedPolicyArns"]
    assert refs == [{"Ref": "CrossAccountZillizByocCrossAccountRoleZillizByocCrossAccountPolicyPolicy"}]
    assert set(template["Outputs"]) == {"EksRoleArn", "StorageRoleArn", "CrossAccountRoleArn"}
    policy = res["CrossAccountZillizByocCrossAccountRoleZillizByocCrossAccountPolicyPolicy"]["Properties"]
    named = [r for st in policy["PolicyDocument"]["Statement"] for r in _listed(st["Resource"]) if isinstance(r, dict)]
    # every ARN of the account goes through AWS::AccountId (the cross-account trust names Zilliz's account only)
    assert {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/${RoleName}"} in named
    assert ACCOUNT not in text.replace(f"'{ACCOUNT}'", "")
    # the parameters at their defaults give back every role
    params = {"AWS::AccountId": ACCOUNT, "AWS::Partition": "aws"}
    params.update({k: v["Default"] for k, v in template["Parameters"].items()})
    deployed_res = deployed(res, params)
    for (kind, spec), lid in zip(ms, ["ByocEksRole", "StorageRole", "CrossAccountRole"], strict=True):
        props = deployed_res[lid]["Properties"]
        assert props["RoleName"] == spec.role_name and props["AssumeRolePolicyDocument"] == spec.trust_policy, kind
        own = [deployed_res[r["Ref"]]["Properties"] for r in props.get("ManagedPolicyArns", []) if "Ref" in r]
        assert {p["ManagedPolicyName"]: p["PolicyDocument"] for p in own} == spec.customer_managed_policies, kind


def test_aws_cli_set_script_creates_every_role(tmp_path: Path) -> None:
    ms = members()
    text = export_set(ms, "aws-cli", ["a header"])
    script = tmp_path / "create-roles.sh"
    script.write_text(text)
    assert subprocess.run(["bash", "-n", str(script)], capture_output=True, check=False).returncode == 0
    assert text.count("#!/usr/bin/env bash") == 1 and text.count("set -euo pipefail") == 1
    assert text.count("aws sts get-caller-identity") == 2  # the prelude (account, partition) is written once
    rebuilt: dict[str, dict[str, Any]] = {}
    trusts: dict[str, Any] = {}
    for line in (raw.strip() for raw in text.replace("\\\n", " ").splitlines()):
        if not line.startswith("aws iam "):
            continue
        argv = shlex.split(line)[2:]
        opts = dict(zip(argv[1::2], argv[2::2], strict=False))
        if argv[0] == "create-role":
            rebuilt[opts["--role-name"]] = {"trust": json.loads(opts["--assume-role-policy-document"]), "inline": {}}
        elif argv[0] == "update-assume-role-policy":  # a re-run converges the trust policy too
            trusts[opts["--role-name"]] = json.loads(opts["--policy-document"])
        elif argv[0] == "put-role-policy":
            rebuilt[opts["--role-name"]]["inline"][opts["--policy-name"]] = json.loads(opts["--policy-document"])
    assert list(rebuilt) == [s.role_name for _, s in ms]
    for _, spec in ms:
        assert rebuilt[spec.role_name] == {"trust": spec.trust_policy, "inline": spec.inline_policies}
        assert trusts.get(spec.role_name, spec.trust_policy) == spec.trust_policy
    assert list(trusts) == ["zilliz-byoc-cross-account-role"]  # the placeholder-trust roles keep their live trust


def test_bundle_set_is_a_folder_per_role() -> None:
    files = bundle_set(members(), "terraform")
    assert "main.tf" in files
    for kind in ("eks", "storage", "cross-account"):
        assert f"{kind}/rolespec.json" in files and f"{kind}/trust-policy.json" in files
    assert "cross-account/policies/inline/ZillizByocCrossAccountPolicy.json" in files


def test_render_out_writes_the_set_and_force_replaces_only_a_render(tmp_path: Path) -> None:
    out = tmp_path / "roles"
    res = run("render", "--role", "all", *SET, "--out", str(out), "--format", "cloudformation")
    assert res.code == 0, res.err
    doc = json.loads((out / "roleset.json").read_text())
    assert [r["kind"] for r in doc["roles"]] == ["eks", "storage", "cross-account"]
    assert (out / "template.yaml").is_file() and (out / "storage" / "rolespec.json").is_file()
    assert run("render", "--role", "all", *SET, "--out", str(out), "--force").code == 0
    (out / "notes.txt").write_text("mine")
    refused = run("render", "--role", "all", *SET, "--out", str(out), "--force")
    assert refused.code == 5 and "notes.txt" in refused.err


def test_render_default_is_unchanged_by_the_set_options() -> None:
    plain = run("render", "--account-id", ACCOUNT)
    explicit = run("render", "--account-id", ACCOUNT, "--role", "eks", "--bucket", "milvus-data")
    assert plain.code == explicit.code == 0
    assert plain.out == explicit.out and plain.err == explicit.err
    assert json.loads(plain.out)["role_name"] == "zilliz-byoc-eks-role"


def test_render_set_json_and_explain() -> None:
    res = run("render", "--role", "storage,cross-account", *SET)
    assert res.code == 0, res.err
    doc = json.loads(res.out)
    assert doc["format"] == "byoc-iam-roleset/1"
    assert [(r["kind"], r["console_label"]) for r in doc["roles"]] == [
        ("storage", "Storage settings → IAM role ARN"),
        ("cross-account", "Cross-account settings → IAM role ARN"),
    ]
    explained = run("render", "--explain", "--account-id", ACCOUNT)
    assert explained.code == 0 and explained.out.startswith("storage: ")
    assert "cross-account: service-linked roles:" in explained.out


def test_render_refuses_the_whole_set_when_one_role_has_an_error() -> None:
    res = run("render", "--role", "all", *SET, "--trust-size-limit", "300")
    assert res.code == 1 and res.out == ""
    assert "error: zilliz-byoc-eks-role: E4006" in res.err
    assert res.err.strip().splitlines()[-1].startswith("byoc-iam: render: refusing to output the roles")


def test_docs_list_every_difference_the_data_explains() -> None:
    from byoc_iam.blueprint.roleset import explain

    doc = (Path(__file__).resolve().parents[2] / "docs" / "roleset.md").read_text(encoding="utf-8")
    for kind, note in explain(("storage", "cross-account")):
        assert f"- **{kind}**: {note}" in doc


def test_lint_reads_a_rendered_set_and_flags_wildcard_subjects(tmp_path: Path) -> None:
    out = tmp_path / "roles"
    assert run("render", "--role", "all", *SET, "--storage-wildcard-subjects", "--out", str(out), "-q").code == 0
    res = run("lint", "--role", str(out / "roleset.json"), "-o", "json")
    assert res.code == 0, res.err
    findings = json.loads(res.out)
    s3003 = [f for f in findings if f["code"] == "S3003"]
    assert len(s3003) == 3 and all(f["file"].endswith("#zilliz-byoc-storage-role") for f in s3003)
    assert all(f["severity"] == "SECURITY_WARNING" for f in s3003)
    strict = run("lint", "--role", str(out / "roleset.json"), "--strict")
    assert strict.code == 1


def test_the_config_file_names_the_set(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "byoc-iam.toml"
    config.write_text(
        '[role]\naccount_id = "123456789012"\nroles = "all"\nbucket = "milvus-data"\nexternal_id = "ext-123"\n'
    )
    res = run("render", "--config", str(config))
    assert res.code == 0, res.err
    assert [r["kind"] for r in json.loads(res.out)["roles"]] == ["eks", "storage", "cross-account"]
    narrowed = run("render", "--config", str(config), "--role", "eks")  # a flag wins over the file
    assert narrowed.code == 0 and json.loads(narrowed.out)["role_name"] == "zilliz-byoc-eks-role"

    from byoc_iam.cli.roleset import selection

    monkeypatch.setenv("BYOC_IAM_CONFIG", str(config))
    assert selection(None, None, "zilliz-byoc-eks-role") == (("eks", "storage", "cross-account"), "zilliz-byoc")
    assert selection(["storage"], None, "zilliz-byoc-eks-role") == (("storage",), "zilliz-byoc")
    config.write_text("[role]\nroles = 3\n")
    bad = run("render", "--config", str(config), "--account-id", ACCOUNT)
    assert bad.code == 2 and bad.err.startswith("byoc-iam: byoc-iam.toml: role.roles: must be a list of strings")


def test_a_cross_account_policy_over_the_managed_quota_is_refused_with_the_way_out() -> None:
    """The cross-account policy (6,385 characters for these names) cannot be a customer-managed policy (6,144):
    render refuses and says an inline policy may be larger; inline (the default) renders."""
    res = run("render", "--role", "cross-account", *SET, "--policy-placement", "managed")
    assert res.code == 1 and res.out == ""
    assert "E4006" in res.err and "the quota is 6,144" in res.err and "inline policies may total 10,240" in res.err
    assert run("render", "--role", "cross-account", *SET).code == 0
