"""`byoc-iam render` through the CLI: output, --out folders, and every kind of bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.model import PolicyDocument, RoleSpec

ACCT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
PLACEHOLDER_NOTE = (
    "note: placeholder trust: the service accounts cannot assume the role until the cluster is linked "
    "(byoc-iam link-cluster)\n"
)
Run = Callable[..., Any]


def test_done_when_account_only(cli: Run, seed_trust_text: str) -> None:
    """`byoc-iam render --account-id 123456789012`: the seed's trust, five managed ARNs, three controllers."""
    r = cli("render", "--account-id", ACCT)
    assert r.code == 0, r.err
    spec = RoleSpec.from_json(r.out)
    seed = PolicyDocument.from_json(seed_trust_text.replace("{accountId}", ACCT))
    assert spec.trust().semantically_equal(seed)
    assert len(spec.managed_policy_arns) == 5
    assert len(spec.inline_policies) == 3
    # the pins are on stderr, never mixed into the JSON on stdout
    assert "v2.13.0" in r.err and "v1.59.0" in r.err and "cluster-autoscaler-1.31.0" in r.err
    assert "v2.13.0" not in r.out


def test_console_script_subprocess(tmp_path: Path) -> None:
    """The installed console script, as a user runs it (also proves nothing is printed but the RoleSpec)."""
    exe = Path(sys.executable).with_name("byoc-iam")
    env = {k: v for k, v in os.environ.items() if not k.startswith("BYOC_IAM_")}
    proc = subprocess.run(
        [str(exe), "render", "--account-id", ACCT, "--quiet"], capture_output=True, text=True, env=env, check=False
    )
    assert proc.returncode == 0 and proc.stderr == ""
    assert RoleSpec.from_json(proc.stdout).role_name == "zilliz-byoc-eks-role"


def test_quiet_silences_stderr(cli: Run) -> None:
    r = cli("render", "--account-id", ACCT, "-q")
    assert r.code == 0 and r.err == ""


@pytest.mark.parametrize("fmt", ["terraform", "cloudformation", "aws-cli"])
def test_exports_carry_the_pins_in_a_header(cli: Run, fmt: str) -> None:
    r = cli("render", "--account-id", ACCT, "--format", fmt)
    assert r.code == 0, r.err
    assert "v2.13.0" in r.out and "v1.59.0" in r.out and "cluster-autoscaler-1.31.0" in r.out
    # the only stderr line: the lint's placeholder SUGGESTION, as a note (no ERROR, no warning)
    assert r.err == PLACEHOLDER_NOTE


def test_flags_and_env_reach_the_role(cli: Run) -> None:
    r = cli(
        "render",
        "--tag",
        "team=data",
        "--tag",
        "env=prod",
        "--role-name",
        "my-role",
        "--path",
        "/byoc/",
        "--service-account",
        "milvus:operator",
        "--policy-placement",
        "managed",
        env={"BYOC_IAM_ACCOUNT_ID": ACCT, "BYOC_IAM_ROLE_NAME": "env-role"},
    )
    assert r.code == 0, r.err
    spec = RoleSpec.from_json(r.out)
    assert spec.role_name == "my-role" and spec.path == "/byoc/"
    assert spec.tags == {"team": "data", "env": "prod"}
    assert "my-role-ClusterAutoscaler" in spec.customer_managed_policies
    assert "system:serviceaccount:milvus:operator" in json.dumps(spec.trust_policy)


# -- --out ------------------------------------------------------------------------------------------------


def test_out_writes_the_folder(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "role"
    r = cli("render", "--account-id", ACCT, "--out", str(out), "--format", "aws-cli")
    assert r.code == 0, r.err
    assert r.out == ""
    files = sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file())
    assert files == [
        "create-role.sh",
        "managed-policy-arns.json",
        "policies/inline/AWSLoadBalancerController.json",
        "policies/inline/AmazonEBSCSIDriver.json",
        "policies/inline/ClusterAutoscaler.json",
        "rolespec.json",
        "trust-policy.json",
    ]
    spec = RoleSpec.from_json((out / "rolespec.json").read_text())
    assert json.loads((out / "trust-policy.json").read_text()) == spec.trust_policy
    assert json.loads((out / "managed-policy-arns.json").read_text()) == spec.managed_policy_arns
    for name, doc in spec.inline_policies.items():
        assert json.loads((out / "policies" / "inline" / f"{name}.json").read_text()) == doc
    assert os.access(out / "create-role.sh", os.X_OK)
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary left behind


