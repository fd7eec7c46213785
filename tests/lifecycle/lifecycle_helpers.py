"""Lifecycle test helpers (imported by the tests and by this folder's conftest): a small desired role, the CLI
in-process, a failure-injecting HTTP proxy in front of moto, and a fast account clean-up."""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import random
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from byoc_iam.aws.session import AwsContext
from byoc_iam.model import RoleSpec
from cli_helpers import run_main

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


# ``byoc-iam ARGS`` in process (so the AWS calls it makes are recorded): exit code, stdout, stderr.
run_cli = run_main

IAM_XMLNS = "https://iam.amazonaws.com/doc/2010-05-08/"
CHAOS_KINDS = ("error", "lost", "throttle")  # fail before AWS; AWS did it but the answer is lost; throttled


@dataclass
class FaultProxy:
    """An HTTP proxy on 127.0.0.1 in front of moto (loopback only) that injects faults into AWS calls, chosen
    by the ``Action=`` of the request body (IAM/STS query protocol) or, for EKS, ``eks:`` + the path:

    - ``fail(action, code, status, times)``: answer an AWS error without forwarding;
    - ``lose(action, times)``: forward (AWS does it), then answer 500 (the answer is lost);
    - ``fake_ok(action, times)``: answer success without forwarding (AWS says done, nothing happened);
    - ``hold(action)``: block the request until ``release()`` (``forward=True``: after forwarding it), so a
      test can kill -9 the client at exactly that moment; ``held`` is set when it arrives;
    - ``chaos(rate, seed)``: each call, with probability ``rate``, gets one of :data:`CHAOS_KINDS`.
    """

    target: str
    faults: dict[str, tuple[str, int, int]] = field(default_factory=dict)  # action -> (code, status, times)
    lost: dict[str, int] = field(default_factory=dict)
    faked: dict[str, int] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)
    injected: list[tuple[str, str]] = field(default_factory=list)  # (kind, action)
    server: ThreadingHTTPServer | None = None
    rate: float = 0.0
    rng: random.Random = field(default_factory=lambda: random.Random(0))
    hold_action: str = ""
    hold_forward: bool = False
    held: threading.Event = field(default_factory=threading.Event)
    released: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        host = urllib.parse.urlsplit(self.target).hostname or ""
        assert ipaddress.ip_address(host).is_loopback, f"the fault proxy only fronts loopback servers, not {host}"

    @property
    def endpoint_url(self) -> str:
        assert self.server is not None
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def fail(self, action: str, code: str = "ServiceFailure", status: int = 500, times: int = 1_000_000) -> None:
        self.faults[action] = (code, status, times)

    def lose(self, action: str, times: int = 1) -> None:
        self.lost[action] = times

    def fake_ok(self, action: str, times: int = 1_000_000) -> None:
        self.faked[action] = times

    def chaos(self, rate: float, seed: int = 0) -> None:
        self.rate, self.rng = rate, random.Random(seed)

    def hold(self, action: str, *, forward: bool = False) -> None:
        self.hold_action, self.hold_forward = action, forward
        self.held.clear()
        self.released.clear()

    def release(self) -> None:
        self.hold_action = ""
        self.released.set()

    def reset(self) -> None:
        self.faults.clear()
        self.lost.clear()
        self.faked.clear()
        self.rate = 0.0
        self.release()

    def _take(self, table: dict[str, int], action: str) -> bool:
        with self.lock:
            if table.get(action, 0) > 0:
                table[action] -= 1
                return True
        return False

    def decide(self, action: str) -> str:
        """What to do with one call: forward, error, lost, fake, throttle or hold."""
        with self.lock:
            fault = self.faults.get(action)
            if fault and fault[2] > 0:
                self.faults[action] = (fault[0], fault[1], fault[2] - 1)
                return "error:" + fault[0] + ":" + str(fault[1])
            chaos = self.rate and self.rng.random() < self.rate
            kind = self.rng.choice(CHAOS_KINDS) if chaos else ""
        if action and action == self.hold_action:
            return "hold"
        if self._take(self.lost, action):
            return "lost"
        if self._take(self.faked, action):
            return "fake"
        if kind:
            self.injected.append((kind, action))
            return {"error": "error:ServiceFailure:500", "lost": "lost", "throttle": "error:Throttling:400"}[kind]
        return "forward"

    def start(self) -> FaultProxy:
        proxy = self
        target = urllib.parse.urlsplit(self.target)

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def _answer(self, status: int, body: bytes, headers: list[tuple[str, str]] | None = None) -> None:
                self.send_response(status)
                for k, v in headers or [("Content-Type", "text/xml")]:
                    if k.lower() not in ("transfer-encoding", "connection", "content-length", "server", "date"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _error(self, action: str, code: str, status: int) -> None:
                xml = (
                    f'<ErrorResponse xmlns="{IAM_XMLNS}"><Error><Type>Sender'
                    f"</Type><Code>{code}</Code><Message>injected {code} for {action}</Message></Error>"
                    "<RequestId>injected</RequestId></ErrorResponse>"
                ).encode()
                self._answer(status, xml)

            def _forward(self, body: bytes) -> tuple[int, bytes, list[tuple[str, str]]]:
                conn = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                return resp.status, data, resp.getheaders()

            def _relay(self) -> None:
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # a client killed by kill -9
                    self._relay_one()

            def _relay_one(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
                action = urllib.parse.parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
                if not action and "/clusters" in self.path:
                    action = "eks:" + self.command + ":" + self.path.split("?")[0]
                proxy.seen.append(action)
                what = proxy.decide(action)
                if what.startswith("error:"):
                    _, code, status = what.split(":")
                    self._error(action, code, int(status))
                elif what == "lost":
                    self._forward(body)
                    self._error(action, "ServiceUnavailable", 503)
                elif what == "fake":
                    xml = f'<{action}Response xmlns="{IAM_XMLNS}"><ResponseMetadata><RequestId>fake</RequestId>'
                    self._answer(200, (xml + f"</ResponseMetadata></{action}Response>").encode())
                elif what == "hold":
                    if proxy.hold_forward:
                        self._forward(body)
                    proxy.held.set()
                    proxy.released.wait(120)
                    self._error(action, "ServiceUnavailable", 503)
                else:
                    self._answer(*self._forward(body))

            do_POST = _relay
            do_GET = _relay
            do_DELETE = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self.release()
        if self.server is not None:
            self.server.shutdown()
            self.server.server_close()
