"""Notes for the plan: AWS managed policies the role attaches whose live default version differs from
byoc-iam's packaged snapshot (``byoc_iam.managed``), i.e. AWS updated them since the snapshot."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from byoc_iam.aws.read import decode_document, is_aws_managed
from byoc_iam.aws.session import AwsContext
from byoc_iam.errors import AwsError
from byoc_iam.model import RoleSpec

if TYPE_CHECKING:
    from byoc_iam.managed import ManagedPolicy

WORKERS = 4


def update_note(entry: ManagedPolicy, version: str, live: dict[str, Any], partition: str) -> str | None:
    """The note for one policy whose live default version is ``version`` with document ``live`` (pure).

    The snapshot is the aws partition's document: in aws-cn/aws-us-gov its ``arn:aws:`` resources are
    rewritten to the live partition before diffing, so only real changes count."""
    from byoc_iam.managed import diff_policies, with_partition

    if version == entry.default_version:
        return None
    snapshot = with_partition(entry.document, partition)
    diff = diff_policies(snapshot, live, name=entry.name, old_version=entry.default_version, new_version=version)
    if not diff.changed:
        return None
    added, removed = diff.actions.added, diff.actions.removed
    return (
        f"AWS has updated the managed policy {entry.name} since byoc-iam's snapshot "
        f"({entry.default_version} → {version}; {len(added)} action(s) added, {len(removed)} removed) — "
        f"informational: the role attaches it by ARN, so it already gets AWS's current version"
    )


def _check(ctx: AwsContext, arn: str) -> str | None:
    from byoc_iam.managed import get_catalog, parse_policy_arn

    entry = get_catalog().by_arn(arn)
    if entry is None:
        return None
    meta = ctx.call("iam:GetPolicy", PolicyArn=arn)["Policy"]
    version = str(meta["DefaultVersionId"])
    if version == entry.default_version:
        return None
    live = ctx.call("iam:GetPolicyVersion", PolicyArn=arn, VersionId=version)["PolicyVersion"]["Document"]
    parsed = parse_policy_arn(arn)
    partition = parsed[0] if parsed is not None else ctx.partition
    return update_note(entry, version, decode_document(live), partition)


def managed_updates(ctx: AwsContext, spec: RoleSpec) -> list[str]:
    """One informational line per attached AWS managed policy that AWS changed since the snapshot."""
    arns = [a for a in spec.managed_policy_arns if is_aws_managed(a)]
    if not arns:
        return []
    try:
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            results = list(pool.map(lambda a: _check(ctx, a), arns))
    except AwsError as exc:
        return [f"could not compare AWS managed policies with the snapshot ({exc.message})"]
    return [r for r in results if r]
