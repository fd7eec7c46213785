"""E2010: a wildcard in the service prefix of an action (``*:Untag*``, ``s?:Get*``).

IAM refuses such a document at write time (the service prefix must be literal; only ``"*"`` alone may
stand for every action), and even where a prefix pattern is accepted it would grant the same action of
services nobody meant. Access Analyzer reports it as the suggestion "Wildcard in service name"; byoc-iam
makes it an ERROR because the engine must not evaluate what IAM would refuse.
"""

from collections.abc import Iterator

from byoc_iam.lint.context import DocContext
from byoc_iam.lint.helpers import named_actions
from byoc_iam.lint.rules import Hit, Rule
from byoc_iam.servicecatalog import ServiceCatalog, glob_match

_COMMON = ("ec2", "s3", "iam", "eks", "elasticloadbalancing", "autoscaling", "kms", "logs", "sts")


def _examples(cat: ServiceCatalog, prefix: str, name: str) -> list[str]:
    """Up to three ``service:name`` patterns that the wildcard prefix stands for and that match actions."""
    out: list[str] = []
    common = [s for s in _COMMON if cat.is_known_service(s)]
    for s in [*common, *(s for s in cat.services() if s not in _COMMON)]:
        if glob_match(prefix, s, ignore_case=True) and cat.expand_action_pattern(f"{s}:{name}"):
            out.append(f"{s}:{name}")
            if len(out) == 3:
                break
    return out


def check(ctx: DocContext) -> Iterator[Hit]:
    cat = ctx.catalog
    for a, prefix, name in named_actions(ctx):
        if prefix is None or not ("*" in prefix or "?" in prefix):
            continue
        example = ", ".join(_examples(cat, prefix, name)) or f"ec2:{name}"
        yield Hit(
            f"{a.value!r} has a wildcard in the service prefix, which IAM refuses: name each service "
            f'(e.g. {example}) or write "*" for every action',
            a.ptr,
        )


RULE = Rule(
    "E2010",
    "action-service-wildcard",
    'An action\'s service prefix must be literal (service:Action, or "*" alone).',
    check,
    aws_checks=("Wildcard in service name",),
    needs=("Action", "NotAction"),
)
