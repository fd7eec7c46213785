"""Run checkov on every Terraform and CloudFormation export: ``.venv/bin/python bench/checkov_exports.py``.

The exports: one role (controller policies inline, or customer-managed), resolved trust, the role set
(``--role all``: EKS, storage, cross-account), the split layout with IRSA and with EKS Pod Identity. checkov
(Apache-2.0, from PyPI) is installed into ``bench/.cache/checkov`` (a venv of its own, git-ignored) on first
run; ``CHECKOV`` names another executable. Prints every failing check, each marked explained or not, and exits
1 when one is not explained (the README's "Exports that fit the rest of the flow" gives the same explanation),
0 otherwise; ``pytest -m slow tests/test_checkov_exports.py`` runs the same check.

Explained: CKV_AWS_111, CKV_AWS_290 and CKV_AWS_355 ("write access without constraints", ``*`` as a resource)
on a resource that carries the AWS Load Balancer Controller or the Cluster Autoscaler policy as pinned
upstream. Those controllers create and tag resources whose ARNs do not exist yet, so their writes are scoped by
``aws:RequestTag``/``aws:ResourceTag`` conditions, not by ``Resource``; ``byoc-iam verify`` shows what each
grants. Any other failing check, or these checks on any other resource, is unexplained.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ACCOUNT = "123456789012"
ISSUER = "https://oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
SET = ["--role", "all", "--region", "us-west-2", "--bucket", "my-milvus-bucket", "--external-id", "EXTERNAL-ID-1"]
EXPORTS = {
    "role": [],
    "role-managed": ["--policy-placement", "managed"],
    "role-resolved": ["--region", "us-west-2", "--oidc-issuer", ISSUER],
    "set": SET,
    "split": ["--layout", "split"],
    "split-pod-identity": ["--layout", "split", "--identity", "pod-identity", "--region", "us-west-2"],
}
UPSTREAM_WIDE_CHECKS = {"CKV_AWS_111", "CKV_AWS_290", "CKV_AWS_355"}
UPSTREAM_WIDE_POLICIES = ("LoadBalancerController", "ClusterAutoscaler")  # policy names as byoc-iam renders them


def checkov() -> Path | None:
    """The checkov executable (installed into ``bench/.cache/checkov`` when missing; None if that fails)."""
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


def render_exports(folder: Path) -> None:
    """``folder/<export>/main.tf`` and ``template.yaml`` for every export."""
    byoc = [sys.executable, "-m", "byoc_iam", "render", "--account-id", ACCOUNT, "-q", "--format"]
    for name, extra in EXPORTS.items():
        (folder / name).mkdir()
        for fmt, file in (("terraform", "main.tf"), ("cloudformation", "template.yaml")):
            proc = subprocess.run([*byoc, fmt, *extra], capture_output=True, text=True, check=False)
            if proc.returncode:
                raise SystemExit(f"render {name} {fmt}: {proc.stderr.strip()}")
            (folder / name / file).write_text(proc.stdout)


def _carried_policies(folder: Path, failed: dict[str, Any]) -> list[str]:
    """The names of the policies the failing resource carries (Terraform: the resource name; CloudFormation:
    a role's inline policies, or a managed policy's name)."""
    resource = str(failed["resource"])
    if not resource.startswith("AWS::"):
        return [resource.split(".", 1)[1].replace("_", "").lower()]
    import yaml

    template = yaml.safe_load((folder / str(failed["file_path"]).lstrip("/")).read_text())
    props = template["Resources"][resource.split(".", 1)[1]]["Properties"]
    names = [p["PolicyName"] for p in props.get("Policies", [])] + [props.get("ManagedPolicyName", "")]
    return [n.replace("-", "").lower() for n in names if n]


def explained(folder: Path, failed: dict[str, Any]) -> bool:
    """Whether a failing check is one of the upstream-wide ones on a resource carrying such a policy."""
    if failed["check_id"] not in UPSTREAM_WIDE_CHECKS:
        return False
    wide = [p.lower() for p in UPSTREAM_WIDE_POLICIES]
    return any(w in name for name in _carried_policies(folder, failed) for w in wide)


def run(exe: Path) -> tuple[int, list[tuple[str, str, str, bool]]]:
    """(passed checks, [(export, check id, resource, explained)] of the failed ones)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        render_exports(folder)
        env = {**os.environ, "BC_SKIP_MAPPING": "TRUE"}
        proc = subprocess.run([str(exe), "-d", tmp, "-o", "json", "--quiet"], capture_output=True, text=True, env=env)
        reports = json.loads(proc.stdout)
        passed, failed = 0, []
        for report in reports if isinstance(reports, list) else [reports]:
            passed += int(report["summary"]["passed"])
            for c in report["results"]["failed_checks"]:
                export = str(c["file_path"]).lstrip("/").split("/", 1)[0]
                failed.append((export, c["check_id"], c["resource"], explained(folder, c)))
    return passed, sorted(failed)


def main() -> int:
    exe = checkov()
    if exe is None:
        print("checkov could not be installed into bench/.cache")
        return 0
    passed, failed = run(exe)
    unexplained = [f for f in failed if not f[3]]
    print(f"checkov on {len(EXPORTS)} exports x 2 formats: {passed} passed, {len(failed)} failed "
          f"({len(failed) - len(unexplained)} explained: upstream controller policies as pinned)")  # fmt: skip
    for export, check, resource, ok in failed:
        print(f"  {'explained  ' if ok else 'UNEXPLAINED'} {export}: {check} {resource}")
    return 1 if unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
