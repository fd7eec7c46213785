"""What a request to decide may name: the checks ``simulate`` (one request and ``--batch``) makes before the engine.

Each ``check_request_*`` returns ``None`` when the value is fine, or the rule it breaks (one line, for people), as
:mod:`byoc_iam.model.rules` does; :func:`request_problem` checks a whole request and names the field.

* action: ``service:Operation`` — one action, so no ``*``/``?`` (IAM User Guide, "IAM JSON policy elements:
  Action": a service prefix, a colon and an action name; wildcards belong to policies, a request names one
  operation);
* resource: ``*`` or an ARN ``arn:<partition>:<service>:<region>:<account>:<resource>`` (AWS General Reference,
  "Amazon Resource Names (ARNs)") in an AWS partition, with a service, and an account that is a 12-digit id,
  ``aws`` or empty (a ``*``/``?`` in a segment is a resource pattern: "any resource such as");
* principal: ``anonymous``, a 12-digit account id, an IAM or STS ARN (``arn:<partition>:iam|sts::<12 digits>:...``,
  IAM User Guide, "AWS JSON policy elements: Principal") or a service / web identity principal name
  (``ec2.amazonaws.com``, ``accounts.google.com``: no colon, space or wildcard);
* resource account: 12 digits (:func:`byoc_iam.model.rules.check_account_id`), or ``aws`` for AWS's own resources
  (``arn:aws:iam::aws:policy/...``).

Pure; the answers are cached per field (a batch repeats its actions, principals and accounts).
"""

from __future__ import annotations

import re
from functools import lru_cache

from byoc_iam.model.arn import all_partitions, is_account_id, parse_arn
from byoc_iam.model.patterns import lazy
from byoc_iam.model.wildcard import glob_match, has_wildcard

_ACTION = lazy(r"^[A-Za-z0-9-]+:[A-Za-z0-9_.-]+\Z")
_SERVICE = lazy(r"^[a-z0-9*?][a-z0-9*?-]*\Z")
_RESOURCE_ACCOUNT = lazy(r"^(\d{12}|aws|)\Z")
_PATTERN_ACCOUNT = lazy(r"^[0-9*?]*\Z")
_NAME = lazy(r"^[^\s:*?]+\Z")
_ANONYMOUS = ("anonymous", "", "*")  # as the engine reads a request principal (``*``: nobody in particular)
ARN_SHAPE = "arn:<partition>:<service>:<region>:<account>:<resource>"


def check_request_action(action: str) -> str | None:
    """``service:Operation`` without wildcards (``ec2:CreateVolume``)."""
    if has_wildcard(action):
        return f"{action!r} has a wildcard: a request names one action, service:Operation (e.g. ec2:CreateVolume)"
    if not _ACTION.match(action):
        return f"{action!r} is not service:Operation (e.g. ec2:CreateVolume)"
    return None


def check_request_resource(resource: str) -> str | None:
    """``*`` or a resource ARN (a ``*``/``?`` within a segment is a resource pattern)."""
    if resource == "*":
        return None
    arn = parse_arn(resource)
    if arn is None:
        return f"{resource!r} is not an ARN ({ARN_SHAPE}) or '*'"
    if not any(glob_match(arn.partition, p) for p in all_partitions()):
        return f"{resource!r}: {arn.partition!r} is not an AWS partition ({', '.join(all_partitions()[:3])}, ...)"
    if not _SERVICE.match(arn.service):
        return f"{resource!r}: {arn.service!r} is not a service prefix (lower-case letters, digits and -)"
    account = arn.account
    if not (_RESOURCE_ACCOUNT.match(account) or (has_wildcard(account) and _PATTERN_ACCOUNT.match(account))):
        return f"{resource!r}: the account {arn.account!r} is not a 12-digit account id (nor 'aws' or empty)"
    return None


