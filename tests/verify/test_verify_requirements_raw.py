"""verify reads the packaged requirements files raw (issue 18: no pydantic on its start-up path): the values are
the ones their schema validates to, defaults included, and verify's own modules declare no pydantic model."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from byoc_iam import data as knowledge
from byoc_iam.blueprint import BlueprintInputs, render_role
from byoc_iam.data import METADATA_KEYS
from byoc_iam.model.record import asdict
from byoc_iam.verify.requirements import component_of, components, parse_component
from byoc_iam.verify.requirements_model import ComponentFile


@pytest.mark.parametrize("name", knowledge.names("requirements"))
def test_the_raw_reading_is_the_validated_one(name: str) -> None:
    body = {k: v for k, v in knowledge.raw("requirements", name).items() if k not in METADATA_KEYS}
    validated = ComponentFile.model_validate(body)
    fast = component_of(knowledge.raw("requirements", name))
    assert fast == component_of(validated.model_dump())
    assert asdict(fast) == validated.model_dump()
    assert fast in components()


def test_parse_component_validates_and_gives_the_same_value() -> None:
    name = knowledge.names("requirements")[0]
    text = (Path(knowledge._ROOT) / "requirements" / f"{name}.json").read_text(encoding="utf-8")
    assert parse_component(text, "x.json") == component_of(knowledge.raw("requirements", name))


def test_verify_of_a_role_file_builds_no_pydantic_model_of_its_own(tmp_path: Path) -> None:
    """verify --role FILE's own modules (verify/, report/) declare no pydantic model: the report and the
    requirements are plain values (reading the RoleSpec is model/'s)."""
    role = tmp_path / "role.json"
    role.write_text(render_role(BlueprintInputs(account_id="111122223333")).to_json())
    code = f"""
import sys, io, contextlib
from byoc_iam.cli import main
with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
    main(["verify", "--role", {str(role)!r}])
mods = [m for m in sys.modules if m.startswith(("byoc_iam.verify", "byoc_iam.report"))]
pyd = sys.modules.get("pydantic")
own = [] if pyd is None else [c for c in pyd.BaseModel.__subclasses__() if c.__module__ in mods]
print(len(mods) > 10, own)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "True []"
