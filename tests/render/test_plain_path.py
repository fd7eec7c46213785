"""Render's plain path (issue 18): the pydantic-free mirrors are the models' own declarations.

PlainInputs and PlainRoleSpec have exactly the fields (names, order, types, defaults) of BlueprintInputs and
RoleSpec; input_rules' BEFORE/AFTER/MODEL_CHECKS and role_plain's ROLE_AFTER are exactly the models' validators,
in pydantic's order; ``render`` of the EKS role imports no pydantic; RoleSpec.from_json's plain reading of a
file (``verify --role FILE``) gives what pydantic gives. (tests/render/test_fast_inputs.py: render's results.)
"""

from __future__ import annotations

import json
import subprocess
import sys
import typing
from dataclasses import MISSING, astuple
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from pydantic_core import PydanticUndefined

from byoc_iam.blueprint import input_rules
from byoc_iam.blueprint.fast_inputs import FIELD_TYPES, PlainInputs
from byoc_iam.blueprint.inputs import BlueprintInputs
from byoc_iam.errors import UsageError
from byoc_iam.model import role_from_json, role_plain
from byoc_iam.model.role import RoleSpec
from byoc_iam.model.role_plain import ROLE_FIELDS, PlainRoleSpec


def _bare(annotation: Any) -> Any:
    """The annotation without ``Annotated`` metadata (its validators are compared separately)."""
    if typing.get_origin(annotation) is typing.Annotated:
        return typing.get_args(annotation)[0]
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) in (typing.Union, type(int | None)) and args:
        return typing.Union[tuple(_bare(a) for a in args)]  # noqa: UP007 - rebuilt from its parts
    return annotation


def _model_default(info: Any) -> Any:
    if info.default_factory is not None:
        return info.default_factory()
    return MISSING if info.default is PydanticUndefined else info.default


def test_plain_inputs_mirror_blueprint_inputs() -> None:
    model = BlueprintInputs.model_fields
    assert list(PlainInputs._fields) == list(model) == list(FIELD_TYPES)
    for name, info in model.items():
        assert _bare(FIELD_TYPES[name]) == _bare(info.rebuild_annotation()), name
        default = PlainInputs._field_defaults.get(name, MISSING)
        assert default == _model_default(info), name
        assert type(default) is type(_model_default(info)), name


def test_plain_role_spec_mirrors_role_spec() -> None:
    model = RoleSpec.model_fields
    assert list(PlainRoleSpec._fields) == list(model) == list(ROLE_FIELDS)
    hints = typing.get_type_hints(PlainRoleSpec)
    for name, info in model.items():
        assert _bare(hints[name]) == _bare(info.rebuild_annotation()), name


def _metadata(info: Any) -> list[Any]:
    """A field's Annotated metadata, also when the Annotated type is inside a union (``PolicyArn | None``)."""
    inner = [a for a in typing.get_args(info.annotation) if typing.get_origin(a) is typing.Annotated]
    return [*info.metadata, *(m for a in inner for m in a.__metadata__)]


def _model_rules() -> tuple[dict[str, tuple[Any, ...]], dict[str, tuple[Any, ...]], tuple[Any, ...]]:
    """BlueprintInputs' validators as pydantic runs them: field -> before, field -> after, model checks."""
    decorators = BlueprintInputs.__pydantic_decorators__
    before: dict[str, list[Any]] = {}
    after: dict[str, list[Any]] = {}
    for name, info in BlueprintInputs.model_fields.items():
        for m in _metadata(info):  # the Annotated types' validators run first among the "after" ones
            assert type(m).__name__ == "AfterValidator", (name, m)
            after.setdefault(name, []).append(m.func)
    for dec in decorators.field_validators.values():
        assert dec.info.mode in ("before", "after")
        for name in dec.info.fields:
            if dec.info.mode == "before":
                before.setdefault(name, []).insert(0, dec.func)  # the last-defined before-validator runs first
            else:
                after.setdefault(name, []).append(dec.func)
    assert all(d.info.mode == "after" for d in decorators.model_validators.values())
    checks = tuple(d.func for d in decorators.model_validators.values())
    return {k: tuple(v) for k, v in before.items()}, {k: tuple(v) for k, v in after.items()}, checks


