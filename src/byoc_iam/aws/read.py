"""Read the live role (and the customer-managed policies and OIDC providers it depends on) from IAM.

:func:`read_role` gives a :class:`RoleSpec`; :func:`read_live` gives the :class:`LiveState` a plan is
computed against: the RoleSpec plus what a plan needs to act safely (ARNs, ids, policy versions, tags).
"""

from __future__ import annotations

import ast
import json
import urllib.parse
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, TypeVar

from byoc_iam.aws.session import AwsCallError, AwsContext
from byoc_iam.errors import AwsError
from byoc_iam.model import PolicyDocument, RoleSpec
from byoc_iam.plan.state import LiveOidcProvider, LivePolicy, LiveRole, LiveState

if TYPE_CHECKING:
    from byoc_iam.verify.federation import Federation

READ_WORKERS = 4
T = TypeVar("T")


def decode_document(value: Any, where: str = "a policy document") -> dict[str, Any]:
    """A policy document as IAM returns it: a dict (botocore decoded it) or URL-encoded JSON text.

    moto's CloudFormation stores a template's inline ``PolicyDocument`` as Python's repr of the mapping
    (single quotes); that is read as the literal it is. Anything else that is not a JSON object is an
    :class:`AwsError` naming ``where`` (never a traceback)."""
    if isinstance(value, dict):
        return value
    text = urllib.parse.unquote(str(value))
    try:
        doc = json.loads(text)
    except ValueError:
        try:
            doc = ast.literal_eval(text)
        except (ValueError, SyntaxError, MemoryError, RecursionError):
            doc = None
    if not isinstance(doc, dict):
        from byoc_iam.errors import AwsError

        raise AwsError(f"AWS returned {where} that is not a JSON policy document")
    return doc


def _tags(items: list[dict[str, str]] | None) -> dict[str, str]:
    return {t["Key"]: t["Value"] for t in items or []}


def _get(ctx: AwsContext, action: str, **params: Any) -> dict[str, Any] | None:
    """``ctx.call``, with None when the entity does not exist (NoSuchEntity)."""
    try:
        return ctx.call(action, **params)
    except AwsCallError as exc:
        if exc.code == "NoSuchEntity":
            return None
        raise


def _tags_of(ctx: AwsContext, entity: dict[str, Any], list_action: str, **params: Any) -> dict[str, str]:
    """The entity's tags: as Get* returned them, else listed (IAM omits them from some responses)."""
    tags = entity.get("Tags")
    return _tags(tags if tags is not None else ctx.paginate(list_action, "Tags", **params))


def is_aws_managed(arn: str) -> bool:
    return arn.split(":")[4:5] == ["aws"]


def read_policy(ctx: AwsContext, arn: str) -> LivePolicy | None:
    """A customer-managed policy: its default version's document, its versions and tags; None if absent."""
    resp = _get(ctx, "iam:GetPolicy", PolicyArn=arn)
    if resp is None:
        return None
    meta = resp["Policy"]
    versions = ctx.paginate("iam:ListPolicyVersions", "Versions", PolicyArn=arn)
    default = str(meta["DefaultVersionId"])
    doc = next((v.get("Document") for v in versions if v["VersionId"] == default and v.get("Document")), None)
    if doc is None:
        doc = ctx.call("iam:GetPolicyVersion", PolicyArn=arn, VersionId=default)["PolicyVersion"]["Document"]
    ordered = sorted(versions, key=lambda v: (v["CreateDate"], _version_number(v["VersionId"])))
    return LivePolicy(
        arn=arn,
        name=str(meta["PolicyName"]),
        path=str(meta.get("Path", "/")),
        default_version_id=default,
        versions=tuple(str(v["VersionId"]) for v in ordered),
        document=decode_document(doc, f"the default version of policy {arn}"),
        tags=_tags_of(ctx, meta, "iam:ListPolicyTags", PolicyArn=arn),
        attachment_count=int(meta.get("AttachmentCount", 0)),
    )


