"""A new user's first ten minutes, on a clean clone: the README's Quickstart and its flow commands, end to end,
against the sandbox (the clone's code, run with the already-installed venv so the walk stays fast), and the
README's way of getting ``byoc-iam`` on PATH (``make install``)."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
AWS_COMMANDS = {"plan", "apply", "link-cluster", "destroy"}


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    dest = tmp_path_factory.mktemp("walk") / "byoc-iam"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(dest)], check=True, timeout=120)
    return dest


@pytest.fixture(scope="module")
def env(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    home = tmp_path_factory.mktemp("home")
    values = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "BYOC_IAM_"))}
    values.update(
        HOME=str(home), PYTHONPATH=str(clone / "src"), BYOC_IAM_SANDBOX_STATE=str(home / "sandbox.json"),
        AWS_CONFIG_FILE=str(home / "none"), AWS_SHARED_CREDENTIALS_FILE=str(home / "none"),
    )  # fmt: skip
    yield values
    subprocess.run([sys.executable, "-m", "byoc_iam", "sandbox", "stop"], env=values, cwd=clone, check=False)


def _byoc(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    proc = subprocess.run(
        [sys.executable, "-m", "byoc_iam", *args], env=env, cwd=cwd, capture_output=True, text=True,
        stdin=subprocess.DEVNULL, check=False, timeout=300,
    )  # fmt: skip
    assert "Traceback" not in proc.stderr, proc.stderr
    return proc


def _section_block(text: str, heading: str) -> str:
    start = text.index(heading)
    return re.search(r"^```bash\n(.*?)^```", text[start:], flags=re.S | re.M).group(1)  # type: ignore[union-attr]


def test_quickstart_targets_exist_and_demo_passes(clone: Path, env: dict[str, str]) -> None:
    readme = (clone / "README.md").read_text()
    quick = _section_block(readme, "## Quickstart")
    for line in quick.strip().splitlines():
        target = line.split("#")[0].split()[1]
        dry = subprocess.run(["make", "-n", target], cwd=clone, capture_output=True, text=True, check=False)
        assert dry.returncode == 0, dry.stderr
    assert "byoc-iam demo" in subprocess.run(["make", "-n", "demo"], cwd=clone, capture_output=True, text=True).stdout
    demo = _byoc(["demo"], env, clone)  # what `make demo` runs once .venv exists
    assert demo.returncode == 0, demo.stderr
    assert "Demo complete: every step passed" in demo.stdout


def test_make_install_puts_byoc_iam_on_path(clone: Path, env: dict[str, str]) -> None:
    """`make install` with the clone's venv already set up (.venv → this venv; the stamp counts as done)."""
    (clone / ".venv").symlink_to(Path(sys.executable).parents[1])
    proc = subprocess.run(
        ["make", "-o", ".venv/.installed", "install"], cwd=clone, env=env, capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    link = Path(env["HOME"]) / ".local" / "bin" / "byoc-iam"
    assert link.is_symlink()
    path_env = dict(env, PATH=f"{link.parent}{os.pathsep}{env['PATH']}")
    version = subprocess.run(["byoc-iam", "--version"], env=path_env, capture_output=True, text=True, check=False)
    assert version.returncode == 0 and version.stdout.startswith("byoc-iam ")


def test_the_flow_on_real_aws_walked_on_the_sandbox(clone: Path, env: dict[str, str]) -> None:
    """The README's "How it works" commands in order, with --sandbox (and --yes) added to the AWS ones, and
    step 4 (Zilliz Cloud creates the cluster) played by `sandbox create-cluster`."""
    readme = (clone / "README.md").read_text()
    flow = _section_block(readme, "## How it works")
    started = _byoc(["sandbox", "start"], env, clone)
    assert started.returncode == 0, started.stderr
    walked: list[str] = []
    for line in flow.strip().splitlines():
        words = shlex.split(line, comments=True)
        if line.startswith("# 4."):
            cluster = re.search(r"--cluster (\S+)", flow).group(1)  # type: ignore[union-attr]
            words = ["byoc-iam", "sandbox", "create-cluster", cluster]
        if not words:
            continue
        assert words[0] == "byoc-iam", line
        args = words[1:]
        if args[0] in AWS_COMMANDS or "--live" in args:
            args.append("--sandbox")
        if args[0] in ("apply", "link-cluster"):
            args.append("--yes")
        proc = _byoc(args, env, clone)
        assert proc.returncode == 0, f"byoc-iam {' '.join(args)}: {proc.stderr}"
        walked.append(args[0])
    assert walked == ["render", "lint", "verify", "plan", "apply", "sandbox", "link-cluster", "verify"]
    live = _byoc(["verify", "--live", "--role-name", "zilliz-byoc-eks-role", "--sandbox", "-o", "json"], env, clone)
    assert '"source": "live"' in live.stdout and '"placeholder-trust-not-linked"' not in live.stdout
    gone = _byoc(["destroy", "--sandbox", "--yes"], env, clone)
    assert gone.returncode == 0 and "Destroyed zilliz-byoc-eks-role" in gone.stdout, gone.stderr