def check_request_principal(principal: str) -> str | None:
    """``anonymous``, a 12-digit account id, an IAM/STS ARN, or a service or web identity principal name."""
    value = principal.strip()
    if value.lower() in _ANONYMOUS or is_account_id(value):
        return None
    if value.isdigit():
        return f"{principal!r}: an account id is exactly 12 digits"
    if value.startswith("arn:"):
        return _principal_arn(value)
    if not _NAME.match(value):
        return (
            f"{principal!r} is not a principal: an IAM or STS ARN, a 12-digit account id, a service principal "
            "(ec2.amazonaws.com) or 'anonymous'"
        )
    return None


def _principal_arn(value: str) -> str | None:
    arn = parse_arn(value)
    shape = "arn:<partition>:iam|sts::<account>:<root|role/...|user/...|assumed-role/...|...>"
    if arn is None or arn.service not in ("iam", "sts") or arn.region or not arn.resource:
        return f"{value!r} is not an IAM or STS principal ARN ({shape})"
    if arn.partition not in all_partitions():
        return f"{value!r}: {arn.partition!r} is not an AWS partition ({', '.join(all_partitions()[:3])}, ...)"
    if not is_account_id(arn.account):
        return f"{value!r}: the account {arn.account!r} is not a 12-digit account id"
    if has_wildcard(arn.resource):
        return f"{value!r} has a wildcard: a request's principal is one principal"
    return None


def request_problem(
    principal: str | None, action: str, resource: str, resource_account: str | None
) -> tuple[str, str] | None:
    """``(field, rule it breaks)`` for the first bad field of a request (``principal``, ``action``, ``resource``,
    ``resource_account``), or None when the request may be decided. ``None`` principal: anonymous. Each field's
    answer is cached (a batch repeats its actions, principals and accounts); a resource, which a batch varies,
    is first matched against the plain ARN shape, a strict subset of what :func:`check_request_resource` accepts, and
    a principal, which varies too (session names), against the plain IAM/STS principal ARN shape, a strict subset of
    what :func:`check_request_principal` accepts."""
    problem = _action_problem(action)
    if problem:
        return "action", problem
    if resource != "*" and _plain_arn().fullmatch(resource) is None:
        problem = check_request_resource(resource)
        if problem:
            return "resource", problem
    problem = None if principal is None or _plain_principal().fullmatch(principal) else _principal_problem(principal)
    if problem:
        return "principal", problem
    if resource_account is not None:
        problem = _account_problem(resource_account)
        if problem:
            return "resource_account", problem
    return None


@lru_cache(maxsize=1024)
def _action_problem(action: str) -> str | None:
    return check_request_action(action)


@lru_cache(maxsize=1024)
def _principal_problem(principal: str) -> str | None:
    return check_request_principal(principal)


@lru_cache(maxsize=1024)
def _account_problem(account: str) -> str | None:
    if account == "aws":  # AWS's own resources, as in their ARNs
        return None
    from byoc_iam.model.rules import check_account_id  # (its import reads the quotas: only when needed)

    problem = check_account_id(account)
    return f"{account!r} {problem} (or 'aws', for AWS's own resources)" if problem else None


@lru_cache(maxsize=1)
def _plain_arn() -> re.Pattern[str]:
    """``arn:<an AWS partition>:<service>:<region>:<12 digits, aws or empty>:<resource>``, nothing unusual."""
    partitions = "|".join(re.escape(p) for p in all_partitions())
    return re.compile(rf"arn:(?:{partitions}):[a-z0-9][a-z0-9-]*:[^:]*:(?:[0-9]{{12}}|aws|):.+", re.S)


@lru_cache(maxsize=1)
def _plain_principal() -> re.Pattern[str]:
    """``arn:<an AWS partition>:iam|sts::<12 digits>:<resource>``, the resource without a wildcard and not
    starting or ending with whitespace (so ``str.strip`` keeps the value as it is)."""
    partitions = "|".join(re.escape(p) for p in all_partitions())
    return re.compile(rf"arn:(?:{partitions}):(?:iam|sts)::[0-9]{{12}}:[^\s*?](?:[^*?]*[^\s*?])?", re.S)


def plain_arn_pattern() -> re.Pattern[str]:
    """The plain resource ARN shape :func:`request_problem` accepts without a full check (a strict subset of
    :func:`check_request_resource`)."""
    return _plain_arn()
