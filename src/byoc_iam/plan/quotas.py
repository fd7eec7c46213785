"""IAM's quotas, checked when planning, before any write (pure).

Source: "IAM and AWS STS quotas", https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html
(role inline policies: 10,240 characters in total; a managed policy: 6,144 characters; managed policies
attached to a role: 10 by default, adjustable up to 20; tags per role: 50). Sizes are counted as IAM counts
them, without whitespace (``model.policy.iam_size``).
"""

from __future__ import annotations

from byoc_iam.model import RoleSpec
from byoc_iam.model.policy import iam_size

INLINE_TOTAL = 10_240
MANAGED_POLICY_SIZE = 6_144
ATTACHED_DEFAULT = 10
ATTACHED_MAX = 20
TAGS_MAX = 50


def quota_problems(desired: RoleSpec, attached: int, tags: int, *, max_attached: int = ATTACHED_DEFAULT) -> list[str]:
    """What in ``desired`` IAM would refuse (one line each): ``attached`` is the number of policies to attach,
    ``tags`` the number of role tags with byoc-iam's own."""
    out: list[str] = []
    inline = sum(iam_size(doc) for doc in desired.inline_policies.values())
    if inline > INLINE_TOTAL:
        out.append(f"the inline policies total {inline:,} characters; IAM allows {INLINE_TOTAL:,} per role")
    for name, doc in sorted(desired.customer_managed_policies.items()):
        size = iam_size(doc)
        if size > MANAGED_POLICY_SIZE:
            out.append(f"customer-managed policy {name} is {size:,} characters; IAM allows {MANAGED_POLICY_SIZE:,}")
    if attached > max_attached:
        out.append(
            f"{attached} managed policies would be attached; the account allows {max_attached} "
            f"(IAM's default is {ATTACHED_DEFAULT}; after raising the quota, pass --max-attached-policies)"
        )
    if tags > TAGS_MAX:
        out.append(f"the role would have {tags} tags (byoc-iam's own included); IAM allows {TAGS_MAX}")
    return out
