"""The one data loader (byoc_iam.data): every packaged data file names its kind and version and passes its model."""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any, ClassVar

import pytest
from pydantic import BaseModel

from byoc_iam import data
from byoc_iam.data import KINDS, DataError, load, names, parse, raw, schema, validate
from byoc_iam.data.models import DataFile
from byoc_iam.errors import ByocError, ExitCode

DATA = Path(data.__file__).resolve().parent
# every module that declares a data-file model (a new kind's model module is added here)
MODEL_MODULES = (
    "byoc_iam.data.models",
    "byoc_iam.blueprint.files",
    "byoc_iam.managed.files",
    "byoc_iam.aws.operator",
    "byoc_iam.verify.requirements_model",
    "byoc_iam.verify.data_models",
    "byoc_iam.lint.index_model",
)


def _subclasses(cls: type) -> set[type]:
    out = set()
    for sub in cls.__subclasses__():
        out |= {sub, *_subclasses(sub)}
    return out


def models() -> dict[str, type[Any]]:
    """kind → the pydantic model declaring it (exactly one per kind)."""
    for module in MODEL_MODULES:
        importlib.import_module(module)
    found: dict[str, list[type[Any]]] = {}
    for cls in _subclasses(BaseModel):
        kind = cls.__dict__.get("KIND")
        if isinstance(kind, str) and cls.__module__.startswith("byoc_iam."):
            found.setdefault(kind, []).append(cls)
    assert all(len(v) == 1 for v in found.values()), found
    return {k: v[0] for k, v in found.items()}


def packaged() -> list[Path]:
    return sorted(p for p in DATA.rglob("*.json"))


def test_every_data_file_names_a_known_kind_of_its_folder() -> None:
    files = packaged()
    assert len(files) >= 20
    for path in files:
        body = json.loads(path.read_text(encoding="utf-8"))
        declared = body.get("$schema")
        assert isinstance(declared, str) and declared.startswith("byoc-iam/"), path
        kind, version = declared.removeprefix("byoc-iam/").rsplit("/", 1)
        assert kind in KINDS, f"{path}: unknown kind {kind}"
        assert KINDS[kind].folder == path.parent.relative_to(DATA).as_posix(), path
        assert int(version) == KINDS[kind].version and declared == schema(kind)
        assert path.stem in names(kind)


def test_every_kind_has_one_model_and_every_file_passes_it() -> None:
    by_kind = models()
    assert set(by_kind) == set(KINDS)
    checked = 0
    for kind, model in by_kind.items():
        for name in names(kind):
            validate(model, raw(kind, name), f"{kind}/{name}")
            checked += 1
    assert checked == len(packaged())


def test_load_validates_once_and_returns_the_model() -> None:
    first = load(by_kind_model("requirements"), "worker-node")
    assert first is load(by_kind_model("requirements"), "worker-node")
    assert first.id == "worker-node"
    assert names("requirements") == tuple(sorted(p.stem for p in (DATA / "requirements").glob("*.json")))


def by_kind_model(kind: str) -> Any:
    return models()[kind]


class Tiny(DataFile):
    KIND: ClassVar[str] = "quotas"
    role_name_length: int


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{not json", r"^x\.json: invalid JSON: .* \(line 1\)$"),
        ("[]", r"^x\.json: expected a JSON object$"),
        ('{"role_name_length": 64}', r"^x\.json: no \$schema, expected \$schema 'byoc-iam/quotas/1'$"),
        ('{"$schema": "byoc-iam/quotas/2", "role_name_length": 64}', r"'byoc-iam/quotas/2', expected"),
        ('{"$schema": "byoc-iam/partitions/1", "role_name_length": 64}', r"'byoc-iam/partitions/1', expected"),
        ('{"$schema": "byoc-iam/quotas/1", "role_name_length": "x"}', r"^x\.json: role_name_length: Input should be"),
        ('{"$schema": "byoc-iam/quotas/1", "role_name_length": 1, "extra": 1}', r"^x\.json: extra: Extra inputs"),
    ],
)
def test_a_broken_file_is_one_byoc_error_line(text: str, message: str) -> None:
    with pytest.raises(DataError, match=message) as err:
        parse(Tiny, text, "x.json")
    assert isinstance(err.value, ByocError) and err.value.exit_code == ExitCode.USAGE
    assert "\n" not in err.value.message


def test_parse_drops_only_the_metadata_keys() -> None:
    parsed = parse(Tiny, '{"$schema": "byoc-iam/quotas/1", "$comment": "why", "role_name_length": 64}', "x.json")
    assert parsed.role_name_length == 64


def test_missing_files_and_unknown_kinds_are_data_errors() -> None:
    with pytest.raises(DataError, match=r"^data/controllers/nope\.json: no such data file$"):
        raw("controller", "nope")
    with pytest.raises(DataError, match="unknown data kind 'nope'"):
        raw("nope", "x")


def test_raw_checks_the_schema_of_a_file_read_for_another_kind() -> None:
    # quotas.json lives in the same folder as partitions.json: asking for it as partitions must fail
    with pytest.raises(DataError, match=r"data/iam/quotas\.json: 'byoc-iam/quotas/1', expected"):
        raw("partitions", "quotas")


def test_lint_start_up_path_reads_its_data_without_pydantic() -> None:
    code = (
        "import sys\n"
        "from byoc_iam.lint import lint_document\n"
        'doc = \'{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":'
        '"logs.us-east-1.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":'
        '{"aws:SourceAccount":"111122223333"}}}]}\'\n'
        "codes = [f.code for f in lint_document(doc, 'trust')]\n"
        "print(codes, 'pydantic' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] False"
