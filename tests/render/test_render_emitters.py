"""Property tests of the small HCL and YAML writers: whatever JSON value goes in, the parser reads it back."""

from __future__ import annotations

import shlex
from typing import Any

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from byoc_iam.export.cloudformation import yaml_lines
from byoc_iam.export.terraform import hcl_value
from export_helpers import jsonencoded

# Printable text incl. quotes, backslashes, $ and % (template sequences), YAML indicators, non-ASCII letters.
text = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x24F, exclude_characters="\x7f"), max_size=20)
keys = st.one_of(text.filter(bool), st.sampled_from(["Null", "null", "true", "on", "No", "y", "a:b", "${x}", "%{y}"]))
scalars = st.one_of(text, st.sampled_from(["${aws:username}", "%{if}", "true", "null", "- x", "#c", "a: b", "'q'"]))
values = st.recursive(
    scalars | st.integers(-(10**6), 10**6) | st.booleans(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(keys, inner, max_size=3),
    max_leaves=12,
)


@settings(max_examples=60)
@given(st.dictionaries(keys, values, min_size=1, max_size=4))
def test_yaml_writer_round_trips(doc: dict[str, Any]) -> None:
    import yaml

    assert yaml.safe_load("\n".join(yaml_lines({"Root": doc}))) == {"Root": doc}


def _strings(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [value] if isinstance(value, str) else []


def _unclosed_directive(doc: dict[str, Any]) -> bool:
    """A ``%{`` or ``${`` with no ``}`` after its last one: HCL's escapes ``%%{``/``$${`` are right there, but
    python-hcl2 8 cannot parse them unclosed (``"%%{"`` and ``"$${"`` fail, ``"a%%{b}"`` parses), so the
    oracle, not the writer, would fail (``test_hcl_writer_escapes_template_sequences`` checks the escapes)."""
    return any(m in s and "}" not in s[s.rindex(m) :] for s in _strings(doc) for m in ("%{", "${"))


def test_hcl_writer_escapes_template_sequences() -> None:
    assert hcl_value({"%{": "${x}"}) == '{\n  "%%{" = "$${x}"\n}'


@settings(max_examples=40)
@given(st.dictionaries(keys, values, min_size=1, max_size=4))
def test_hcl_writer_round_trips_through_python_hcl2(doc: dict[str, Any]) -> None:
    import hcl2

    assume(not _unclosed_directive(doc))

    parsed = hcl2.loads(f"locals {{\n  doc = jsonencode({hcl_value(doc, 1)})\n}}\n")
    expr = parsed["locals"][0]["doc"]
    assert jsonencoded(expr) == doc  # also asserts the ${jsonencode(...)} wrapper


@given(text)
def test_shell_quoting_round_trips(value: str) -> None:
    assert shlex.split(f"aws --x {shlex.quote(value)}") == ["aws", "--x", value]
