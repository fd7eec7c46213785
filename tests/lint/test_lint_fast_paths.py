"""The linter's fast paths give what the straightforward computation gives (issue 18: per-document cost).

Each fast path is compared, over generated inputs, with the plain version it replaces: the bit-row wildcard
intersection with the table DP, I5003's literal-start filter and I5001's matcher with :func:`glob_covers` on
every pair, E2006's per-action-list summary with the per-statement loop, the text pre-checks of E1016 and
E4001 with running the rule in full; and the cold-start shortcuts (data folder, rule listing) with the library
calls they stand in for.
"""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys
from collections.abc import Iterator
from importlib import resources
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

import byoc_iam.data as knowledge
from byoc_iam.lint import runner
from byoc_iam.lint.context import DocContext, LintOptions
from byoc_iam.lint.helpers import action_prefix, has_placeholder
from byoc_iam.lint.rules import Hit, rule_modules
from byoc_iam.lint.rules import e1016_policy_variable as e1016
from byoc_iam.lint.rules import e2006_resource_type_mismatch as e2006
from byoc_iam.lint.rules import e4001_placeholder as e4001
from byoc_iam.lint.rules import i5001_redundant_statement as i5001
from byoc_iam.lint.rules import i5003_covered_by_wildcard as i5003
from byoc_iam.model.wildcard import _intersect_rows, glob_covers, glob_match, globs_intersect


# -- wildcard intersection ------------------------------------------------------------------------------
def _table_dp(a: str, b: str) -> bool:
    """The two-sided wildcard DP over the full table (the implementation the bit rows replaced)."""
    n, m = len(a), len(b)
    reach = [[False] * (m + 1) for _ in range(n + 1)]
    reach[0][0] = True
    for i in range(n + 1):
        for j in range(m + 1):
            if not reach[i][j]:
                continue
            ca = a[i] if i < n else None
            cb = b[j] if j < m else None
            if ca == "*":
                reach[i + 1][j] = True
                if cb is not None and cb != "*":
                    reach[i][j + 1] = True
            if cb == "*":
                reach[i][j + 1] = True
                if ca is not None and ca != "*":
                    reach[i + 1][j] = True
            if ca is not None and cb is not None and ca != "*" and cb != "*" and (ca == cb or "?" in (ca, cb)):
                reach[i + 1][j + 1] = True
    return reach[n][m]


PATTERN = st.text(alphabet="ab:*?", max_size=9)


@given(PATTERN, PATTERN)
@settings(max_examples=600)
def test_bit_row_intersection_is_the_table_dp(a: str, b: str) -> None:
    assert _intersect_rows(a, b) == _table_dp(a, b)
    assert _intersect_rows(b, a) == _table_dp(a, b)  # and the relation is symmetric


@given(st.text(alphabet="aB*?", max_size=7), st.text(alphabet="Ab*?", max_size=7))
def test_globs_intersect_ignoring_case_is_the_table_dp_on_lower_case(a: str, b: str) -> None:
    if ("*" in a or "?" in a) and ("*" in b or "?" in b):
        assert globs_intersect(a, b, ignore_case=True) == _table_dp(a.lower(), b.lower())


def test_arn_formats_intersect_as_before() -> None:
    fmt = "arn:*:ec2:*:*:instance/*"
    assert globs_intersect("arn:aws:ec2:us-east-1:*:instance/i-*", fmt)
    assert not globs_intersect("arn:aws:s3:::b/?", fmt)
    # a star may span colons: arn:aws:s3:::data/X:ec2:a:b:instance/c matches both
    assert globs_intersect("arn:aws:s3:::data/*", fmt) and _table_dp("arn:aws:s3:::data/*", fmt)


