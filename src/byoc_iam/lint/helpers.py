"""Small pieces several rules share: condition operators, placeholders, web-identity statements."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from byoc_iam.lint.context import DocContext, StatementView, Value
from byoc_iam.lint.rules import Hit
from byoc_iam.model import operators as model_operators
from byoc_iam.model.operators import OPERATOR_KINDS

# The actions a role trust policy can grant (everything else is E2009).
TRUST_ACTIONS = (
    "sts:AssumeRole",
    "sts:AssumeRoleWithSAML",
    "sts:AssumeRoleWithWebIdentity",
    "sts:SetContext",
    "sts:SetSourceIdentity",
    "sts:TagSession",
)


# -- condition operators: parsed by the one parser in model/operators.py ------------------------------
@dataclass(frozen=True)
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
PLACEHOLDER_ISSUER = "eks_oidc_url"
_BRACES = re.compile(r"(?<!\$)\{[A-Za-z_][A-Za-z0-9_.-]*\}")  # {accountId}
_DOLLAR = re.compile(r"\$\{([^}]*)\}")  # ${YOUR_REGION}, ${var.x}; but ${aws:username}, ${*} are policy variables
_ANGLE = re.compile(r"<[A-Za-z][A-Za-z0-9_ -]*>")  # <ACCOUNT_ID>
_ISSUER = re.compile(r"(?<![A-Za-z0-9_])eks_oidc_url(?![A-Za-z0-9_])")
_POLICY_VARIABLE_SPECIAL = {"*", "?", "$"}
PLACEHOLDER_FEDERATED = re.compile(r"^arn:(aws|aws-cn|aws-us-gov):iam::\d{12}:oidc-provider/eks_oidc_url$")


def is_policy_variable(inner: str) -> bool:
    """True for the inside of ``${...}`` that IAM substitutes: ``aws:username``, ``*``, ``?``, ``$`` (and
    ``key, 'default'``)."""
    inner = inner.split(",", 1)[0].strip()
    return inner in _POLICY_VARIABLE_SPECIAL or (":" in inner and " " not in inner)


def placeholders(text: str) -> list[str]:
    """The placeholder tokens in a string (an empty list when there are none)."""
    if "{" not in text and "<" not in text and "eks_oidc_url" not in text:
        return []
    found = [m.group(0) for m in _BRACES.finditer(text)]
    found += [m.group(0) for m in _DOLLAR.finditer(text) if not is_policy_variable(m.group(1))]
    found += [m.group(0) for m in _ANGLE.finditer(text)]
    found += [m.group(0) for m in _ISSUER.finditer(text)]
    return found


def has_placeholder(text: str) -> bool:
    """True when the string contains a placeholder token."""
    return bool(placeholders(text))


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
    out: set[str] = set()
    for st in ctx.good_statements():
        p = st.principal
        if not isinstance(p, dict) or not any(a.value == "sts:AssumeRoleWithWebIdentity" for a in st.action or []):
            continue
        fed = [v for v in p.get("Federated", []) if PLACEHOLDER_FEDERATED.match(v.value)]
        if not fed:
            continue
        out.update(v.ptr for v in fed)
        out.update(c.key_ptr for c in st.conditions if c.key in ("eks_oidc_url:aud", "eks_oidc_url:sub"))
    return out


# -- web identity -------------------------------------------------------------------------------------
def web_identity_statements(ctx: DocContext) -> Iterator[tuple[StatementView, list[Value]]]:
    """Allow statements granting ``sts:AssumeRoleWithWebIdentity`` to an OIDC provider (not Cognito), with
    the provider values."""
    for st in ctx.good_statements():
        p = st.principal
        if st.effect != "Allow" or not isinstance(p, dict):
            continue
        providers = [v for v in p.get("Federated", []) if ":oidc-provider/" in v.value or PLACEHOLDER_ISSUER in v.value]
        if not providers:
            continue
        if any(a.value.lower() in ("sts:assumerolewithwebidentity", "sts:*", "*") for a in st.action or []):
            yield st, providers


def provider_name(federated: str) -> str:
    """``arn:aws:iam::1:oidc-provider/oidc.eks.../id/X`` -> ``oidc.eks.../id/X`` (the condition-key prefix)."""
    return federated.split(":oidc-provider/", 1)[1] if ":oidc-provider/" in federated else federated


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
        has_it, has_other = st.has(name), st.has(other)
        if forbidden and ctx.policy_type in forbidden:
            for element in (name, other):
                if st.has(element):
                    yield Hit(forbidden[ctx.policy_type].format(name=element), f"{st.ptr}/{element}")
        elif not has_it and not has_other and ctx.policy_type not in optional:
            yield Hit(f"the statement has neither {name} nor {other} ({ctx.policy_type} policy)", st.ptr)
        elif has_it and has_other:
            yield Hit(f"the statement has both {name} and {other}; use one", f"{st.ptr}/{other}")
