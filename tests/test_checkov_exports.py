"""checkov's checks on every Terraform and CloudFormation export pass, or are the explained upstream ones
(``bench/checkov_exports.py``: the controller policies as pinned upstream). Slow (checkov takes about a minute
and a half here), so behind the ``slow`` marker: ``.venv/bin/python -m pytest -m slow tests/test_checkov_exports.py``.
checkov is found at ``$CHECKOV``, in ``bench/.cache/checkov`` (``python bench/checkov_exports.py`` installs it
there from PyPI) or on PATH."""

from __future__ import annotations

import importlib.util
import os
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _bench() -> object:
    spec = importlib.util.spec_from_file_location("checkov_exports", ROOT / "bench" / "checkov_exports.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["checkov_exports"] = module
    spec.loader.exec_module(module)
    return module


def _checkov() -> Path | None:
    for candidate in (
        os.environ.get("CHECKOV"),
        str(ROOT / "bench/.cache/checkov/bin/checkov"),
        shutil.which("checkov"),
    ):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def test_the_explanation_names_only_the_upstream_wide_policies(tmp_path: Path) -> None:
    """The rule that decides "explained", on resources as checkov names them (no checkov needed)."""
    bench = _bench()
    explained = bench.explained  # type: ignore[attr-defined]
    tf = {"file_path": "/set/main.tf"}
    assert explained(
        tmp_path, {**tf, "check_id": "CKV_AWS_290", "resource": "aws_iam_role_policy.lbc_aws_load_balancer_controller"}
    )
    assert explained(tmp_path, {**tf, "check_id": "CKV_AWS_355", "resource": "aws_iam_policy.x_cluster_autoscaler"})
    assert not explained(
        tmp_path, {**tf, "check_id": "CKV_AWS_290", "resource": "aws_iam_role_policy.amazon_ebscsi_driver"}
    )
    assert not explained(
        tmp_path, {**tf, "check_id": "CKV_AWS_61", "resource": "aws_iam_role_policy.cluster_autoscaler"}
    )
    (tmp_path / "set").mkdir()
    (tmp_path / "set/template.yaml").write_text(
        "Resources:\n  R:\n    Type: AWS::IAM::Role\n    Properties:\n      Policies:\n"
        "        - PolicyName: AWSLoadBalancerController\n  S:\n    Type: AWS::IAM::Role\n    Properties:\n"
        "      Policies:\n        - PolicyName: ZillizByocStoragePolicy\n"
    )
    cfn = {"file_path": "/set/template.yaml", "check_id": "CKV_AWS_111"}
    assert explained(tmp_path, {**cfn, "resource": "AWS::IAM::Role.R"})
    assert not explained(tmp_path, {**cfn, "resource": "AWS::IAM::Role.S"})


@pytest.mark.slow
def test_checkov_passes_or_explains_every_check() -> None:
    exe = _checkov()
    if exe is None:
        pytest.skip("checkov is not installed: `.venv/bin/python bench/checkov_exports.py` installs it")
    passed, failed = _bench().run(exe)  # type: ignore[attr-defined]
    assert passed > 300
    assert [f for f in failed if not f[3]] == []
    assert {f[0] for f in failed} <= set(_bench().EXPORTS)  # type: ignore[attr-defined]