def test_out_managed_placement(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "role"
    assert (
        cli("render", "--account-id", ACCT, "--out", str(out), "--policy-placement", "managed", "-f", "terraform").code
        == 0
    )
    assert (out / "main.tf").is_file()
    assert len(list((out / "policies" / "customer-managed").iterdir())) == 3
    assert not (out / "policies" / "inline").exists()


def test_out_refuses_non_empty_dir_without_force(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "role"
    assert cli("render", "--account-id", ACCT, "--out", str(out)).code == 0
    before = (out / "rolespec.json").read_text()
    r = cli("render", "--account-id", ACCT, "--out", str(out), "--role-name", "other")
    assert r.code == 5 and r.out == ""
    assert r.err.startswith("byoc-iam: --out:") and r.err.count("\n") == 1
    assert (out / "rolespec.json").read_text() == before
    r = cli("render", "--account-id", ACCT, "--out", str(out), "--role-name", "other", "--force", "-q")
    assert r.code == 0, r.err
    assert RoleSpec.from_json((out / "rolespec.json").read_text()).role_name == "other"
    assert not [p for p in tmp_path.iterdir() if p.name != "role"]


def test_out_force_never_replaces_foreign_files(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    r = cli("render", "--account-id", ACCT, "--out", str(out), "--force")
    assert r.code == 5 and "notes.txt" in r.err
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt"]


def test_out_refuses_the_current_directory(cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for target in (".", str(tmp_path.parent)):
        r = cli("render", "--account-id", ACCT, "--out", target, "--force")
        assert r.code == 2 and "current directory" in r.err
    assert list(tmp_path.iterdir()) == []


def test_out_into_empty_dir_and_onto_a_file(cli: Run, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    assert cli("render", "--account-id", ACCT, "--out", str(empty), "-q").code == 0
    assert (empty / "rolespec.json").is_file()
    afile = tmp_path / "file"
    afile.write_text("x")
    r = cli("render", "--account-id", ACCT, "--out", str(afile))
    assert r.code == 2 and afile.read_text() == "x"


# -- bad input ---------------------------------------------------------------------------------------------

BAD = [
    (["--account-id", "12345"], "--account-id: must be exactly 12 digits"),
    (["--account-id", "1234567890123"], "--account-id: must be exactly 12 digits"),
    (["--account-id", "12345678901a"], "--account-id: must be exactly 12 digits"),
    ([], "--account-id: is required"),
    (["--partition", "aws-iso"], "--partition: must be one of aws, aws-cn, aws-us-gov"),
    (["--region", "useast1"], "--region: must look like us-east-1"),
    (["--region", "cn-north-1", "--partition", "aws-us-gov"], "--region: cn-north-1 is not in partition aws-us-gov"),
    (["--oidc-issuer", "http://oidc.eks.us-east-1.amazonaws.com/id/ABCD"], "--oidc-issuer: must be an https:// URL"),
    (["--oidc-issuer", "https://example.com/id/ABCD"], "--oidc-issuer: must be an EKS issuer"),
    (["--oidc-issuer", "https://oidc.eks.us-east-1.amazonaws.com:8443/id/AB"], "--oidc-issuer: must be https://"),
    (["--oidc-issuer", "oidc.eks.us-east-1.amazonaws.com/id/AB"], "--oidc-issuer: must be an https:// URL"),
    (
        ["--oidc-issuer", "https://oidc.eks.us-east-1.amazonaws.com/id/AB", "--region", "eu-west-1"],
        "--oidc-issuer: is in region us-east-1, but region is eu-west-1",
    ),
    (["--trust-mode", "resolved"], "--trust-mode: resolved needs an OIDC issuer"),
    (["--role-name", "x" * 65], "--role-name: must be 1-64 characters"),
    (["--role-name", "has space"], "--role-name: must be 1-64 characters"),
    (["--role-name", "bad/slash"], "--role-name: must be 1-64 characters"),
    (["--path", "byoc"], "--path: must be '/' or start and end with '/'"),
    (["--path", "/byoc"], "--path: must be '/' or start and end with '/'"),
    (["--tag", "novalue"], "--tag: 'novalue' must be key=value"),
    (["--tag", "aws:owner=me"], "--tag: tag key 'aws:owner' must not start with 'aws:'"),
    (["--tag", "k=" + "v" * 257], "--tag: tag value"),
    (["--tag", "=v"], "--tag: tag key '' must be 1-128 characters"),
    (["--service-account", "kube-system"], "--service-account: 'kube-system': must be namespace:name"),
    (["--service-account", "Kube:x"], "--service-account: 'Kube:x': namespace 'Kube' must be a DNS label"),
    (["--service-account", "ns:Bad_Name"], "--service-account: 'ns:Bad_Name': name 'Bad_Name' must be a DNS"),
    (["--policy-placement", "both"], "--policy-placement: must be one of inline, managed"),
    (["--max-session-duration", "100"], "--max-session-duration: must be 3600-43200 seconds"),
    (["--max-session-duration", "1h"], "--max-session-duration: must be a whole number"),
    (["--permissions-boundary", "not-an-arn"], "--permissions-boundary: must be a policy ARN"),
    (["--format", "pulumi"], "--format: must be one of json, terraform, cloudformation, aws-cli"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[m.split(":")[0] + "|" + " ".join(a)[:40] for a, m in BAD])
def test_bad_input_one_line_exit_2_nothing_written(
    cli: Run, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    out = tmp_path / "out"
    base = [] if message.startswith("--account-id") else ["--account-id", ACCT]
    r = cli("render", *base, *args, "--out", str(out))
    assert r.code == 2, r.err
    assert r.out == ""
    assert r.err.startswith("byoc-iam: " + message), r.err
    assert r.err.count("\n") == 1 and "Traceback" not in r.err
    assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary


def test_bad_input_without_out_prints_nothing_on_stdout(cli: Run) -> None:
    r = cli("render", "--account-id", "12")
    assert (r.code, r.out) == (2, "")


def test_bad_config_value_is_named_in_the_file(cli: Run, tmp_path: Path) -> None:
    cfg = tmp_path / "byoc-iam.toml"
    cfg.write_text('[role]\naccount_id = "123456789012"\nregion = "nowhere"\n')
    r = cli("render", "--config", str(cfg))
    assert r.code == 2 and r.out == ""
    assert r.err == "byoc-iam: byoc-iam.toml: role.region: must look like us-east-1, cn-north-1 or us-gov-west-1\n"


def test_bad_env_value_is_named_by_its_variable(cli: Run) -> None:
    r = cli("render", env={"BYOC_IAM_ACCOUNT_ID": ACCT, "BYOC_IAM_PATH": "x"})
    assert r.code == 2 and r.out == ""
    assert r.err.startswith("byoc-iam: BYOC_IAM_PATH: must be '/'")


# Two extra service accounts push the per-account trust statements past IAM's 2,048-character default quota:
# IAM would reject that role, so the lint inside render refuses it.
OVER_QUOTA = ["--account-id", ACCT, "--oidc-issuer", ISSUER, "--service-account", "a:b", "--service-account", "c:d"]


@pytest.mark.parametrize("fmt", ["json", "terraform", "cloudformation", "aws-cli"])
def test_a_role_with_an_error_finding_is_refused(cli: Run, fmt: str) -> None:
    r = cli("render", *OVER_QUOTA, "--format", fmt)
    assert r.code == 1 and r.out == ""
    lines = r.err.splitlines()
    assert lines[0].startswith("error: E4006 /trust_policy: the trust policy is 2,594 characters; the quota is 2,048")
    assert lines[1] == "byoc-iam: render: refusing to output a role with 1 ERROR finding (above); nothing was written"
    assert len(lines) == 2  # no pins, no notes: nothing but the refusal
    # --quiet never hides the refusal
    assert cli("render", *OVER_QUOTA, "--format", fmt, "-q").err == r.err


def test_a_refused_role_writes_nothing(cli: Run, tmp_path: Path) -> None:
    out = tmp_path / "role"
    r = cli("render", *OVER_QUOTA, "--out", str(out))
    assert r.code == 1 and "E4006" in r.err
    assert not out.exists() and list(tmp_path.iterdir()) == []


def test_the_compact_trust_or_a_raised_quota_renders_it(cli: Run) -> None:
    r = cli("render", *OVER_QUOTA, "--compact-trust")
    assert r.code == 0 and "error" not in r.err
    assert RoleSpec.from_json(r.out).trust().iam_size() < 2048
    r = cli("render", *OVER_QUOTA, "--trust-size-limit", "4096")
    assert r.code == 0 and "error" not in r.err
    assert RoleSpec.from_json(r.out).trust().iam_size() == 2594


@pytest.mark.parametrize(
    "extra",
    [
        [],
        ["--oidc-issuer", ISSUER],
        ["--partition", "aws-cn"],
        ["--region", "us-gov-west-1"],
        ["--policy-placement", "managed"],
        ["--compact-trust", "--service-account", "a:b"],
    ],
)
def test_normal_renders_have_no_error(cli: Run, extra: list[str]) -> None:
    r = cli("render", "--account-id", ACCT, *extra)
    assert r.code == 0, r.err
    assert "error" not in r.err.lower() and "WARNING" not in r.err
    RoleSpec.from_json(r.out)  # stdout stays pure JSON
    assert (PLACEHOLDER_NOTE in r.err) == ("--oidc-issuer" not in extra)


def test_json_output_stays_pure_with_notes(cli: Run) -> None:
    r = cli("render", "--account-id", ACCT, "--format", "json")
    assert r.code == 0 and PLACEHOLDER_NOTE in r.err and "note" not in r.out
    json.loads(r.out)
