"""The batch runner's cuts without parsing (issue 18) against the plain path, on varied and malformed input.

Three fast paths could diverge from parsing: :class:`KnownMembers` (a ``policies`` text cut at known member
texts), the item cut by position (``JsonStream.presplit_all``) and the inline request check
(:func:`request_parts`). Each must agree with the plain path or decline; a batch text the standard library
cannot parse must be refused, never decided."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from byoc_iam.engine.batch import (
    PolicySets,
    check_request,
    compile_batch_policies,
    request_parts,
    run_batch,
)
from byoc_iam.engine.batch_text import KnownMembers, split_members
from byoc_iam.errors import UsageError

V = "2012-10-17"
ACCOUNT = "111122223333"


def _doc(action: str, effect: str = "Allow", resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Version": V, "Statement": [{"Effect": effect, "Action": action, "Resource": resource, **extra}]}


IDENTITY = [
    [_doc("s3:*")],
    [_doc("s3:GetObject", resource="arn:aws:s3:::data/*"), _doc("ec2:*")],
    [_doc("ec2:StartInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "red"}})],
    [_doc("s3:*"), _doc("s3:DeleteObject", "Deny")],
]
MEMBERS: dict[str, list[Any]] = {
    "session": [_doc("s3:Get*"), _doc("ec2:*")],
    "boundary": [[_doc("s3:*")], [_doc("s3:*"), _doc("iam:*", "Deny")]],
    "scp": [[[_doc("*")]], [[_doc("*")], [_doc("ec2:*", "Deny")]]],
    "resource": [
        {
            "Version": V,
            "Statement": [
                {"Effect": "Deny", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/x/*"}
            ],
        }
    ],
}
REQUESTS = [
    ("s3:GetObject", "arn:aws:s3:::data/a"),
    ("s3:GetObject", "arn:aws:s3:::data/x/b"),
    ("s3:DeleteObject", "arn:aws:s3:::data/c"),
    ("ec2:StartInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"),
]
DUMPS = [
    lambda v: json.dumps(v),
    lambda v: json.dumps(v, separators=(",", ":")),
    lambda v: json.dumps(v, indent=1),
    lambda v: json.dumps(v, separators=(" ,\t", " :\n ")),
]


@st.composite
def policies(draw: st.DrawFn) -> dict[str, Any]:
    """A ``policies`` object from the pools, its keys in any order."""
    out: dict[str, Any] = {"identity": draw(st.sampled_from(IDENTITY))}
    for key, pool in MEMBERS.items():
        if draw(st.booleans()):
            out[key] = draw(st.sampled_from(pool))
    keys = draw(st.permutations(list(out)))
    return {k: out[k] for k in keys}


@st.composite
def cases(draw: st.DrawFn) -> list[dict[str, Any]]:
    out = []
    for _ in range(draw(st.integers(1, 12))):
        action, resource = draw(st.sampled_from(REQUESTS))
        request = {
            "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
            "action": action,
            "resource": resource,
            "resource_account": ACCOUNT,
            "context": draw(st.sampled_from([{}, {"aws:ResourceTag/team": "red"}, {"aws:ResourceTag/team": "blue"}])),
        }
        out.append({"policies": draw(policies()), "request": request})
    return out


def _plain(text: str) -> tuple[list[str], bool]:
    """The reference: the standard library parses the whole text, then each case compiles on its own.
    ``(output lines, whether the batch is refused)``."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError:
        return [], True
    lines: list[str] = []
    if type(data) is not list:
        return lines, True
    for i, case in enumerate(data):
        if type(case) is not dict or set(case) != {"policies", "request"}:
            return lines, True
        try:
            cp = compile_batch_policies(case["policies"], f"b[{i}].policies")
            parts = request_parts(case["request"], f"b[{i}].request")
        except UsageError:
            return lines, True
        decision, blocked = cp.decide_parts(*parts)
        lines.append(json.dumps({"decision": decision, "blocked_by": list(blocked)}))
    return lines, False


