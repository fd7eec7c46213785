"""E2014: ``aws:SourceIp`` compared only with private addresses (the condition never has the effect meant).

aws:SourceIp holds the public address a request came from; requests through a VPC endpoint carry
aws:VpcSourceIp instead. Source: IAM User Guide, "AWS global condition context keys" (aws:SourceIp);
Access Analyzer checks "Private IP address" and "Private NotIpAddress". Mixed lists are I5004.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache, lru_cache
from typing import TYPE_CHECKING

from byoc_iam.lint.context import CondEntry, DocContext
from byoc_iam.lint.helpers import parse_operator
from byoc_iam.lint.rules import Hit, Rule

if TYPE_CHECKING:
    import ipaddress

# RFC 1918, loopback, link-local and their IPv6 counterparts (RFC 4193, 4291): never a request's public source
PRIVATE_BLOCKS = (
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "127.0.0.0/8",
    "169.254.0.0/16",
    "fc00::/7",
    "fe80::/10",
    "::1/128",
)


@cache
def _private() -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """The private networks (ipaddress is imported when a document has an IP condition: start-up, issue 18)."""
    import ipaddress

    return tuple(ipaddress.ip_network(n) for n in PRIVATE_BLOCKS)


def is_private(net: ipaddress.IPv4Network | ipaddress.IPv6Network) -> bool:
    """True when the whole network lies in one private range."""
    return any(net.version == p.version and net.subnet_of(p) for p in _private())  # type: ignore[arg-type]


def private_flags(c: CondEntry) -> list[bool]:
    """For each parseable value of an IP condition: True when the network is private."""
    return [flag for flag in (_private_flag(v.text) for v in c.values) if flag is not None]


@lru_cache(maxsize=4096)
def _private_flag(text: str) -> bool | None:
    """Whether the network a condition value names is private; None when it names none (documents repeat the
    same ranges: parsing one costs tens of microseconds)."""
    import ipaddress

    try:
        net = ipaddress.ip_network(text, strict=False)
    except ValueError:
        return None
    return is_private(net)


def source_ip_entries(ctx: DocContext) -> Iterator[tuple[CondEntry, str, list[bool]]]:
    """``(entry, base operator, private flags)`` for every aws:SourceIp IP-address condition."""
    for st in ctx.good_statements():
        for c in st.conditions:
            op = parse_operator(c.operator)
            if c.key.lower() == "aws:sourceip" and op.kind == "IPAddress" and op.base:
                flags = private_flags(c)
                if flags:
                    yield c, op.base, flags


def check(ctx: DocContext) -> Iterator[Hit]:
    for c, base, flags in source_ip_entries(ctx):
        if all(flags):
            effect = "never matches" if base == "IpAddress" else "matches every request"
            yield Hit(
                f"{c.operator} compares aws:SourceIp with private addresses only, so it {effect}: "
                "aws:SourceIp is the public address; use aws:VpcSourceIp (or aws:SourceVpc) for traffic from a VPC",
                c.key_ptr,
            )


RULE = Rule(
    "E2014",
    "private-source-ip",
    "aws:SourceIp must be compared with public addresses (use aws:VpcSourceIp for private ones).",
    check,
    aws_checks=("Private IP address", "Private NotIpAddress"),
    needs=("Condition",),
)
