"""I4002: the trust uses the intended ``eks_oidc_url`` placeholder (placeholder trust mode).

The role can be created, but its IRSA statements name no real OIDC provider: the controllers cannot
assume it until the cluster exists and its issuer is linked into the trust.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import intended_placeholder_ptrs
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    intended = sorted(intended_placeholder_ptrs(ctx))
    federated = [p for p in intended if "/Principal/Federated" in p]
    if federated:
        yield Hit(
            "placeholder trust: the web-identity statements name oidc-provider/eks_oidc_url, so the service "
            "accounts cannot assume the role until the cluster's OIDC issuer is linked into the trust",
            federated[0],
        )


RULE = Rule(
    "I4002",
    "placeholder-trust",
    "Placeholder trust mode: the trust is not usable until the cluster's OIDC provider is linked.",
    check,
    types=("trust",),
    needs=("Principal",),
)