def _fast(text: str) -> tuple[list[str], bool]:
    out = io.StringIO()
    try:
        run_batch(io.StringIO(text), out, "b")
    except UsageError:
        return out.getvalue().splitlines(), True
    return out.getvalue().splitlines(), False


@settings(max_examples=60)
@given(cases(), st.sampled_from(range(len(DUMPS))))
def test_varied_batches_decide_like_the_plain_path(batch: list[dict[str, Any]], how: int) -> None:
    text = DUMPS[how](batch)
    assert _fast(text) == _plain(text)
    assert not _plain(text)[1]


@settings(max_examples=150)
@given(cases(), st.data())
def test_a_damaged_batch_is_refused_or_decided_like_the_plain_path(batch: list[dict[str, Any]], data: Any) -> None:
    """One character deleted, replaced or inserted anywhere (JSON punctuation, a form feed, a quote...): what
    the plain path refuses, the fast path refuses (a stream keeps the lines decided before the error); what
    it decides, the fast path decides the same."""
    text = json.dumps(batch)
    at = data.draw(st.integers(0, len(text) - 1))
    char = data.draw(st.sampled_from(['"', ",", ":", "}", "{", "]", "[", "\x0c", "\\", " ", "x", "1"]))
    edit = data.draw(st.sampled_from(["delete", "replace", "insert"]))
    if edit == "delete":
        text = text[:at] + text[at + 1 :]
    elif edit == "replace":
        text = text[:at] + char + text[at + 1 :]
    else:
        text = text[:at] + char + text[at:]
    lines, refused = _plain(text)
    if refused:
        assert _fast(text)[1]
    else:
        assert _fast(text) == (lines, False)


def test_a_form_feed_between_members_is_invalid_json() -> None:
    """``str.strip`` would drop a form feed; JSON does not allow it, so the batch is refused."""
    good = json.dumps([{"policies": {"identity": IDENTITY[0]}, "request": {"action": "s3:GetObject", "resource": "*"}}])
    for bad in (
        good.replace("]}, ", "]}\x0c, ", 1),  # after the identity member
        good.replace('{"identity"', '{\x0c"identity"', 1),  # before it
    ):
        assert bad != good
        assert _fast(bad)[1] and _plain(bad)[1]
    assert not PolicySets().compile_text('{"identity": []\x0c}')  # the member text does not parse: declined


@settings(max_examples=200)
@given(policies(), st.sampled_from(range(len(DUMPS))), st.lists(policies(), max_size=6))
def test_known_members_cut_like_split_members(target: dict[str, Any], how: int, seen: list[dict[str, Any]]) -> None:
    """Once the members of earlier sets are known, a text's cut equals :func:`split_members`'; a text with an
    unknown member is declined (None), never cut elsewhere."""
    sets = PolicySets()
    for p in seen:
        assert sets.compile_text(DUMPS[how](p))
    text = DUMPS[how](target)
    cut = sets.known_members.cut(text)
    members = split_members(text)
    assert members is not None
    if cut is not None:
        assert cut == members
        assert {k: json.loads(v) for k, v in cut} == json.loads(text)
    known = {(k, json.dumps(v)) for p in seen for k, v in p.items()}
    if all((k, json.dumps(v)) in known for k, v in target.items()):
        assert cut == members  # every member known: cut in place


@pytest.mark.parametrize(
    "text",
    [
        '{"identity": [], "identity": []}',  # a repeated key
        '{"ident\\u0069ty": []}',  # an escaped key (the parser would read "identity")
        '{"identity": [] "session": null}',  # no comma
        '{"identity": []} x',  # trailing text
        '{"identity": [],}',  # a trailing comma
        '{"identity": [1]}',  # another value starting like a known one
        '{"identity": []',  # no closing brace
        '{"identity": [], "other": []}',
    ],
)
def test_known_members_decline_what_is_not_a_clean_object(text: str) -> None:
    known = KnownMembers()
    known.add("identity", "[]")
    known.add("session", "null")
    assert known.cut(text) is None
    assert known.cut('{"identity": [], "session": null}') == [("identity", "[]"), ("session", "null")]


