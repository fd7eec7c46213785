"""The rule table (``data/lint/rule_index.json``) and ``Rule.needs``: the runner imports and runs only the rules
that apply to a document, with the findings of running every rule the plain way (issue 18)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byoc_iam.lint import Finding, lint_document, lint_role, runner
from byoc_iam.lint.index_gen import main as index_check
from byoc_iam.lint.index_gen import row
from byoc_iam.lint.rules import Rule, all_rules, rule_codes, rule_modules, rule_of, rule_table, rules_except

ROOT = Path(__file__).resolve().parents[2]


def test_packaged_table_is_current() -> None:
    assert index_check(["--check"]) == 0, "run python -m byoc_iam.lint.index_gen"


def test_table_names_every_rule_module_with_its_declaration() -> None:
    rows = rule_table()
    assert rows is not None and tuple(r[0] for r in rows) == rule_modules()
    for module, code, types, origins, document, role, needs in rows:
        r = rule_of(module)
        assert (code, types, origins, needs) == (r.code, r.types, r.origins, frozenset(r.needs))
        assert (document, role) == (r.check is not None, r.check_role is not None)


def test_needs_name_statement_elements() -> None:
    from byoc_iam.model.policy import STATEMENT_ELEMENTS

    for r in all_rules():
        assert set(r.needs) <= set(STATEMENT_ELEMENTS), r.code
        assert not r.needs or r.check is not None, r.code
    invalid_json = "e1001_invalid_json"
    assert row(rule_of(invalid_json), invalid_json) == {"module": invalid_json, "checks": "none"}


def _plain_rules(
    ignore: frozenset[str], policy_type: str, origin: str, present: frozenset[str] | None
) -> tuple[Rule, ...]:
    """Every rule the plain way: all imported, chosen by type and origin only (no table, no needs)."""
    return tuple(
        r
        for r in rules_except(ignore)
        if r.check is not None
        and policy_type in r.types
        and origin in r.origins
        and (present is not None or r.code == runner.STRUCTURE)
    )


def _plain(monkeypatch: pytest.MonkeyPatch, fn: Any, *args: Any, **kwargs: Any) -> list[Finding]:
    with monkeypatch.context() as m:
        m.setattr(runner, "_doc_rules", _plain_rules)
        out: list[Finding] = fn(*args, **kwargs)
    return out


# -- documents: statements made of fragments that make the rules fire ---------------------------------------------
ACTIONS = [
    "s3:GetObject", "s3:Get*", "ec2:*", "iam:PassRole", "iam:CreateServiceLinkedRole", "sts:AssumeRole",
    "sts:AssumeRoleWithWebIdentity", "sts:TagSession", "foo:Bar", "s3:NoSuchAction", "s3:Zz*", "*", "s3",
    "{accountId}:x", "S3:getobject", "s*:Get*",
]  # fmt: skip
RESOURCES = [
    "*", "arn:aws:s3:::b/*", "arn:aws:iam::123456789012:role/x", "arn:aws:iam:us-east-1:123456789012:role/x",
    "arn:aws:logs::123456789012:log-group:x", "arn:aws:ec2:us-east-1:123456789012:instance/*", "bad",
    "arn:aws:dynamodb:*:111122223333:table/t", "arn:aws:S3:::b", "arn:aws:sqs:us-east-1:<ACCOUNT_ID>:q", "",
]  # fmt: skip
PRINCIPALS: list[Any] = [
    "*", {"AWS": "arn:aws:iam::123456789012:root"}, {"AWS": ["123456789012", "arn:aws:iam::*:role/x"]},
    {"Service": "ec2.amazonaws.com"}, {"Service": ["rolesanywhere.amazonaws.com", "ec2.amazonaws.com.cn"]},
    {"Federated": "arn:aws:iam::123456789012:oidc-provider/eks_oidc_url"}, {"Federated": "https://bad/"},
    {"Federated": "cognito-identity.amazonaws.com"}, {"CanonicalUser": "x"}, {"aws": "x"}, {}, {"AWS": []},
    {"AWS": "AROAEXAMPLE"},
]  # fmt: skip
CONDITIONS = [
    ("StringEquals", "aws:SourceAccount", "123456789012"), ("IpAddress", "aws:SourceIp", ["10.0.0.0/8", "1.2.3.4"]),
    ("StringLike", "eks_oidc_url:sub", "system:serviceaccount:*"), ("StringEquals", "eks_oidc_url:aud", "sts.x"),
    ("ForAllValues:StringEquals", "aws:username", "x"), ("Bool", "aws:SecureTransport", "maybe"),
    ("StringEquals", "aws:ResourceTag/team", "a"), ("Null", "aws:TagKeys", "true"),
    ("DateGreaterThan", "aws:CurrentTime", "notadate"), ("StringEquals", "aws:sourcevpc", "vpc-123"),
    ("StringEqualsIfExists", "aws:SourceVpce", "bad"), ("StringEquals", "aws:SourceArn", "x"),
    ("NumericLessThan", "s3:max-keys", ["10", "10"]), ("ForAnyValue:Null", "aws:TagKeys", "true"),
    ("StringLIKE", "aws:x", "y"), ("StringEquals", "s3:prefix", []), ("StringEquals", "AWS:SourceAccount", "1"),
]  # fmt: skip


def _one_or_list(values: list[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.sampled_from(values), st.lists(st.sampled_from(values), max_size=3))


@st.composite
def statements(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 20)) == 0:
        return draw(st.sampled_from(["x", 3, None, []]))
    out: dict[str, Any] = {}
    if draw(st.booleans()):
        out["Sid"] = draw(st.sampled_from(["", "S1", "bad sid", "ByocLintIgnoreE2002S3004", 5]))
    if draw(st.integers(0, 5)):
        out["Effect"] = draw(st.sampled_from(["Allow", "Allow", "Deny", "allow"]))
    for name in draw(st.lists(st.sampled_from(["Action", "NotAction"]), max_size=2, unique=True)):
        out[name] = draw(_one_or_list(ACTIONS))
    for name in draw(st.lists(st.sampled_from(["Resource", "NotResource"]), max_size=2, unique=True)):
        out[name] = draw(_one_or_list(RESOURCES))
    for name in draw(st.lists(st.sampled_from(["Principal", "NotPrincipal"]), max_size=2, unique=True)):
        out[name] = draw(st.sampled_from(PRINCIPALS))
    if draw(st.booleans()):
        block: dict[str, Any] = {}
        for op, key, value in draw(st.lists(st.sampled_from(CONDITIONS), max_size=3)):
            block.setdefault(op, {})[key] = value
        out["Condition"] = block
    if draw(st.integers(0, 8)) == 0:
        out[draw(st.sampled_from(["Foo", "condition"]))] = "x"
    return out


@st.composite
def documents(draw: st.DrawFn) -> Any:
    if draw(st.integers(0, 30)) == 0:
        return draw(st.sampled_from([[], "x", {"Version": "2012-10-17"}, {"Statement": "x"}, {"Statement": []}]))
    body = draw(st.lists(statements(), min_size=1, max_size=3))
    doc: dict[str, Any] = {"Statement": body if draw(st.integers(0, 5)) else body[0]}
    version = draw(st.sampled_from(["2012-10-17", "2012-10-17", "2008-10-17", None, 1]))
    if version is not None:
        doc["Version"] = version
    return doc


POLICY_TYPES = st.sampled_from(["identity", "trust", "resource", "scp", "auto"])
ORIGINS = st.sampled_from(["customer", "aws-managed"])
IGNORES = st.sampled_from([None, frozenset(rule_codes(letters="SWI")), frozenset({"E2002", "S3004"})])


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(doc=documents(), policy_type=POLICY_TYPES, origin=ORIGINS, ignore=IGNORES, as_text=st.booleans())
def test_only_the_rules_that_apply_run_with_the_plain_findings(
    monkeypatch: pytest.MonkeyPatch, doc: Any, policy_type: str, origin: str, ignore: Any, as_text: bool
) -> None:
    given_doc = json.dumps(doc) if as_text else doc
    fast = lint_document(given_doc, policy_type, origin=origin, ignore=ignore)  # type: ignore[arg-type]
    plain = _plain(monkeypatch, lint_document, given_doc, policy_type, origin=origin, ignore=ignore)
    assert fast == plain


def _corpus() -> Iterator[tuple[Any, str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from lint_docs import varied_documents
    finally:
        sys.path.remove(str(ROOT / "bench"))
    for doc in varied_documents():
        yield doc, "auto"
    for path in sorted((ROOT / "tests").rglob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(doc, dict) and "Statement" in doc:
            yield doc, "auto"


def test_corpus_findings_equal_the_plain_way(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = list(_corpus())
    assert len(docs) >= 100
    not_errors = frozenset(rule_codes(letters="SWI"))
    for doc, policy_type in docs:
        for ignore in (None, not_errors):
            fast = lint_document(doc, policy_type, ignore=ignore)
            assert fast == _plain(monkeypatch, lint_document, doc, policy_type, ignore=ignore), doc


def test_role_findings_equal_the_plain_way(monkeypatch: pytest.MonkeyPatch) -> None:
    from byoc_iam.blueprint import BlueprintInputs, render_role

    spec = render_role(BlueprintInputs(account_id="123456789012"))
    assert lint_role(spec) == _plain(monkeypatch, lint_role, spec)


def test_a_stale_table_falls_back_to_every_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    """A table that does not list the package's rule modules is not used: the rules themselves decide."""
    from byoc_iam.lint import rules as rules_pkg

    doc = {"Statement": [{"Sid": "a b", "Effect": "Allow", "Action": "s3:Nope", "Resource": "arn:aws:S3:::b"}]}
    expected = lint_document(doc, "identity")
    assert {f.code for f in expected} >= {"E1014", "E2002", "E2007"}
    monkeypatch.setattr(rules_pkg, "rule_modules", lambda: (*rule_modules(), "e9999_new_rule"))
    for cached in (rules_pkg.rule_table, runner._doc_rules, runner._role_rules, runner._need_elements):
        cached.cache_clear()
    try:
        assert rules_pkg.rule_table() is None
        assert lint_document(doc, "identity") == expected
    finally:
        monkeypatch.undo()
        for cached in (rules_pkg.rule_table, runner._doc_rules, runner._role_rules, runner._need_elements):
            cached.cache_clear()
    assert rules_pkg.rule_table() is not None
