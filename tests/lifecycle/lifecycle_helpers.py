"""Lifecycle test helpers (imported by the tests and by this folder's conftest): a small desired role, the CLI
in-process, a failure-injecting HTTP proxy in front of moto, and a fast account clean-up."""

from __future__ import annotations

import http.client
import io
import threading
import urllib.parse
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from byoc_iam.aws.session import AwsContext
from byoc_iam.model import RoleSpec

ACCOUNT = "123456789012"

AWS_POLICY = "arn:aws:iam::aws:policy/"

TRUST = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Eks", "Effect": "Allow", "Principal": {"Service": "eks.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"},
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{ACCOUNT}:oidc-provider/eks_oidc_url"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {
                "StringEquals": {
                    "eks_oidc_url:aud": "sts.amazonaws.com",
                    "eks_oidc_url:sub": "system:serviceaccount:kube-system:cluster-autoscaler",
                }
            },
        },
    ],
}

INLINE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["autoscaling:DescribeAutoScalingGroups"], "Resource": "*"}],
}

CMP = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "ec2:DescribeVolumes", "Resource": "*"}],
}

RECORDED: list[str] = []


def make_spec(**changes: Any) -> RoleSpec:
    data: dict[str, Any] = {
        "role_name": "byoc-test-role",
        "description": "byoc-iam test role",
        "trust_policy": TRUST,
        "managed_policy_arns": [AWS_POLICY + "AmazonEKSClusterPolicy", AWS_POLICY + "AmazonEKS_CNI_Policy"],
        "inline_policies": {"ClusterAutoscaler": INLINE},
        "customer_managed_policies": {"byoc-test-ebs": CMP},
        "tags": {"team": "data"},
    }
    data.update(changes)
    return RoleSpec.model_validate(data)


def clean_account(endpoint: str) -> None:
    """Remove every role, customer-managed policy, OIDC provider and EKS cluster (much faster than a moto
    reset, which reloads the AWS managed policies)."""
    iam, eks = raw_client(endpoint), raw_client(endpoint, "eks")
    for role in iam.list_roles()["Roles"]:
        name = role["RoleName"]
        for att in iam.list_attached_role_policies(RoleName=name)["AttachedPolicies"]:
            iam.detach_role_policy(RoleName=name, PolicyArn=att["PolicyArn"])
        for pname in iam.list_role_policies(RoleName=name)["PolicyNames"]:
            iam.delete_role_policy(RoleName=name, PolicyName=pname)
        iam.delete_role(RoleName=name)
    for pol in iam.list_policies(Scope="Local")["Policies"]:
        for v in iam.list_policy_versions(PolicyArn=pol["Arn"])["Versions"]:
            if not v["IsDefaultVersion"]:
                iam.delete_policy_version(PolicyArn=pol["Arn"], VersionId=v["VersionId"])
        iam.delete_policy(PolicyArn=pol["Arn"])
    for prov in iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]:
        iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=prov["Arn"])
    for name in eks.list_clusters()["clusters"]:
        eks.delete_cluster(name=name)


def raw_client(endpoint: str, service: str = "iam") -> Any:
    """A plain boto3 client, for changes made "behind byoc-iam's back" (not recorded)."""
    import boto3

    return boto3.client(service, endpoint_url=endpoint, region_name="us-east-1")


def new_ctx(endpoint: str, **kw: Any) -> AwsContext:
    return AwsContext(endpoint_url=endpoint, region="us-east-1", **kw)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


def run_cli(*args: str) -> CliResult:
    """``byoc-iam ARGS`` in-process (so AWS calls are recorded); exit code, stdout, stderr."""
    from byoc_iam.cli import main

    out, err = io.StringIO(), io.StringIO()
    code = 0
    with redirect_stdout(out), redirect_stderr(err):
        try:
            main(list(args))
        except SystemExit as exc:
            code = int(exc.code or 0) if not isinstance(exc.code, str) else 1
    return CliResult(code, out.getvalue(), err.getvalue())


@dataclass
class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of moto that fails chosen IAM calls (by ``Action=`` in the body)."""

    target: str
    faults: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # action -> (code, status, times)
    seen: list[str] = field(default_factory=list)
    server: ThreadingHTTPServer | None = None

    @property
    def endpoint_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, action: str, code: str = "ServiceFailure", status: int = 500, times: int = 1_000_000) -> None:
        self.faults[action] = (code, status, times)

    def start(self) -> FaultProxy:
        proxy = self
        target = urllib.parse.urlsplit(self.target)

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _relay(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                action = urllib.parse.parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
                proxy.seen.append(action)
                fault = proxy.faults.get(action)
                if fault and fault[2] > 0:
                    code, status, times = fault
                    proxy.faults[action] = (code, status, times - 1)
                    xml = (
                        '<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender'
                        f"</Type><Code>{code}</Code><Message>injected {code} for {action}</Message></Error>"
                        "<RequestId>injected</RequestId></ErrorResponse>"
                    ).encode()
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml")
                    self.send_header("Content-Length", str(len(xml)))
                    self.end_headers()
                    self.wfile.write(xml)
                    return
                conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
                conn.close()

            do_POST = _relay
            do_GET = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
