"""IpAddress / NotIpAddress over IPv4 and IPv6 CIDR blocks (a bare address is a /32 or /128).

An IPv4 CIDR block never contains an IPv6 address (and vice versa): that is a plain non-match, so
NotIpAddress holds; a bare address of the other family, or a request value that is not an address,
cannot be compared and satisfies neither operator.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from byoc_iam.engine.conditions.base import Operator, variant
from byoc_iam.engine.variables import Context

if TYPE_CHECKING:  # ipaddress is imported when a policy has an IP condition (start-up, issue 18)
    import ipaddress

    Address = ipaddress.IPv4Address | ipaddress.IPv6Address
    Network = ipaddress.IPv4Network | ipaddress.IPv6Network


@lru_cache(maxsize=4096)
def parse_address(value: str) -> Address | None:
    import ipaddress

    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def parse_block(value: str) -> tuple[Network, bool] | None:
    """(network, written-as-CIDR) or ``None``."""
    import ipaddress

    text = value.strip()
    try:
        if "/" in text:
            return ipaddress.ip_network(text, strict=False), True
        return ipaddress.ip_network(ipaddress.ip_address(text)), False
    except ValueError:
        return None


class _Ip(Operator):
    uses_variables = False

    def __init__(self, values: tuple[str, ...]) -> None:
        super().__init__(values)
        self.blocks = tuple(parse_block(v) for v in values)

    def check(self, index: int, request_value: str, context: Context) -> bool | None:
        block = self.blocks[index]
        if block is None:
            return None
        network, is_cidr = block
        addr = parse_address(request_value)
        if addr is None:
            return None
        if addr.version != network.version:
            return False if is_cidr else None
        return addr in network

    def error(self, index: int, request_value: str, context: Context) -> str | None:
        if self.blocks[index] is None:
            return f"policy value {self.values[index]!r} is not a valid CIDR block"
        return f"request value {request_value!r} is not a valid IP address for {self.values[index]!r}"


OPERATORS: tuple[type[Operator], ...] = (variant("IpAddress", _Ip), variant("NotIpAddress", _Ip, negated=True))
