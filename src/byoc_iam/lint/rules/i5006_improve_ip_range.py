"""I5006: a CIDR with bits set after the mask (``10.0.0.1/16``): IAM ignores them."""

import ipaddress
from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import parse_operator
from byoc_iam.lint.rules import Hit, Rule


def check(ctx: DocContext) -> Iterator[Hit]:
    for st in ctx.good_statements():
        for c in st.conditions:
            if parse_operator(c.operator).kind != "IPAddress":
                continue
            for v in c.values:
                if "/" not in v.text:
                    continue
                try:
                    net = ipaddress.ip_network(v.text, strict=False)
                except ValueError:
                    continue
                if str(net) != v.text and ipaddress.ip_interface(v.text).ip != net.network_address:
                    yield Hit(f"the bits after the mask in {v.text} are ignored: write {net}", v.ptr)


RULE = Rule(
    "I5006",
    "improve-ip-range",
    "Write a CIDR by its network address.",
    check,
    aws_checks=("Improve IP range",),
    needs=("Condition",),
)
