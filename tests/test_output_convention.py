"""``-o/--output`` means one thing on every command (issue 17): how the result is shown on stdout, ``text``
(default), ``json`` or ``table`` (``lint`` and ``verify`` add ``sarif``). The app is walked, so a command added
later without it fails here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cli_helpers import leaf_commands, run_cli

ACCOUNT = "123456789012"
POLICY = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
TABLE_MARK = "━"  # rich's heavy header rule: present in a table, never in our text or JSON output


LEAVES = leaf_commands()

# The fewest arguments each command needs to reach its own checks (positional arguments, required options).
MINIMAL: dict[str, list[str]] = {
    "render": ["--account-id", ACCOUNT],
    "lint": ["{policy}"],
    "simulate": ["-p", "{policy}", "-a", "s3:GetObject", "-r", "arn:aws:s3:::b/k"],
    "compare": ["{policy}", "{policy}"],
    "plan": ["--account-id", ACCOUNT],
    "apply": ["--account-id", ACCOUNT],
    "link-cluster": ["--cluster", "c"],
    "operator-policy": ["--account-id", ACCOUNT],
    "verify": ["--account-id", ACCOUNT],
    "wiring": ["--account-id", ACCOUNT],
    "controllers diff": ["aws-load-balancer-controller"],
    "catalog show": ["AmazonEKS_CNI_Policy"],
    "catalog diff": ["AmazonEKS_CNI_Policy"],
    "sandbox create-cluster": ["c"],
}


def _argv(words: str, policy: Path, *extra: str) -> list[str]:
    return [*words.split(), *(a.format(policy=policy) for a in MINIMAL.get(words, [])), *extra]


@pytest.fixture
def policy(tmp_path: Path) -> Path:
    path = tmp_path / "policy.json"
    path.write_text(json.dumps(POLICY))
    return path


def test_the_walk_finds_every_command() -> None:
    assert {"render", "lint", "plan", "apply", "link-cluster", "destroy", "demo", "sandbox status"} <= set(LEAVES)
    assert set(MINIMAL) <= set(LEAVES)


@pytest.mark.parametrize("words", sorted(LEAVES))
def test_o_and_output_are_one_option_on_every_command(words: str) -> None:
    options = [p for p in LEAVES[words].params if {"-o", "--output"} & set(p.opts)]
    assert len(options) == 1, f"{words}: no -o/--output"
    assert sorted(options[0].opts) == ["--output", "-o"], f"{words}: {options[0].opts}"
    others = [p.opts for p in LEAVES[words].params if p is not options[0] and "-o" in p.opts]
    assert not others


@pytest.mark.parametrize("words", sorted(LEAVES))
def test_every_command_names_text_json_table_when_output_is_wrong(
    words: str, policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Checked before anything else happens (no AWS call, no sandbox started, nothing written)."""
    code, out, err = run_cli(_argv(words, policy, "-o", "xml"), capsys)
    assert code == 2 and out == "", err
    assert err.count("\n") == 1 and err.startswith("byoc-iam: ") and "--output" in err
    assert all(name in err for name in ("text", "json", "table")), err


OFFLINE = [
    "render",
    "lint",
    "simulate",
    "compare",
    "operator-policy",
    "verify",
    "wiring",
    "catalog list",
    "catalog show",
    "catalog history",
    "sandbox status",
]


TEXT_IS_TABLES = {"verify"}  # its text report is made of tables (components by calls, trust checks)
DOCUMENTS = {"operator-policy"}  # its text is the policy document itself, as aws iam create-policy reads it


@pytest.mark.parametrize("words", OFFLINE)
def test_offline_commands_print_json_text_and_table(
    words: str, policy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shown = {}
    for output in ("json", "text", "table"):
        code, out, err = run_cli(_argv(words, policy, "-o", output), capsys)
        assert code in (0, 3), f"{words} -o {output}: {err}"  # verify of a placeholder role may say not-linked
        shown[output] = out
    json.loads(shown["json"])
    assert TABLE_MARK in shown["table"] and shown["text"].strip()
    assert (TABLE_MARK in shown["text"]) == (words in TEXT_IS_TABLES)
    if words in DOCUMENTS:
        assert shown["text"] == shown["json"]
    else:
        with pytest.raises(ValueError):
            json.loads(shown["text"])


def test_controllers_diff_table_lists_the_new_actions(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "250")  # a piped table's width (cli.main sets it when stdout is not a terminal)
    args = ["controllers", "diff", "aws-load-balancer-controller", "--from", "v2.10.0", "--to", "v2.13.0"]
    code, out, _ = run_cli([*args, "-o", "table"], capsys)
    assert code == 1 and TABLE_MARK in out and "elasticloadbalancing:SetRulePriorities" in out.replace("\n", " ")
    code, out, _ = run_cli([*args, "-o", "json"], capsys)
    assert code == 1 and json.loads(out)["relation"] == "wider"


def test_render_output_shows_the_role_and_out_still_writes_the_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(["render", "--account-id", ACCOUNT, "-o", "text", "-q"], capsys)
    assert code == 0 and out.startswith(f"zilliz-byoc-eks-role (eks): arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-role")
    assert "inline policy: AWSLoadBalancerController" in out and "eks_oidc_url" in out
    folder = tmp_path / "role"
    code, out, err = run_cli(
        ["render", "--account-id", ACCOUNT, "-f", "terraform", "--out", str(folder), "-o", "json"], capsys
    )
    assert code == 0, err
    assert json.loads(out)["role_name"] == "zilliz-byoc-eks-role" and (folder / "main.tf").is_file()


def test_render_output_with_an_export_on_stdout_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["render", "--account-id", ACCOUNT, "-f", "terraform", "-o", "table"], capsys)
    assert code == 2 and out == "" and "--out DIR" in err and err.count("\n") == 1


def test_render_set_text_names_the_external_id_condition(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["render", "--role", "all", "--account-id", ACCOUNT, "--region", "us-west-2", "--bucket", "bkt-1",
            "--external-id", "EXT-1", "-o", "text", "-q"]  # fmt: skip
    code, out, err = run_cli(argv, capsys)
    assert code == 0, err
    assert "arn:aws:iam::965570967084:role/zilliz-byoc" in out and "if sts:ExternalId = EXT-1" in out
    assert out.count("(storage): ") == 1 and out.count("(cross-account): ") == 1


@pytest.mark.parametrize("command", [["simulate", "--batch", "-"], ["compare", "--batch", "-"]])
def test_batch_modes_refuse_table_and_text(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([*command, "-o", "table"], capsys)
    assert code == 2 and out == "" and "JSON lines" in err
