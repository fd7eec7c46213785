"""IAM policy documents: lossless parse, canonical form, semantic equality and IAM's size count.

A :class:`PolicyDocument` keeps the JSON it was parsed from (``raw``) so nothing is lost, and exposes the
elements in a normalised shape (every string-or-list element as a tuple of strings). Two documents are
*semantically equal* when they grant the same thing for any reading IAM makes of them: order of list
values and of statements does not matter, a string equals a one-element list, action names and condition
keys compare case-insensitively, and scalar condition values compare as IAM's strings (``true`` ==
``"true"``, ``1`` == ``"1"``).

:class:`Statement` and :class:`PolicyDocument` are immutable (assigning a field raises ``AttributeError``),
compared by identity, with a repr of their fields but ``raw``: what ``dataclass(frozen=True, eq=False)`` made
of them, written out because creating a dataclass costs a single ``simulate`` or ``lint`` a share of its
start-up (issue 18).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from byoc_iam.errors import UsageError

Effect = Literal["Allow", "Deny"]
PrincipalMap = dict[str, tuple[str, ...]]
ConditionBlock = dict[str, dict[str, tuple[str, ...]]]

STATEMENT_ELEMENTS = (
    "Sid",
    "Effect",
    "Principal",
    "NotPrincipal",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Condition",
)
DOCUMENT_ELEMENTS = ("Version", "Id", "Statement")


class PolicyParseError(ValueError):
    """The text is not a policy document IAM could read. ``path`` is a JSON pointer, when known."""

    def __init__(self, message: str, *, path: str = "", line: int | None = None, column: int | None = None):
        super().__init__(message)
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ""
        if self.line is not None:
            where = f" (line {self.line}, column {self.column})"
        elif self.path:
            where = f" (at {self.path})"
        return f"{self.args[0]}{where}"


def scalar_to_str(value: Any) -> str:
    """IAM's string form of a scalar JSON value (``true`` -> ``"true"``, ``1`` -> ``"1"``)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, float) and not (abs(value) < 2.0**63):  # (also NaN and the infinities)
        # A float this large may have been an integer literal that a reader rounded (orjson reads integers beyond
        # 64 bits as floats); IAM reads the literal's exact digits, so such a value is refused, not guessed.
        raise PolicyParseError(f"the number {value!r} is too large to read exactly: write it as a string")
    if isinstance(value, int | float):
        return json.dumps(value)
    raise PolicyParseError(f"expected a string, number or boolean, got {type(value).__name__}")


def _strings(value: Any, path: str, *, allow_scalars: bool = False) -> tuple[str, ...]:
    """A string-or-list element as a tuple of strings."""
    items = value if isinstance(value, list) else [value]
    out: list[str] = []
    for i, item in enumerate(items):
        if isinstance(item, str):
            out.append(item)
        elif allow_scalars and isinstance(item, bool | int | float):
            out.append(scalar_to_str(item))
        else:
            where = f"{path}/{i}" if isinstance(value, list) else path
            raise PolicyParseError(f"expected a string, got {type(item).__name__}", path=where)
    return tuple(out)


def _principal(value: Any, path: str) -> str | PrincipalMap:
    if value == "*":
        return "*"
    if not isinstance(value, dict):
        raise PolicyParseError('Principal must be "*" or an object such as {"AWS": ...}', path=path)
    return {str(k): _strings(v, f"{path}/{k}") for k, v in value.items()}


def _condition(value: Any, path: str) -> ConditionBlock:
    if not isinstance(value, dict):
        raise PolicyParseError("Condition must be an object of operators", path=path)
    block: ConditionBlock = {}
    for op, keys in value.items():
        if not isinstance(keys, dict):
            raise PolicyParseError(f"condition operator {op} must map keys to values", path=f"{path}/{op}")
        block[str(op)] = {str(k): _strings(v, f"{path}/{op}/{k}", allow_scalars=True) for k, v in keys.items()}
    return block


class _AsWritten(ABC):
    """``to_dict()`` of a parsed statement or document: as it was written (lossless), else canonical."""

    raw: Mapping[str, Any]

    @abstractmethod
    def canonical(self) -> dict[str, Any]:
        """The canonical form."""

    def to_dict(self) -> dict[str, Any]:
        """The element as it was written (lossless); canonical when it was built, not parsed."""
        if self.raw:
            return _copy(self.raw)
        return self.canonical()

    _REPR: tuple[str, ...] = ()  # the fields repr shows

    def __repr__(self) -> str:
        return f"{type(self).__qualname__}({', '.join(f'{f}={getattr(self, f)!r}' for f in self._REPR)})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"cannot assign to field {name!r}")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"cannot delete field {name!r}")