# -- I5003 and I5001 ------------------------------------------------------------------------------------
# values with shared literal starts, wildcards anywhere, other case, and characters whose regex case folding
# is wider than str.lower (the Kelvin sign and the long s fold to k and s)
VALUE = st.builds(
    "".join,
    st.lists(
        st.sampled_from(["s3:", "S3:", "ec2:", "Get", "get", "Object", "*", "?", "K", "\u212a", "\u017f", "s"]),
        max_size=5,
    ),
)
VALUES = st.lists(VALUE, min_size=1, max_size=7)


def _i5003_plain(ctx: DocContext) -> Iterator[Hit]:
    """I5003 as it was: every wildcard of the element tried on every value, in order."""
    for stmt in ctx.good_statements():
        for name, fold in (("Action", True), ("NotAction", True), ("Resource", False), ("NotResource", False)):
            vals = stmt.strings(name) or []
            wild = [v for v in vals if "*" in v.value or "?" in v.value]
            for v in vals if wild else []:
                same = v.value.lower() if fold else v.value
                cover = next(
                    (
                        w
                        for w in wild
                        if w is not v
                        and (w.value.lower() if fold else w.value) != same
                        and glob_covers(w.value, v.value, ignore_case=fold)
                    ),
                    None,
                )
                if cover is not None:
                    yield Hit(f"{v.value} is already matched by {cover.value} in the same {name}", v.ptr)


def _ctx(doc: Any, policy_type: str = "identity") -> DocContext:
    return DocContext(doc, policy_type, LintOptions())  # type: ignore[arg-type]


@given(VALUES, VALUES)
@settings(max_examples=300)
def test_i5003_literal_start_filter_finds_what_trying_every_wildcard_finds(actions: list[str], res: list[str]) -> None:
    doc = {"Statement": [{"Effect": "Allow", "Action": actions, "Resource": res}, {"NotAction": actions}]}
    assert list(i5003.check(_ctx(doc))) == list(_i5003_plain(_ctx(doc)))


@given(VALUES, VALUES, st.booleans())
@settings(max_examples=300)
def test_i5001_matcher_is_glob_covers_on_every_pair(small: list[str], big: list[str], fold: bool) -> None:
    doc = {"Statement": [{"Action": small}, {"Action": big}]}
    a, b = _ctx(doc).statements
    assert a.action is not None and b.action is not None
    plain = all(any(glob_covers(x.value, s.value, ignore_case=fold) for x in b.action) for s in a.action)
    assert i5001._Matcher(b.action, fold).covers_all(a.action) == plain


# -- E2006 ----------------------------------------------------------------------------------------------
def _e2006_plain(ctx: DocContext) -> Iterator[Hit]:
    """E2006 as it was: the statement's actions expanded and every ARN matched, statement by statement."""
    cat = ctx.catalog
    for stmt in ctx.good_statements():
        if stmt.action is None or stmt.resource is None:
            continue
        arns = [r for r in stmt.resource if e2006._checkable(r.value)]
        if not arns:
            continue
        types: dict[tuple[str, str], Any] = {}
        star_only: list[str] = []
        skip = False
        for a in stmt.action:
            parts = action_prefix(a.value)
            if parts is None or has_placeholder(a.value) or not cat.is_known_service(parts[0]):
                if a.value == "*" or (parts is not None and ("*" in parts[0] or "?" in parts[0])):
                    skip = True
                continue
            names = cat.expand_action_pattern(a.value) if ("*" in a.value or "?" in a.value) else [a.value]
            if len(names) > e2006._MAX_EXPANSION:
                skip = True
                continue
            for n in names:
                rts = cat.resource_types_for(n)
                if not rts and cat.action(n) is not None:
                    star_only.append(n)
                for rt in rts:
                    types[(rt.service, rt.key)] = rt
        if skip or (not types and not star_only):
            continue
        for r in arns:
            if any(cat.arn_matches_resource_type(r.value, rt) for rt in types.values()):
                continue
            arn_service = r.value.split(":", 3)[2]
            if any(not glob_match(arn_service, a.split(":", 1)[0], ignore_case=True) for a in star_only):
                continue
            if types:
                kinds = ", ".join(sorted({f"{s}:{k}" for s, k in types}))
                yield Hit(
                    f"{r.value} matches no resource type of the statement's actions (they act on: {kinds})", r.ptr
                )
            else:
                yield Hit(f'{r.value} can never match: the statement\'s actions support only Resource "*"', r.ptr)


