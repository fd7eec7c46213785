"""The batch format of ``byoc-iam simulate --batch`` and its streaming reader and runner.

Input (UTF-8 text): a JSON array of ``{"policies": {...}, "request": {...}}`` (every case with its own
policies), JSON lines of the same, or one object ``{"policies": {...}, "requests": [...]}``. ``policies`` has
the keys ``identity`` (list of documents), ``resource``, ``boundary`` (list), ``scp``/``rcp`` (lists of levels,
each a list of documents, root first), ``session``; a request has ``principal``, ``action``, ``resource``,
``resource_account`` and ``context``. Output: one line ``{"decision": ..., "blocked_by": [...]}`` per
request, in order.

Speed: an array's items are read a block (~256 KiB) at a time and cut by position (``find``/``rfind``, one copy per
item: a new ``policies`` text); only each request is parsed (orjson). A ``policies`` text compiled before is found
where the item's value starts, by bisection over the sorted known texts and one comparison in place (neither copied,
hashed nor scanned: only the request is searched for the next item), and its compiled set is handed to the runner
with the item; a new one is cut into its members where it stands
(:mod:`byoc_iam.engine.batch_text`: known member texts compared in place), each distinct member text parsed, checked
and compiled once. (Parsing each item whole with orjson instead costs about 3x cutting a new ``policies`` text and
20x looking up a known one, measured on the varied bench batch.) An item is named (``source[i].request``) only when
it fails; any cut that does not parse falls back to orjson on the block, then to the standard library's incremental
decoder to report an error. JSON lines are read a block at a time and each line parsed with orjson (exactly one
value per line). Numbers are read exactly or refused: NaN, Infinity and numbers out of a float's range are not
JSON, and a float too large to be exact (an integer beyond 64 bits, which orjson rounds) is refused where it is
used (:func:`byoc_iam.model.policy.scalar_to_str`). A policy set is compiled once per
distinct content and each document once per process (see :mod:`byoc_iam.engine.statements`); items are handed to the
runner a block at a time (:func:`batch_blocks`); each request is checked inline (:func:`fast_parts`: a request with
the documented keys only; a principal, action and account each checked once per distinct value, a typed context
value once per key and value, the context's keys lower-cased in the same pass); output lines are shared per
distinct answer and written in blocks. The cyclic garbage collector runs every :data:`_GC_EVERY` requests instead of
on allocation counts: a request's objects die by reference counting, and each collection would walk every cache
entry made since the last. Memory stays flat however long the stream: the reader holds one block, the caches are
bounded.

Bad input raises :class:`byoc_iam.errors.UsageError` naming the item (``source[3].request.action``, or
``source:7`` for a JSON line); a document IAM would refuse raises
:class:`byoc_iam.errors.MalformedPolicyError`. The lines already written stay.
"""

from __future__ import annotations

import gc
import json
import math
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

import orjson

from byoc_iam.engine.batch_text import KnownMembers, SortedTexts, split_members
from byoc_iam.engine.checked import check_document
from byoc_iam.engine.compiled import CompiledPolicies
from byoc_iam.engine.conditions import context_problem, typed_reader
from byoc_iam.engine.statements import CompiledDocument
from byoc_iam.errors import UsageError
from byoc_iam.model.policy import PolicyParseError
from byoc_iam.model.request import plain_arn_pattern, request_problem

POLICY_KEYS = ("identity", "resource", "boundary", "scp", "rcp", "session")
REQUEST_KEYS = ("principal", "action", "resource", "resource_account", "context")
_CHUNK = 1 << 18  # characters read at a time (of 64 KiB to 1 MiB, the fewest instructions and time on the varied batch)
_SET_CACHE = 8192
_MEMBER_CACHE = 4096
_MISSING = object()
_EMPTY: dict[str, Any] = {}
_WS = " \t\r\n"
_WS_CHARS = frozenset(_WS)  # (the empty string is not in it, unlike in _WS)
_FIRST_LINE_MAX = 1 << 20
_GC_EVERY = 100_000  # requests between two runs of the cyclic garbage collector (see run_batch)
_TEXTS = 1024  # policies texts remembered by the reader (each with its parsed value)
_SEEN = 8192  # compiled policies texts the reader finds in place (JsonStream.seen)
_SEEN_LONGEST = 1 << 14  # longer policies texts are looked up by their slice (each item bisects a slice this long)
_TO_REQUEST = re.compile(r'[ \t\r\n]*,[ \t\r\n]*"request"[ \t\r\n]*:').match  # between policies and request