class Statement(_AsWritten):
    """One statement, normalised. ``None`` means the element is absent."""

    _REPR = (
        "effect",
        "sid",
        "action",
        "not_action",
        "resource",
        "not_resource",
        "principal",
        "not_principal",
        "condition",
    )
    effect: Effect
    sid: str | None
    action: tuple[str, ...] | None
    not_action: tuple[str, ...] | None
    resource: tuple[str, ...] | None
    not_resource: tuple[str, ...] | None
    principal: str | PrincipalMap | None
    not_principal: str | PrincipalMap | None
    condition: ConditionBlock

    def __init__(
        self,
        effect: Effect,
        sid: str | None = None,
        action: tuple[str, ...] | None = None,
        not_action: tuple[str, ...] | None = None,
        resource: tuple[str, ...] | None = None,
        not_resource: tuple[str, ...] | None = None,
        principal: str | PrincipalMap | None = None,
        not_principal: str | PrincipalMap | None = None,
        condition: ConditionBlock | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "effect", effect)
        set_(self, "sid", sid)
        set_(self, "action", action)
        set_(self, "not_action", not_action)
        set_(self, "resource", resource)
        set_(self, "not_resource", not_resource)
        set_(self, "principal", principal)
        set_(self, "not_principal", not_principal)
        set_(self, "condition", {} if condition is None else condition)
        set_(self, "raw", {} if raw is None else raw)

    @classmethod
    def from_dict(cls, data: Any, path: str = "/Statement/0") -> Statement:
        if not isinstance(data, dict):
            raise PolicyParseError("a statement must be a JSON object", path=path)
        effect = data.get("Effect")
        if effect not in ("Allow", "Deny"):
            raise PolicyParseError('Effect must be "Allow" or "Deny"', path=f"{path}/Effect")
        sid = data.get("Sid")
        if sid is not None and not isinstance(sid, str):
            raise PolicyParseError("Sid must be a string", path=f"{path}/Sid")

        def opt(name: str) -> tuple[str, ...] | None:
            return _strings(data[name], f"{path}/{name}") if name in data else None

        return cls(
            effect=effect,
            sid=sid,
            action=opt("Action"),
            not_action=opt("NotAction"),
            resource=opt("Resource"),
            not_resource=opt("NotResource"),
            principal=_principal(data["Principal"], f"{path}/Principal") if "Principal" in data else None,
            not_principal=(
                _principal(data["NotPrincipal"], f"{path}/NotPrincipal") if "NotPrincipal" in data else None
            ),
            condition=_condition(data["Condition"], f"{path}/Condition") if "Condition" in data else {},
            raw=data,
        )

    def canonical(self) -> dict[str, Any]:
        """Canonical form: fixed key order, every list sorted and de-duplicated, singletons as lists."""
        out: dict[str, Any] = {}
        if self.sid is not None:
            out["Sid"] = self.sid
        out["Effect"] = self.effect
        for name, principal in (("Principal", self.principal), ("NotPrincipal", self.not_principal)):
            if principal is not None:
                out[name] = (
                    "*" if isinstance(principal, str) else {k: sorted(set(v)) for k, v in sorted(principal.items())}
                )
        for name, values in (
            ("Action", self.action),
            ("NotAction", self.not_action),
            ("Resource", self.resource),
            ("NotResource", self.not_resource),
        ):
            if values is not None:
                out[name] = sorted(set(values))
        if self.condition:
            out["Condition"] = {
                op: {k: sorted(set(v)) for k, v in sorted(keys.items())} for op, keys in sorted(self.condition.items())
            }
        return out

    def semantic_key(self) -> str:
        """A string equal for two statements exactly when they are semantically equal (Sid ignored)."""
        c = self.canonical()
        c.pop("Sid", None)
        for name in ("Action", "NotAction"):
            if name in c:
                c[name] = sorted({a.lower() for a in c[name]})
        if "Condition" in c:
            c["Condition"] = {
                op: {k.lower(): v for k, v in sorted(keys.items(), key=lambda kv: kv[0].lower())}
                for op, keys in c["Condition"].items()
            }
        return json.dumps(c, sort_keys=True, separators=(",", ":"))

    @property
    def actions(self) -> tuple[str, ...]:
        """Action or NotAction values (whichever is present)."""
        return self.action or self.not_action or ()


