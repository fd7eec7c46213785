"""Small pieces several rules share: condition operators, placeholders, web-identity statements."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from functools import lru_cache

from byoc_iam import data as knowledge
from byoc_iam.lint.context import CondEntry, DocContext, StatementView, Value
from byoc_iam.lint.rules import Hit
from byoc_iam.model import arn as arns
from byoc_iam.model import operators as model_operators
from byoc_iam.model.operators import OPERATOR_KINDS
from byoc_iam.model.patterns import lazy
from byoc_iam.model.record import record

# The actions a role trust policy can grant (everything else is E2009): data/iam/trust_policy.json.
TRUST_ACTIONS: tuple[str, ...] = tuple(knowledge.raw("trust-policy", "trust_policy")["actions"])


# -- condition operators: parsed by the one parser in model/operators.py ------------------------------
@record(frozen=True, kw_only=False)
class Operator:
    """A parsed condition operator: ``ForAnyValue:StringLikeIfExists`` -> set, base, if_exists."""

    text: str
    base: str | None  # canonical base operator, None when unknown
    set_qualifier: str | None
    if_exists: bool

    @property
    def kind(self) -> str | None:
        """``String``, ``Numeric``, ``Date``, ``Bool``, ``Binary``, ``IPAddress``, ``ARN`` or ``Null``."""
        return OPERATOR_KINDS.get(self.base) if self.base else None


@lru_cache(maxsize=4096)
def parse_operator(text: str) -> Operator:
    """Parse an operator; ``base`` is None when it is not one IAM knows (operators are case-sensitive)."""
    parsed = model_operators.parse_operator(text)
    qualifier = parsed.set_qualifier if parsed.exact else None
    if parsed.set_qualifier is not None and not parsed.exact:
        return Operator(text, None, None, parsed.if_exists)
    return Operator(text, parsed.base if parsed.known else None, qualifier, parsed.if_exists)


def operator_suggestion(text: str) -> str | None:
    """The operator IAM would accept if only the case were right."""
    return model_operators.parse_operator(text).canonical


# -- placeholders -------------------------------------------------------------------------------------
PLACEHOLDER_ISSUER = arns.PLACEHOLDER_PROVIDER
_BRACES = lazy(r"(?<!\$)\{[A-Za-z_][A-Za-z0-9_.-]*\}")  # {accountId}
_DOLLAR = lazy(r"\$\{([^}]*)\}")  # ${YOUR_REGION}, ${var.x}; but ${aws:username}, ${*} are policy variables
_ANGLE = lazy(r"<[A-Za-z][A-Za-z0-9_ -]*>")  # <ACCOUNT_ID>
_ISSUER = lazy(rf"(?<![A-Za-z0-9_]){re.escape(PLACEHOLDER_ISSUER)}(?![A-Za-z0-9_])")
_POLICY_VARIABLE_SPECIAL = {"*", "?", "$"}


def is_policy_variable(inner: str) -> bool:
    """True for the inside of ``${...}`` that IAM substitutes: ``aws:username``, ``*``, ``?``, ``$`` (and
    ``key, 'default'``)."""
    inner = inner.split(",", 1)[0].strip()
    return inner in _POLICY_VARIABLE_SPECIAL or (":" in inner and " " not in inner)


def placeholders(text: str) -> list[str]:
    """The placeholder tokens in a string (an empty list when there are none)."""
    if "{" not in text and "<" not in text and PLACEHOLDER_ISSUER not in text:
        return []
    return list(_placeholders(text))


@lru_cache(maxsize=8192)
def _placeholders(text: str) -> tuple[str, ...]:
    found = [m.group(0) for m in _BRACES.finditer(text)]
    found += [m.group(0) for m in _DOLLAR.finditer(text) if not is_policy_variable(m.group(1))]
    found += [m.group(0) for m in _ANGLE.finditer(text)]
    found += [m.group(0) for m in _ISSUER.finditer(text)]
    return tuple(found)


def has_placeholder(text: str) -> bool:
    """True when the string contains a placeholder token."""
    if "{" not in text and "<" not in text and PLACEHOLDER_ISSUER not in text:
        return False
    return bool(_placeholders(text))


def has_variable(text: str) -> bool:
    """True when the string has a ``${...}`` part (a policy variable or a placeholder)."""
    return "${" in text


def intended_placeholder_ptrs(ctx: DocContext) -> set[str]:
    """Pointers where ``eks_oidc_url`` is the intended placeholder of the rendered BYOC trust.

    Only in a trust policy, unless ``trust_mode`` is ``resolved``: a web-identity statement whose
    Federated principal is exactly ``arn:<partition>:iam::<12 digits>:oidc-provider/eks_oidc_url`` (the
    value and its ``eks_oidc_url:aud``/``eks_oidc_url:sub`` condition keys). Anything else is an error.
    """
    if ctx.policy_type != "trust" or ctx.options.trust_mode == "resolved":
        return set()
    if "intended" not in ctx.memo:
        ctx.memo["intended"] = frozenset(_intended_placeholder_ptrs(ctx))
    return set(ctx.memo["intended"])


def _intended_placeholder_ptrs(ctx: DocContext) -> set[str]:
    out: set[str] = set()
    for st in ctx.good_statements():
        p = st.principal
        if not isinstance(p, dict) or not any(a.value == "sts:AssumeRoleWithWebIdentity" for a in st.action or []):
            continue
        fed = [v for v in p.get("Federated", []) if arns.is_rendered_placeholder(v.value)]
        if not fed:
            continue
        out.update(v.ptr for v in fed)
        keys = (f"{PLACEHOLDER_ISSUER}:aud", f"{PLACEHOLDER_ISSUER}:sub")
        out.update(c.key_ptr for c in st.conditions if c.key in keys)
    return out


# -- web identity -------------------------------------------------------------------------------------
def web_identity_statements(ctx: DocContext) -> Iterator[tuple[StatementView, list[Value]]]:
    """Allow statements granting ``sts:AssumeRoleWithWebIdentity`` to an OIDC provider (not Cognito), with
    the provider values; a malformed provider ARN is left out (E2012 reports it, so no rule words it as a
    missing condition)."""
    for st in ctx.good_statements():
        p = st.principal
        if st.effect != "Allow" or not isinstance(p, dict):
            continue
        providers = [
            v
            for v in p.get("Federated", [])
            if (":oidc-provider/" in v.value or PLACEHOLDER_ISSUER in v.value) and is_wellformed_provider(v.value)
        ]
        if not providers:
            continue
        if any(a.value.lower() in ("sts:assumerolewithwebidentity", "sts:*", "*") for a in st.action or []):
            yield st, providers


def pin_problem(c: CondEntry) -> str | None:
    """None when the entry pins its key to the listed values: a positive, exact, case-sensitive match
    (``StringEquals``, or ``StringLike`` without ``*``/``?``; ``ForAnyValue:`` allowed), false when the key is
    absent. Otherwise why it does not pin. IAM User Guide, "IAM JSON policy elements: Condition operators":
    ``StringEquals`` is an exact case-sensitive match, ``StringEqualsIgnoreCase`` ignores case, ``StringLike``
    matches ``*``/``?`` wildcards; a negated operator (``StringNotEquals``...) admits every other value and is
    true when the key is absent, as are ``...IfExists`` and ``ForAllValues:``; ``Null`` only tests presence."""
    op = parse_operator(c.operator)
    if op.base is None:
        return f"{c.operator} is not an operator IAM knows"
    if op.base == "Null":
        return "Null only tests whether the claim is present, not its value"
    if op.if_exists:
        return f"{c.operator} passes when the claim is absent"
    if op.set_qualifier == "ForAllValues":
        return f"{c.operator} passes when the claim is absent"
    if "Not" in op.base:
        return f"the negated {c.operator} admits every other value"
    if op.base == "StringEqualsIgnoreCase":
        return f"{c.operator} ignores case"
    if op.base not in ("StringEquals", "StringLike"):
        return f"{c.operator} is not an exact string match"
    wild = [v.text for v in c.values if op.base == "StringLike" and ("*" in v.text or "?" in v.text)]
    if wild:
        return f"{c.operator} {wild[0]!r} is a wildcard pattern"
    return None if c.values else f"{c.operator} lists no value"


def claim_conditions(st: StatementView, name: str, claim: str) -> tuple[list[CondEntry], list[str] | None]:
    """The statement's conditions on ``<name>:<claim>`` and, when none of them pins it (:func:`pin_problem`),
    why each does not (None: pinned; an empty list: no condition on the claim)."""
    key = f"{name}:{claim}".lower()
    entries = [c for c in st.conditions if c.key.lower() == key]
    problems = [pin_problem(c) for c in entries]
    if entries and any(p is None for p in problems):
        return entries, None
    return entries, [p for p in problems if p is not None]


def provider_name(federated: str) -> str:
    """``arn:aws:iam::1:oidc-provider/oidc.eks.../id/X`` -> ``oidc.eks.../id/X`` (the condition-key prefix)."""
    return arns.provider_name(federated) if ":oidc-provider/" in federated else federated


def named_actions(ctx: DocContext) -> tuple[tuple[Value, str | None, str], ...]:
    """Every Action/NotAction value of the document's statements (in order) but ``"*"``, ``""`` and values with a
    placeholder, with its service prefix and action name (prefix None and the value as the name without a
    colon); computed once per document for the rules that check actions (E2001, E2002, E2003, E2010)."""
    found: tuple[tuple[Value, str | None, str], ...] | None = ctx.memo.get("actions")
    if found is None:
        out: list[tuple[Value, str | None, str]] = []
        for st in ctx.good_statements():
            for a in st.actions:
                if a.value == "*" or not a.value or has_placeholder(a.value):
                    continue
                prefix, sep, name = a.value.partition(":")
                out.append((a, prefix, name) if sep else (a, None, a.value))
        found = ctx.memo["actions"] = tuple(out)
    return found


def action_prefix(value: str) -> tuple[str, str] | None:
    """``("ec2", "DescribeInstances")`` for ``ec2:DescribeInstances``; None without a colon."""
    prefix, sep, name = value.partition(":")
    return (prefix, name) if sep else None


def element_pair(
    ctx: DocContext, name: str, *, forbidden: Mapping[str, str] | None = None, optional: tuple[str, ...] = ()
) -> Iterator[Hit]:
    """The element ``name`` and ``Not<name>`` in each statement. Where ``forbidden`` has the policy type
    (mapped to ``"<subject> cannot have {name} (<why>)"``, ``{name}`` filled in), neither may appear; otherwise
    a statement needs exactly one (at most one where the type is in ``optional``)."""
    other = f"Not{name}"
    for st in ctx.good_statements():
        raw = st.raw  # a JSON object: good_statements() gives no other
        has_it, has_other = name in raw, other in raw
        if forbidden and ctx.policy_type in forbidden:
            for element in (name, other):
                if element in raw:
                    yield Hit(forbidden[ctx.policy_type].format(name=element), f"{st.ptr}/{element}")
        elif not has_it and not has_other and ctx.policy_type not in optional:
            yield Hit(f"the statement has neither {name} nor {other} ({ctx.policy_type} policy)", st.ptr)
        elif has_it and has_other:
            yield Hit(f"the statement has both {name} and {other}; use one", f"{st.ptr}/{other}")


# -- federated principals ---------------------------------------------------------------------------------
FEDERATED_DOMAINS = ("cognito-identity.amazonaws.com", "www.amazon.com", "graph.facebook.com", "accounts.google.com")
_PROVIDER_ARN = lazy(r"^arn:(aws|aws-cn|aws-us-gov|aws-iso[a-z-]*|aws-eusc):iam::(\d{12}):(oidc|saml)-provider/(.+)$")
_OIDC_NAME = lazy(r"^[A-Za-z0-9.-]+(:\d+)?(/[A-Za-z0-9._~%!$&'()*+,;=:@-]+)*$")
_SAML_NAME = lazy(r"^[\w+=,.@-]{1,128}$")


def federated_problem(value: str) -> str | None:
    """Why a ``Federated`` principal is not one IAM accepts, with what to write instead; None when it is.

    IAM takes an OIDC provider ARN ``arn:<partition>:iam::<account>:oidc-provider/<issuer host and path>``
    (the issuer URL without ``https://`` and without a trailing ``/``), a SAML provider ARN, or one of the
    web-identity domains (Cognito, Amazon, Facebook, Google). Source: IAM User Guide, "AWS JSON policy
    elements: Principal" (Federated principals) and "Create an OpenID Connect (OIDC) identity provider".
    """
    if value in FEDERATED_DOMAINS:
        return None
    m = _PROVIDER_ARN.match(value)
    if m is None:
        return (
            "is not a provider ARN: write arn:<partition>:iam::<12-digit account>:oidc-provider/<issuer host/path> "
            "(or a saml-provider ARN, or one of " + ", ".join(FEDERATED_DOMAINS) + ")"
        )
    kind, name = m.group(3), m.group(4)
    if kind == "saml":
        ok = _SAML_NAME.match(name)
        return None if ok else "is not a well-formed SAML provider ARN (name: letters, digits, +=,.@_-)"
    fixed = re.sub(r"^[a-z]+://", "", name).rstrip("/")
    if fixed != name:
        good = value[: len(value) - len(name)] + fixed
        return f"is a malformed OIDC provider ARN (the issuer without https:// and without a trailing /): write {good}"
    if "//" in name or not _OIDC_NAME.match(name):
        return (
            "is a malformed OIDC provider ARN: after oidc-provider/ comes the issuer's host and path, "
            "e.g. oidc.eks.us-east-1.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
        )
    return None


def is_wellformed_provider(value: str) -> bool:
    """True for a Federated value IAM accepts (placeholders count as well-formed: E4001 reports them)."""
    return has_placeholder(value) or federated_problem(value) is None


# -- grants of one action on every resource (PassRole, CreateServiceLinkedRole) ---------------------------
def broad_grant(st: StatementView, action: str) -> str | None:
    """How an Allow statement grants ``action`` on more than named resources, as Access Analyzer words it
    ("star in resource", "NotResource", "star in action and resource", ...); None when it does not."""
    from byoc_iam.servicecatalog import glob_match

    if st.effect != "Allow":
        return None
    if st.action is not None:
        matched = [a.value for a in st.action if glob_match(a.value, action, ignore_case=True)]
        if not matched:
            return None
        star_action = any("*" in a or "?" in a for a in matched)
    elif st.not_action is not None:
        if any(glob_match(a.value, action, ignore_case=True) for a in st.not_action):
            return None
        star_action = False
    else:
        return None
    how = "NotAction" if st.action is None else ("star" if star_action else "named")
    if st.not_resource is not None:
        return _BROAD[(how, "NotResource")]
    if any(r.value == "*" for r in st.resource or []):
        return _BROAD[(how, "star")]
    return None


# (how the action is granted, how the resource is given) -> Access Analyzer's words for it
_BROAD = {
    ("named", "NotResource"): "NotResource",
    ("star", "NotResource"): "star in action and NotResource",
    ("NotAction", "NotResource"): "NotAction and NotResource",
    ("named", "star"): "star in resource",
    ("star", "star"): "star in action and resource",
    ("NotAction", "star"): "star in resource and NotAction",
}


def broad_grant_checks(label: str) -> tuple[str, ...]:
    """Access Analyzer's check titles for every way :func:`broad_grant` reports, e.g. ``Pass role with NotResource``."""
    return tuple(f"{label} with {how}" for how in _BROAD.values())


def action_ptr(st: StatementView) -> str:
    """JSON pointer to the statement's Action element, or its NotAction element when it has no Action."""
    return f"{st.ptr}/{'Action' if st.action is not None else 'NotAction'}"


# -- resource ARNs, part by part (ARN Region/account checks) ----------------------------------------------
def resource_arns(ctx: DocContext) -> tuple[tuple[Value, tuple[str, ...]], ...]:
    """Every Resource and NotResource ARN with its six parts (partition, service, region, account...), leaving
    out ``"*"``, placeholders and ARNs E2007 reports (fewer than six parts); computed once per document."""
    found: tuple[tuple[Value, tuple[str, ...]], ...] | None = ctx.memo.get("arns")
    if found is None:
        found = ctx.memo["arns"] = tuple(_resource_arns(ctx))
    return found


def _resource_arns(ctx: DocContext) -> Iterator[tuple[Value, tuple[str, ...]]]:
    for st in ctx.good_statements():
        for r in [*(st.resource or []), *(st.not_resource or [])]:
            if not r.value.startswith("arn:") or has_placeholder(r.value):
                continue
            parts = r.value.split(":", 5)
            if len(parts) == 6:
                yield r, tuple(parts)


def literal_segment(text: str) -> bool:
    """True for a non-empty ARN segment without wildcards or policy variables (``us-east-1``, ``123456789012``)."""
    return bool(text) and "*" not in text and "?" not in text and "$" not in text


# -- global tag condition keys a service does not support (S3012, I5011) ------------------------------------
def unsupported_tag_keys(ctx: DocContext, effect: str) -> Iterator[tuple[str, str, list[str]]]:
    """``(condition key, its pointer, services)`` for each global tag key (``aws:ResourceTag/<k>``,
    ``aws:RequestTag/<k>``, ``aws:TagKeys``) in an ``effect`` statement with Action, where some of the
    statement's services support no such key (the catalog: no action or resource type of the service lists
    it), so the condition never holds for their actions. Wildcard services and unknown ones are left out."""
    cat = ctx.catalog
    for st in ctx.good_statements():
        if st.effect != effect or st.action is None:
            continue
        prefixes = sorted({p[0].lower() for a in st.action if (p := action_prefix(a.value)) and "*" not in p[0]})
        for c in st.conditions:
            lacking = [p for p in prefixes if cat.supports_tag_key(p, c.key) is False]
            if lacking:
                yield c.key, c.key_ptr, lacking


def unsupported_tag_key_message(key: str, services: list[str], effect: str, advice: str) -> str:
    """The finding text of S3012/I5011: which services support no ``key`` family, so the ``effect``'s
    condition does not test their tags, and what to do (``advice``)."""
    verb = "supports" if len(services) == 1 else "support"
    return (
        f"{', '.join(services)} {verb} no {key.split('/', 1)[0]} condition key: it is absent from requests "
        f"for their actions, so this {effect}'s condition does not test their tags ({advice})"
    )
