"""Run checkov on the Terraform and CloudFormation exports: ``.venv/bin/python bench/checkov_exports.py``.

checkov (Apache-2.0, from PyPI) is installed into ``bench/.cache/checkov`` (a venv of its own, git-ignored) on
first run; ``CHECKOV`` overrides its path. Exits 1 when a check fails that is not explained below (the README's
"Exports that fit the rest of the flow" gives the same explanation), 0 otherwise.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

# Failing checks that are the upstream controller policies as pinned: they create and tag resources whose ARNs
# do not exist yet, so writes are scoped by aws:RequestTag/aws:ResourceTag conditions, not by Resource.
EXPLAINED = {
    ("CKV_AWS_290", "aws_iam_role_policy.aws_load_balancer_controller"),
    ("CKV_AWS_355", "aws_iam_role_policy.aws_load_balancer_controller"),
    ("CKV_AWS_290", "aws_iam_role_policy.cluster_autoscaler"),
    ("CKV_AWS_355", "aws_iam_role_policy.cluster_autoscaler"),
    ("CKV_AWS_111", "AWS::IAM::Role.ByocEksRole"),  # the same statements, inline in the role
}


def checkov() -> Path | None:
    if os.environ.get("CHECKOV"):
        return Path(os.environ["CHECKOV"])
    venv = Path(__file__).resolve().parent / ".cache" / "checkov"
    exe = venv / "bin" / "checkov"
    if not exe.exists():
        try:
            subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
            subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "checkov"], check=True, timeout=900)
        except (subprocess.SubprocessError, OSError):
            return None
    return exe


def main() -> int:
    exe = checkov()
    if exe is None:
        print("checkov could not be installed into bench/.cache")
        return 0
    byoc = [sys.executable, "-m", "byoc_iam", "render", "--account-id", "123456789012", "-q", "--format"]
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "main.tf").write_text(subprocess.run([*byoc, "terraform"], capture_output=True, text=True).stdout)
        (Path(tmp) / "template.yaml").write_text(
            subprocess.run([*byoc, "cloudformation"], capture_output=True, text=True).stdout
        )
        env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
        proc = subprocess.run([str(exe), "-d", tmp, "-o", "json"], capture_output=True, text=True, env=env)
    reports = json.loads(proc.stdout)
    failed, passed = set(), 0
    for report in reports if isinstance(reports, list) else [reports]:
        passed += len(report["results"]["passed_checks"])
        failed |= {(c["check_id"], c["resource"]) for c in report["results"]["failed_checks"]}
    print(f"checkov: {passed} passed, {len(failed)} failed ({len(failed & EXPLAINED)} explained)")
    for check, resource in sorted(failed - EXPLAINED):
        print(f"  unexplained: {check} {resource}")
    return 1 if failed - EXPLAINED else 0


if __name__ == "__main__":
    sys.exit(main())