def _version_number(version_id: str) -> int:
    digits = version_id.lstrip("v")
    return int(digits) if digits.isdigit() else 0


def read_oidc_provider(ctx: AwsContext, arn: str) -> LiveOidcProvider | None:
    resp = _get(ctx, "iam:GetOpenIDConnectProvider", OpenIDConnectProviderArn=arn)
    if resp is None:
        return None
    return LiveOidcProvider(
        arn=arn,
        url=str(resp.get("Url", "")),
        client_ids=tuple(sorted(resp.get("ClientIDList", []))),
        thumbprints=tuple(sorted(t.lower() for t in resp.get("ThumbprintList", []))),
        tags=_tags(resp.get("Tags")),
    )


def _read_role_parts(ctx: AwsContext, role_name: str) -> tuple[LiveRole, list[str]] | None:
    """The role (inline policies and AWS managed ARNs included) and the ARNs of its local managed policies."""
    resp = _get(ctx, "iam:GetRole", RoleName=role_name)
    if resp is None:
        return None
    role = resp["Role"]
    attached = ctx.paginate("iam:ListAttachedRolePolicies", "AttachedPolicies", RoleName=role_name)
    inline_names = ctx.paginate("iam:ListRolePolicies", "PolicyNames", RoleName=role_name)
    inline: dict[str, dict[str, Any]] = {}
    for name in sorted(inline_names):
        resp = ctx.call("iam:GetRolePolicy", RoleName=role_name, PolicyName=name)
        inline[name] = decode_document(resp["PolicyDocument"], f"the inline policy {name} of role {role_name}")
    arns = [str(a["PolicyArn"]) for a in attached]
    boundary = (role.get("PermissionsBoundary") or {}).get("PermissionsBoundaryArn")
    fields: dict[str, Any] = {
        "role_name": role["RoleName"],
        "path": role.get("Path", "/"),
        "description": role.get("Description", "") or "",
        "max_session_duration": int(role.get("MaxSessionDuration", 3600)),
        "permissions_boundary": boundary,
        "trust_policy": decode_document(role["AssumeRolePolicyDocument"], f"the trust policy of role {role_name}"),
        "managed_policy_arns": sorted(a for a in arns if is_aws_managed(a)),
        "inline_policies": inline,
        "tags": _tags_of(ctx, role, "iam:ListRoleTags", RoleName=role_name),
    }
    live = LiveRole(arn=str(role["Arn"]), role_id=str(role["RoleId"]), fields=fields, attached_arns=tuple(sorted(arns)))
    return live, sorted(a for a in arns if not is_aws_managed(a))


def read_live(
    ctx: AwsContext,
    role_name: str,
    *,
    policy_arns: tuple[str, ...] = (),
    oidc_arns: tuple[str, ...] = (),
) -> LiveState:
    """The live state a plan is computed against: the role, the customer-managed policies attached to it or
    named in ``policy_arns``, and the OIDC providers named in ``oidc_arns``. Independent reads run concurrently."""
    parts = _read_role_parts(ctx, role_name)
    local = set(policy_arns)
    if parts is not None:
        local.update(parts[1])
    with ThreadPoolExecutor(max_workers=READ_WORKERS) as pool:
        pol_futures = {arn: pool.submit(read_policy, ctx, arn) for arn in sorted(local)}
        oidc_futures = {arn: pool.submit(read_oidc_provider, ctx, arn) for arn in sorted(set(oidc_arns))}
        policies = _existing(pol_futures)
        providers = _existing(oidc_futures)
    return LiveState(
        role_name=role_name,
        role=parts[0] if parts else None,
        policies=policies,
        oidc_providers=providers,
    )


def _existing(futures: dict[str, Future[T | None]]) -> dict[str, T]:
    """ARN → result of each read that found its entity (in the futures' order)."""
    results = {arn: future.result() for arn, future in futures.items()}
    return {arn: value for arn, value in results.items() if value is not None}


