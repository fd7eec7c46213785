"""Resource and NotResource matching.

A policy resource compiles to one of: all (``*``), a static anchored regex, a per-request regex (policy
variables), or a fixed answer (short ARNs the policy type does not accept). ARN segments are matched
part by part: ``*``/``?`` stay within the partition, service, region and account segments and may
cross colons in the resource segment; the resource "product" prefix (``instance/``, ``log-group:``) is
literal unless it holds a wildcard itself. Matching is case-sensitive.

Each test answers MATCH, NO_MATCH (a plain miss: NotResource holds) or ERROR (a miss that NotResource
does not turn into a match: an unresolvable variable, a rejected short ARN).

Requests for ``*`` (or an ARN pattern with ``*``) mean "any resource": an Allow on a specific ARN
applies, a Deny on a specific ARN does not (see :func:`wildcard_request_test`). For a wildcard-only action
(no resource types) only ``Resource: "*"`` applies.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from operator import methodcaller

from byoc_iam.engine.variables import (
    LIT,
    STAR,
    Context,
    Token,
    Unresolved,
    compile_regex,
    has_variables,
    literal_variables,
    resolve_text,
    to_regex,
    tokenize,
)
from byoc_iam.model.wildcard import glob_covers, glob_match, globs_intersect

MATCH, NO_MATCH, ERROR = 1, 0, -1

# How each policy type treats an ARN with fewer than six segments: (without wildcard, with wildcard).
_SHORT = {
    "identity": ("expand", "expand"),
    "session": ("expand", "expand"),
    "pb": ("expand", "expand"),
    "resource": ("nomatch", "expand"),
    "scp": ("reject", "expand"),
    "rcp": ("reject", "reject"),
    "vpce": ("nomatch", "expand"),
}

K_ALL, K_STATIC, K_DYNAMIC, K_FIXED = 0, 1, 2, 3


def _fail_closed(deny: bool, not_resource: bool) -> int:
    """The answer of a value IAM would refuse, chosen so that an Allow never applies and a Deny always does."""
    if not_resource:
        return NO_MATCH if deny else ERROR
    return MATCH if deny else ERROR


def split_resource_arn(value: str) -> tuple[str, str, str, str, str] | None:
    """(partition, service, region, account, resource) of an ARN with six segments, else ``None``."""
    parts = value.split(":", 5)
    if len(parts) < 6:
        return None
    return parts[1], parts[2], parts[3], parts[4], parts[5]


def product_split(service: str, region: str, account: str, resource: str) -> tuple[str, str]:
    """(literal resource-type prefix such as ``instance/``, the rest) of an ARN's resource segment.

    A prefix holding a wildcard is no literal: AWS's ``*`` "can expand to replace everything within a segment,
    including characters like a forward slash (/)" (IAM User Guide, "IAM JSON policy elements: Resource",
    Using wildcards in resource ARNs), so ``arn:aws:ec2:*:*:*/*`` matches ``...:instance/i-1``."""
    if service == "s3" and region == "" and account == "":
        return "", resource
    cut = [i for i in (resource.find("/"), resource.find(":")) if i != -1]
    if not cut:
        return "", resource
    i = min(cut) + 1
    if "*" in resource[:i] or "?" in resource[:i]:
        return "", resource
    return resource[:i], resource[i:]


class ResourcePattern:
    """One compiled policy resource value."""

    __slots__ = ("expanded", "fixed", "kind", "literal", "match", "parts", "prefix", "tokens", "value", "variables")

    def __init__(
        self, value: str, policy_type: str, *, variables: bool = True, deny: bool = False, not_resource: bool = False
    ) -> None:
        """``variables``: whether ``${...}`` is a policy variable (documents of Version 2012-10-17 only);
        ``deny``/``not_resource`` say how to fail closed on a value that is neither ``*`` nor an ARN."""
        self.value = value
        self.variables = variables
        self.kind = K_STATIC
        self.match: Callable[[str], object] | None = None  # K_STATIC: truthy for a resource the value matches
        self.literal: str | None = None  # K_STATIC: the value has no wildcard (equality decides)
        self.prefix: str | None = None  # K_STATIC: its only wildcard is its final "*" (startswith decides)
        self.tokens: tuple[tuple[Token, ...], ...] = ()
        self.fixed = NO_MATCH
        self.expanded = False
        self.parts: tuple[str, str, str, str, str] | None = None
        if value == "*":
            self.kind = K_ALL
            return
        text = value if variables else literal_variables(value)
        if not value.startswith("arn:"):
            # IAM refuses such a value (MalformedPolicyDocument); never glob it across the whole string but
            # fail closed: an Allow does not apply, a Deny does.
            self.kind = K_FIXED
            self.fixed = _fail_closed(deny, not_resource)
            return
        if len(text.split(":")) < 6:
            segments = text.split(":")
            without, with_ = _SHORT.get(policy_type, ("expand", "expand"))
            trailing = segments[-1].endswith("*")
            has_wild = trailing if without == "reject" else "*" in text
            behaviour = with_ if has_wild else without
            if behaviour != "expand":
                self.kind = K_FIXED
                self.fixed = ERROR if behaviour == "reject" else NO_MATCH
                return
            segments += ["*"] * (6 - len(segments))
            text = ":".join(segments)
            self.expanded = True
        arn = split_resource_arn(text)
        if arn is None:  # (cannot happen: short ARNs were padded to six segments above)
            self.kind, self.fixed = K_FIXED, _fail_closed(deny, not_resource)
            return
        self.parts = arn
        partition, service, region, account, resource = arn
        product, rest = product_split(service, region, account, resource)
        self.tokens = (
            tokenize(partition, wildcards=True),
            tokenize(service, wildcards=True),
            tokenize(region, wildcards=True),
            tokenize(account, wildcards=True),
            (Token(0, product),) if product else (),
            tokenize(rest, wildcards=True),
        )
        if any(has_variables(t) for t in self.tokens):
            self.kind = K_DYNAMIC
        else:
            self._static()

    def _static(self) -> None:
        """The matcher of a value without variables: equality for a value without wildcards, ``startswith`` for one
        whose only wildcard is its final ``*`` (most Resource values: no regex to compile; ``*`` there matches
        anything, ``/`` and ``:`` included, as the regex's ``.*``), else the regex's ``fullmatch``."""
        segments, rest = self.tokens[:5], self.tokens[5]
        if all(len(s) <= 1 and (not s or s[0].kind == LIT) for s in segments):
            lit = [s[0].text if s else "" for s in segments]
            head = "arn:" + ":".join(lit[:4]) + ":" + lit[4]
            if all(t.kind == LIT for t in rest):
                self.literal = head + "".join(t.text for t in rest)
                self.match = self.literal.__eq__
                return
            if rest[-1].kind == STAR and all(t.kind == LIT for t in rest[:-1]):
                self.prefix = head + "".join(t.text for t in rest[:-1])
                self.match = methodcaller("startswith", self.prefix)
                return
        self.match = compile_regex(self._source(None)).fullmatch

    def _source(self, context: Context | None) -> str:
        if len(self.tokens) == 1:
            return to_regex(self.tokens[0], context)
        seg = [to_regex(t, context, star="[^:]*", qmark="[^:]") for t in self.tokens[:4]]
        return "arn:" + ":".join(seg) + ":" + to_regex(self.tokens[4], context) + to_regex(self.tokens[5], context)

    def test(self, resource: str, context: Context) -> int:
        """MATCH / NO_MATCH / ERROR for a concrete request resource."""
        kind = self.kind
        if kind == K_ALL:
            return MATCH
        if kind == K_STATIC:
            assert self.match is not None
            if self.match(resource):
                return MATCH
            return ERROR if self.expanded else NO_MATCH
        if kind == K_FIXED:
            return self.fixed
        try:
            rx = compile_regex(self._source(context))
        except Unresolved:
            return ERROR
        if rx.fullmatch(resource) is not None:
            return MATCH
        return ERROR if self.expanded else NO_MATCH

    def resolved(self, context: Context) -> str | None:
        """The value with policy variables substituted (explain mode), or ``None`` if unresolvable."""
        if self.kind != K_DYNAMIC:
            return None
        try:
            text = self.value if self.variables else literal_variables(self.value)
            return resolve_text(tokenize(text, wildcards=True), context)
        except Unresolved:
            return None


@lru_cache(maxsize=16384)
def resource_pattern(
    value: str, policy_type: str, *, variables: bool = True, deny: bool = False, not_resource: bool = False
) -> ResourcePattern:
    """``ResourcePattern(value, ...)``, one object for equal arguments (a pattern never changes once built, and
    the documents of a batch repeat their Resource values)."""
    return ResourcePattern(value, policy_type, variables=variables, deny=deny, not_resource=not_resource)


def wildcard_request_test(
    pattern: ResourcePattern, request: str, context: Context, *, allow: bool, not_resource: bool, wildcard_only: bool
) -> int:
    """MATCH / NO_MATCH / ERROR when the request resource is ``*`` or an ARN pattern containing ``*``."""
    kind = pattern.kind
    if kind == K_ALL:
        return MATCH
    if kind == K_FIXED:
        return pattern.fixed
    if request == "*":
        if wildcard_only:
            return NO_MATCH
        if allow:
            return NO_MATCH if not_resource else MATCH
        return MATCH if not_resource else NO_MATCH
    if pattern.parts is not None:
        req = split_resource_arn(request) if request.startswith("arn:") else None  # the first segment too
        if req is not None:
            overlaps = [overlap(p, r) for p, r in zip(pattern.parts, req, strict=True)]
            if allow and not not_resource:
                if all(o != "none" for o in overlaps):
                    return MATCH
            elif not allow and not not_resource:
                if any(o in ("none", "policy_is_subset") for o in overlaps):
                    return NO_MATCH
            elif allow and not_resource:
                return MATCH if all(o in ("equal", "policy_is_superset") for o in overlaps) else NO_MATCH
            else:
                return NO_MATCH if any(o == "none" for o in overlaps) else MATCH
    return pattern.test(request, context)


@lru_cache(maxsize=8192)
def overlap(policy: str, request: str) -> str:
    """How a policy segment pattern relates to a request segment pattern (``*`` wildcards in both)."""
    if policy == request:
        return "equal"
    if glob_covers(request, policy):
        return "policy_is_subset"
    if glob_match(policy, request):
        return "policy_is_superset"
    if globs_intersect(policy, request):
        return "overlap"
    return "none"
