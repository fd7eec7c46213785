"""JSON pointer -> line/column mapping (stdlib scanner)."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from byoc_iam.lint.positions import escape, pointer, scan


def test_members_point_at_keys_and_items_at_values() -> None:
    text = '{\n  "Statement": [\n    {"Effect": "Allow",\n     "Action": ["a", "b"]}\n  ]\n}'
    m = scan(text)
    assert m.locate("/Statement") == (2, 3)
    assert m.locate("/Statement/0") == (3, 5)
    assert m.locate("/Statement/0/Effect") == (3, 6)
    assert m.locate("/Statement/0/Action/1") == (4, 22)
    assert m.locate("/Statement/0/Nope/3") == (3, 5)  # nearest ancestor


def test_pointer_escaping() -> None:
    assert pointer("Condition", "StringEquals", "oidc.eks/id/X:sub") == "/Condition/StringEquals/oidc.eks~1id~1X:sub"
    assert escape("a~b") == "a~0b"
    m = scan('{"a/b": {"c~d": 1}}')
    assert m.locate("/a~1b/c~0d") == (1, 10)


def test_duplicate_keys_are_reported_and_the_last_one_wins() -> None:
    m = scan('{"A": {"x": 1},\n "A": {"y": 2}}')
    assert m.duplicates == [("/A", 17)]
    assert m.locate("/A") == (2, 2)
    assert "/A/x" not in m.offsets and m.locate("/A/y") == (2, 8)


def test_unicode_and_escapes() -> None:
    text = '{"k\\u00e9y": "v\\"", "é": [true, null, -1.5e3]}'
    m = scan(text)
    assert m.locate("/é/2") == (1, text.index("-1.5") + 1)


def test_bad_text_does_not_raise() -> None:
    scan("{")
    scan("[1, NaN]")
    scan("")


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=4), children, max_size=4),
    max_leaves=20,
)


@given(json_values, st.sampled_from([None, 1, 2]))
def test_every_value_is_located_where_it_starts(value: object, indent: int | None) -> None:
    text = json.dumps(value, indent=indent)
    m = scan(text)

    def walk(v: object, ptr: str, member: bool) -> None:
        assert ptr in m.offsets
        start = text[m.offsets[ptr]]
        if member:
            assert start == '"'  # an object member is located at its key
        else:
            assert start == json.dumps(v)[0]
        if isinstance(v, dict):
            for k, child in v.items():
                walk(child, f"{ptr}/{escape(k)}", True)
        elif isinstance(v, list):
            for i, child in enumerate(v):
                walk(child, f"{ptr}/{i}", False)

    walk(value, "", False)
