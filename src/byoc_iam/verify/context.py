"""What verify models of a request's context: the keys a role session's calls carry
(:func:`session_context`), and every key it does not model, which each check evaluates at its worst
(:func:`unmodelled_keys` for the calls, :func:`assume_unmodelled` for a request to assume a role; the rewriting is
:mod:`byoc_iam.verify.unknown`). The facts are ``data/verify/request_context.json`` and the requirements."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import cache

from byoc_iam.verify.data import request_context
from byoc_iam.verify.requirements import requirement_keys
from byoc_iam.verify.unknown import Unmodelled


def session_context(role_arn: str, account: str, region: str, tags: Mapping[str, str]) -> dict[str, str]:
    """The keys AWS sets on every call of the role's session that verify knows: the file's ``session`` keys
    (``aws:PrincipalArn`` is the role's ARN for a role session; IAM User Guide, global condition keys), its
    ``known`` ones, and the role's tags as ``aws:PrincipalTag/*``."""
    return {
        "aws:PrincipalArn": role_arn,
        "aws:PrincipalAccount": account,
        "aws:PrincipalType": "AssumedRole",
        "aws:RequestedRegion": region,
        "aws:SecureTransport": "true",
        **request_context().known,
        **{f"aws:PrincipalTag/{k}": v for k, v in tags.items()},
    }


@cache
def unmodelled_keys() -> Unmodelled:
    """Every condition key (lower case) verify does not model for a role's requests and the requests to assume
    it (``key in unmodelled_keys()``): not a key of the file's ``known``, ``session``, ``assume`` or
    ``tag_families``, not one any call's requirements set (the EKS role's components and the set roles'), not
    an OIDC provider's ``sub``/``aud``. Every check is evaluated at its worst for the others."""
    facts = request_context()
    families = tuple(f.split(":", 1)[1].lower() for f in facts.tag_families if f.endswith("/"))
    exact = [k for k in facts.tag_families if not k.endswith("/")]
    modelled = (*facts.known, *facts.session, *facts.assume, *exact, *requirement_keys())
    return Unmodelled(frozenset(k.lower() for k in modelled), families)


def assume_unmodelled(sent: Iterable[str]) -> Unmodelled:
    """The keys verify does not model for one request to assume a role that sends the keys ``sent``: it models
    those, and the file's ``assume`` keys as absent when not sent; every other key (``aws:SourceAccount`` of a
    service principal, the caller's ``aws:PrincipalArn``, ...) is unknown, OIDC ``sub``/``aud`` excepted."""
    return Unmodelled(frozenset(k.lower() for k in (*sent, *request_context().assume)))
