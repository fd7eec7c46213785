"""What a rule sees: a tolerant view of one policy document, and of one role.

The view never raises on bad input: values of the wrong type are left out (the grammar rules report
them), so catalog, security and redundancy rules can work on whatever part of the document makes sense.
Every value carries its JSON pointer, so a finding points at the exact array item or condition key.
"""

# No ``from __future__ import annotations``: typing.NamedTuple would compile each string annotation (the first
# compile() builds every AST type, ~10M instructions of start-up; issue 18). tests/test_cold_start.py checks it.
import json
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any, Generic, Literal, NamedTuple, TypeVar, overload

from byoc_iam.lint.positions import SourceMap, escape
from byoc_iam.model.quotas import quotas
from byoc_iam.model.record import Record, record

if TYPE_CHECKING:
    from byoc_iam.model import RoleSpec
    from byoc_iam.servicecatalog import ServiceCatalog

PolicyType = Literal["identity", "trust", "resource", "scp"]
TrustMode = Literal["auto", "placeholder", "resolved"]
POLICY_TYPES: tuple[PolicyType, ...] = ("identity", "trust", "resource", "scp")
TRUST_MODES: tuple[TrustMode, ...] = ("auto", "placeholder", "resolved")
# Who wrote the document: a customer (the default: every check at its severity) or AWS (an AWS managed policy,
# which IAM stores as is: no customer size quota, and where the service catalog snapshot does not know what it
# uses, the snapshot is behind, so W2018 reports it instead of the catalog ERRORs E2001/E2002/E2004/E2006).
Origin = Literal["customer", "aws-managed"]
ORIGINS: tuple[Origin, ...] = ("customer", "aws-managed")

# IAM's quotas (data/iam/quotas.json)
DEFAULT_TRUST_SIZE = quotas().trust_policy_size  # "Role trust policy length" default (adjustable)
INLINE_TOTAL_SIZE = quotas().inline_policies_size  # aggregate inline policies per role
MANAGED_POLICY_SIZE = quotas().managed_policy_size  # one customer-managed policy
SCP_SIZE = quotas().scp_size  # one service control policy
DEFAULT_MANAGED_PER_ROLE = quotas().managed_policies_per_role  # attached to a role (adjustable)


_T = TypeVar("_T")


