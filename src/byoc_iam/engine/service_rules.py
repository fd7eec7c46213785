"""Service-specific rules of the decision, in one table: which services' resource policies must trust the
principal (sts role trust, kms key policies) and the calls AWS refuses whatever the policies say.

Sources: a role's trust policy and a KMS key policy must allow the principal or its account
(https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-overview.html); AWS managed KMS aliases
(``alias/aws/*``) cannot be created, updated or deleted
(https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html); AWS managed policies cannot be
changed (https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-vs-inline.html); roles
under ``/aws-reserved/`` are managed by AWS (IAM Identity Center) and cannot be changed.
"""

from __future__ import annotations

from byoc_iam.model.record import record

TRUST_SERVICES = frozenset({"sts", "kms"})


@record(frozen=True, kw_only=False)
class Refusal:
    """AWS refuses ``actions`` on resources of ``service`` whose resource part starts with ``prefix``
    (lower case); ``account``: only when the ARN's account segment is this value (``aws``: AWS managed)."""

    service: str
    actions: frozenset[str]
    prefix: str
    account: str | None = None
    why: str = ""


REFUSALS: tuple[Refusal, ...] = (
    Refusal(
        "kms",
        frozenset({"kms:createalias", "kms:deletealias", "kms:updatealias"}),
        "alias/aws/",
        why="AWS managed KMS aliases cannot be changed",
    ),
    Refusal(
        "iam",
        frozenset(
            {
                "iam:createpolicy",
                "iam:createpolicyversion",
                "iam:deletepolicy",
                "iam:deletepolicyversion",
                "iam:setdefaultpolicyversion",
                "iam:tagpolicy",
                "iam:untagpolicy",
            }
        ),
        "policy/",
        account="aws",
        why="AWS managed policies cannot be changed",
    ),
    Refusal(
        "iam",
        frozenset(
            {
                "iam:attachrolepolicy",
                "iam:createrole",
                "iam:createservicelinkedrole",
                "iam:deleterole",
                "iam:deleterolepermissionsboundary",
                "iam:deleterolepolicy",
                "iam:deleteservicelinkedrole",
                "iam:detachrolepolicy",
                "iam:passrole",
                "iam:putrolepermissionsboundary",
                "iam:putrolepolicy",
                "iam:tagrole",
                "iam:untagrole",
                "iam:updateassumerolepolicy",
                "iam:updaterole",
                "iam:updateroledescription",
            }
        ),
        "role/aws-reserved/",
        why="roles under /aws-reserved/ are managed by AWS",
    ),
)
REFUSAL_SERVICES = frozenset(r.service for r in REFUSALS)


def refused(service: str, action: str, arn: tuple[str, str, str, str, str] | None) -> Refusal | None:
    """The rule under which AWS refuses ``action`` (lower case) on the split resource ARN, or ``None``."""
    if arn is None or service not in REFUSAL_SERVICES:
        return None
    resource = arn[4].lower()
    for rule in REFUSALS:
        if (
            rule.service == service
            and action in rule.actions
            and resource.startswith(rule.prefix)
            and (rule.account is None or arn[3] == rule.account)
        ):
            return rule
    return None


def must_trust(
    service: str, resource: str, arn: tuple[str, str, str, str, str] | None, has_resource_policy: bool
) -> bool:
    """Same account: whether an identity-policy Allow alone does not suffice, because the resource's own
    policy must trust the principal (or its account): a role's trust policy for ``sts`` (no trust policy
    given: nobody is trusted), a key policy for a KMS key."""
    if service == "sts":
        return has_resource_policy or (arn is not None and arn[1] == "iam" and arn[4].startswith("role/"))
    if service == "kms":
        return resource != "*" and arn is not None and arn[4].lower().startswith("key/")
    return False
