"""The three request batches of the engine benchmark (deterministic: fixed seeds).

Each batch is ``(policies, requests)`` in the ``byoc-iam simulate --batch`` format: ``policies`` has the
keys identity/resource/boundary/scp/rcp/session, each request has principal/action/resource/
resource_account/context. Resources are concrete ARNs (no ``*`` requests), so both engines read each
request the same way.
"""

from __future__ import annotations

import random
from typing import Any

ACCOUNT = "111122223333"
OTHER = "444455556666"
ROLE = f"arn:aws:iam::{ACCOUNT}:role/zilliz-byoc-eks"
REGIONS = ("us-east-1", "us-west-2", "eu-central-1")

Batch = tuple[dict[str, Any], list[dict[str, Any]]]


def _managed(name: str) -> dict[str, Any]:
    """An AWS managed policy document: the project's catalog, else moto's bundled copy."""
    try:
        from byoc_iam.managed import get_catalog

        return get_catalog().by_name(name).document.to_dict()
    except Exception:  # the managed-catalog workstream may not have landed
        import json

        from moto.iam.aws_managed_policies import aws_managed_policies_data

        data = json.loads(aws_managed_policies_data)[name]
        return data.get("Document", data)


def _ec2_arn(rnd: random.Random, account: str = ACCOUNT) -> str:
    kind = rnd.choice(
        ["network-interface", "instance", "volume", "subnet", "security-group", "snapshot", "launch-template"]
    )
    region = rnd.choice(REGIONS)
    return f"arn:aws:ec2:{region}:{account}:{kind}/{kind[:3]}-{rnd.getrandbits(40):010x}"


def _ctx(rnd: random.Random) -> dict[str, Any]:
    ctx: dict[str, Any] = {}
    if rnd.random() < 0.5:
        ctx["aws:ResourceTag/elbv2.k8s.aws/cluster"] = rnd.choice(["zilliz", "other"])
    if rnd.random() < 0.4:
        ctx["aws:RequestTag/elbv2.k8s.aws/cluster"] = rnd.choice(["zilliz", "true"])
    if rnd.random() < 0.4:
        ctx["ec2:CreateAction"] = rnd.choice(["CreateVolume", "CreateSnapshot", "RunInstances", "CreateSecurityGroup"])
    if rnd.random() < 0.3:
        ctx["aws:RequestTag/ebs.csi.aws.com/cluster"] = "true"
    if rnd.random() < 0.3:
        ctx["aws:ResourceTag/k8s.io/cluster-autoscaler/enabled"] = rnd.choice(["true", "false"])
    if rnd.random() < 0.3:
        ctx["aws:TagKeys"] = rnd.sample(
            ["elbv2.k8s.aws/cluster", "kubernetes.io/cluster/x", "Name", "ebs.csi.aws.com/cluster"], 2
        )
    return ctx


def cni_batch(n: int = 10_000, seed: int = 1) -> Batch:
    """AmazonEKS_CNI_Policy alone; ENI/instance/volume/... ARNs, CNI's actions and others."""
    rnd = random.Random(seed)
    doc = _managed("AmazonEKS_CNI_Policy")
    actions = [
        a for st in doc["Statement"] for a in ([st["Action"]] if isinstance(st["Action"], str) else st["Action"])
    ]
    actions += [
        "ec2:RunInstances",
        "ec2:TerminateInstances",
        "ec2:CreateVolume",
        "ec2:DeleteTags",
        "s3:GetObject",
        "iam:PassRole",
    ]
    requests = []
    for _ in range(n):
        account = ACCOUNT if rnd.random() < 0.9 else OTHER
        requests.append(
            {
                "principal": ROLE,
                "action": rnd.choice(actions),
                "resource": _ec2_arn(rnd, account),
                "resource_account": account,
                "context": {},
            }
        )
    return {"identity": [doc]}, requests


def _actions_of(docs: list[dict[str, Any]]) -> list[str]:
    out: list[str] = []
    for doc in docs:
        stmts = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
        for st in stmts:
            values = st.get("Action", [])
            out.extend([values] if isinstance(values, str) else values)
    return sorted({a for a in out if "*" not in a})