def read_role(ctx: AwsContext, role_name: str) -> RoleSpec | None:
    """The live role as a RoleSpec (customer-managed policies as their default versions), or None."""
    return read_live(ctx, role_name).role_spec()


def read_policy_version(
    ctx: AwsContext, arn: str, version: str | None = None
) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A managed policy's metadata (``iam:GetPolicy``) and one version (``iam:GetPolicyVersion``: the default
    unless ``version``), its ``Document`` decoded to a dict; None when IAM has no such policy."""
    resp = _get(ctx, "iam:GetPolicy", PolicyArn=arn)
    if resp is None:
        return None
    meta: dict[str, Any] = resp["Policy"]
    vid = version or str(meta["DefaultVersionId"])
    pv: dict[str, Any] = dict(ctx.call("iam:GetPolicyVersion", PolicyArn=arn, VersionId=vid)["PolicyVersion"])
    pv["Document"] = decode_document(pv["Document"], f"policy {arn} {vid}")
    return meta, pv


def list_aws_managed_policy_names(ctx: AwsContext) -> list[tuple[str, str]]:
    """``(name, path)`` of every AWS managed policy (``iam:ListPolicies`` with Scope=AWS, every page)."""
    return [(str(p["PolicyName"]), str(p["Path"])) for p in ctx.paginate("iam:ListPolicies", "Policies", Scope="AWS")]


def read_role_for_verify(
    ctx: AwsContext, role_name: str
) -> tuple[RoleSpec, dict[str, PolicyDocument], PolicyDocument | None, str]:
    """The live role, the documents of its AWS managed policies and of its permissions boundary, and its ARN;
    AwsError when the role does not exist."""
    live = read_live(ctx, role_name)
    spec = live.role_spec()
    if spec is None or live.role is None:
        raise AwsError(f"role {role_name} does not exist in this account")
    docs = {arn: policy_document(ctx, arn) for arn in spec.managed_policy_arns}
    boundary = policy_document(ctx, spec.permissions_boundary) if spec.permissions_boundary else None
    return spec, docs, boundary, live.role.arn


def read_federation(ctx: AwsContext, specs: Iterable[RoleSpec], account: str, cluster: str | None) -> Federation:
    """What verify --live checks of the federation: the OIDC providers of ``account`` that the linked trusts of
    ``specs`` name (None for an absent one) and, when any trust is linked and ``cluster`` is given, that EKS
    cluster's issuer."""
    from byoc_iam.verify.federation import Federation, ProviderFacts, arn_account
    from byoc_iam.verify.trust import providers, trust_mode

    linked = [spec.trust() for spec in specs if trust_mode(spec.trust()) == "linked"]
    own = sorted({p for trust in linked for p in providers(trust) if arn_account(p) == account})
    found = {arn: read_oidc_provider(ctx, arn) for arn in own}
    facts = {a: None if p is None else ProviderFacts(url=p.url, client_ids=p.client_ids) for a, p in found.items()}
    issuer = cluster_issuer(ctx, cluster) if cluster and linked else None
    return Federation(providers=facts, cluster=cluster, cluster_issuer=issuer)


def cluster_issuer(ctx: AwsContext, cluster: str) -> str:
    """The EKS cluster's OIDC issuer URL (eks:DescribeCluster); AwsError when it has none yet."""
    cl = ctx.call("eks:DescribeCluster", name=cluster)["cluster"]
    issuer = ((cl.get("identity") or {}).get("oidc") or {}).get("issuer")
    if not issuer:
        raise AwsError(f"EKS cluster {cluster} has no OIDC issuer (is it still being created?)")
    return str(issuer)


def policy_document(ctx: AwsContext, arn: str) -> PolicyDocument:
    """The default version's document of a managed policy (AWS or customer managed)."""
    found = read_policy_version(ctx, arn)
    if found is None:
        raise AwsError(f"policy {arn} does not exist")
    return PolicyDocument.from_dict(found[1]["Document"])
