"""W3007: a service-principal trust without a confused-deputy guard, for services that support one.

Only for the services in ``data/lint/confused_deputy.json`` (their AWS documentation shows
``aws:SourceAccount``/``aws:SourceArn`` in the role trust). The EKS, EC2 and EKS node-group principals of
the BYOC role are deliberately not in it: their documented trust policies carry no such condition.
"""

from collections.abc import Iterator
from typing import Any

from byoc_iam import data as knowledge
from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule


def data() -> dict[str, Any]:
    """``data/lint/confused_deputy.json`` (kind ``confused-deputy``; cached by the loader)."""
    return knowledge.raw("confused-deputy", "confused_deputy")


def supports_guard(service: str) -> bool:
    """True when AWS documents a confused-deputy guard for a role trusted by this service principal."""
    d = data()
    if service in d["never"]:
        return False
    if service in d["services"]:
        return True
    head, _, rest = service.partition(".")
    return head in d["regional_services"] and rest.endswith(".amazonaws.com") and rest.count(".") == 2


def check(ctx: DocContext) -> Iterator[Hit]:
    guards = {k.lower() for k in data()["guard_keys"]}
    for st in ctx.good_statements():
        p = st.principal
        if st.effect != "Allow" or not isinstance(p, dict):
            continue
        if st.condition_keys() & guards:
            continue
        for v in p.get("Service", []):
            if supports_guard(v.value):
                yield Hit(
                    f"{v.value} can assume the role on behalf of any account: add aws:SourceAccount "
                    "(or aws:SourceArn) to prevent the confused deputy",
                    v.ptr,
                )


RULE = Rule(
    "W3007",
    "confused-deputy",
    "A service trust should carry aws:SourceAccount/aws:SourceArn where the service supports it.",
    check,
    types=("trust",),
    needs=("Principal",),
)