def _resource_for(action: str, rnd: random.Random) -> str:
    service = action.split(":")[0]
    region = rnd.choice(REGIONS)
    if service == "ec2":
        return _ec2_arn(rnd)
    if service == "elasticloadbalancing":
        kind = rnd.choice(
            ["loadbalancer/app/zilliz/abc", "targetgroup/tg/123", "listener/app/zilliz/abc/def", "loadbalancer/net/x/1"]
        )
        return f"arn:aws:elasticloadbalancing:{region}:{ACCOUNT}:{kind}"
    if service == "autoscaling":
        group = f"autoScalingGroup:uuid-{rnd.getrandbits(32):08x}:autoScalingGroupName/ng-{rnd.randint(1, 9)}"
        return f"arn:aws:autoscaling:{region}:{ACCOUNT}:{group}"
    if service == "ecr":
        return f"arn:aws:ecr:{region}:{ACCOUNT}:repository/zilliz/{rnd.choice(['milvus', 'proxy'])}"
    if service == "eks":
        return f"arn:aws:eks:{region}:{ACCOUNT}:cluster/zilliz-{rnd.randint(1, 3)}"
    if service == "iam":
        name = rnd.choice(["aws-service-role/elasticloadbalancing.amazonaws.com/x", "node", "other"])
        return f"arn:aws:iam::{ACCOUNT}:role/{name}"
    if service == "kms":
        return f"arn:aws:kms:{region}:{ACCOUNT}:key/{rnd.getrandbits(64):016x}"
    return f"arn:aws:{service}:{region}:{ACCOUNT}:thing/{rnd.getrandbits(32):08x}"


def byoc_role_batch(n: int = 10_000, seed: int = 2) -> Batch:
    """The rendered BYOC role: five managed policies and the three controller policies (with conditions)."""
    from byoc_iam.blueprint import BlueprintInputs, render_role

    spec = render_role(
        BlueprintInputs(
            account_id=ACCOUNT,
            region="us-east-1",
            oidc_issuer="https://oidc.eks.us-east-1.amazonaws.com/id/ABCDEF0123456789ABCDEF0123456789",
        )
    )
    docs = [_managed(arn.rsplit("/", 1)[-1]) for arn in spec.managed_policy_arns]
    docs += [d.to_dict() for d in spec.inline().values()]
    docs += [d.to_dict() for d in spec.customer_managed().values()]
    rnd = random.Random(seed)
    actions = [*_actions_of(docs), "s3:GetObject", "iam:CreateUser", "ec2:CreateVpc", "kms:Decrypt"]
    requests = []
    for _ in range(n):
        action = rnd.choice(actions)
        requests.append(
            {
                "principal": ROLE,
                "action": action,
                "resource": _resource_for(action, rnd),
                "resource_account": ACCOUNT,
                "context": _ctx(rnd),
            }
        )
    return {"identity": docs}, requests


