"""E2011: a service principal that does not exist in the document's partition.

In aws-cn only a few legacy principals carry the China DNS suffix (``ec2.amazonaws.com.cn``); every
other service, EKS included, uses ``<service>.amazonaws.com`` there too, and IAM refuses
``eks.amazonaws.com.cn`` as an invalid principal. Outside aws-cn, no ``.amazonaws.com.cn`` principal
exists. Facts: ``data/lint/service_principals.json`` (sources cited there).
"""

from collections.abc import Iterator
from typing import Any

from byoc_iam import data as knowledge
from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def data() -> dict[str, Any]:
    """``data/lint/service_principals.json`` (through the one loader)."""
    return knowledge.raw("service-principals", "service_principals")


def _partitions(ctx: DocContext) -> set[str]:
    """The partitions named by the document's ARNs."""
    return {text.split(":", 2)[1] for text, _ in ctx.walk_strings() if text.startswith("arn:") and text.count(":") >= 2}


def check(ctx: DocContext) -> Iterator[Hit]:
    named = _partitions(ctx)
    cn_own = set(data()["partitions"]["aws-cn"]["own_suffix_principals"])
    for st in ctx.good_statements():
        for p in (st.principal, st.not_principal):
            if not isinstance(p, dict):
                continue
            for v in p.get("Service", []):
                if not v.value.endswith(".amazonaws.com.cn"):
                    continue
                global_name = v.value.removesuffix(".cn")
                if v.value not in cn_own:
                    yield Hit(
                        f"{v.value} is not a service principal in any partition (aws-cn too uses "
                        f"{global_name} for this service): write {global_name}",
                        v.ptr,
                    )
                elif named and "aws-cn" not in named:
                    where = ", ".join(sorted(named))
                    yield Hit(
                        f"{v.value} exists only in aws-cn, but the document's ARNs are in {where}: write {global_name}",
                        v.ptr,
                    )


RULE = Rule(
    "E2011",
    "service-principal-partition",
    "A service principal must exist in the document's partition (aws-cn: eks.amazonaws.com, ec2.amazonaws.com.cn).",
    check,
    types=("trust", "resource"),
    needs=("Principal", "NotPrincipal"),
)
