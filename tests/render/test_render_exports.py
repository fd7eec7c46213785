"""The three exports are valid (python-hcl2, cfn-lint, bash -n) and describe the very same role."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.export import bundle, export, to_aws_cli, to_cloudformation, to_terraform
from byoc_iam.export.terraform import hcl_string
from byoc_iam.model import RoleSpec
from export_helpers import deployed, jsonencoded, unquote

ACCT = "123456789012"
HEADER = ["Rendered by a test", "", "pinned: v2.13.0"]
TRICKY_DESCRIPTION = 'it\'s "quoted", $HOME, `cmd`, ${var} and %{tpl} \\ back\tslash'


def _specs() -> dict[str, RoleSpec]:
    inline = render_role(BlueprintInputs(account_id=ACCT))
    managed = render_role(
        BlueprintInputs(
            account_id=ACCT,
            partition="aws-cn",
            oidc_issuer="https://oidc.eks.cn-north-1.amazonaws.com.cn/id/0123456789ABCDEF0123456789ABCDEF",
            policy_placement="managed",
            role_name="byoc+role=1,x.y@z_-",
            path="/byoc/team-a/",
            tags={"team": "data eng", "cost-center": "42", "note": "a=b:c/d"},
            permissions_boundary="arn:aws-cn:iam::123456789012:policy/boundary",
            max_session_duration=7200,
            compact_trust=True,
            service_accounts=("milvus:milvus-operator",),
        )
    )
    tricky = RoleSpec.model_validate(
        inline.model_dump() | {"description": TRICKY_DESCRIPTION, "tags": {"k": "v = x @y", "a b": ""}}
    )
    return {"inline": inline, "managed": managed, "tricky": tricky}


SPECS = _specs()


# -- Terraform -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SPECS))
def test_terraform_parses_and_matches_the_spec(name: str) -> None:
    import hcl2

    spec = SPECS[name]
    text = to_terraform(spec, HEADER)
    assert text.startswith("# Rendered by a test\n#\n# pinned: v2.13.0\n")
    variables = {k.strip('"'): v for block in hcl2.loads(text)["variable"] for k, v in block.items()}
    # the module's variables, at their defaults (the rendered values), give back the spec
    assert unquote(variables["role_name"]["default"]) == spec.role_name
    account = unquote(variables["account_id"]["default"])
    text = text.replace("${var.account_id}", account)
    if "oidc_issuer" in variables:
        issuer = unquote(variables["oidc_issuer"]["default"]).removeprefix("https://")
        text = text.replace("${local.oidc_provider}", issuer)
    assert "${var." not in text.replace("$${", "") and "${local.oidc" not in text
    parsed = hcl2.loads(text)
    resources: dict[str, dict[str, Any]] = {}
    for block in parsed["resource"]:
        for kind, named in block.items():
            for rid, body in named.items():
                resources[f"{kind.strip(chr(34))}.{rid.strip(chr(34))}"] = body
    role = resources.pop("aws_iam_role.byoc_eks")
    assert role["name"] == "${var.role_name}" and role["tags"] == "${local.tags}"
    assert unquote(role["path"]) == spec.path
    assert unquote(role.get("description", '""')) == spec.description
    assert role["max_session_duration"] == spec.max_session_duration
    assert jsonencoded(role["assume_role_policy"]) == spec.trust_policy
    tag_defaults = variables["tags"]["default"]
    assert {unquote(k): unquote(v) for k, v in (tag_defaults or {}).items()} == spec.tags
    if spec.permissions_boundary:
        assert unquote(role["permissions_boundary"]) == spec.permissions_boundary
    inline = {
        unquote(b["name"]): jsonencoded(b["policy"])
        for k, b in resources.items()
        if k.startswith("aws_iam_role_policy.")
    }
    assert inline == spec.inline_policies
    managed = {k.split(".")[1]: b for k, b in resources.items() if k.startswith("aws_iam_policy.")}
    assert {unquote(b["name"]): jsonencoded(b["policy"]) for b in managed.values()} == spec.customer_managed_policies
    attached = [b["policy_arn"] for k, b in resources.items() if k.startswith("aws_iam_role_policy_attachment.")]
    assert all(
        b["role"] == "${aws_iam_role.byoc_eks.name}"
        for k, b in resources.items()
        if k.startswith("aws_iam_role_policy_attachment.")
    )
    assert [unquote(a) for a in attached if a.startswith('"')] == spec.managed_policy_arns
    assert sorted(a for a in attached if not a.startswith('"')) == sorted(
        f"${{aws_iam_policy.{r}.arn}}" for r in managed
    )
    assert parsed["output"][0]['"role_arn"']["value"] == "${aws_iam_role.byoc_eks.arn}"


def test_hcl_strings_escape_terraform_templates() -> None:
    assert hcl_string("${aws:username} %{x}") == '"$${aws:username} %%{x}"'
    assert hcl_string('a"b\\c\n') == '"a\\"b\\\\c\\n"'


# -- CloudFormation ------------------------------------------------------------------------------------------


def _cfn_lint(text: str) -> list[str]:
    from cfnlint.api import ManualArgs, lint

    return [f"{m.rule.id} {m.message}" for m in lint(text, config=ManualArgs(regions=["us-east-1"]))]


@pytest.mark.parametrize("name", sorted(SPECS))
def test_cloudformation_passes_cfn_lint_and_matches_the_spec(name: str) -> None:
    import yaml

    spec = SPECS[name]
    text = to_cloudformation(spec, HEADER)
    assert _cfn_lint(text) == []
    template = yaml.safe_load(text)
    partition = "aws-cn" if "arn:aws-cn:" in json.dumps(spec.trust_policy) else "aws"
    params = {"AWS::AccountId": ACCT, "AWS::Partition": partition}
    params.update({k: v["Default"] for k, v in template["Parameters"].items()})
    assert params["RoleName"] == spec.role_name
    resources = deployed(template["Resources"], params)
    role = resources.pop("ByocEksRole")
    assert role["Type"] == "AWS::IAM::Role"
    props = role["Properties"]
    assert props["RoleName"] == spec.role_name and props["Path"] == spec.path
    assert props.get("Description", "") == spec.description
    assert props["MaxSessionDuration"] == spec.max_session_duration
    assert props.get("PermissionsBoundary") == spec.permissions_boundary
    assert props["AssumeRolePolicyDocument"] == spec.trust_policy
    assert {p["PolicyName"]: p["PolicyDocument"] for p in props.get("Policies", [])} == spec.inline_policies
    assert {t["Key"]: t["Value"] for t in props.get("Tags", [])} == {**spec.tags, "byoc-iam:managed-by": "byoc-iam"}
    arns = props["ManagedPolicyArns"]
    assert [a for a in arns if isinstance(a, str)] == spec.managed_policy_arns
    refs = [a["Ref"] for a in arns if isinstance(a, dict)]
    assert sorted(refs) == sorted(resources)
    assert all(r["Type"] == "AWS::IAM::ManagedPolicy" for r in resources.values())
    got = {r["Properties"]["ManagedPolicyName"]: r["Properties"]["PolicyDocument"] for r in resources.values()}
    assert got == spec.customer_managed_policies


def test_cfn_lint_catches_a_broken_template() -> None:
    """The lint check can fail: a role without its trust policy is an error."""
    text = to_cloudformation(SPECS["inline"]).replace("AssumeRolePolicyDocument:", "AssumeRolePolicyDocumentX:")
    assert any(m.startswith("E") for m in _cfn_lint(text))


# -- aws-cli script ------------------------------------------------------------------------------------------

# Running the script against the sandbox (create, converge, refuse): test_render_awscli_sandbox.py


def test_aws_cli_script_is_strict_and_pagerless() -> None:
    text = to_aws_cli(SPECS["inline"])
    assert text.startswith("#!/usr/bin/env bash\n")
    assert "set -euo pipefail\n" in text and "export AWS_PAGER=''" in text


def test_failed_call_stops_the_script(tmp_path: Path) -> None:
    script = tmp_path / "s.sh"
    script.write_text(to_aws_cli(SPECS["inline"]))
    bindir = tmp_path / "bin"
    bindir.mkdir()
    (bindir / "aws").write_text("#!/bin/sh\necho denied >&2\nexit 254\n")
    (bindir / "aws").chmod(0o755)
    env = {**os.environ, "PATH": f"{bindir}{os.pathsep}{os.environ['PATH']}"}
    proc = subprocess.run(["bash", str(script)], capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 254 and proc.stderr.count("denied") == 1 and "is up to date" not in proc.stderr


# -- bundle ---------------------------------------------------------------------------------------------------


def test_bundle_lists_every_file() -> None:
    files = bundle(SPECS["managed"], "cloudformation", HEADER)
    assert set(files) == {
        "rolespec.json",
        "trust-policy.json",
        "managed-policy-arns.json",
        "template.yaml",
        *(f"policies/customer-managed/{n}.json" for n in SPECS["managed"].customer_managed_policies),
    }
    assert RoleSpec.from_json(files["rolespec.json"]) == SPECS["managed"]
    assert export(SPECS["managed"], "json") == SPECS["managed"].to_json() + "\n"