MIXED_IDENTITY = [
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "Home",
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:PutObject"],
                "Resource": "arn:aws:s3:::home/${aws:username}/*",
            },
            {
                "Sid": "TeamPrefix",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::home",
                "Condition": {"StringLike": {"s3:prefix": ["${aws:PrincipalTag/team, 'none'}/*", "shared/*"]}},
            },
            {
                "Sid": "SmallLists",
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "arn:aws:s3:::data-*",
                "Condition": {"NumericLessThanEquals": {"s3:max-keys": "100"}, "Bool": {"aws:SecureTransport": "true"}},
            },
            {
                "Sid": "OfficeHours",
                "Effect": "Allow",
                "Action": ["ec2:StartInstances", "ec2:StopInstances"],
                "Resource": "arn:aws:ec2:*:111122223333:instance/*",
                "Condition": {
                    "DateGreaterThan": {"aws:CurrentTime": "2026-01-01T00:00:00Z"},
                    "DateLessThan": {"aws:CurrentTime": "2027-01-01T00:00:00Z"},
                    "StringEquals": {"aws:ResourceTag/owner": "${aws:username}"},
                },
            },
            {
                "Sid": "FromOffice",
                "Effect": "Allow",
                "Action": "dynamodb:*",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": ["10.0.0.0/8", "2001:db8::/32"]}},
            },
            {
                "Sid": "TagOnCreate",
                "Effect": "Allow",
                "Action": "ec2:CreateTags",
                "Resource": "*",
                "Condition": {
                    "ForAllValues:StringLike": {"aws:TagKeys": ["team", "env", "cost-*"]},
                    "ForAnyValue:StringEquals": {"aws:TagKeys": ["team"]},
                    "StringEqualsIgnoreCase": {"aws:RequestTag/env": ["prod", "dev"]},
                },
            },
            {
                "Sid": "FromSource",
                "Effect": "Allow",
                "Action": "sqs:SendMessage",
                "Resource": "arn:aws:sqs:*:111122223333:*",
                "Condition": {
                    "ArnLike": {"aws:SourceArn": "arn:aws:sns:*:111122223333:topic-*"},
                    "Null": {"aws:SourceAccount": "false"},
                },
            },
            {
                "Sid": "DenyPlainHttp",
                "Effect": "Deny",
                "Action": "s3:*",
                "Resource": "*",
                "Condition": {"BoolIfExists": {"aws:SecureTransport": "false"}},
            },
            {
                "Sid": "DenyOutsideNetworks",
                "Effect": "Deny",
                "Action": "dynamodb:DeleteTable",
                "Resource": "*",
                "Condition": {"NotIpAddress": {"aws:SourceIp": "10.1.0.0/16"}},
            },
            {
                "Sid": "DenyOtherRegions",
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": ["us-east-1", "eu-central-1"]}},
            },
        ],
    }
]
MIXED_BOUNDARY = [
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"},
            {
                "Effect": "Deny",
                "Action": "ec2:*",
                "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:ResourceTag/owner": ["${aws:username}", "shared"]}},
            },
        ],
    }
]
MIXED_SCP = [
    [
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": "sqs:*",
                    "Resource": "*",
                    "Condition": {"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::111122223333:user/*"}},
                },
            ],
        }
    ]
]


