"""E4006: a document or the role exceeds an IAM size quota (reported with the measured size).

Role: trust policy 2,048 characters by default (``trust_size_limit``, adjustable to 8,192), inline
policies 10,240 in total, each customer-managed policy 6,144, 10 managed policies attached by default
(``managed_policies_limit``, adjustable to 20). A single document linted alone: trust as above, SCP
5,120, identity 10,240 (the most any inline policy can use). Sizes count characters without whitespace.

An AWS managed policy (``origin="aws-managed"``) has no size quota: the IAM User Guide's quotas page
("IAM and AWS STS quotas": "Managed policy size") sets 6,144 characters for the policies a customer
creates, and AWS stores its own above it (moto's copy holds 41 AWS managed policies over 10,240 characters,
the largest 26,522).
"""

from collections.abc import Iterator

from byoc_iam.lint.context import INLINE_TOTAL_SIZE, MANAGED_POLICY_SIZE, SCP_SIZE, DocContext, RoleContext
from byoc_iam.lint.positions import escape
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.model.policy import compact_size, iam_size


def check(ctx: DocContext) -> Iterator[Hit]:
    if ctx.in_role or not isinstance(ctx.doc, dict) or ctx.options.origin == "aws-managed":
        return
    limits = {"trust": ctx.options.trust_size_limit, "scp": SCP_SIZE, "identity": INLINE_TOTAL_SIZE}
    limit = limits.get(ctx.policy_type)
    if limit is None:
        return
    compact = ctx.compact_json  # dumped once per document (the text pre-checks use it too)
    size = compact_size(compact) if compact is not None else iam_size(ctx.doc)
    if size > limit:
        yield Hit(f"the {ctx.policy_type} policy is {size:,} characters; the quota is {limit:,}", ctx.base)


def check_role(rctx: RoleContext) -> Iterator[Hit]:
    spec, opts = rctx.spec, rctx.options
    size = iam_size(spec.trust_policy)
    if size > opts.trust_size_limit:
        yield Hit(
            f"the trust policy is {size:,} characters; the quota is {opts.trust_size_limit:,} "
            "(raise the account's quota and pass --trust-size-limit, or use the compact trust)",
            "/trust_policy",
        )
    total = sum(iam_size(d) for d in spec.inline_policies.values())
    if total > INLINE_TOTAL_SIZE:
        yield Hit(
            f"the inline policies total {total:,} characters; a role may have {INLINE_TOTAL_SIZE:,} "
            "(move some to customer-managed policies)",
            "/inline_policies",
        )
    for name, doc in spec.customer_managed_policies.items():
        size = iam_size(doc)
        if size > MANAGED_POLICY_SIZE:
            yield Hit(
                f"customer-managed policy {name} is {size:,} characters; the quota is {MANAGED_POLICY_SIZE:,} "
                f"(an inline policy may be larger: a role's inline policies may total {INLINE_TOTAL_SIZE:,})",
                f"/customer_managed_policies/{escape(name)}",
            )
    count = len(spec.managed_policy_arns) + len(spec.customer_managed_policies)
    if count > opts.managed_policies_limit:
        yield Hit(
            f"{count} managed policies would be attached; the quota is {opts.managed_policies_limit} "
            "(raise it in Service Quotas and pass --managed-policies-limit, or use inline policies)",
            "/managed_policy_arns",
        )


RULE = Rule(
    "E4006",
    "size-quota",
    "Policies and the role must fit IAM's size quotas (trust, inline total, managed policy, attachments).",
    check,
    check_role,
    aws_checks=("Policy size exceeds SCP quota",),
)