REQUEST_SHAPES = st.one_of(
    st.none(),
    st.text(max_size=3),
    st.integers(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(
        st.sampled_from(["principal", "action", "resource", "resource_account", "context", "other"]),
        st.one_of(
            st.none(),
            st.sampled_from(["s3:GetObject", "*", "nocolon", "", "arn:aws:s3:::b/k", ACCOUNT]),
            st.integers(),
            st.booleans(),
            st.lists(st.sampled_from(["a", 1, None]), max_size=2),
            st.dictionaries(
                st.sampled_from(["aws:SourceIp", "aws:TagKeys", "k"]),
                st.one_of(st.text(max_size=3), st.integers(), st.booleans(), st.none(), st.lists(st.text(max_size=2))),
                max_size=3,
            ),
        ),
        max_size=6,
    ),
)


@settings(max_examples=400)
@given(REQUEST_SHAPES)
def test_request_parts_checks_like_check_request(data: Any) -> None:
    """The inline check accepts exactly what :func:`check_request` accepts, and errors name the same field."""
    try:
        r = check_request(data, "b[0].request")
    except UsageError as exc:
        with pytest.raises(UsageError) as caught:
            request_parts(data, "b[0].request")
        assert str(caught.value) == str(exc)
        return
    expected = (r.get("principal"), r["action"], r["resource"], r.get("resource_account"), r.get("context"))
    assert request_parts(data, "b[0].request") == expected


@settings(max_examples=300)
@given(
    st.dictionaries(st.text(max_size=4), st.one_of(st.text(), st.lists(st.text(max_size=6), max_size=3)), max_size=4)
)
def test_iam_size_counts_every_character_but_whitespace(document: dict[str, Any]) -> None:
    """The lint size quota (E4006) of every batch document: the compact JSON's characters, whitespace (any
    character ``str.isspace`` names, e.g. U+2028 or U+3000) excluded."""
    from byoc_iam.model.policy import iam_size

    compact = json.dumps(document, separators=(",", ":"), ensure_ascii=False)
    assert iam_size(document) == sum(1 for ch in compact if not ch.isspace())


def test_the_fast_request_path_refuses_what_iam_could_not_receive() -> None:
    """request_parts' inline check and check_request refuse the same requests (byoc_iam.model.request)."""
    from byoc_iam.engine.batch import request_parts
    from byoc_iam.errors import UsageError

    bad = [
        {"action": "s3:Get*", "resource": "arn:aws:s3:::b/k"},
        {"action": "s3:GetObject", "resource": "not-an-arn"},
        {"action": "s3:GetObject", "resource": "*", "principal": "arn:aws:iam::12:role/x"},
        {"action": "s3:GetObject", "resource": "*", "resource_account": "abc"},
    ]
    for request in bad:
        with pytest.raises(UsageError):
            request_parts(request, 0, "batch.json")
    assert request_parts({"action": "s3:GetObject", "resource": "*"}, 0, "batch.json")[1] == "s3:GetObject"


def test_known_members_tell_apart_texts_that_share_a_prefix() -> None:
    """A key's texts are kept sorted and the cut takes the largest one not above what follows the key: lists that
    share their first documents (one the start of another but for its closing bracket) are each found, a text
    between two known ones is not, and the texts start afresh once the limit is reached."""
    a, b, c = _doc("s3:GetObject"), _doc("s3:PutObject"), _doc("ec2:*")
    lists = [[a], [a, b], [a, b, c], [a, c], [b]]
    known = KnownMembers(limit=len(lists) + 1)
    for value in lists:
        known.add("identity", json.dumps(value))
    known.add("session", json.dumps(c))
    for value in lists:
        text = json.dumps({"identity": value, "session": c})
        assert known.cut(text) == [("identity", json.dumps(value)), ("session", json.dumps(c))] == split_members(text)
    assert known.cut(json.dumps({"identity": [a, b, b], "session": c})) is None  # sorts between known texts
    assert known.cut(json.dumps({"identity": [c], "session": c})) is None  # above every known text
    known.add("scp", "[[]]")  # the limit's next text: the texts start afresh with it
    assert known.cut(json.dumps({"identity": [a], "session": c})) is None
    assert known.cut('{"scp": [[]]}') == [("scp", "[[]]")]


@settings(max_examples=400)
@given(REQUEST_SHAPES)
def test_fast_parts_reads_a_request_as_the_checked_path_does(data: Any) -> None:
    """:func:`fast_parts` (the runner's inline check) either declines or returns the checked request's fields,
    the context normalised as the engine reads it (``{}`` for an absent context); it never accepts a request
    :func:`check_request` refuses."""
    from byoc_iam.engine.batch import fast_parts
    from byoc_iam.engine.conditions import normalise_context

    fast = fast_parts(data)
    if fast is None:
        return
    r = check_request(data, "b[0].request")  # raises if fast_parts accepted a bad request
    assert fast[:4] == (r.get("principal"), r["action"], r["resource"], r.get("resource_account"))
    assert fast[4] == normalise_context(r.get("context"))


_PAIRS = [
    ("aws:ResourceTag/team", "red"),
    ("AWS:ResourceTag/Team", "blue"),  # the same key in another case: the later one counts, as in the reference
    ("aws:SourceIp", "203.0.113.7"),
    ("aws:SecureTransport", "false"),
    ("k", "x"),
]
CONTEXTS = st.lists(st.sampled_from(_PAIRS), max_size=4).map(dict)


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(IDENTITY),
    st.sampled_from([None, *MEMBERS["session"]]),
    st.sampled_from(REQUESTS),
    CONTEXTS,
)
def test_runner_decides_as_decide_parts(
    identity: list[Any], session: Any, request: tuple[str, str], context: dict[str, str]
) -> None:
    """The runner (the reader's compiled set, the inline request check) decides every request
    as :meth:`CompiledPolicies.decide_parts` does on the same policy set (case-varied context keys included)."""
    from byoc_iam.engine import PolicySet, Request, compile_policies

    policies: dict[str, Any] = {"identity": identity}
    if session is not None:
        policies["session"] = session
    action, resource = request
    principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/r/s"
    req = {"principal": principal, "action": action, "resource": resource, "context": context}
    out = io.StringIO()
    run_batch(io.StringIO(json.dumps([{"policies": policies, "request": req}] * 2)), out, "b")
    reference = compile_policies(PolicySet(identity=identity, session=session))
    decision, blocked = reference.decide(Request(principal, action, resource, context=context))
    for line in out.getvalue().splitlines():
        assert json.loads(line) == {"decision": decision, "blocked_by": list(blocked)}