class PolicyDocument(_AsWritten):
    """A parsed IAM policy document. ``raw`` is the JSON object as parsed."""

    _REPR = ("statements", "version", "id")
    statements: tuple[Statement, ...]
    version: str | None
    id: str | None

    def __init__(
        self,
        statements: tuple[Statement, ...],
        version: str | None = "2012-10-17",
        id: str | None = None,
        raw: Mapping[str, Any] | None = None,
    ) -> None:
        set_ = object.__setattr__
        set_(self, "statements", statements)
        set_(self, "version", version)
        set_(self, "id", id)
        set_(self, "raw", {} if raw is None else raw)

    @classmethod
    def from_dict(cls, data: Any) -> PolicyDocument:
        if not isinstance(data, dict):
            raise PolicyParseError("a policy document must be a JSON object")
        version = data.get("Version")
        if version is not None and not isinstance(version, str):
            raise PolicyParseError("Version must be a string", path="/Version")
        if "Statement" not in data:
            raise PolicyParseError("the document has no Statement element", path="/Statement")
        body = data["Statement"]
        items = body if isinstance(body, list) else [body]
        if isinstance(body, list):
            statements = tuple(Statement.from_dict(s, f"/Statement/{i}") for i, s in enumerate(items))
        else:
            statements = (Statement.from_dict(body, "/Statement"),)
        pid = data.get("Id")
        return cls(statements=statements, version=version, id=pid if isinstance(pid, str) else None, raw=data)

    @classmethod
    def from_json(cls, text: str) -> PolicyDocument:
        """Parse JSON text; invalid JSON raises :class:`PolicyParseError` with line and column."""
        return cls.from_dict(load_json(text))

    def canonical(self) -> dict[str, Any]:
        """Canonical form: statements in their order, each canonical."""
        out: dict[str, Any] = {}
        if self.version is not None:
            out["Version"] = self.version
        if self.id is not None:
            out["Id"] = self.id
        out["Statement"] = [s.canonical() for s in self.statements]
        return out

    def to_json(self, *, indent: int | None = 2, canonical: bool = False) -> str:
        doc = self.canonical() if canonical else self.to_dict()
        if indent is None:
            return json.dumps(doc, separators=(",", ":"))
        return json.dumps(doc, indent=indent)

    def semantic_key(self) -> str:
        keys = sorted({s.semantic_key() for s in self.statements})
        return json.dumps({"Version": self.version, "Statement": keys}, separators=(",", ":"))

    def semantically_equal(self, other: PolicyDocument) -> bool:
        return self.semantic_key() == other.semantic_key()

    def iam_size(self) -> int:
        """The size IAM counts against its quotas: characters of the document, whitespace excluded."""
        return iam_size(self.to_dict())

    def __iter__(self) -> Iterator[Statement]:
        return iter(self.statements)

    def __len__(self) -> int:
        return len(self.statements)


def iam_size(document: Mapping[str, Any]) -> int:
    """Characters IAM counts for a policy: its JSON without any whitespace."""
    return compact_size(json.dumps(document, separators=(",", ":"), ensure_ascii=False))


def compact_size(compact: str) -> int:
    """:func:`iam_size` of a document already dumped as ``json.dumps(doc, separators=(",", ":"),
    ensure_ascii=False)``."""
    return len("".join(compact.split()))  # str.split() drops exactly the characters str.isspace() names


def _copy(data: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(json.dumps(data))
    return out


def load_json(text: str) -> Any:
    """``json.loads`` with a :class:`PolicyParseError` naming line and column on failure."""
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise PolicyParseError(f"invalid JSON: {exc.msg}", line=exc.lineno, column=exc.colno) from None
    except RecursionError:
        raise PolicyParseError("invalid JSON: nested too deeply") from None


def read_json(text: str, where: str) -> Any:
    """:func:`load_json` for input people give: bad JSON is one :class:`UsageError` line ``{where}: {problem}``."""
    try:
        return load_json(text)
    except PolicyParseError as exc:
        raise UsageError(f"{where}: {exc}") from None


def policy(data: PolicyDocument | Mapping[str, Any] | str) -> PolicyDocument:
    """Coerce a document, a dict or JSON text to a :class:`PolicyDocument`."""
    if isinstance(data, PolicyDocument):
        return data
    if isinstance(data, str):
        return PolicyDocument.from_json(data)
    return PolicyDocument.from_dict(dict(data))