ACTION = st.sampled_from(
    [
        "s3:GetObject",
        "s3:ListBucket",
        "s3:Get*",
        "ec2:DescribeInstances",
        "ec2:RunInstances",
        "ec2:*",
        "iam:PassRole",
        "sts:GetCallerIdentity",
        "kms:Decrypt",
        "logs:PutLogEvents",
        "foo:Bar",
        "*",
        "e*:Describe*",
        "s3:{x}",
    ]
)
ARN = st.sampled_from(
    [
        "arn:aws:s3:::b/*",
        "arn:aws:s3:::b",
        "arn:aws:ec2:us-east-1:111122223333:instance/*",
        "arn:aws:iam::*:role/x",
        "arn:aws:kms:*:111122223333:key/*",
        "arn:aws:logs:*:*:log-group:/x:*",
        "arn:aws:ec2:*:*:volume/*",
        "*",
        "arn:aws:sqs:us-east-1:111122223333:q",
        "arn:${aws:username}:s3:::x",
        "arn:aws:s3",
    ]
)


@given(st.lists(st.tuples(st.lists(ACTION, min_size=1, max_size=4), st.lists(ARN, min_size=1, max_size=3)), max_size=4))
@settings(max_examples=200)
def test_e2006_action_list_summary_finds_what_the_per_statement_loop_finds(
    statements: list[tuple[list[str], list[str]]],
) -> None:
    doc = {"Statement": [{"Effect": "Allow", "Action": a, "Resource": r} for a, r in statements]}
    assert list(e2006.check(_ctx(doc))) == list(_e2006_plain(_ctx(doc)))


# -- the text pre-checks of E1016 and E4001 --------------------------------------------------------------
TEXT = st.builds(
    "".join,
    st.lists(
        st.sampled_from(
            [
                "${",
                "}",
                "{",
                "accountId",
                "aws:username",
                "<",
                "ACCOUNT_ID>",
                ">",
                "eks_oidc_url",
                "\n",
                '"',
                "x",
                " ",
                "*",
                ",'d'",
                "$",
            ]
        ),
        max_size=6,
    ),
)
LEAF = TEXT | st.integers(-2, 2) | st.booleans() | st.none()


@given(
    st.lists(
        st.dictionaries(
            st.sampled_from(["Action", "Resource", "Sid", "Condition", "Principal", TEXT]),
            LEAF | st.lists(LEAF, max_size=3) | st.dictionaries(TEXT, LEAF | st.lists(LEAF)),
            max_size=4,
        ),
        max_size=3,
    ),
    st.sampled_from(["2012-10-17", "2008-10-17"]),
    st.sampled_from(["identity", "trust"]),
)
@settings(max_examples=300)
def test_text_prechecks_skip_only_documents_the_rules_find_nothing_in(
    body: list[dict[str, Any]], version: str, policy_type: str
) -> None:
    doc = {"Version": version, "Statement": body}
    for rule in (e1016, e4001):
        full = _ctx(doc, policy_type)
        full.__dict__["text"] = "${ < {a eks_oidc_url"  # every pre-check passes: the rule runs in full
        assert list(rule.check(_ctx(doc, policy_type))) == list(rule.check(full))


def test_the_document_text_holds_every_string() -> None:
    doc = {"Statement": [{"Sid": "a\n${x}", "Resource": ["<A>", {"k{y}": 1}]}], 2: "eks_oidc_url"}
    text = _ctx(doc).text
    assert all(s in text for s in ("${x}", "<A>", "k{y}", "eks_oidc_url"))
    odd = _ctx({"Statement": [{"Sid": "${v}"}], "x": {1, 2}})  # not JSON data: the strings are joined instead
    assert "${v}" in odd.text