_JSON_VALUES = st.recursive(
    st.one_of(st.integers(0, 9).map(str), st.text("ab}{", max_size=3)),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("ab"), inner, max_size=2),
    max_leaves=6,
).filter(lambda v: isinstance(v, list | dict))


@settings(max_examples=200)
@given(st.lists(_JSON_VALUES, min_size=1, max_size=30, unique_by=json.dumps), st.lists(st.integers(0, 40)))
def test_sorted_texts_stay_sorted_with_their_values_whatever_the_last_miss(
    values: list[Any], probes: list[int]
) -> None:
    """:meth:`SortedTexts.add` takes the place the last failed lookup left only when its two neighbours confirm
    it: after lookups of other texts at other places, every text is still found, with its own value."""
    from byoc_iam.engine.batch_text import SortedTexts

    known = SortedTexts()
    texts = [json.dumps(v) for v in values]
    for i, text in enumerate(texts):
        other = texts[probes[i % len(probes)] % len(texts)] if probes else text
        known.index_at(f"x{other}]", 1, len(other) + 2)  # leaves its own miss (or finds it)
        known.add(text, i)
    assert known.texts == sorted(texts)
    for i, text in enumerate(texts):
        line = f'[{text}, "request": 1]'
        j = known.index_at(line, 1, len(line))
        assert j >= 0 and known.texts[j] == text and known.values[j] == i
