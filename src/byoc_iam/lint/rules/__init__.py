"""The lint rules: one module per rule, each exporting ``RULE``; found by discovery (every module of this
package named ``<letter><4 digits>_<name>``), so adding a rule is adding a module (and its tests).

A rule has a code whose letter is its severity, stated once (E error, S security warning, W warning,
I suggestion; the first digit its family: 1 grammar, 2 catalog, 3 security, 4 this role, 5 redundancy),
a name, a one-line description, the policy types and document origins (customer, AWS managed) it applies to,
the statement elements it needs (``needs``: without any of them it finds nothing), the IAM Access Analyzer policy
checks it implements (``aws_checks``, titles as in AWS's "IAM policy validation check reference"), and a check
over one document (:class:`DocContext`) or over a whole role (:class:`RoleContext`). A check yields
:class:`Hit`\\ s; the runner turns them into findings with line, column, statement index and Sid.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import os
from collections.abc import Callable, Iterable
from functools import cache
from importlib import import_module
from importlib.machinery import all_suffixes
from typing import NamedTuple

from byoc_iam import data as knowledge
from byoc_iam.lint.context import ORIGINS, POLICY_TYPES, DocContext, Origin, PolicyType, RoleContext
from byoc_iam.lint.finding import Severity
from byoc_iam.model.patterns import lazy


class Hit(NamedTuple):
    """A rule's raw finding: a message and an absolute JSON pointer."""

    message: str
    ptr: str


DocCheck = Callable[[DocContext], Iterable[Hit]]
RoleCheck = Callable[[RoleContext], Iterable[Hit]]

SEVERITY_LETTERS = {
    "E": Severity.ERROR,
    "S": Severity.SECURITY_WARNING,
    "W": Severity.WARNING,
    "I": Severity.SUGGESTION,
}
_MODULE = lazy(r"^[eswi]\d{4}_[a-z0-9_]+$")


class Rule(NamedTuple):
    """One lint rule (see the module docstring for the code scheme)."""

    code: str
    name: str
    description: str
    check: DocCheck | None = None
    check_role: RoleCheck | None = None
    types: tuple[PolicyType, ...] = POLICY_TYPES
    aws_checks: tuple[str, ...] = ()  # Access Analyzer check titles this rule implements
    origins: tuple[Origin, ...] = ORIGINS  # the document origins it runs on (LintOptions.origin)
    # Statement elements of which some statement (a JSON object) must have at least one for ``check`` to find
    # anything (empty: any document); the runner skips the rule, unimported, on a document without them
    # (lint/index.py; tests/lint/test_rule_index.py holds every rule to its claim).
    needs: tuple[str, ...] = ()

    @property
    def severity(self) -> Severity:
        """The severity, read from the code's letter."""
        return SEVERITY_LETTERS[self.code[0]]


@cache
def rule_modules() -> tuple[str, ...]:
    """The names of the rule modules of this package, in code order (read from the folder, nothing imported)."""
    names = {_module_name(f) for folder in __path__ for f in os.listdir(folder)}
    return tuple(sorted((n for n in names if _MODULE.match(n)), key=lambda n: (n[1:5], n)))


def _module_name(filename: str) -> str:
    """``e1001_x.py`` (or ``.pyc``...) -> ``e1001_x``; other names as they are (``_MODULE`` leaves them out).
    As ``pkgutil.iter_modules`` reads a folder, without importing pkgutil (a twentieth of ``lint FILE``'s start)."""
    return next((filename[: -len(s)] for s in all_suffixes() if filename.endswith(s)), filename)


def rule_codes(*, letters: str = "ESWI") -> tuple[str, ...]:
    """The codes of every rule whose severity letter is in ``letters``, in code order, without importing any
    rule (a rule's code is its module's name): e.g. ``rule_codes(letters="SWI")``, the rules below ERROR."""
    return tuple(m[:5].upper() for m in rule_modules() if m[0].upper() in letters)


# -- the rule table: what each rule declares, known without importing it (issue 18, start-up and first lint) --
# data/lint/rule_index.json (kind lint-rule-index), written by `python -m byoc_iam.lint.index_gen` from every
# RULE: per module, its policy types and origins (all when absent), its checks and the statement elements it needs.
TABLE_KIND = "lint-rule-index"
TABLE_NAME = "rule_index"


# One rule module's row: (module, code, types, origins, has a document check, has a role check, needs): enough to
# decide whether the rule applies, as a plain tuple (a NamedTuple class costs a million instructions to create).
TableRow = tuple[str, str, tuple[str, ...], tuple[str, ...], bool, bool, frozenset[str]]


@cache
def rule_table() -> tuple[TableRow, ...] | None:
    """The packaged table in code order; None when it does not name exactly :func:`rule_modules` (a rule added or
    renamed without regenerating it: the runner then imports every rule and reads the same facts from them)."""
    rows: tuple[TableRow, ...] = tuple(
        (
            r["module"],
            r["module"][:5].upper(),
            tuple(r.get("types", POLICY_TYPES)),
            tuple(r.get("origins", ORIGINS)),
            r["checks"] in ("document", "both"),
            r["checks"] in ("role", "both"),
            frozenset(r.get("needs", ())),
        )
        for r in knowledge.raw(TABLE_KIND, TABLE_NAME)["rules"]
    )
    return rows if tuple(r[0] for r in rows) == rule_modules() else None


def rule_of(module: str) -> Rule:
    """The rule of one module of :func:`rule_modules` (imported on first use)."""
    return _load(module)


@cache
def _load(module: str) -> Rule:
    r = import_module(f"{__name__}.{module}").RULE
    if not isinstance(r, Rule) or r.code.lower() != module[:5]:
        raise RuntimeError(f"lint rule module {module} must export RULE with code {module[:5].upper()}")
    return r


def all_rules() -> tuple[Rule, ...]:
    """Every rule, in code order (family digits first, then the letter)."""
    return rules_except(frozenset())


@cache
def rules_except(ignore: frozenset[str]) -> tuple[Rule, ...]:
    """The rules whose code is not in ``ignore`` (upper case), in code order; only their modules are imported
    (a lint that needs only the ERROR rules, as the engine's refusal check, loads a third of them)."""
    return tuple(_load(m) for m in rule_modules() if m[:5].upper() not in ignore)


def rule(code: str) -> Rule | None:
    """The rule with this code (any case), or None (imports only that rule's module)."""
    prefix = code.lower()
    return next((_load(m) for m in rule_modules() if m[:5] == prefix and len(prefix) == 5), None)
