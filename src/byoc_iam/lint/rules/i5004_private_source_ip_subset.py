"""I5004: ``aws:SourceIp`` compared with a mix of public and private addresses (the private ones do nothing)."""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.lint.rules.e2014_private_source_ip import source_ip_entries


def check(ctx: DocContext) -> Iterator[Hit]:
    for c, _, flags in source_ip_entries(ctx):
        if any(flags) and not all(flags):
            yield Hit(
                f"{c.operator} on aws:SourceIp lists private addresses, which never match aws:SourceIp: "
                "remove them (use aws:VpcSourceIp for traffic from a VPC)",
                c.key_ptr,
            )


RULE = Rule(
    "I5004",
    "private-source-ip-subset",
    "Private addresses in an aws:SourceIp list have no effect.",
    check,
    aws_checks=("Private IP address subset", "Private NotIpAddress subset"),
    needs=("Condition",),
)