def test_the_rule_tables_are_the_models_validators() -> None:
    before, after, checks = _model_rules()
    assert before == input_rules.BEFORE
    assert after == input_rules.AFTER
    assert checks == input_rules.MODEL_CHECKS
    # and RoleSpec's Annotated field types validate with the same functions
    for name in ("role_name", "path", "permissions_boundary", "tags"):
        [validator] = _metadata(RoleSpec.model_fields[name])
        assert validator.func is input_rules.AFTER[name][0]


def test_render_of_the_eks_role_imports_no_pydantic() -> None:
    code = (
        "import io, json, sys\n"
        "from byoc_iam.cli.direct import dispatch\n"
        "run = dispatch(['render', '--account-id', '111122223333', '--region', 'us-east-1', '-q'])\n"
        "out, sys.stdout = sys.stdout, io.StringIO()\n"
        "run()\n"
        "text, sys.stdout = sys.stdout.getvalue(), out\n"
        "print(json.dumps({'pydantic': 'pydantic' in sys.modules, 'spec': json.loads(text)}))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    assert result["pydantic"] is False
    spec = RoleSpec.model_validate(result["spec"])  # a valid RoleSpec, as the pydantic path renders it
    assert spec.role_name == input_rules.DEFAULT_ROLE_NAME
    assert "arn:aws:iam::111122223333:oidc-provider/eks_oidc_url" in json.dumps(spec.trust_policy)


def test_the_role_rule_table_is_role_specs_validators() -> None:
    decorators = RoleSpec.__pydantic_decorators__
    after: dict[str, list[Any]] = {}
    for name, info in RoleSpec.model_fields.items():
        after[name] = [m.func for m in _metadata(info) if type(m).__name__ == "AfterValidator"]
    for dec in decorators.field_validators.values():
        assert dec.info.mode == "after"
        for name in dec.info.fields:
            after[name].append(dec.func)
    assert {k: tuple(v) for k, v in after.items() if v} == role_plain.ROLE_AFTER
    assert [d.func for d in decorators.model_validators.values()] == [role_plain.no_overlap]
    constraints = {
        (name, type(m).__name__): astuple(m)[0]
        for name, info in RoleSpec.model_fields.items()
        for m in info.metadata
        if type(m).__name__ != "AfterValidator"
    }
    assert constraints == {
        ("description", "MaxLen"): role_plain.DESCRIPTION_MAX,
        ("max_session_duration", "Ge"): role_plain.SESSION_RANGE[0],
        ("max_session_duration", "Le"): role_plain.SESSION_RANGE[1],
    }


DOC = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}]}
TRUST = {
    "Version": "2012-10-17",
    "Statement": {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
}
ROLE_SAMPLES: dict[str, list[Any]] = {
    "role_name": ["r", "bad name", 3, "x" * 65],
    "path": ["/", "/a/", "a", None],
    "description": ["", "d\x00", "x" * 1000, "x" * 1001, 5, None],
    "max_session_duration": [3600, 43200, 43201, 100, "3600", 3600.0, True, None],
    "permissions_boundary": [None, "arn:aws:iam::111122223333:policy/b", "x", 5],
    "trust_policy": [TRUST, DOC, {}, "x", {"Statement": []}, {"Version": "2012-10-17", "Statement": [{"Effect": 1}]}],
    "managed_policy_arns": [[], ["arn:aws:iam::aws:policy/A"], ["arn:aws:iam::aws:policy/A"] * 2, ["x"], "x", [1]],
    "inline_policies": [{}, {"p": DOC}, {"bad name": DOC}, {"p": "x"}, {"p": {}}, {"q": TRUST}],
    "customer_managed_policies": [{}, {"p": DOC}, {"c": DOC}, {"c": {"Statement": "x"}}],
    "tags": [{}, {"a": "b"}, {"a": 1}, {"": "x"}, [], {f"k{i}": "v" for i in range(51)}],
    "nope": [1],
}


@st.composite
def role_documents(draw: st.DrawFn) -> dict[str, Any]:
    data: dict[str, Any] = {"role_name": "r", "trust_policy": TRUST}
    for key in draw(st.lists(st.sampled_from(sorted(ROLE_SAMPLES)), unique=True, max_size=6)):
        data[key] = draw(st.sampled_from(ROLE_SAMPLES[key]))
    for key in draw(st.lists(st.sampled_from(["role_name", "trust_policy"]), unique=True, max_size=1)):
        del data[key]
    return data


@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(role_documents())
def test_the_plain_role_reader_agrees_with_pydantic(data: dict[str, Any]) -> None:
    text = json.dumps(data)  # also what from_json reads
    fields = role_plain.plain_role_fields(json.loads(text))
    try:
        slow: RoleSpec | None = RoleSpec.model_validate(json.loads(text))
    except ValidationError:
        slow = None
    if fields is None:
        if slow is None:  # refused: the same words as pydantic's
            with pytest.raises(UsageError) as info:
                RoleSpec.from_json(text, "f.json")
            assert str(info.value).startswith("f.json: ")
        return
    assert slow is not None, data  # never accepts what pydantic refuses
    plain = role_plain.plain_role(json.loads(text))  # verify --role FILE's reading (model.role_from_json)
    assert plain is not None and plain.field_values() == slow.__dict__ and plain.to_json() == slow.to_json()
    assert role_from_json(text, "f.json") == plain
    fast = RoleSpec.from_json(text, "f.json")
    assert fast == slow and fast.__dict__ == slow.__dict__ and fast.model_fields_set == slow.model_fields_set
    assert fast.to_json() == slow.to_json()


def test_role_from_json_refuses_as_pydantic_words_it() -> None:
    """A file that is not plainly valid goes to pydantic: the same one-line UsageError as RoleSpec.from_json."""
    for text in ('{"role_name": "bad name", "trust_policy": {}}', "[]", '{"role_name": "r"}', "{"):
        with pytest.raises(UsageError) as plain_error:
            role_from_json(text, "f.json")
        with pytest.raises(UsageError) as model_error:
            RoleSpec.from_json(text, "f.json")
        assert str(plain_error.value) == str(model_error.value)


def test_role_defaults_are_role_specs() -> None:
    """The plain reading's defaults are the model's (a field a file leaves out)."""
    defaults = role_plain.role_defaults()
    assert set(defaults) == set(ROLE_FIELDS) - {"role_name", "trust_policy"}
    for name, value in defaults.items():
        assert RoleSpec.model_fields[name].get_default(call_default_factory=True) == value, name


def test_verify_of_a_role_file_imports_no_pydantic(tmp_path: Path) -> None:
    """``verify --role FILE`` of the rendered EKS role reads it plainly: pydantic is never imported (issue 18)."""
    from byoc_iam.blueprint.fast_inputs import plain_inputs
    from byoc_iam.blueprint.render import render_plain

    inputs = plain_inputs({"account_id": "111122223333", "region": "us-east-1"})
    assert inputs is not None
    role = tmp_path / "role.json"
    role.write_text(render_plain(inputs).to_json())
    code = (
        "import sys\nfrom byoc_iam.cli import main\n"
        f"try:\n    main(['verify', '--role', {str(role)!r}, '--allow-unlinked'])\nexcept SystemExit as exc:\n"
        "    assert exc.code == 0, exc.code\nprint('pydantic' in sys.modules)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "False", proc.stdout


def test_a_rendered_role_file_is_read_plainly() -> None:
    from byoc_iam.blueprint.fast_inputs import plain_inputs
    from byoc_iam.blueprint.render import render_plain

    inputs = plain_inputs({"account_id": "111122223333", "region": "us-east-1"})
    assert inputs is not None
    text = render_plain(inputs).to_json()
    assert role_plain.plain_role_fields(json.loads(text)) is not None
    assert RoleSpec.from_json(text).to_json() == text
