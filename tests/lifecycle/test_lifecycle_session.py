"""AwsContext: retry configuration, call counting, error translation; the managed-policy update note."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError, NoCredentialsError
from lifecycle_helpers import make_spec

from byoc_iam.aws.link import sha1_thumbprint
from byoc_iam.aws.managed_check import managed_updates, update_note
from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import AwsContext, translate
from byoc_iam.errors import AwsError, UsageError


def _client_error(code: str, op: str = "GetRole") -> ClientError:
    return ClientError({"Error": {"Code": code, "Message": f"msg for {code}"}}, op)


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (_client_error("NoSuchEntity"), "iam:GetRole on r: not found (NoSuchEntity)"),
        (_client_error("ExpiredToken"), "rejected the credentials (ExpiredToken)"),
        (_client_error("AccessDeniedException"), "access denied: iam:GetRole on r"),
        (_client_error("DeleteConflict"), "still in use"),
        (_client_error("Weird"), "iam:GetRole on r failed: Weird: msg for Weird"),
        (NoCredentialsError(), "no usable AWS credentials"),
        (EndpointConnectionError(endpoint_url="http://x"), "cannot reach http://x"),
    ],
)
def test_translate(exc: Exception, expected: str) -> None:
    err = translate(exc, "iam:GetRole", {"RoleName": "r"})
    assert isinstance(err, AwsError) and expected in err.message
    assert "\n" not in err.message


def test_context_options_are_validated() -> None:
    with pytest.raises(UsageError):
        AwsContext(retry_mode="forever")
    with pytest.raises(UsageError):
        AwsContext(max_attempts=0)


def test_retry_config_and_counting(lc_env: MotoServer) -> None:
    ctx = AwsContext(endpoint_url=lc_env.endpoint_url, region="us-east-1", retry_mode="adaptive", max_attempts=7)
    iam = ctx.client("iam")
    assert iam.meta.config.retries == {"mode": "adaptive", "total_max_attempts": 7}
    assert iam.meta.endpoint_url == lc_env.endpoint_url
    assert ctx.account_id() == "123456789012"
    assert ctx.calls == ["sts:GetCallerIdentity"] and ctx.writes == []
    assert ctx.summary() == "AWS calls: 1 (0 writes): sts:GetCallerIdentity"


def test_endpoint_from_environment(lc_env: MotoServer) -> None:
    assert AwsContext().endpoint_url == lc_env.endpoint_url  # AWS_ENDPOINT_URL honoured


def test_thumbprint_is_sha1_of_der() -> None:
    assert sha1_thumbprint(b"cert") == hashlib.sha1(b"cert").hexdigest()


def test_managed_update_note(ctx: AwsContext, monkeypatch: pytest.MonkeyPatch) -> None:
    from byoc_iam import managed
    from byoc_iam.model.record import replace

    real = managed.get_catalog()
    arn = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    entry = real.by_arn(arn)
    assert entry is not None
    assert managed_updates(ctx, make_spec()) == []  # the sandbox's policies match the snapshot

    older = replace(
        entry,
        default_version="v0",
        document=type(entry.document).from_dict(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "eks:Old", "Resource": "*"}]}
        ),
    )

    class Fake:
        def by_arn(self, a: str) -> Any:
            return older if a == arn else real.by_arn(a)

    monkeypatch.setattr(managed, "get_catalog", lambda: Fake())
    notes = managed_updates(ctx, make_spec())
    assert len(notes) == 1 and "AWS has updated the managed policy AmazonEKSClusterPolicy" in notes[0]


@pytest.mark.parametrize("partition", ["aws-cn", "aws-us-gov"])
def test_managed_update_note_in_other_partitions(partition: str) -> None:
    """AWS's copy of a managed policy in aws-cn/aws-us-gov names its resources in that partition: the
    snapshot (aws) is rewritten before diffing, so a new version id with the same grants is not a change."""
    import json

    from byoc_iam.managed import get_catalog

    entry = get_catalog().by_name("AmazonEKS_CNI_Policy")
    assert entry is not None
    aws_text = json.dumps(entry.document.to_dict())
    assert "arn:aws:ec2:" in aws_text  # the policy scopes a statement to network-interface ARNs
    live = json.loads(aws_text.replace('"arn:aws:', f'"arn:{partition}:'))
    newer = f"v{int(entry.default_version[1:]) + 1}"
    assert update_note(entry, newer, live, partition) is None
    # without the rewrite the partition's ARNs would have counted as a change
    assert update_note(entry, newer, live, "aws") is not None
    # a real change in that partition is still reported
    live["Statement"].append({"Effect": "Allow", "Action": "ec2:DescribeVpcs", "Resource": "*"})
    note = update_note(entry, newer, live, partition)
    assert note is not None and "1 action(s) added, 0 removed" in note
    assert update_note(entry, entry.default_version, live, partition) is None  # same version: no note


def test_tls_thumbprint_from_a_local_tls_server(tmp_path: Any) -> None:
    """A TLS server on 127.0.0.1 with a self-signed certificate for localhost: the thumbprint is the SHA-1 of
    the last certificate it sends; an unverifiable or unreachable host gives None."""
    import shutil
    import socket
    import ssl
    import subprocess
    import threading

    from byoc_iam.aws.link import tls_thumbprint

    if not shutil.which("openssl"):
        pytest.skip("openssl is needed to make a test certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(str(cert), str(key))
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]

    def serve() -> None:
        for _ in range(2):
            conn, _ = listener.accept()
            try:
                with server_ctx.wrap_socket(conn, server_side=True) as tls:
                    tls.recv(1)
            except (OSError, ssl.SSLError):
                pass

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        der = ssl.PEM_cert_to_DER_cert(cert.read_text())
        got = tls_thumbprint("https://localhost/id/X", port=port, cafile=str(cert))
        assert got == hashlib.sha1(der).hexdigest()
        assert tls_thumbprint("https://localhost/id/X", port=port) is None  # not trusted by the system CAs
    finally:
        listener.close()
    assert tls_thumbprint("https://localhost", port=port, timeout=1) is None  # nothing listening