class cached_property(Generic[_T]):
    """A per-instance cached attribute, like :func:`functools.cached_property` without its lock (Python 3.11
    takes a lock on every first access: a tenth of a lint's time went there). A lint context is never shared
    between threads while it is being filled."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> "cached_property[_T]": ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> "_T | cached_property[_T]":
        if obj is None:
            return self
        value = obj.__dict__[self.name] = self.func(obj)
        return value


_catalog: "ServiceCatalog | None" = None


def shared_catalog() -> "ServiceCatalog":
    """The process-wide service catalog, imported on first use (a lint that needs no catalog rule, such as
    the grammar-only checks, never loads it)."""
    global _catalog
    if _catalog is None:
        from byoc_iam.servicecatalog import get_catalog

        _catalog = get_catalog()
    return _catalog


@record(frozen=True, kw_only=False)
class LintOptions:
    """Knobs of a lint run (every field has the documented default)."""

    trust_mode: TrustMode = "auto"
    trust_size_limit: int = DEFAULT_TRUST_SIZE
    managed_policies_limit: int = DEFAULT_MANAGED_PER_ROLE
    ignore: frozenset[str] = frozenset()  # rule codes not to run
    origin: Origin = "customer"  # "aws-managed": the document is an AWS managed policy (see ORIGINS)


class Value(NamedTuple):
    """A string value of the document and its JSON pointer (absolute, including any role prefix)."""

    value: str
    ptr: str


class CondValue(NamedTuple):
    """A condition value as written (``raw`` keeps its JSON type) and its string form."""

    raw: Any
    text: str
    ptr: str


class CondEntry(NamedTuple):
    """One ``operator: {key: values}`` entry of a Condition block."""

    operator: str
    key: str
    values: tuple[CondValue, ...]
    op_ptr: str
    key_ptr: str


def _strings(value: Any, ptr: str) -> list[Value] | None:
    if isinstance(value, str):
        return [Value(value, ptr)]
    if isinstance(value, list):
        return [Value(v, f"{ptr}/{i}") for i, v in enumerate(value) if isinstance(v, str)]
    return None


def _scalar_text(v: Any) -> str | None:
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, str):
        return v
    if isinstance(v, int | float):
        return repr(v)
    return None


class StatementView(Record):
    """One statement, read tolerantly. Element lists are None when absent (or not string-or-list)."""

    _REPR = _COMPARE = ("index", "ptr", "raw", "ok")

    def __init__(self, index: int, ptr: str, raw: Any) -> None:
        self.index = index
        self.ptr = ptr
        self.raw = raw
        self.ok = isinstance(raw, dict)  # a JSON object (the other properties are empty otherwise)

    def _get(self, name: str) -> Any:
        return self.raw.get(name) if self.ok else None

    def has(self, name: str) -> bool:
        return self.ok and name in self.raw

    @property
    def sid(self) -> str | None:
        sid = self._get("Sid")
        return sid if isinstance(sid, str) else None

    @property
    def effect(self) -> str | None:
        eff = self._get("Effect")
        return eff if isinstance(eff, str) else None

    def strings(self, name: str) -> list[Value] | None:
        """Action/NotAction/Resource/NotResource values (only the string ones)."""
        return _strings(self._get(name), f"{self.ptr}/{name}") if self.has(name) else None

    @cached_property
    def action(self) -> list[Value] | None:
        return self.strings("Action")

    @cached_property
    def not_action(self) -> list[Value] | None:
        return self.strings("NotAction")

    @cached_property
    def resource(self) -> list[Value] | None:
        return self.strings("Resource")

    @cached_property
    def not_resource(self) -> list[Value] | None:
        return self.strings("NotResource")

    def principals(self, name: str = "Principal") -> dict[str, list[Value]] | Literal["*"] | None:
        """``"*"``, or ``{"AWS": [...], "Service": [...], ...}``; None when absent or malformed."""
        p = self._get(name)
        if p == "*":
            return "*"
        if not isinstance(p, dict):
            return None
        out: dict[str, list[Value]] = {}
        for kind, v in p.items():
            vals = _strings(v, f"{self.ptr}/{name}/{escape(str(kind))}")
            if vals is not None:
                out[str(kind)] = vals
        return out

    @cached_property
    def principal(self) -> dict[str, list[Value]] | Literal["*"] | None:
        return self.principals("Principal")

    @cached_property
    def not_principal(self) -> dict[str, list[Value]] | Literal["*"] | None:
        return self.principals("NotPrincipal")

    @cached_property
    def conditions(self) -> list[CondEntry]:
        """Every well-formed ``operator/key/values`` entry of the Condition block."""
        block = self._get("Condition")
        out: list[CondEntry] = []
        if not isinstance(block, dict):
            return out
        for op, keys in block.items():
            op_ptr = f"{self.ptr}/Condition/{escape(str(op))}"
            if not isinstance(keys, dict):
                continue
            for key, vals in keys.items():
                key_ptr = f"{op_ptr}/{escape(str(key))}"
                items = vals if isinstance(vals, list) else [vals]
                values: list[CondValue] = []
                for i, v in enumerate(items):
                    text = _scalar_text(v)
                    if text is not None:
                        values.append(CondValue(v, text, f"{key_ptr}/{i}" if isinstance(vals, list) else key_ptr))
                out.append(CondEntry(str(op), str(key), tuple(values), op_ptr, key_ptr))
        return out

    def condition_keys(self) -> set[str]:
        """Lower-cased condition keys used by the statement."""
        return {c.key.lower() for c in self.conditions}

    @property
    def actions(self) -> list[Value]:
        """Action or NotAction values (whichever is present)."""
        return self.action if self.action is not None else (self.not_action or [])


class DocContext(Record):
    """One document being linted."""

    _REPR = _COMPARE = ("doc", "policy_type", "options", "base", "source", "file", "name", "auto_type", "in_role")

    def __init__(
        self,
        doc: Any,
        policy_type: PolicyType,
        options: LintOptions,
        base: str = "",  # pointer prefix of the document inside a larger file (a RoleSpec)
        source: SourceMap | None = None,
        file: str | None = None,
        name: str | None = None,  # the policy's name inside a role
        auto_type: bool = False,  # the type was inferred
        in_role: bool = False,  # part of lint_role (role-level rules check the quotas)
        memo: dict[str, Any] | None = None,  # what helpers share per document (not compared, not shown)
    ) -> None:
        self.doc = doc
        self.policy_type = policy_type
        self.options = options
        self.base = base
        self.source = source
        self.file = file
        self.name = name
        self.auto_type = auto_type
        self.in_role = in_role
        self.memo: dict[str, Any] = {} if memo is None else memo

    @cached_property
    def statements(self) -> list[StatementView]:
        """The statements (a single-object Statement is index 0 at ``/Statement``)."""
        if not isinstance(self.doc, dict) or "Statement" not in self.doc:
            return []
        body = self.doc["Statement"]
        ptr = f"{self.base}/Statement"
        if isinstance(body, list):
            return [StatementView(i, f"{ptr}/{i}", s) for i, s in enumerate(body)]
        return [StatementView(0, ptr, body)]

    @cached_property
    def _good(self) -> tuple[StatementView, ...]:
        return tuple(s for s in self.statements if s.ok)

    def good_statements(self) -> Iterator[StatementView]:
        """Statements that are JSON objects."""
        return iter(self._good)

    @property
    def catalog(self) -> "ServiceCatalog":
        return _catalog if _catalog is not None else shared_catalog()

    def ptr(self, *tokens: str | int) -> str:
        """An absolute pointer from tokens relative to the document."""
        return self.base + "".join(f"/{escape(str(t))}" for t in tokens)

    def walk_strings(self) -> Iterator[tuple[str, str]]:
        """Every string in the document, object keys included, with its pointer: ``(text, ptr)``."""
        return iter(self._strings)

    @cached_property
    def _strings(self) -> tuple[tuple[str, str], ...]:
        return tuple(self._walk())

    @cached_property
    def compact_json(self) -> str | None:
        """The document as IAM measures it, ``json.dumps(doc, separators=(",", ":"), ensure_ascii=False)``;
        None when it is not JSON data (a caller's own objects, a cycle, nesting past the recursion limit)."""
        try:
            return json.dumps(self.doc, separators=(",", ":"), ensure_ascii=False)
        except (TypeError, ValueError, RecursionError):
            return None

    @cached_property
    def text(self) -> str:
        """A text holding every string of the document (object keys included): its JSON (no character of
        ``${``, ``{``, ``<`` or a letter is escaped there), else the strings joined by NUL characters. A rule
        looking for such a substring can tell from this that no string of the document has it."""
        compact = self.compact_json
        return compact if compact is not None else "\x00".join(text for text, _ in self._strings)

    def _walk(self) -> Iterator[tuple[str, str]]:
        stack: list[tuple[Any, str]] = [(self.doc, self.base)]
        while stack:
            node, ptr = stack.pop()
            if isinstance(node, str):
                yield node, ptr
            elif isinstance(node, dict):
                for k, v in node.items():
                    child = f"{ptr}/{escape(str(k))}"
                    yield str(k), child
                    stack.append((v, child))
            elif isinstance(node, list):
                stack.extend((v, f"{ptr}/{i}") for i, v in enumerate(node))


class RoleContext(Record):
    """A whole role: its spec, the contexts of its documents and the run's options."""

    _REPR = _COMPARE = ("spec", "options", "documents", "source", "file")

    def __init__(
        self,
        spec: "RoleSpec",
        options: LintOptions,
        documents: list[DocContext] | None = None,
        source: SourceMap | None = None,
        file: str | None = None,
    ) -> None:
        self.spec = spec
        self.options = options
        self.documents: list[DocContext] = [] if documents is None else documents
        self.source = source
        self.file = file