# -- cold-start shortcuts ------------------------------------------------------------------------------
def test_rule_listing_is_what_pkgutil_lists() -> None:
    from byoc_iam.lint import rules

    listed = [m.name for m in pkgutil.iter_modules(rules.__path__) if rules._MODULE.match(m.name)]
    assert rule_modules() == tuple(sorted(listed, key=lambda n: (n[1:5], n)))


def test_data_folder_is_the_package_resources_folder() -> None:
    assert Path(str(resources.files("byoc_iam.data"))) == Path(knowledge._ROOT)


def test_lint_file_loads_no_resource_reader_or_pkgutil(tmp_path: Path) -> None:
    policy = tmp_path / "p.json"
    policy.write_text(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}],
            }
        )
    )
    code = (
        "import sys, byoc_iam.cli\n"
        "try:\n    byoc_iam.cli.main(['lint', sys.argv[1]])\nexcept SystemExit:\n    pass\n"
        "print([m for m in ('importlib.resources', 'pkgutil', 'zipfile') if m in sys.modules])\n"
    )
    proc = subprocess.run([sys.executable, "-c", code, str(policy)], capture_output=True, text=True, timeout=120)
    assert proc.stdout.strip().splitlines()[-1] == "[]", proc.stdout + proc.stderr


def _nest(depth: int, extra: int) -> Any:
    value: Any = "v"
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return {"Statement": value, "Pad": [[] for _ in range(extra)]}


@given(st.integers(0, 80), st.integers(0, 40))
def test_depth_check_from_the_json_brackets_is_the_walk(depth: int, extra: int) -> None:
    doc = _nest(depth, extra)
    assert runner._too_deep(doc, _ctx(doc).compact_json) == runner._too_deep(doc)


# -- E2006's and E2003's first-lint shortcuts ------------------------------------------------------------
GLOB_TEXT = st.text(alphabet="ab:/*?$<>{}", max_size=8)


@given(GLOB_TEXT, GLOB_TEXT)
@settings(max_examples=500)
def test_prefix_star_intersect_is_the_catalogs_intersection(arn: str, glob: str) -> None:
    from byoc_iam.servicecatalog import ResourceType, get_catalog

    rt = ResourceType("x", "y", glob)  # its arn_glob: the format with each ${...}/<...> part a '*'
    fast = e2006.prefix_star_intersect(arn, rt.arn_glob)
    if fast is not None:
        assert fast == get_catalog().arn_matches_resource_type(arn, rt)
        assert fast == _table_dp(arn, rt.arn_glob)


def test_prefix_star_intersect_answers_plain_resource_arns() -> None:
    assert e2006.prefix_star_intersect("arn:aws:s3:::b/*", "arn:*:s3:::*") is True
    assert e2006.prefix_star_intersect("arn:aws:s3:::b/*", "bucket:*") is False
    assert e2006.prefix_star_intersect("arn:aws:s3:::b/*", "arn:aws:s3:::b/key") is True
    assert e2006.prefix_star_intersect("arn:aws:s3:::b/*", "arn:aws:s3:::c/key") is False
    assert e2006.prefix_star_intersect("arn:aws:*:x:*", "arn:*") is None  # two wildcards: the DP decides


@given(
    st.sampled_from(["s3", "ec2", "iam", "logs", "eks", "sts"]),
    st.text(alphabet="aAgGeEtTsSdDzZ*?K\u212a\u017f", min_size=1, max_size=6).filter(lambda n: "*" in n or "?" in n),
)
@settings(max_examples=300)
def test_e2003_prefix_search_is_the_wildcard_regex(prefix: str, name: str) -> None:
    from byoc_iam.lint.rules import e2003_wildcard_matches_nothing as e2003
    from byoc_iam.servicecatalog import get_catalog

    cat = get_catalog()
    plain = any(glob_match(name, x, ignore_case=True) for x in cat.action_names(prefix))
    assert e2003._matches_any(cat, prefix, name) == plain
