"""verify --role FILE's cold start (issue 18): what it loads, and that each shortcut it takes gives what the long
way gives (the figures are measured by ``bench/coldstart.py``, not here)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from verify_helpers import rendered

from byoc_iam.blueprint import blueprint, controller, controller_policy
from byoc_iam.engine import PolicySet, Request, compile_policies
from byoc_iam.engine.actions import ActionMatcher
from byoc_iam.model.arn import supported_partitions
from byoc_iam.verify import beyond, roleset
from byoc_iam.verify.file_kind import file_kind


@pytest.mark.parametrize("partition", supported_partitions())
def test_the_raw_blueprint_gives_the_blueprint_models_statements(partition: str) -> None:
    expected = {
        s.semantic_key()
        for name in blueprint().controllers
        if partition in controller(name).partitions
        for s in controller_policy(name, partition).statements
    }
    assert expected and beyond._blueprint_statements(partition) == frozenset(expected)
    assert tuple(beyond._blueprint_file()["aws_managed_policies"]) == blueprint().aws_managed_policies


def test_the_kind_check_is_still_the_role_sets() -> None:
    assert roleset.file_kind is file_kind
    assert file_kind(rendered()) == "eks"


_POLICY = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:Get*", "s3:PutObject", "ec2:*"], "Resource": "*"},
        {"Effect": "Deny", "NotAction": ["s3:Get?bject", "iam:*"], "Resource": "arn:aws:s3:::b/*"},
        {
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::b/*",
            "Condition": {"StringEquals": {"aws:PrincipalTag/team": "a"}},
        },
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
    ],
}


@pytest.mark.parametrize(
    ("action", "resource"),
    [
        ("s3:GetObject", "arn:aws:s3:::b/k"),
        ("s3:PutObject", "arn:aws:s3:::b/k"),
        ("s3:DeleteObject", "arn:aws:s3:::b/k"),
        ("ec2:RunInstances", "*"),
        ("iam:PassRole", "*"),
        ("sts:AssumeRole", "*"),
    ],
)
def test_an_explanation_of_the_matching_statements_is_the_full_ones_restricted(action: str, resource: str) -> None:
    cp = compile_policies(PolicySet(identity=[_POLICY]))
    request = Request("arn:aws:iam::111122223333:role/r", action, resource, context={"aws:PrincipalTag/team": "b"})
    d = cp.evaluate(request)
    full, short = d.explain(), d.explain(matched_only=True)
    assert short.statements == tuple(s for s in full.statements if s.action_matched)
    assert (short.decision, short.blocked_by, short.deciding, short.summary, short.results) == (
        full.decision,
        full.blocked_by,
        full.deciding,
        full.summary,
        full.results,
    )


def test_the_matching_values_of_an_action_element() -> None:
    m = ActionMatcher(("s3:Get*", "S3:GETOBJECT", "*", "ec2:Run?nstances", "bad", "s3:Put*"))
    assert m.matching_values("s3:getobject") == ("s3:Get*", "S3:GETOBJECT", "*")
    assert m.matching_values("ec2:runinstances") == ("*", "ec2:Run?nstances")
    assert m.matching_values("s3:getobject") == ("s3:Get*", "S3:GETOBJECT", "*")  # the second time, compiled


def test_verify_role_file_loads_only_the_eks_roles_verify(tmp_path: Path) -> None:
    role = tmp_path / "role.json"
    role.write_text(rendered().to_json())
    code = (
        "import json, sys\n"
        "from byoc_iam.cli import main\n"
        "try:\n"
        f"    main(['verify', '--role', {str(role)!r}, '-o', 'json'])\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.startswith('byoc_iam.'))))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    loaded = set(json.loads(proc.stdout.strip().splitlines()[-1]))
    assert "byoc_iam.verify.checks" in loaded  # it did verify
    unwanted = {
        "byoc_iam.verify.roleset",  # the storage and cross-account roles' verify
        "byoc_iam.verify.set_guard",
        "byoc_iam.verify.layout",  # the split layout's
        "byoc_iam.verify.split",
        "byoc_iam.blueprint.data",  # the blueprint's pydantic models (the files are read raw)
        "byoc_iam.blueprint.render",
        "byoc_iam.report.verify_sarif",
        "byoc_iam.report.verify_html",
        "byoc_iam.aws.read",
    }
    assert not unwanted & loaded