def _not_json(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _finite(text: str) -> float:
    value = float(text)
    if math.isinf(value):
        raise ValueError(f"{text} is out of range")
    return value


# The standard library's decoder as strict as orjson: NaN, Infinity and numbers out of a float's range are not JSON
# (RFC 8259), and IAM would refuse a document holding them. Its ValueError (not a JSONDecodeError) says which.
_STRICT = json.JSONDecoder(parse_constant=_not_json, parse_float=_finite)


def _loads(text: str) -> Any:
    """``text`` as one JSON value: orjson, else the standard library (strict, :data:`_STRICT`) for what orjson
    refuses, to read it (a lone surrogate) or raise its error: JSONDecodeError, or ValueError for NaN, Infinity or
    a number out of range."""
    try:
        return orjson.loads(text)
    except orjson.JSONDecodeError:
        return _STRICT.decode(text)


def _closing_brace(text: str, after: int, end: int) -> int:
    """The position of the item's closing ``}``: the last character of ``text[after:end]`` but JSON whitespace,
    past ``after``; -1 if it is not ``}``."""
    close = end - 1
    while close > after and text[close] in _WS:
        close -= 1
    return close if close > after and text[close] == "}" else -1


class Presplit:
    """The ``policies`` of an item the reader cut but could not compile: the text of that value (the cache key)
    and the value as parsed the first time this text was seen (:class:`PolicySets` compiles it or names its
    error)."""

    __slots__ = ("policies", "text")

    def __init__(self, text: str, policies: Any) -> None:
        self.text = text
        self.policies = policies


# (policies, request, where): ``policies`` a value, a :class:`CompiledPolicies` or a :class:`Presplit`; ``where``
# names the request in errors (for an array item its index, see :func:`item_name`)
Item = tuple[Any, Any, str | int]


# -- the format ---------------------------------------------------------------------------------------
def _object(data: Any, allowed: tuple[str, ...], where: str, not_object: str, key: str = "key") -> dict[str, Any]:
    """``data`` if it is a JSON object whose keys are all ``allowed`` (else UsageError)."""
    if type(data) is not dict:
        raise UsageError(f"{where}: {not_object}")
    for k in data:
        if k not in allowed:
            unknown = sorted(set(data) - set(allowed))[0]
            raise UsageError(f"{where}: unknown {key} {unknown!r} (expected {', '.join(allowed)})")
    return data


def _doc(value: Any, policy_type: str, where: str) -> CompiledDocument:
    try:
        return check_document(value, policy_type, where)
    except PolicyParseError as exc:
        raise UsageError(f"{where}: {exc}") from None


def _docs(value: Any, policy_type: str, where: str) -> tuple[CompiledDocument, ...]:
    if type(value) is not list:
        raise UsageError(f"{where}: expected a list of documents")
    return tuple(_doc(d, policy_type, f"{where}[{i}]") for i, d in enumerate(value))


def _levels(value: Any, policy_type: str, where: str) -> tuple[tuple[CompiledDocument, ...], ...]:
    if type(value) is not list or not all(type(v) is list for v in value):
        raise UsageError(f"{where}: expected a list of lists of documents")
    return tuple(_docs(lv, policy_type, f"{where}[{i}]") for i, lv in enumerate(value))


# Each member of a ``policies`` object: how its value compiles (None: the member is absent).
_MEMBERS: dict[str, Callable[[Any, str], Any]] = {
    "identity": lambda v, w: _docs(v, "identity", w) if v is not None else (),
    "resource": lambda v, w: _doc(v, "resource", w) if v is not None else None,
    "boundary": lambda v, w: _docs(v, "pb", w) if v is not None else None,
    "scp": lambda v, w: _levels(v, "scp", w) if v is not None else None,
    "rcp": lambda v, w: _levels(v, "rcp", w) if v is not None else None,
    "session": lambda v, w: _doc(v, "session", w) if v is not None else None,
}


def compile_batch_policies(data: Any, where: str) -> CompiledPolicies:
    """A ``policies`` object compiled (documents checked and cached); bad input: UsageError."""
    shape = f"policies must be an object with keys {', '.join(POLICY_KEYS)}"
    data = _object(data, POLICY_KEYS, where, shape, key="policy type")
    return CompiledPolicies(**{k: _MEMBERS[k](data.get(k), f"{where}.{k}") for k in POLICY_KEYS})


_SCALARS = (str, int, float, bool)


_REQUEST_KEYS = frozenset(REQUEST_KEYS)


# Request fields (principal, action, resource account) that passed :func:`request_problem`: each field's check
# is independent of the others and of the resource, so a field seen before needs only a set lookup (bounded).
_FIELDS_OK: tuple[set[Any], set[Any], set[Any]] = ({None}, set(), {None})
_FIELDS_MAX = 16384
_plain_resource: Callable[[str], Any] | None = None


# Per context key: (lower case, typed reader or None, the values that read as its type). typed_reader is cached
# itself; this table also keeps the lower-cased key and the key's good values, and one dict lookup per key costs
# less than a cached call and a lower() (55M instructions, 1.9%, of the varied bench batch). Bounded: emptied at
# _FIELDS_MAX keys, a key's values at _FIELDS_MAX values.
_KEYS: dict[str, tuple[str, Callable[[str], object] | None, set[str]]] = {}


def _key(key: str) -> tuple[str, Callable[[str], object] | None, set[str]]:
    """``(key in lower case, its type's reader or None, no values yet)`` (see :func:`typed_reader`), remembered."""
    typed = typed_reader(key)
    hit = _KEYS[key] = (key.lower(), typed[0] if typed is not None else None, set())
    if len(_KEYS) >= _FIELDS_MAX:
        _KEYS.clear()
    return hit


def _context_ok(context: dict[str, Any]) -> dict[str, Any] | None:
    """``context`` with lower-case keys (as :func:`byoc_iam.engine.conditions.normalise_context` gives it) when
    every value is a string that reads as its key's type (a date, number, IP address or boolean) where the
    catalog types the key (the common shape); else None (then :func:`check_request` reads it). Typed values that
    read are remembered per key (bounded): the check is per key and value."""
    keys = _KEYS
    out: dict[str, Any] = {}
    for k, v in context.items():
        if type(v) is not str:
            return None
        try:  # (a miss is once per key: cheaper than a call per key)
            low, read, good = keys[k]
        except KeyError:
            low, read, good = _key(k)
        if read is not None and v not in good:
            if read(v) is None:
                return None
            if len(good) >= _FIELDS_MAX:
                good.clear()
            good.add(v)
        out[low] = v
    return out


def fast_parts(data: Any) -> tuple[Any, str, str, Any, dict[str, Any]] | None:
    """``(principal, action, resource, resource_account, context)`` of a batch request of the common shape, checked
    as :func:`check_request` checks it, the context normalised (lower-case keys; ``{}`` when absent); None for
    any other request (then :func:`checked_parts` reads it, or names its error).

    ``data`` as a JSON parser returns it (exact built-in types): a principal, action and account that passed before
    are trusted by set membership, which only a string passes (no other JSON value equals one; a list or object
    raises TypeError, declined). A Python caller's data goes through :func:`request_parts`."""
    if type(data) is not dict:
        return None
    if data.keys() == _REQUEST_KEYS:  # every key present (the common shape): subscripts cost less than calls
        principal, action, resource = data["principal"], data["action"], data["resource"]
        account, context = data["resource_account"], data["context"]
    elif _REQUEST_KEYS.issuperset(data):
        get: Callable[[str], Any] = data.get
        principal, action, resource = get("principal"), get("action"), get("resource")
        account, context = get("resource_account"), get("context")
    else:
        return None
    if context:
        if type(context) is not dict:
            return None
        ctx = _context_ok(context)
        if ctx is None:
            return None
    elif context is None or type(context) is dict:
        ctx = _EMPTY
    else:
        return None
    ok_p, ok_a, ok_acct = _FIELDS_OK
    try:
        if principal in ok_p and action in ok_a and account in ok_acct:  # each passed before
            plain = _plain_resource
            if resource == "*" or (plain is not None and plain(resource) is not None):
                return principal, action, resource, account, ctx
    except TypeError:  # a list or object where a string belongs
        return None
    if (
        (principal is not None and type(principal) is not str)
        or type(action) is not str
        or type(resource) is not str
        or (account is not None and type(account) is not str)
    ):
        return None
    if (":" in action or action == "*") and resource and request_problem(principal, action, resource, account) is None:
        _fields_passed(principal, action, account)  # cached per field
        return principal, action, resource, account, ctx
    return None


_JSON_TYPES = frozenset((str, int, float, bool, type(None), list, dict))


def request_parts(
    data: Any, where: str | int, source: str = "", names: str | None = None
) -> tuple[Any, str, str, Any, Any]:
    """``(principal, action, resource, resource_account, context)`` of a batch request, checked as
    :func:`check_request` checks it (the common shape tested inline, :func:`fast_parts`; anything else goes through
    it). Any data: a field of a type no JSON parser returns (a ``str`` subclass could claim to equal a string that
    passed before) is read by :func:`check_request`. ``where``/``source``/``names`` name the request in errors (see
    :func:`item_name`)."""
    parsed = type(data) is dict and all(type(v) in _JSON_TYPES for v in data.values())
    fast = fast_parts(data) if parsed else None
    if fast is not None:
        return fast[0], fast[1], fast[2], fast[3], data.get("context")
    return checked_parts(data, where, source, names)


def checked_parts(
    data: Any, where: str | int, source: str = "", names: str | None = None
) -> tuple[Any, str, str, Any, Any]:
    """:func:`request_parts` through :func:`check_request` alone (for a request :func:`fast_parts` declined)."""
    r = check_request(data, item_name(where, source, names))
    return r.get("principal"), r["action"], r["resource"], r.get("resource_account"), r.get("context")


def _fields_passed(principal: str | None, action: str, account: str | None) -> None:
    """Remember a request's fields that passed :func:`request_problem` (see :data:`_FIELDS_OK`)."""
    global _plain_resource
    if _plain_resource is None:
        _plain_resource = plain_arn_pattern().fullmatch
    ok_p, ok_a, ok_acct = _FIELDS_OK
    for seen in _FIELDS_OK:
        if len(seen) >= _FIELDS_MAX:
            seen.clear()
            if seen is not ok_a:  # a principal or account may be None (anonymous, or the account left out)
                seen.add(None)
    ok_p.add(principal)
    ok_a.add(action)
    ok_acct.add(account)


def check_request(data: Any, where: str) -> dict[str, Any]:
    """A batch request object, checked (bad input: UsageError naming the field)."""
    data = _object(data, REQUEST_KEYS, where, "a request must be an object")
    principal = data.get("principal")
    action = data.get("action")
    resource = data.get("resource")
    account = data.get("resource_account")
    context = data.get("context")
    if principal is not None and type(principal) is not str:
        raise UsageError(f"{where}.principal: expected a string or null")
    if type(action) is not str or (":" not in action and action != "*"):
        raise UsageError(f"{where}.action: expected a string such as 'ec2:CreateVolume'")
    if type(resource) is not str or not resource:
        raise UsageError(f"{where}.resource: expected an ARN or '*'")
    if account is not None and type(account) is not str:
        raise UsageError(f"{where}.resource_account: expected a string")
    if context:
        if type(context) is not dict:
            raise UsageError(f"{where}.context: expected an object")
        for key, value in context.items():
            if not (
                isinstance(value, _SCALARS) or (type(value) is list and all(isinstance(v, _SCALARS) for v in value))
            ):
                raise UsageError(f"{where}.context.{key}: expected a string, number, boolean or a list of them")
            bad = context_problem(key, value)
            if bad:
                raise UsageError(f"{where}.context.{bad}")
    elif context is not None and type(context) is not dict:
        raise UsageError(f"{where}.context: expected an object")
    problem = request_problem(principal, action, resource, account)
    if problem:
        raise UsageError(f"{where}.{problem[0]}: {problem[1]}")
    checked: dict[str, Any] = data
    return checked


# -- streaming JSON -----------------------------------------------------------------------------------
class JsonStream:
    """Read JSON values from a text stream without loading it all: arrays a block of items at a time."""

    def __init__(self, stream: IO[str], before_read: Callable[[], None] | None = None) -> None:
        self.stream = stream
        self.before_read = before_read
        self.buf = ""
        self.pos = 0
        self.eof = False
        self.texts: dict[str, Any] = {}
        self.known: dict[str, CompiledPolicies] = {}  # policies texts the runner has compiled
        self.compile_text: Callable[[str], CompiledPolicies | None] | None = None  # compiles a policies text
        # compiles the policies object at a position, if its members are known texts (see PolicySets.compile_at)
        self.compile_at: Callable[[str, int, int], tuple[str, CompiledPolicies] | None] | None = None
        self.seen = SortedTexts()  # compiled policies texts and their sets, found in place (see _remember)

    def presplit_all(self, text: str, opening: str, start: int, stop: int, first: int) -> list[Item] | None:
        """The items ``(policies, request, index)`` of ``text[start:stop]`` (whole items joined by commas, each
        starting with ``opening``, the first item's ``{"policies":`` as written; numbered from ``first``), the
        policies compiled (a :class:`CompiledPolicies`, or a :class:`Presplit` the runner compiles); None if any
        item is not of that shape (a cut at a nested ``{"policies":`` leaves an item that does not parse, so it
        falls back too).

        Works on positions in ``text``, no copy of an item but a new ``policies`` text. A policies text compiled
        before is found where the item's value starts (:meth:`SortedTexts.index_at`: bisection, then one comparison
        in place; its compiled set is kept beside it), so only the request is scanned for the next item's
        ``opening``. A new one whose members are known texts is cut in place too (:meth:`PolicySets.compile_at`);
        any other item is read by :meth:`_presplit_at`. Sound without parsing the policies again: the known text is
        valid JSON followed by ``, "request":``, and the request parses, so the item is valid JSON with exactly
        those members (JSON values are self-delimiting)."""
        lead = text.find(opening, start, stop)
        if lead == -1 or text[start:lead].strip():
            return None
        out: list[Item] = []
        seen = self.seen
        find, index_at, texts, sets = text.find, seen.index_at, seen.texts, seen.values
        to_request, compile_at = _TO_REQUEST, self.compile_at
        skip = len(opening)  # the opening holds the whitespace before the value: the value starts right after it
        pos, k = lead, first
        while True:
            body = pos + skip
            r0 = -1
            i = index_at(text, body, stop)
            if i >= 0:
                ptext, compiled = texts[i], sets[i]
            else:
                compiled = None
                if compile_at is not None:  # new: cut in place if its members are known
                    got = compile_at(text, body, stop)
                    if got is not None:
                        ptext, compiled = got
                        self._remember(ptext, compiled)
            if compiled is not None:
                q = body + len(ptext)
                # json.dumps' layout, else any JSON whitespace (comparing a slice costs less than startswith parsing
                # its position arguments)
                r0 = q + 13
                if r0 > stop or text[q:r0] != ', "request": ':
                    m = to_request(text, q, stop)
                    r0 = m.end() if m is not None else -1
            nxt = find(opening, r0 if r0 != -1 else body, stop)
            if nxt == -1:
                end = stop
            elif text[nxt - 2 : nxt] == ", ":  # json.dumps' separator
                end = nxt - 2
            else:  # the body ends at the comma before the next opening (only whitespace between)
                end = nxt - 1
                while end > pos and text[end] in _WS:
                    end -= 1
                if text[end] != ",":
                    return None
            if r0 == -1:
                item = self._presplit_at(text, body, end, k)
                if item is None:
                    return None
                out.append(item)
            else:  # the request, up to the item's closing brace
                close = end - 1 if text[end - 1] == "}" else _closing_brace(text, r0, end)
                if close == -1:
                    return None
                try:
                    out.append((compiled, orjson.loads(text[r0:close]), k))
                except orjson.JSONDecodeError:
                    return None
            if nxt == -1:
                return out
            pos, k = nxt, k + 1

    def _presplit_at(self, text: str, start: int, end: int, k: int) -> Item | None:
        """Item ``k`` from ``text[start:end]``, its body after the opening ``{"policies":``: `` P, "request": R}``,
        without copying it but P. P is parsed only the first time its exact text is seen. None: another shape,
        or not valid JSON (the caller parses the item the normal way).

        Sound without parsing P again: P's text is one already parsed (or compiled) and R parses, so the item
        ``{"policies": P, "request": R}`` is valid JSON, and a valid JSON value followed by a delimiter is
        exactly the value the parser reads there (JSON values are self-delimiting)."""
        at = text.rfind('"request"', start, end)
        if at == -1:
            return None
        comma = at - 1  # head = body[:at].rstrip() must end with ","
        while comma >= start and text[comma] in _WS:
            comma -= 1
        if comma < start or text[comma] != ",":
            return None
        colon = at + 9  # tail = body[at + 9:].lstrip() must start with ":"
        while colon < end and text[colon] in _WS:
            colon += 1
        if colon >= end or text[colon] != ":":
            return None
        close = _closing_brace(text, colon, end)
        if close == -1:
            return None
        p0, p1 = start, comma  # the policies text: body[:comma] stripped
        while p0 < p1 and text[p0] in _WS:
            p0 += 1
        while p1 > p0 and text[p1 - 1] in _WS:
            p1 -= 1
        ptext = text[p0:p1]
        compiled = self.known.get(ptext)  # compiled by the runner (see PolicySets.get)
        policies = None
        try:
            if compiled is None:
                policies = self.texts.get(ptext)
                if policies is None:
                    compiled = self.compile_text(ptext) if self.compile_text is not None else None
                    if compiled is None:
                        policies = orjson.loads(ptext)
                        if len(self.texts) >= _TEXTS:
                            self.texts.clear()
                        self.texts[ptext] = policies
            request = orjson.loads(text[colon + 1 : close])
        except orjson.JSONDecodeError:
            return None
        if compiled is None:
            return Presplit(ptext, policies), request, k
        self._remember(ptext, compiled)
        return compiled, request, k

    def _remember(self, ptext: str, compiled: CompiledPolicies) -> None:
        """Keep a compiled policies text (up to :data:`_SEEN_LONGEST` characters) and its compiled set, to find
        them in place (bounded, like the sets)."""
        if len(ptext) <= _SEEN_LONGEST:
            if len(self.seen) >= _SEEN:
                self.seen.clear()
            self.seen.add(ptext, compiled)

    def fill(self) -> bool:
        """Read more (:data:`_CHUNK` characters, or a line at a time when interactive, so pipes answer at once);
        False at the end. What was read before the position is dropped then: each character is copied into the
        buffer about once, not once per read."""
        if self.eof:
            return False
        if self.before_read is not None:
            self.before_read()
            chunk = self.stream.readline(_CHUNK)
        else:
            chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.buf, self.pos = self.buf[self.pos :] + chunk, 0
        else:
            self.buf += chunk
        return True

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end)."""
        while True:
            buf, pos = self.buf, self.pos
            n = len(buf)
            while pos < n and buf[pos] in _WS:
                pos += 1
            self.pos = pos
            if pos < n:
                return buf[pos]
            if not self.fill():
                return ""

    def expect(self, ch: str, where: str) -> None:
        got = self.peek()
        if got != ch:
            raise UsageError(f"{where}: invalid JSON: expected {ch!r}, found {got or 'end of input'!r}")
        self.pos += 1

    def value(self, where: str) -> Any:
        """One JSON value (the slow, exact path: error messages name the problem)."""
        self.peek()
        while True:
            try:
                value, end = _STRICT.raw_decode(self.buf, self.pos)
            except json.JSONDecodeError as exc:
                if self.fill():
                    continue
                raise UsageError(f"{where}: invalid JSON: {exc.msg}") from None
            except ValueError as exc:  # NaN, Infinity, a number out of range (see _STRICT)
                raise UsageError(f"{where}: invalid JSON: {exc}") from None
            except RecursionError:
                raise UsageError(f"{where}: invalid JSON: nested too deeply") from None
            # a number or literal at the end of the buffer may continue in the next chunk
            if end == len(self.buf) and not self.eof and self.buf[self.pos] not in '{["' and self.fill():
                continue
            self.pos = end
            return value

    def _block(self, first: int) -> tuple[list[Any], bool] | None:
        """Several whole object items from the current position in one orjson call, or None; with True when the
        items are ready :data:`Item` tuples (:meth:`presplit_all`, items numbered from ``first``).

        The cut before an item is found where the first item's opening text (``{"policies": ``, as written with
        the whitespace after its colon) recurs after a comma; any cut orjson accepts is exact (a cut inside a
        string or a nested value leaves the text unbalanced), so a wrong guess only costs a retry, then the slow
        path."""
        if self.before_read is None:
            while len(self.buf) - self.pos < _CHUNK and self.fill():
                pass
        buf, start = self.buf, self.pos
        colon = buf.find(":", start, start + 64)
        if colon == -1:
            return None
        after = colon + 1  # the opening as the first item writes it, with the whitespace after its colon
        while after < start + 128 and buf[after : after + 1] in _WS_CHARS:
            after += 1
        opening = buf[start:after]
        end = len(buf)
        for _ in range(3):
            at = buf.rfind(opening, start + 1, end)
            if at == -1:
                break
            cut = at - 1
            while cut > start and buf[cut] in _WS:
                cut -= 1
            end = at
            if buf[cut] != ",":
                continue
            presplit = self.compile_text is not None and opening.rstrip(_WS).endswith('"policies":')
            fast = self.presplit_all(buf, opening, start, cut, first) if presplit else None
            if fast is not None:
                self.pos = cut
                return fast, True
            try:
                items: list[Any] = orjson.loads("[" + buf[start:cut] + "]")
            except orjson.JSONDecodeError:
                continue
            self.pos = cut
            return items, False
        if self.eof:  # the rest of the array may be whole
            close = buf.rfind("]")
            if close > start:
                try:
                    items = orjson.loads("[" + buf[start:close] + "]")
                except orjson.JSONDecodeError:
                    return None
                self.pos = close
                return items, False
        return None

    def array(self, where: str) -> Iterator[Any]:
        """The items of the array starting at the current position."""
        for _, block, _ in self.indexed_blocks(where):
            yield from block

    def indexed_blocks(self, where: str) -> Iterator[tuple[int, list[Any], bool]]:
        """``(index of the first item, items, ready)`` of the array starting at the current position, a block at
        a time; ``ready``: the items are :data:`Item` tuples (see :meth:`_block`)."""
        self.expect("[", where)
        if self.peek() == "]":
            self.pos += 1
            return
        i = 0
        while True:
            got = self._block(i) if self.peek() == "{" else None
            block, ready = got if got is not None else ([self.value(f"{where}[{i}]")], False)
            yield i, block, ready
            i += len(block)
            ch = self.peek()
            if ch == ",":
                self.pos += 1
            elif ch == "]":
                self.pos += 1
                return
            else:
                raise UsageError(f"{where}: invalid JSON: expected ',' or ']' after item {i - 1}")


# -- items ------------------------------------------------------------------------------------------


def item_name(where: str | int, source: str, names: str | None = None) -> str:
    """The name of a request in errors: ``where``, or for an item numbered ``where`` ``names.format(where)``
    (default: an array's presplit item, ``source[i].request``)."""
    if type(where) is str:
        return where
    return names.format(where) if names is not None else f"{source}[{where}].request"


def _names(source: str, suffix: str) -> str:
    """The :func:`item_name` format of a numbered item: ``source`` (braces escaped) and ``suffix``."""
    return source.replace("{", "{{").replace("}", "}}") + suffix


Block = tuple[list[Item], str]  # items, and the format naming a numbered one (see :func:`item_name`)


def batch_blocks(
    stream: IO[str],
    source: str,
    before_read: Callable[[], None] | None = None,
    known: dict[str, Any] | None = None,
    compile_text: Callable[[str], CompiledPolicies | None] | None = None,
    compile_at: Callable[[str, int, int], tuple[str, CompiledPolicies] | None] | None = None,
) -> Iterator[Block]:
    """``(items, names)`` for every block of a batch input, streamed: each item ``(policies, request, where)``,
    ``where`` naming the request in errors (a numbered item is named ``names.format(where)``, see
    :func:`item_name`); ``known``: policies texts already compiled (their values are not parsed);
    ``compile_text(text)``: the compiled policies text if it can compile it, else None (then the text is parsed);
    ``compile_at(text, pos, stop)``: ``(its text, compiled)`` for the policies object at ``pos`` if it can cut it
    there, else None.
    An item that fails ends its block: the items before it come first, then the error."""
    js = JsonStream(stream, before_read)
    if known is not None:
        js.known = known
    js.compile_text, js.compile_at = compile_text, compile_at
    first = js.peek()
    if first == "":
        return
    if first == "[":
        names = _names(source, "[{}].request")
        for i, block, ready in js.indexed_blocks(source):
            if ready:  # named only if it fails (see :func:`item_name`)
                yield block, names
                continue
            out: list[Item] = []
            try:
                for k, item in enumerate(block, i):
                    out.extend(_item(item, f"{source}[{k}]"))
            except UsageError:
                if out:
                    yield out, names
                raise
            yield out, names
        _expect_end(js, source)
        return
    if first != "{":
        raise UsageError(f"{source}: expected a JSON array, JSON lines or an object")
    line = _first_line(js, source)
    if line is not None:
        yield from _json_lines(js, line, source)
        return
    yield from _object_form(js, source)


def _first_line(js: JsonStream, source: str) -> Any:
    """The first JSON line as a value when the input is JSON lines (else None; the position is kept)."""
    while True:
        end = js.buf.find("\n", js.pos)
        if end != -1 or len(js.buf) - js.pos > _FIRST_LINE_MAX or not js.fill():
            break
    if end == -1 and not js.eof:
        return None  # a long first line: read it as a streamed object instead
    stop = len(js.buf) if end == -1 else end
    try:
        value = _loads(js.buf[js.pos : stop])
    except json.JSONDecodeError:
        return None  # not one whole value: perhaps an object over many lines
    except ValueError as exc:
        raise UsageError(f"{source}:1: invalid JSON: {exc}") from None
    if type(value) is not dict:
        return None
    js.pos = stop + 1 if end != -1 else stop
    return value


def _json_lines(js: JsonStream, first: Any, source: str) -> Iterator[Block]:
    yield list(_item(first, f"{source}:1" if "requests" not in first else source)), source
    number = 1
    rest = ""
    while True:
        more = js.fill() if js.pos >= len(js.buf) else True
        text = rest + js.buf[js.pos :]
        js.buf, js.pos = "", 0
        if not more and not text.strip():
            return
        lines = text.split("\n")
        rest = lines.pop() if more else ""
        out: list[Item] = []
        try:
            for value, n in _parse_lines(lines, source, number):
                out.extend(_item(value, f"{source}:{n}"))
        except UsageError:
            if out:
                yield out, source
            raise
        yield out, source
        number += len(lines)
        if not more:
            return


def _parse_lines(lines: list[str], source: str, number: int) -> list[tuple[Any, int]]:
    """The values of the lines that are not blank (JSON whitespace only), each line exactly one value (orjson;
    the standard library, strict, for what orjson refuses, to read it or name the error)."""
    out: list[tuple[Any, int]] = []
    for n, ln in enumerate(lines, number + 1):
        if not ln.strip(_WS):
            continue
        try:
            out.append((_loads(ln), n))
        except ValueError as exc:
            why = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
            raise UsageError(f"{source}:{n}: invalid JSON: {why}") from None
        except RecursionError:
            raise UsageError(f"{source}:{n}: invalid JSON: nested too deeply") from None
    return out


def _object_form(js: JsonStream, source: str) -> Iterator[Block]:
    """``{"policies": ..., "requests": [...]}`` (the requests streamed), possibly over many lines."""
    js.pos += 1
    fields: dict[str, Any] = {}
    streamed = False
    while True:
        ch = js.peek()
        if ch == "}":
            js.pos += 1
            break
        if fields or streamed:
            js.expect(",", source)
        key = js.value(source)
        if not isinstance(key, str):
            raise UsageError(f"{source}: invalid JSON object")
        if key in fields or (key == "requests" and streamed):  # which one a parser keeps differs: refused
            raise UsageError(f"{source}: the key {key!r} is repeated")
        js.expect(":", source)
        if key == "requests" and "policies" in fields and js.peek() == "[":
            policies = fields["policies"]
            names = _names(source, ".requests[{}]")
            for i, block, _ in js.indexed_blocks(f"{source}.requests"):
                yield [(policies, request, k) for k, request in enumerate(block, i)], names
            streamed = True
        else:
            fields[key] = js.value(f"{source}.{key}")
    if streamed:
        _object(fields, ("policies", "requests"), source, "")
    else:
        yield list(_item(fields, source)), source
    _expect_end(js, source)


def _expect_end(js: JsonStream, source: str) -> None:
    if js.peek():
        raise UsageError(f"{source}: unexpected data after the end of the JSON value")


def _item(item: Any, where: str) -> Iterator[Item]:
    """``(policies, request, where)`` of one item: ``{"policies", "request"}`` or ``{"policies", "requests"}``."""
    many = type(item) is dict and "requests" in item
    item = _object(item, ("policies", "requests" if many else "request"), where, "expected an object")
    if "policies" not in item:
        raise UsageError(f"{where}: missing 'policies'")
    if not many:
        if "request" not in item:
            raise UsageError(f"{where}: missing 'request'")
        yield item["policies"], item["request"], f"{where}.request"
        return
    requests = item["requests"]
    if not isinstance(requests, list):
        raise UsageError(f"{where}.requests: expected a list")
    for i, r in enumerate(requests):
        yield item["policies"], r, f"{where}.requests[{i}]"


# -- running ----------------------------------------------------------------------------------------
class PolicySets:
    """Compiled policy sets by content (bounded), so equal ``policies`` objects compile once."""

    def __init__(self) -> None:
        self.cache: dict[bytes, CompiledPolicies] = {}
        self.by_text: dict[str, CompiledPolicies] = {}
        self.members: dict[tuple[str, str], Any] = {}
        self.known_members = KnownMembers(_MEMBER_CACHE)
        self.last: Any = object()
        self.last_compiled: CompiledPolicies | None = None

    def compile_text(self, text: str) -> CompiledPolicies | None:
        """Compile the policies object ``text`` member by member, each distinct member text parsed and compiled
        once (see :mod:`byoc_iam.engine.batch_text`), into :attr:`by_text`. None when the text is not cut
        cleanly or a member is bad: the caller then parses the whole text, and :meth:`get` names any error."""
        members = self.known_members.cut(text) or split_members(text)
        return self._compile_members(text, members) if members is not None else None

    def compile_at(self, text: str, pos: int, stop: int) -> tuple[str, CompiledPolicies] | None:
        """``(policies text, compiled)`` for the policies object that ``text[pos:stop]`` starts with, when each of
        its members is a text met before (:meth:`KnownMembers.cut_at`: cut in place, so the reader need not scan
        for the object's end); else None (the reader cuts the item another way)."""
        got = self.known_members.cut_at(text, pos, stop)
        if got is None:
            return None
        ptext = text[pos : got[1]]
        if len(ptext) <= _SEEN_LONGEST:  # the reader keeps it with its set (not looked up by its content here)
            compiled = self._compile_members(ptext, got[0], keep=False)
        else:
            compiled = self.by_text.get(ptext) or self._compile_members(ptext, got[0])
        return (ptext, compiled) if compiled is not None else None

    def _compile_members(self, text: str, members: list[tuple[str, str]], keep: bool = True) -> CompiledPolicies | None:
        """The policies object ``text`` compiled from its ``members`` (:meth:`compile_text`), kept in
        :attr:`by_text` if ``keep``."""
        known = self.known_members
        parts: dict[str, Any] = {}
        cache = self.members
        for key, value in members:
            hit = cache.get((key, value), _MISSING)
            if hit is _MISSING:
                try:
                    hit = _MEMBERS[key](orjson.loads(value), key)
                except Exception:  # the fallback parses the whole text and names the error
                    return None
                if len(cache) >= _MEMBER_CACHE:
                    cache.clear()
                cache[key, value] = hit
                known.add(key, value)
            parts[key] = hit
        compiled = CompiledPolicies(**parts)  # (the members are its parameters)
        if keep:
            if len(self.by_text) >= _SET_CACHE:
                self.by_text.clear()
            self.by_text[text] = compiled
        return compiled

    def get(self, policies: Any, where: str) -> CompiledPolicies:
        if policies is self.last and self.last_compiled is not None:
            return self.last_compiled
        if type(policies) is Presplit:
            compiled = self.by_text.get(policies.text)
            if compiled is None:
                value = policies.policies if policies.policies is not None else orjson.loads(policies.text)
                compiled = self.get(value, where)
                if len(self.by_text) >= _SET_CACHE:
                    self.by_text.clear()
                self.by_text[policies.text] = compiled
            return compiled
        try:
            key = orjson.dumps(policies, option=orjson.OPT_SORT_KEYS)
        except TypeError:
            key = json.dumps(policies, sort_keys=True, separators=(",", ":")).encode()
        compiled = self.cache.get(key)
        if compiled is None:
            compiled = compile_batch_policies(policies, f"{where.rsplit('.', 1)[0]}.policies")
            if len(self.cache) >= _SET_CACHE:
                self.cache.clear()
            self.cache[key] = compiled
        self.last, self.last_compiled = policies, compiled
        return compiled


def run_batch(stream: IO[str], out: IO[str], source: str, *, interactive: bool = False) -> int:
    """Decide every request of a batch, writing one JSON line each; returns the number of requests.

    ``interactive``: flush the output before each blocking read (stdin pipelines see answers at once)."""
    sets = PolicySets()
    lines: dict[tuple[str, tuple[str, ...]], str] = {}
    pending: list[str] = []
    n = 0

    def flush() -> None:
        if pending:
            out.write("".join(pending))
            pending.clear()
        out.flush()

    # A request's objects die by reference counting and the caches are bounded, so the cyclic collector runs
    # every _GC_EVERY requests instead of on allocation counts (each collection walks every cache entry made
    # since the last one; the count also drifts upwards with objects recycled through free lists).
    enabled = gc.isenabled()
    gc.disable()
    try:
        blocks = batch_blocks(
            stream, source, flush if interactive else None, sets.by_text, sets.compile_text, sets.compile_at
        )
        collect_at = _GC_EVERY
        for block, names in blocks:
            _run_block(block, names, source, sets, lines, pending)
            n += len(block)
            if len(pending) >= 4096:
                out.write("".join(pending))
                pending.clear()
            if n >= collect_at:
                gc.collect(1)
                collect_at = n + _GC_EVERY
    finally:
        if enabled:
            gc.enable()
        flush()
    return n


def _run_block(
    block: list[Item],
    names: str,
    source: str,
    sets: PolicySets,
    lines: dict[tuple[str, tuple[str, ...]], str],
    pending: list[str],
) -> None:
    """Decide a block's requests, appending each answer's line to ``pending`` (``lines``: the line per answer)."""
    by_text, get = sets.by_text, sets.get
    compiled: CompiledPolicies
    last: Any = _MISSING
    for policies, request, where in block:
        if policies is not last:
            if type(policies) is CompiledPolicies:  # the compiled set the reader found
                compiled = policies
            elif type(policies) is Presplit:  # a set by its text (compiled here, or its error named)
                compiled = by_text.get(policies.text) or get(policies, item_name(where, source, names))
            else:  # a policies value (the object form: one for every request)
                compiled = get(policies, item_name(where, source, names))
            last = policies
        parts = fast_parts(request)
        if parts is None:
            principal, action, resource, account, context = checked_parts(request, where, source, names)
            req = compiled._prepare(principal, action, resource, account, context or _EMPTY, None)
        else:
            principal, action, resource, account, context = parts
            req = compiled._prepare(principal, action, resource, account, context, None, True)
        decided = compiled.decide_request(req)
        try:  # (a miss is once per distinct answer)
            line = lines[decided]
        except KeyError:
            line = lines[decided] = json.dumps({"decision": decided[0], "blocked_by": list(decided[1])}) + "\n"
        pending.append(line)
