"""docs/architecture.md is true to the tree: it describes every module under src/byoc_iam, and every module,
package and data file it names exists.

A module is described when the section of its top-level package (``## engine/``) names it (``compiled.py``,
``conditions/string.py``) or the document names its path from ``src/byoc_iam`` anywhere
(``cli/role_options.py`` in the blueprint section). The lint rules are found by discovery, one module per
rule; the document describes them together as ``rules/``.
"""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "byoc_iam"
DOC = ROOT / "docs" / "architecture.md"
RULE_MODULE = re.compile(r"^lint/rules/[eswi]\d{4}_\w+\.py$")
SPAN = re.compile(r"`([^`\n]+)`")
NAMED_FILE = re.compile(r"(?<![\w./<*${-])((?:[\w.-]+/)*[\w-]+\.(?:py|json|j2))\b")
NAMED_PACKAGE = re.compile(r"^((?:\w+/)*\w+)/$")


def _sections() -> dict[str, str]:
    """The document's text per ``## name/`` heading (``""``: the text before the first heading)."""
    parts = re.split(r"^## (\S+?)/?(?: .*)?$", DOC.read_text(encoding="utf-8"), flags=re.M)
    out = {"": parts[0]}
    for name, body in zip(parts[1::2], parts[2::2], strict=True):
        out[name] = body
    return out


def _modules() -> list[str]:
    return sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py") if "__pycache__" not in p.parts)


def _described(module: str, sections: dict[str, str], whole: str) -> bool:
    if RULE_MODULE.match(module):
        return "`rules/`" in sections["lint"] or "rules/" in sections["lint"]
    top, _, rest = module.partition("/")
    if not rest:  # a top-level module: named anywhere
        return re.search(rf"(?<![\w/]){re.escape(module)}\b", whole) is not None
    if re.search(rf"(?<![\w/]){re.escape(module)}\b", whole):
        return True
    section = sections.get(top, "")
    if rest.endswith("__init__.py"):  # a package: named by its own __init__.py or by its folder
        package = rest.removesuffix("__init__.py")
        return bool(
            not package
            or re.search(rf"(?<![\w/]){re.escape(rest)}\b", section)
            or re.search(rf"(?<![\w/]){re.escape(package)}", section)
        )
    if re.search(rf"(?<![\w/]){re.escape(rest)}\b", section):
        return True
    folder, _, name = rest.rpartition("/")  # in a sub-package: its file name, where the section names the folder
    return bool(folder) and f"`{folder}/`" in section and re.search(rf"`{re.escape(name)}`", section) is not None


def test_every_module_under_src_is_described() -> None:
    sections = _sections()
    whole = DOC.read_text(encoding="utf-8")
    missing = [m for m in _modules() if not _described(m, sections, whole)]
    assert not missing, f"docs/architecture.md does not describe: {', '.join(missing)}"


def _candidates(name: str, section: str) -> list[Path]:
    """Where a file or folder the document names in ``section`` may be: below the section's package,
    ``src/byoc_iam``, ``src`` or the project root (``tests/``, ``bench/``, ``docs/``); a bare name (no folder)
    anywhere below ``src/byoc_iam`` (a data folder, another layer's ``conditions/``)."""
    bases = [SRC, SRC.parent, ROOT]
    if section and (SRC / section).is_dir():
        bases.insert(0, SRC / section)
    if section == "tests":
        bases.append(ROOT / "tests")
    found = [b / name for b in bases]
    if "/" not in name.rstrip("/"):
        found += list(SRC.rglob(name.rstrip("/")))
    return found


def test_every_module_package_and_data_file_it_names_exists() -> None:
    wrong: list[str] = []
    for section, text in _sections().items():
        spans = SPAN.findall(text)
        named = {f for span in spans for f in NAMED_FILE.findall(span)}
        named |= {span for span in spans if NAMED_PACKAGE.match(span)}
        for name in sorted(named):
            if not any(p.exists() for p in _candidates(name, section)):
                wrong.append(f"{section or 'top'}: {name}")
    assert not wrong, f"docs/architecture.md names what the tree does not have: {', '.join(wrong)}"


def test_the_checks_see_a_missing_module_and_a_named_ghost() -> None:
    """The two checks above can fail: a module nobody names is missing, a named module that is not there is not
    found."""
    sections = _sections()
    whole = DOC.read_text(encoding="utf-8")
    assert not _described("engine/no_such_module.py", sections, whole)
    assert not any(p.exists() for p in _candidates("no_such_module.py", "engine"))
    assert _described("engine/compiled.py", sections, whole)
