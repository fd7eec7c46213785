"""Every Terraform export byoc-iam prints — one role (inline or managed controller policies, placeholder or
resolved trust), the role set (``--role all``) and the split layout — is read back by python-hcl2, laid out as
``terraform fmt`` lays it out (our :func:`fmt_align` rules; and ``terraform fmt -check`` itself where the binary
is installed), carries the ownership tag on every role and customer-managed policy, and keeps ``link-cluster``'s
trust (``ignore_changes``) in placeholder mode."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from byoc_iam.export.terraform import fmt_align

ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SET = ["--role", "all", "--region", "us-west-2", "--bucket", "my-milvus-bucket", "--external-id", "EXT-ID-1"]
RESOLVED = ["--region", "us-west-2", "--oidc-issuer", ISSUER]

EXPORTS: dict[str, list[str]] = {
    "role": [],
    "role-managed": ["--policy-placement", "managed"],
    "role-resolved-managed": [*RESOLVED, "--policy-placement", "managed", "--tag", "a b=c = d"],
    "set": SET,
    "set-resolved": [*SET, "--oidc-issuer", ISSUER],
    "split": ["--layout", "split"],
    "split-resolved": ["--layout", "split", *RESOLVED],
    "split-pod-identity": ["--layout", "split", "--identity", "pod-identity", "--region", "us-west-2"],
}
PLACEHOLDER = {"role", "role-managed", "set", "split"}


def _resources(parsed: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (kind.strip('"'), name.strip('"'), body)
        for block in parsed.get("resource", [])
        for kind, named in block.items()
        for name, body in named.items()
    ]


@pytest.fixture(scope="module", params=sorted(EXPORTS))
def export(request: pytest.FixtureRequest) -> tuple[str, str]:
    """(name, the export's text), rendered once per module through the CLI."""
    import contextlib
    import io

    from byoc_iam.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), contextlib.suppress(SystemExit):
        main(["render", "--account-id", ACCOUNT, "--format", "terraform", "-q", *EXPORTS[request.param]])
    assert out.getvalue().startswith("#"), err.getvalue()
    return request.param, out.getvalue()


def test_round_trips_through_python_hcl2_with_the_ownership_tag(export: tuple[str, str]) -> None:
    import hcl2

    name, text = export
    parsed = hcl2.loads(text)
    resources = _resources(parsed)
    taggable = [(kind, rname, body) for kind, rname, body in resources if kind in ("aws_iam_role", "aws_iam_policy")]
    assert taggable, name
    for kind, rname, body in taggable:
        assert body.get("tags") == "${local.tags}", f"{name}: {kind}.{rname} has no ownership tag"
    assert '"byoc-iam:managed-by" = "byoc-iam"' in text
    variables = {k.strip('"') for block in parsed["variable"] for k in block}
    assert {"account_id", "tags"} <= variables
    code = [line for line in text.splitlines() if not line.startswith("#")]
    assert [line.strip() for line in code if ACCOUNT in line] == [f'default     = "{ACCOUNT}"'], name  # var only
    roles = [body for kind, _, body in resources if kind == "aws_iam_role"]
    if name in PLACEHOLDER:
        web_identity = [b for b in roles if "eks_oidc_url" in str(b["assume_role_policy"])]
        assert web_identity and all("assume_role_policy" in str(b.get("lifecycle")) for b in web_identity)
    else:
        assert "eks_oidc_url" not in text


def test_laid_out_as_terraform_fmt_rules_say(export: tuple[str, str]) -> None:
    """fmt_align is idempotent on the export (it is already aligned), no tabs, no trailing spaces, two-space
    indents, one newline at the end."""
    name, text = export
    assert fmt_align(text) == text, name
    assert "\t" not in text and text.endswith("}\n") and not text.endswith("\n\n")
    assert all(line == line.rstrip() for line in text.splitlines()), name
    assert all((len(line) - len(line.lstrip(" "))) % 2 == 0 for line in text.splitlines()), name


FMT_IN = 'x {\n  a = 1\n  long_name = 2\n\n  c = 3\n  dd = 4\n  m = {\n    "k" = 1\n    kk = 2\n  }\n  b = 3\n}\n'
FMT_OUT = (  # what terraform fmt 1.11 prints for FMT_IN (see the next test)
    'x {\n  a         = 1\n  long_name = 2\n\n  c  = 3\n  dd = 4\n  m = {\n    "k" = 1\n    kk  = 2\n  }\n  b = 3\n}\n'
)


def test_fmt_align_aligns_runs_and_breaks_them_as_terraform_fmt_does() -> None:
    """A blank line, a nested block and a multi-line value end a run; quoted keys count their quotes."""
    assert fmt_align(FMT_IN) == FMT_OUT


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on this machine")
def test_the_fmt_rules_are_terraform_fmts() -> None:
    proc = subprocess.run(
        ["terraform", "fmt", "-"], input=FMT_IN, capture_output=True, text=True, check=False,
        env={**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0 and proc.stdout == FMT_OUT, proc.stderr


@pytest.mark.skipif(shutil.which("terraform") is None, reason="no terraform binary on this machine")
def test_terraform_fmt_check_is_clean(export: tuple[str, str], tmp_path: Path) -> None:
    name, text = export
    (tmp_path / "main.tf").write_text(text)
    proc = subprocess.run(
        ["terraform", "fmt", "-check", "-diff", str(tmp_path)], capture_output=True, text=True, check=False,
        env={**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null"}, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, f"{name}:\n{proc.stdout}{proc.stderr}"