def mixed_batch(n: int = 10_000, seed: int = 3) -> Batch:
    """Every operator family, set operators, IfExists, Null and policy variables; a boundary and an SCP."""
    rnd = random.Random(seed)
    users = ["alice", "bob", "carol"]
    reqs: list[dict[str, Any]] = []
    for _ in range(n):
        user = rnd.choice(users)
        principal = f"arn:aws:iam::{ACCOUNT}:user/{user}"
        kind = rnd.randrange(7)
        ctx: dict[str, Any] = {"aws:username": user, "aws:PrincipalArn": principal}
        ctx["aws:RequestedRegion"] = rnd.choice(["us-east-1", "us-west-2", "eu-central-1"])
        if rnd.random() < 0.8:
            ctx["aws:SecureTransport"] = rnd.choice(["true", "true", "false"])
        if rnd.random() < 0.5:
            ctx["aws:PrincipalTag/team"] = rnd.choice(["red", "blue"])
        if kind == 0:
            owner = rnd.choice([user, *users])
            action = rnd.choice(["s3:GetObject", "s3:PutObject", "s3:DeleteObject"])
            resource = f"arn:aws:s3:::home/{owner}/{rnd.getrandbits(24):06x}.txt"
        elif kind == 1:
            action, resource = (
                "s3:ListBucket",
                rnd.choice(["arn:aws:s3:::home", "arn:aws:s3:::data-lake", "arn:aws:s3:::other"]),
            )
            ctx["s3:prefix"] = rnd.choice(["red/x", "blue/y", "shared/z", "none/q", "private/a"])
            ctx["s3:max-keys"] = str(rnd.choice([10, 100, 1000]))
        elif kind == 2:
            action = rnd.choice(["ec2:StartInstances", "ec2:StopInstances"])
            resource = f"arn:aws:ec2:{rnd.choice(REGIONS)}:{ACCOUNT}:instance/i-{rnd.getrandbits(32):08x}"
            ctx["aws:CurrentTime"] = rnd.choice(
                ["2026-06-01T12:00:00Z", "2025-12-31T23:59:59Z", "2027-03-01T00:00:00Z"]
            )
            if rnd.random() < 0.8:
                ctx["aws:ResourceTag/owner"] = rnd.choice([user, "shared", "mallory"])
        elif kind == 3:
            action = rnd.choice(["dynamodb:GetItem", "dynamodb:DeleteTable", "dynamodb:PutItem"])
            resource = f"arn:aws:dynamodb:us-east-1:{ACCOUNT}:table/t{rnd.randint(1, 5)}"
            ctx["aws:SourceIp"] = rnd.choice(["10.1.2.3", "10.200.0.1", "192.168.1.1", "2001:db8::1", "2001:db9::1"])
        elif kind == 4:
            action, resource = "ec2:CreateTags", f"arn:aws:ec2:us-east-1:{ACCOUNT}:volume/vol-{rnd.getrandbits(32):08x}"
            ctx["aws:TagKeys"] = rnd.sample(["team", "env", "cost-center", "owner"], rnd.randint(1, 3))
            ctx["aws:RequestTag/env"] = rnd.choice(["PROD", "dev", "test"])
        elif kind == 5:
            action, resource = "sqs:SendMessage", f"arn:aws:sqs:us-east-1:{ACCOUNT}:q{rnd.randint(1, 4)}"
            ctx["aws:SourceArn"] = rnd.choice(
                [f"arn:aws:sns:us-east-1:{ACCOUNT}:topic-a", f"arn:aws:sns:us-east-1:{OTHER}:topic-b"]
            )
            if rnd.random() < 0.7:
                ctx["aws:SourceAccount"] = ACCOUNT
            if rnd.random() < 0.3:
                principal = f"arn:aws:iam::{ACCOUNT}:role/app"
                ctx["aws:PrincipalArn"] = principal
        else:
            action, resource = rnd.choice(
                [("iam:PassRole", f"arn:aws:iam::{ACCOUNT}:role/x"), ("s3:GetObject", "arn:aws:s3:::other/k")]
            )
        reqs.append(
            {
                "principal": principal,
                "action": action,
                "resource": resource,
                "resource_account": ACCOUNT,
                "context": ctx,
            }
        )
    return {"identity": MIXED_IDENTITY, "boundary": MIXED_BOUNDARY, "scp": MIXED_SCP}, reqs


BATCHES = {
    "cni": ("AmazonEKS_CNI_Policy", cni_batch),
    "byoc-role": ("rendered BYOC role (8 policies)", byoc_role_batch),
    "mixed": ("mixed operators + variables (+boundary, SCP)", mixed_batch),
}


# -- varied policies: every case carries its own policy set (an auditor feeding many roles) -------------
_V = "2012-10-17"
_SERVICES = {
    "s3": ["GetObject", "PutObject", "DeleteObject", "ListBucket", "GetBucketPolicy"],
    "ec2": ["RunInstances", "CreateTags", "StartInstances", "TerminateInstances", "StopInstances"],
    "dynamodb": ["GetItem", "PutItem", "Query", "DeleteTable"],
    "sqs": ["SendMessage", "ReceiveMessage", "DeleteQueue"],
    "logs": ["PutLogEvents", "CreateLogGroup"],
}
_MANAGED = ("AmazonEKS_CNI_Policy", "AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly")


def _resource_pattern(service: str, rnd: random.Random) -> str:
    if service == "s3":
        return f"arn:aws:s3:::{rnd.choice(['data', 'logs', 'home'])}-{rnd.randint(1, 6)}/*"
    region = rnd.choice(["*", *REGIONS])
    kind = {"ec2": "instance", "dynamodb": "table", "sqs": "", "logs": "log-group:"}[service]
    name = f"{kind}{'/' if kind and not kind.endswith(':') else ''}{rnd.choice(['app', 'web', 'batch'])}-*"
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{name}"


