"""The batch runner's fast path (issue 18): ``policies`` texts cut into members without parsing, each distinct
member compiled once. Its answers must equal the plain path (parse every case, compile it, decide), its
errors must name the same item, and a cut it cannot prove falls back to parsing."""

from __future__ import annotations

import io
import itertools
import json
from typing import Any

import pytest

from byoc_iam.engine.batch import PolicySets, compile_batch_policies, run_batch
from byoc_iam.engine.batch_text import split_members
from byoc_iam.errors import UsageError

V = "2012-10-17"
ACCOUNT = "111122223333"


def _allow(action: str, resource: str = "*", **extra: Any) -> dict[str, Any]:
    return {"Version": V, "Statement": [{"Effect": "Allow", "Action": action, "Resource": resource, **extra}]}


IDENTITY = [
    [_allow("s3:*")],
    [_allow("s3:GetObject", "arn:aws:s3:::data/*"), _allow("ec2:*")],
    [_allow("ec2:StartInstances", Condition={"StringEquals": {"aws:ResourceTag/team": "red"}})],
]
SESSION = [None, _allow("s3:Get*"), _allow("ec2:*")]
BOUNDARY = [None, [_allow("s3:*")]]
SCP = [
    None,
    [[{"Version": V, "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}]],
    [[{"Version": V, "Statement": [{"Effect": "Deny", "Action": "ec2:*", "Resource": "*"}]}]],
]
RESOURCE = [
    None,
    {
        "Version": V,
        "Statement": [
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::data/secret/*",
            }
        ],
    },
]
REQUESTS = [
    ("s3:GetObject", "arn:aws:s3:::data/a"),
    ("s3:GetObject", "arn:aws:s3:::data/secret/b"),
    ("s3:PutObject", "arn:aws:s3:::data/c"),
    ("ec2:StartInstances", f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1"),
]


def _cases() -> list[dict[str, Any]]:
    """Every combination of the pools above, each with every request: members repeat across many sets."""
    cases = []
    for ident, session, boundary, scp, resource in itertools.product(IDENTITY, SESSION, BOUNDARY, SCP, RESOURCE):
        policies: dict[str, Any] = {"identity": ident}
        for key, value in (("session", session), ("boundary", boundary), ("scp", scp), ("resource", resource)):
            if value is not None:
                policies[key] = value
        for action, res in REQUESTS:
            request = {
                "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
                "action": action,
                "resource": res,
                "resource_account": ACCOUNT,
                "context": {"aws:ResourceTag/team": "red"},
            }
            cases.append({"policies": policies, "request": request})
    return cases


def _plain(cases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The reference: each case parsed and compiled on its own, no text caches."""
    out = []
    for i, case in enumerate(cases):
        cp = compile_batch_policies(json.loads(json.dumps(case["policies"])), f"b[{i}].policies")
        q = case["request"]
        decision, blocked = cp.decide_parts(
            q["principal"], q["action"], q["resource"], q["resource_account"], q["context"]
        )
        out.append({"decision": decision, "blocked_by": list(blocked)})
    return out


def _run(text: str) -> list[dict[str, Any]]:
    out = io.StringIO()
    run_batch(io.StringIO(text), out, "b")
    return [json.loads(line) for line in out.getvalue().splitlines()]


@pytest.mark.parametrize(
    "dumps",
    [
        lambda v: json.dumps(v),
        lambda v: json.dumps(v, separators=(",", ":")),
        lambda v: json.dumps(v, indent=2),
    ],
    ids=["spaced", "compact", "indented"],
)
def test_fast_path_decides_like_the_plain_path(dumps: Any) -> None:
    cases = _cases()
    expected = _plain(cases)
    assert {e["decision"] for e in expected} == {"Allowed", "ImplicitlyDenied", "ExplicitlyDenied"}
    assert _run(dumps(cases)) == expected


def test_members_are_compiled_once_and_shared() -> None:
    sets = PolicySets()
    a = json.dumps({"identity": IDENTITY[1], "session": SESSION[1]})
    b = json.dumps({"identity": IDENTITY[1], "session": SESSION[2]})
    assert sets.compile_text(a) and sets.compile_text(b)
    assert sets.by_text[a].identity is sets.by_text[b].identity  # one compiled member for both sets
    assert sets.by_text[a].session is not sets.by_text[b].session
    assert len(sets.members) == 3


def test_split_members_cuts_at_the_top_level_keys() -> None:
    text = json.dumps({"identity": [_allow("s3:*")], "scp": [[_allow("*")]], "session": _allow("s3:*")})
    members = split_members(text)
    assert members is not None
    assert [k for k, _ in members] == ["identity", "scp", "session"]
    assert [json.loads(v) for _, v in members] == [[_allow("s3:*")], [[_allow("*")]], _allow("s3:*")]


@pytest.mark.parametrize(
    "text",
    [
        "{}",
        '{"identity": [], "identity": []}',  # a repeated key: the plain parser decides
        '{"other": 1, "identity": []}',
        "[1, 2]",
    ],
)
def test_split_members_declines_other_shapes(text: str) -> None:
    assert split_members(text) is None


def test_a_nested_member_key_cannot_fool_the_cut() -> None:
    """``"session":`` inside a document is cut at; the pieces do not parse, so the whole text is parsed."""
    nested = _allow("s3:*", Condition={"StringEquals": {"aws:ResourceTag/x": "1"}})
    nested["Statement"][0]["Condition"]["StringEquals"] = {"session": "a", "aws:ResourceTag/x": "1"}
    text = json.dumps({"identity": [nested], "session": _allow("s3:*")})
    assert split_members(text) is None  # "session" seen twice: not a clean cut
    sets = PolicySets()
    assert not sets.compile_text(text)
    assert text not in sets.by_text


def test_strings_that_look_like_keys_decide_like_the_plain_path() -> None:
    """A Sid or a condition value holding ``"session":`` text (escaped inside the string) changes nothing."""
    tricky = _allow("s3:*", Sid="x", Condition={"StringLike": {"aws:ResourceTag/n": ['"session": {', '"}, "']}})
    cases = [
        {
            "policies": {"identity": [tricky], "session": SESSION[1]},
            "request": {
                "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
                "action": "s3:GetObject",
                "resource": "arn:aws:s3:::data/a",
                "resource_account": ACCOUNT,
                "context": {"aws:ResourceTag/n": '"session": {'},
            },
        }
    ]
    assert _run(json.dumps(cases)) == _plain(cases) == [{"decision": "Allowed", "blocked_by": []}]


def test_an_error_after_shared_members_names_its_item() -> None:
    """The bad document shares its set's other members with good cases before it; the error names it."""
    cases = _cases()[:6]
    bad = {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3:GetObject"}]}  # no Resource
    cases.append({"policies": {**cases[0]["policies"], "session": bad}, "request": cases[0]["request"]})
    out = io.StringIO()
    with pytest.raises(UsageError, match=r"^b\[6\]\.policies\.session"):
        run_batch(io.StringIO(json.dumps(cases)), out, "b")
    assert len(out.getvalue().splitlines()) == 6  # the lines already decided stay


def test_invalid_json_in_a_member_is_reported_not_guessed() -> None:
    good = json.dumps(_cases()[:2])
    broken = good.replace('"identity": [', '"identity": [,', 1)
    with pytest.raises(UsageError, match="invalid JSON"):
        run_batch(io.StringIO(broken), io.StringIO(), "b")


@pytest.mark.parametrize("with_orjson", [True, False])
def test_document_key_ignores_key_order(with_orjson: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compile and lint-verdict caches' key: sorted-key JSON, with or without orjson loaded."""
    import sys

    from byoc_iam.engine.statements import document_key

    if not with_orjson:
        monkeypatch.setitem(sys.modules, "orjson", None)
    a = {"Version": V, "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
    b = {"Statement": [{"Resource": "*", "Action": "s3:*", "Effect": "Allow"}], "Version": V}
    c = {"Version": V, "Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*"}]}
    assert document_key(a) == document_key(b) != document_key(c)
    assert isinstance(document_key(a), bytes if with_orjson else str)


@pytest.mark.parametrize("form", ["array", "object", "lines"])
@pytest.mark.parametrize("bad_at", [0, 3, 40])
def test_the_lines_before_a_bad_request_are_written(form: str, bad_at: int) -> None:
    """Items are read a block at a time; a bad request still ends the batch exactly there: every request
    before it is decided and written, none after, and the error names it."""
    policies = {"identity": IDENTITY[1]}
    requests: list[dict[str, Any]] = [
        {
            "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
            "action": "s3:GetObject",
            "resource": f"arn:aws:s3:::data/{i}",
            "resource_account": ACCOUNT,
        }
        for i in range(60)
    ]
    requests[bad_at] = {"action": "s3:Get*", "resource": "arn:aws:s3:::data/x"}
    if form == "array":
        text, name = json.dumps([{"policies": policies, "request": r} for r in requests]), f"b[{bad_at}].request"
    elif form == "object":
        text, name = json.dumps({"policies": policies, "requests": requests}), f"b.requests[{bad_at}]"
    else:
        lines = [json.dumps({"policies": policies, "request": r}) for r in requests]
        text, name = "\n".join(lines) + "\n", f"b:{bad_at + 1}.request"
    out = io.StringIO()
    with pytest.raises(UsageError) as caught:
        run_batch(io.StringIO(text), out, "b")
    assert str(caught.value).startswith(f"{name}.action: ")
    written = out.getvalue().splitlines()
    assert len(written) == bad_at
    assert all(json.loads(line)["decision"] == "Allowed" for line in written)


@pytest.mark.parametrize(
    ("key", "value", "what"),
    [
        ("aws:CurrentTime", "9999-12-31T23:59:60Z", "not a date"),
        ("aws:CurrentTime", "1.5e9", "not a date"),
        ("aws:SourceIp", "10.0.0.0/8", "not an IP address"),
        ("aws:SecureTransport", "yes", "not true or false"),
    ],
)
def test_a_context_value_not_of_its_keys_type_is_refused(key: str, value: str, what: str) -> None:
    """Break test: a value the engine cannot read as its key's type made every operator of that type false, so a
    Deny on it never applied (Allowed past ``Deny if DateGreaterThan aws:CurrentTime``); it is bad input now."""
    deny = {"Effect": "Deny", "Action": "*", "Resource": "*", "Condition": {"Null": {"aws:CurrentTime": "false"}}}
    doc = {"Version": V, "Statement": [deny, {"Effect": "Allow", "Action": "*", "Resource": "*"}]}
    request = {"principal": f"arn:aws:iam::{ACCOUNT}:role/r", "action": "s3:GetObject", "resource": "*"}
    good = {**request, "context": {"aws:CurrentTime": "2024-01-01T00:00:00Z"}}
    batch = {"policies": {"identity": [doc]}, "requests": [good, {**request, "context": {key: value}}]}
    out = io.StringIO()
    with pytest.raises(UsageError, match=rf"^b\.requests\[1\]\.context\.{key}: .*{what}"):
        run_batch(io.StringIO(json.dumps(batch)), out, "b")
    assert [json.loads(x)["decision"] for x in out.getvalue().splitlines()] == ["ExplicitlyDenied"]


def test_texts_of_equal_length_and_ending_are_told_apart() -> None:
    """The reader finds a policies text seen before by bisection over the sorted texts, then compares the whole
    text in place: two different texts of the same length and ending (the first one's neighbour in that order)
    must still get their own answers."""
    get = {"identity": [_allow("s3:GetObject")], "session": _allow("s3:*")}
    put = {"identity": [_allow("s3:PutObject")], "session": _allow("s3:*")}
    a, b = json.dumps(get), json.dumps(put)
    assert len(a) == len(b) and a[-24:] == b[-24:] and a != b
    request = {
        "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::data/a",
        "resource_account": ACCOUNT,
    }
    cases = [{"policies": p, "request": request} for p in (get, put, get, put, put, get) * 50]
    answers = [r["decision"] for r in _run(json.dumps(cases))]
    assert answers == ["Allowed", "ImplicitlyDenied", "Allowed", "ImplicitlyDenied", "ImplicitlyDenied", "Allowed"] * 50


def _request(action: str = "s3:GetObject", **context: str) -> dict[str, Any]:
    return {
        "principal": f"arn:aws:iam::{ACCOUNT}:role/app",
        "action": action,
        "resource": "arn:aws:s3:::data/a",
        "resource_account": ACCOUNT,
        "context": context,
    }


def test_known_sets_that_begin_alike_are_told_apart() -> None:
    """The reader finds a known policies text where an item's value starts, by bisection over the sorted texts:
    sets that begin with the same members (one set's text runs into the next member where another's ends) must
    each get their own answer, in every order."""
    ident = [_allow("s3:GetObject")]
    deny = {**RESOURCE[1], "Statement": [{**RESOURCE[1]["Statement"][0], "Resource": "arn:aws:s3:::data/*"}]}
    sets = [
        {"identity": ident},
        {"identity": ident, "session": _allow("ec2:*")},
        {"identity": ident, "session": _allow("s3:*")},
        {"identity": ident, "session": _allow("s3:*"), "resource": deny},
    ]
    cases = [{"policies": sets[i], "request": _request()} for i in (0, 1, 2, 3, 3, 2, 1, 0, 2, 0, 3, 1) * 30]
    expected = _plain(cases)
    assert {e["decision"] for e in expected} == {"Allowed", "ImplicitlyDenied", "ExplicitlyDenied"}
    assert _run(json.dumps(cases)) == expected


def test_the_requests_form_among_known_items_is_read_whole() -> None:
    """An array item of the ``requests`` form with a policies text the reader knows is not taken for a
    ``request`` item: each of its requests is decided."""
    policies = {"identity": [_allow("s3:GetObject")]}
    one = {"policies": policies, "request": _request()}
    many = {"policies": policies, "requests": [_request("s3:PutObject"), _request()]}
    answers = [r["decision"] for r in _run(json.dumps([one] * 40 + [many] + [one]))]
    assert answers == ["Allowed"] * 40 + ["ImplicitlyDenied", "Allowed", "Allowed"]


def test_a_request_holding_the_item_opening_is_named_not_cut() -> None:
    """A request (after a known policies text) holding, after an object, an object with a ``"policies"`` key: the
    reader's cut there (after ``}, ``) leaves a request that does not parse, so the block is parsed whole, the bad
    request is named and the lines before it are written. (Inside a JSON string the opening cannot occur: its
    quotes would be escaped.)"""
    policies = {"identity": [_allow("s3:GetObject")]}
    nested = {**_request(), "context": {"x": [{"y": "1"}, {"policies": {"identity": []}, "request": {}}]}}
    cases = [{"policies": policies, "request": _request()}] * 37 + [{"policies": policies, "request": nested}]
    out = io.StringIO()
    with pytest.raises(UsageError, match=r"^b\[37\]\.request\.context\.x: "):
        run_batch(io.StringIO(json.dumps(cases + cases[:3])), out, "b")
    assert len(out.getvalue().splitlines()) == 37


def test_a_new_set_of_known_members_is_cut_where_it_stands() -> None:
    """A policies text never seen whose members are all known is cut in place in the reader's buffer
    (:meth:`PolicySets.compile_at`): the exact text up to its closing brace, compiled from the shared members;
    an unknown member, a repeated key or no closing brace declines (the reader then cuts the item another way)."""
    sets = PolicySets()
    assert sets.compile_text(json.dumps({"identity": IDENTITY[0], "session": SESSION[1]}))
    assert sets.compile_text(json.dumps({"identity": IDENTITY[1], "scp": SCP[2]}))
    new = json.dumps({"identity": IDENTITY[1], "session": SESSION[1]})
    buffer = f'[{{"policies": {new}, "request": {{}}}}]'
    start = buffer.index(new)
    got = sets.compile_at(buffer, start, len(buffer))
    assert got is not None
    text, compiled = got
    assert text == new and text not in sets.by_text  # the reader keeps it (not looked up by content)
    first = sets.compile_text(json.dumps({"identity": IDENTITY[1], "scp": SCP[2]}))
    assert first is not None and compiled.identity is first.identity  # the member compiled once
    for action, resource in REQUESTS:
        q = ("arn:aws:iam::111122223333:role/app", action, resource, ACCOUNT, {})
        assert compiled.decide_parts(*q) == compile_batch_policies(json.loads(new), "p").decide_parts(*q)
    unknown = json.dumps({"identity": IDENTITY[2], "session": SESSION[1]})
    repeated = new[:-1] + ', "session": ' + json.dumps(SESSION[1]) + "}"
    for declined in (unknown, repeated, new[:-1], " " + new):  # (the reader keeps texts without whitespace around)
        assert sets.compile_at(declined, 0, len(declined)) is None


@pytest.mark.parametrize("between", [" ", "", "\n  ", "  "])
def test_items_laid_out_unlike_the_first_decide_alike(between: str) -> None:
    """The reader learns the first item's opening with the whitespace after its colon; an item written with other
    whitespace there is not cut in place but read another way, and decided alike."""
    cases = _cases()[:60]
    items = [json.dumps(c) for c in cases]
    odd = [t.replace('{"policies": ', '{"policies":' + between, 1) if i % 3 == 1 else t for i, t in enumerate(items)]
    assert _run("[" + ", ".join(odd) + "]") == _plain(cases)
