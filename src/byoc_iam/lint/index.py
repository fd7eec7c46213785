"""Which rules can find anything in a document, known without importing them (issue 18, start-up and first lint).

``data/lint/rule_index.json`` lists, per rule module in code order, what its ``RULE`` declares: the policy types and
origins it runs on, whether it has a document check and a role check, and the statement elements it needs
(``Rule.needs``). The runner reads it raw and imports only the rules that apply to a document: a trust policy
never loads the rules of identity policies, a document without conditions none of the condition rules (a rule
module costs about half a million instructions to import).

    python -m byoc_iam.lint.index_gen            # rewrite data/lint/rule_index.json from the rule modules
    python -m byoc_iam.lint.index_gen --check    # exit 1 when it is stale (as tests/lint/test_rule_index.py checks)

When the table does not list exactly the package's rule modules (a rule added or renamed without regenerating
it), :func:`table` is None and the runner imports every rule and reads the same facts from the rules themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from typing import Any, NamedTuple

from byoc_iam import data as knowledge
from byoc_iam.lint.rules import rule_modules

KIND = "lint-rule-index"
NAME = "rule_index"


class Row(NamedTuple):
    """One rule's entry: what the runner needs to decide whether the rule applies, without importing it."""

    module: str
    code: str
    types: frozenset[str]
    origins: frozenset[str]
    document: bool  # it has a document check
    role: bool  # it has a role check
    needs: frozenset[str]  # empty: any document


@cache
def table() -> tuple[Row, ...] | None:
    """The packaged rows in code order; None when they do not name exactly the rule modules of the package."""
    rows = tuple(
        Row(r["module"], r["code"], frozenset(r["types"]), frozenset(r["origins"]), r["document"], r["role"], frozenset(r["needs"]))
        for r in knowledge.raw(KIND, NAME)["rules"]
    )
    return rows if tuple(r.module for r in rows) == rule_modules() else None


@cache
def need_elements() -> frozenset[str]:
    """Every statement element some rule needs (what :func:`present` looks for)."""
    rows = table()
    needs: Iterable[frozenset[str]] = (r.needs for r in rows) if rows else ()
    return frozenset().union(*needs)


def present(doc: dict[str, Any]) -> frozenset[str]:
    """The elements of :func:`need_elements` that some statement of ``doc`` (a dict with ``Statement``) has, a
    statement being a JSON object in the Statement list or the Statement object itself."""
    body = doc["Statement"]
    found: set[Any] = set()
    for st in body if isinstance(body, list) else (body,):
        if isinstance(st, dict):
            found.update(st)
    return need_elements().intersection(found)