def _inline_doc(rnd: random.Random, team: str) -> dict[str, Any]:
    stmts: list[dict[str, Any]] = []
    for i in range(rnd.randint(2, 6)):
        service = rnd.choice(sorted(_SERVICES))
        acts = rnd.sample(_SERVICES[service], rnd.randint(1, min(3, len(_SERVICES[service]))))
        st: dict[str, Any] = {
            "Sid": f"S{i}",
            "Effect": "Deny" if rnd.random() < 0.15 else "Allow",
            "Action": [f"{service}:{a}" for a in acts] + ([f"{service}:{acts[0][:3]}*"] if rnd.random() < 0.3 else []),
            "Resource": [_resource_pattern(service, rnd) for _ in range(rnd.randint(1, 3))],
        }
        r = rnd.random()
        if r < 0.2:
            st["Condition"] = {"StringEquals": {"aws:ResourceTag/team": team}}
        elif r < 0.3:
            st["Condition"] = {"StringLike": {"aws:PrincipalTag/project": [f"{team}-*", "shared"]}}
        elif r < 0.4:
            st["Condition"] = {"Bool": {"aws:SecureTransport": "true"}}
        elif r < 0.45:  # a public range: lint (E2014) refuses private ones on aws:SourceIp
            st["Condition"] = {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}
        stmts.append(st)
    return {"Version": _V, "Statement": stmts}


def _boundary_doc(rnd: random.Random) -> dict[str, Any]:
    allowed = rnd.sample(sorted(_SERVICES), rnd.randint(2, 5))
    stmts: list[dict[str, Any]] = [{"Effect": "Allow", "Action": [f"{s}:*" for s in allowed], "Resource": "*"}]
    if rnd.random() < 0.5:
        stmts.append({"Effect": "Deny", "Action": "iam:*", "Resource": "*"})
    return {"Version": _V, "Statement": stmts}


def _scp_doc(rnd: random.Random) -> dict[str, Any]:
    stmts: list[dict[str, Any]] = [{"Effect": "Allow", "Action": "*", "Resource": "*"}]
    if rnd.random() < 0.6:
        keep = rnd.sample(list(REGIONS), 2)
        stmts.append(
            {
                "Effect": "Deny",
                "NotAction": ["iam:*", "sts:*", "s3:*"],
                "Resource": "*",
                "Condition": {"StringNotEquals": {"aws:RequestedRegion": keep}},
            }
        )
    if rnd.random() < 0.4:
        stmts.append(
            {"Effect": "Deny", "Action": rnd.choice(["dynamodb:DeleteTable", "sqs:DeleteQueue"]), "Resource": "*"}
        )
    return {"Version": _V, "Statement": stmts}


def _session_doc(rnd: random.Random) -> dict[str, Any]:
    services = rnd.sample(sorted(_SERVICES), rnd.randint(1, 4))
    return {"Version": _V, "Statement": [{"Effect": "Allow", "Action": [f"{s}:*" for s in services], "Resource": "*"}]}


def _bucket_doc(rnd: random.Random, bucket: str, roles: list[str]) -> dict[str, Any]:
    stmts: list[dict[str, Any]] = [
        {
            "Sid": "Readers",
            "Effect": "Allow",
            "Principal": {"AWS": rnd.sample(roles, 3)},
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": [f"arn:aws:s3:::{bucket}", f"arn:aws:s3:::{bucket}/*"],
        }
    ]
    if rnd.random() < 0.5:
        stmts.append(
            {
                "Sid": "PartnerRead",
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{OTHER}:root"},
                "Action": "s3:GetObject",
                "Resource": f"arn:aws:s3:::{bucket}/shared/*",
            }
        )
    if rnd.random() < 0.5:
        stmts.append(
            {
                "Sid": "NoDelete",
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:DeleteObject",
                "Resource": f"arn:aws:s3:::{bucket}/*",
            }
        )
    return {"Version": _V, "Statement": stmts}


def varied_batch(n: int = 10_000, seed: int = 4) -> tuple[None, list[dict[str, Any]]]:
    """Every case carries its own policies: roles drawn from pools of identity policies (AWS managed and
    inline), permissions boundaries, SCP levels, session policies and bucket policies; requests vary."""
    rnd = random.Random(seed)
    teams = ["red", "blue", "green", "ops", "data", "web", "ml", "sec"]
    managed = [_managed(name) for name in _MANAGED]
    inline = [_inline_doc(rnd, rnd.choice(teams)) for _ in range(60)]
    boundaries = [_boundary_doc(rnd) for _ in range(8)]
    scps = [_scp_doc(rnd) for _ in range(6)]
    sessions = [_session_doc(rnd) for _ in range(10)]
    role_names = [f"role-{i}" for i in range(300)]
    role_arns = [f"arn:aws:iam::{ACCOUNT}:role/{r}" for r in role_names]
    buckets = [f"{p}-{i}" for p in ("data", "logs", "home") for i in range(1, 7)]
    bucket_docs = {b: _bucket_doc(rnd, b, role_arns) for b in buckets}
    roles = []
    for name in role_names:
        policies: dict[str, Any] = {"identity": rnd.sample(inline, rnd.randint(1, 3))}
        if rnd.random() < 0.3:
            policies["identity"].append(rnd.choice(managed))
        if rnd.random() < 0.4:
            policies["boundary"] = [rnd.choice(boundaries)]
        if rnd.random() < 0.6:
            policies["scp"] = [[rnd.choice(scps)]] + ([[rnd.choice(scps)]] if rnd.random() < 0.5 else [])
        roles.append((name, policies))
    cases: list[dict[str, Any]] = []
    for _ in range(n):
        name, role_policies = rnd.choice(roles)
        policies = dict(role_policies)
        service = rnd.choice(sorted(_SERVICES))
        action = f"{service}:{rnd.choice(_SERVICES[service])}"
        principal = f"arn:aws:iam::{ACCOUNT}:role/{name}"
        if rnd.random() < 0.3:
            policies["session"] = rnd.choice(sessions)
            principal = f"arn:aws:sts::{ACCOUNT}:assumed-role/{name}/s-{rnd.randint(1, 99)}"
        if service == "s3":
            bucket = rnd.choice(buckets)
            key = rnd.choice(["shared/", "", "x/"]) + f"{rnd.getrandbits(24):06x}"
            resource = f"arn:aws:s3:::{bucket}" if action == "s3:ListBucket" else f"arn:aws:s3:::{bucket}/{key}"
            if rnd.random() < 0.7:
                policies["resource"] = bucket_docs[bucket]
        elif service == "ec2":
            resource = _ec2_arn(rnd)
        else:
            kind = {"dynamodb": "table/", "sqs": "", "logs": "log-group:"}[service]
            region = rnd.choice(REGIONS)
            resource = (
                f"arn:aws:{service}:{region}:{ACCOUNT}:{kind}{rnd.choice(['app', 'web', 'db'])}-{rnd.randint(1, 50)}"
            )
        ctx: dict[str, Any] = {"aws:RequestedRegion": rnd.choice(REGIONS)}
        if rnd.random() < 0.5:
            ctx["aws:ResourceTag/team"] = rnd.choice(teams)
        if rnd.random() < 0.5:
            ctx["aws:PrincipalTag/project"] = f"{rnd.choice(teams)}-{rnd.randint(1, 3)}"
        if rnd.random() < 0.7:
            ctx["aws:SecureTransport"] = rnd.choice(["true", "false"])
        if rnd.random() < 0.4:
            ctx["aws:SourceIp"] = rnd.choice(["203.0.113.7", "198.51.100.1"])
        request = {"principal": principal, "action": action, "resource": resource, "resource_account": ACCOUNT}
        cases.append({"policies": policies, "request": {**request, "context": ctx}})
    return None, cases


BATCHES["varied"] = ("every case with its own policies (300 roles from pools)", varied_batch)  # type: ignore[assignment]
