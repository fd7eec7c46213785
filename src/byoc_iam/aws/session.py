"""One boto3 session per command: the standard credential chain, botocore's retry modes, call counting
through botocore's event hooks, and translation of botocore errors into one-line :class:`AwsError`s.

Credentials are never printed: messages name the action, the resource and AWS's error code only.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import TYPE_CHECKING, Any

from byoc_iam.aws import operator
from byoc_iam.errors import AwsError, ByocError, UsageError
from byoc_iam.model.arn import partition_of_region

if TYPE_CHECKING:
    import boto3

    from byoc_iam.aws.sandbox import MotoServer

RETRY_MODES = ("standard", "adaptive", "legacy")
SANDBOX_REGION = "us-east-1"
CONVERGE_HINT = "run the same command again to converge"

# AWS error codes, by what they mean for people.
ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnauthorizedException"}
THROTTLING = {
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestLimitExceeded",
    "TooManyRequestsException",
    "RequestThrottled",
    "RequestThrottledException",
    "SlowDown",
}
BAD_CREDENTIALS = {
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "SignatureDoesNotMatch",
    "ExpiredToken",
    "ExpiredTokenException",
    "InvalidAccessKeyId",
}
# Which quota a LimitExceeded on a given call hits (IAM's default values).
QUOTAS = {
    "iam:AttachRolePolicy": "managed policies attached per role (default 10, adjustable up to 20)",
    "iam:PutRolePolicy": "inline policy size per role (10,240 characters in total)",
    "iam:CreatePolicyVersion": "versions per managed policy (5)",
    "iam:CreatePolicy": "customer managed policies per account (default 1,500) or policy size (6,144 characters)",
    "iam:CreateRole": "roles per account (default 1,000)",
    "iam:TagRole": "tags per role (50)",
    "iam:TagPolicy": "tags per policy (50)",
    "iam:TagOpenIDConnectProvider": "tags per OIDC provider (50)",
    "iam:CreateOpenIDConnectProvider": "OIDC providers per account (100)",
    "iam:AddClientIDToOpenIDConnectProvider": "client IDs per OIDC provider (100)",
    "iam:UpdateOpenIDConnectProviderThumbprint": "thumbprints per OIDC provider (5)",
}


class AwsCallError(AwsError):
    """An AWS call failed; ``code`` is AWS's error code (``NoSuchEntity``...) or a botocore class name."""

    def __init__(self, message: str, *, action: str = "", code: str = "") -> None:
        super().__init__(message)
        self.action = action
        self.code = code


def _target(params: dict[str, Any]) -> str:
    for key in ("RoleName", "PolicyArn", "OpenIDConnectProviderArn", "PolicyName", "name", "Url"):
        if key in params:
            return f" on {params[key]}"
    return ""


def redact_url(url: str) -> str:
    """``url`` without any ``user:password@`` or query string in it (an endpoint URL may carry credentials,
    e.g. a presigned ``X-Amz-Security-Token=``): both become ``***``."""
    import urllib.parse

    try:
        parts = urllib.parse.urlsplit(url)
    except ValueError:
        return "(an endpoint URL that cannot be parsed)"
    if "@" in parts.netloc:
        parts = parts._replace(netloc="***@" + parts.netloc.rsplit("@", 1)[1])
    if parts.query:
        parts = parts._replace(query="***")
    if parts.fragment:
        parts = parts._replace(fragment="***")
    return urllib.parse.urlunsplit(parts)


def check_endpoint(url: str) -> str:
    """``url`` if it is a usable endpoint URL (http or https, a host, a port in 1..65535, no whitespace),
    else a one-line UsageError that never repeats its credentials."""
    import urllib.parse

    shown = redact_url(url)
    try:
        parts = urllib.parse.urlsplit(url)
        port = parts.port
    except ValueError:
        raise UsageError(f"--endpoint-url {shown}: not a valid URL (bad host or port)") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise UsageError(f"--endpoint-url {shown}: must be an http:// or https:// URL with a host")
    if port is not None and not 0 < port < 65536:
        raise UsageError(f"--endpoint-url {shown}: port must be 1-65535")
    return url


def translate(
    exc: BaseException, action: str, params: dict[str, Any] | None = None, *, profile: str | None = None
) -> ByocError:
    """A botocore exception as one line for people (never the credentials or request parameters); ``profile``:
    the AWS profile in use (``--profile``, else ``$AWS_PROFILE``), named when it has no usable credentials."""
    from botocore import exceptions as bx

    where = _target(params or {})
    if isinstance(exc, bx.NoCredentialsError | bx.PartialCredentialsError | bx.CredentialRetrievalError):
        how = (
            f"for AWS profile {profile!r} (aws configure --profile {profile} / aws sso login --profile {profile})"
            if profile
            else "(aws configure / aws sso login): set AWS_PROFILE or pass --profile"
        )
        return AwsCallError(
            f"no usable AWS credentials {how}, or try the whole flow locally first: byoc-iam demo",
            action=action,
            code=type(exc).__name__,
        )
    if isinstance(exc, bx.ProfileNotFound):
        return UsageError(f"AWS profile {exc.kwargs.get('profile', '?')!r} is not in your AWS config")
    if isinstance(exc, bx.NoRegionError):
        return UsageError(
            "no AWS region: pass --region, set AWS_REGION or AWS_DEFAULT_REGION, or set region in the AWS profile"
        )
    if isinstance(exc, bx.EndpointConnectionError | bx.ConnectTimeoutError | bx.ConnectionClosedError):
        url = redact_url(str(exc.kwargs.get("endpoint_url", "the AWS endpoint")))
        return AwsCallError(
            f"{action}: cannot reach {url} (network, proxy or --endpoint-url?)", action=action, code=type(exc).__name__
        )
    if isinstance(exc, bx.ClientError):
        err = exc.response.get("Error", {})
        code = str(err.get("Code", "Unknown"))
        msg = " ".join(str(err.get("Message", "")).split())
        attempts = int(exc.response.get("ResponseMetadata", {}).get("RetryAttempts", 0)) + 1
        if code in ACCESS_DENIED:
            return AwsCallError(
                f"access denied: {action}{where} is not allowed for the identity running byoc-iam; "
                "grant it the policy printed by `byoc-iam operator-policy`",
                action=action,
                code=code,
            )
        if code in THROTTLING:
            return AwsCallError(
                f"{action}: AWS is throttling requests ({code}) and still was after {attempts} attempts; "
                "wait a minute and retry, or raise --max-attempts / use --retry-mode adaptive",
                action=action,
                code=code,
            )
        if code in BAD_CREDENTIALS:
            return AwsCallError(
                f"{action}: AWS rejected the credentials ({code}); refresh them (aws sso login, new keys) "
                "or check --profile",
                action=action,
                code=code,
            )
        if code in ("NoSuchEntity", "ResourceNotFoundException", "NotFoundException"):
            return AwsCallError(f"{action}{where}: not found ({code}): {msg}", action=action, code=code)
        if code == "LimitExceeded":
            quota = QUOTAS.get(action, "an IAM quota")
            return AwsCallError(
                f"{action}{where}: IAM quota exceeded — {quota} (LimitExceeded: {msg})", action=action, code=code
            )
        if code == "MalformedPolicyDocument":
            return AwsCallError(
                f"{action}{where}: AWS rejected the policy document as malformed: {msg} (run `byoc-iam lint` on it)",
                action=action,
                code=code,
            )
        if code == "DeleteConflict":
            return AwsCallError(f"{action}{where}: still in use (DeleteConflict): {msg}", action=action, code=code)
        return AwsCallError(f"{action}{where} failed: {code}: {msg}", action=action, code=code)
    if isinstance(exc, bx.BotoCoreError):
        return AwsCallError(f"{action}{where} failed: {exc}", action=action, code=type(exc).__name__)
    raise exc


class AwsContext:
    """Everything one command needs to talk to AWS. Thread-safe: clients are shared by the apply workers.

    ``sandbox=True`` uses the running ``byoc-iam sandbox start`` server if there is one, else starts a
    moto server for the lifetime of this context (its state is lost when the context closes).
    """

    def __init__(
        self,
        profile: str | None = None,
        region: str | None = None,
        endpoint_url: str | None = None,
        retry_mode: str = "standard",
        max_attempts: int | None = None,
        sandbox: bool = False,
    ) -> None:
        if retry_mode not in RETRY_MODES:
            raise UsageError(f"--retry-mode must be one of {', '.join(RETRY_MODES)}")
        if max_attempts is not None and max_attempts < 1:
            raise UsageError("--max-attempts must be at least 1")
        self.profile = profile
        # AWS_REGION first, as the AWS CLI v2 and SDKs read it (botocore itself reads only AWS_DEFAULT_REGION)
        self.region = region or os.environ.get("AWS_REGION") or None
        self.endpoint_url = endpoint_url or os.environ.get("AWS_ENDPOINT_URL") or None
        if self.endpoint_url:
            check_endpoint(self.endpoint_url)
        self.retry_mode = retry_mode
        self.max_attempts = max_attempts
        self.sandbox = sandbox
        self.sandbox_note = ""
        self.calls: list[str] = []
        self._lock = threading.RLock()
        self._clients: dict[str, Any] = {}
        self._session: boto3.Session | None = None
        self._server: MotoServer | None = None
        self._account: str | None = None
        if sandbox:
            self._enter_sandbox(endpoint_url)

    def _profile_in_use(self) -> str | None:
        """``--profile``, else ``$AWS_PROFILE`` (None in the sandbox)."""
        return None if self.sandbox else self.profile or os.environ.get("AWS_PROFILE") or None

    # -- set-up -----------------------------------------------------------------------------------------
    def _enter_sandbox(self, explicit_endpoint: str | None) -> None:
        from byoc_iam.aws import sandbox as sb

        self.region = self.region or SANDBOX_REGION
        self.profile = None
        if explicit_endpoint:
            self.endpoint_url = explicit_endpoint
            return
        running = sb.running_endpoint()
        if running:
            self.endpoint_url = running
            self.sandbox_note = f"using the sandbox at {running} (byoc-iam sandbox stop ends it)"
            return
        self._server = sb.MotoServer().start()
        self.endpoint_url = self._server.endpoint_url
        self.sandbox_note = (
            f"started a temporary sandbox at {self.endpoint_url}; it is gone when this command ends "
            "(use `byoc-iam sandbox start` to keep one across commands)"
        )

    def session(self) -> boto3.Session:
        with self._lock:
            if self._session is None:
                import boto3
                from botocore import exceptions as bx

                kwargs: dict[str, Any] = {"region_name": self.region}
                if self.sandbox:
                    from byoc_iam.aws.sandbox import SANDBOX_CREDENTIALS

                    kwargs["aws_access_key_id"] = SANDBOX_CREDENTIALS["AWS_ACCESS_KEY_ID"]
                    kwargs["aws_secret_access_key"] = SANDBOX_CREDENTIALS["AWS_SECRET_ACCESS_KEY"]
                else:
                    kwargs["profile_name"] = self.profile
                try:
                    self._session = boto3.Session(**kwargs)
                except bx.BotoCoreError as exc:
                    raise translate(exc, "session", profile=self._profile_in_use()) from None
                if self.region is None:
                    self.region = self._session.region_name
            return self._session

    def client(self, service: str) -> Any:
        """A boto3 client (cached) with the retry configuration and the call-counting hook."""
        with self._lock:
            if service not in self._clients:
                from botocore import exceptions as bx
                from botocore.config import Config

                retries: dict[str, Any] = {"mode": self.retry_mode}
                if self.max_attempts is not None:
                    retries["total_max_attempts"] = self.max_attempts
                config = Config(retries=retries, user_agent_extra="byoc-iam")  # type: ignore[arg-type]
                region = self.region
                if service in ("eks", "sts") and region is None:
                    region = self.session().region_name
                try:
                    session: Any = self.session()
                    client = session.client(service, region_name=region, endpoint_url=self.endpoint_url, config=config)
                except bx.BotoCoreError as exc:
                    raise translate(exc, f"{service}:client", profile=self._profile_in_use()) from None
                client.meta.events.register("before-call", self._count)
                self._clients[service] = client
            return self._clients[service]

    def _count(self, model: Any = None, **_: Any) -> None:
        if model is None:
            return
        prefix = model.service_model.signing_name or model.service_model.endpoint_prefix
        with self._lock:
            self.calls.append(f"{prefix}:{model.name}")

    # -- calls --------------------------------------------------------------------------------------------
    @contextmanager
    def translating(self, action: str, params: dict[str, Any] | None = None) -> Iterator[None]:
        """Turn any botocore error raised inside into a one-line :class:`AwsError`."""
        from botocore import exceptions as bx

        try:
            yield
        except (bx.ClientError, bx.BotoCoreError) as exc:
            raise translate(exc, action, params, profile=self._profile_in_use()) from None
        except (KeyError, IndexError, TypeError, ValueError, AttributeError) as exc:
            # botocore's response parsers raise these on an answer that is not AWS's (an HTML page with status
            # 200 from a proxy or portal at --endpoint-url)
            where = redact_url(self.endpoint_url or "the AWS endpoint")
            raise AwsCallError(
                f"{action}: {where} did not answer as AWS does (unreadable response: {type(exc).__name__}); "
                "check --endpoint-url and any proxy",
                action=action,
                code="UnreadableResponse",
            ) from None

    def call(self, action: str, **params: Any) -> dict[str, Any]:
        """Make one API call named as IAM names it (``"iam:GetRole"``), which must be in the operator list."""
        from botocore import xform_name

        if action not in operator.calls():
            raise RuntimeError(f"{action} is not in data/operator/calls.json (byoc-iam bug)")
        service, op = action.split(":", 1)
        method = getattr(self.client(service), xform_name(op))
        with self.translating(action, params):
            result: dict[str, Any] = method(**params)
        return result

    def paginate(self, action: str, key: str, **params: Any) -> list[Any]:
        """Every item of ``key`` over all pages of a paginated call."""
        from botocore import xform_name

        if action not in operator.calls():
            raise RuntimeError(f"{action} is not in data/operator/calls.json (byoc-iam bug)")
        service, op = action.split(":", 1)
        paginator = self.client(service).get_paginator(xform_name(op))
        out: list[Any] = []
        with self.translating(action, params):
            for page in paginator.paginate(**params):
                out.extend(page.get(key, []))
        return out

    def wait(self, action: str, waiter_name: str, *, delay: int = 1, max_attempts: int = 30, **params: Any) -> None:
        """Wait with a botocore waiter (``role_exists``...), whose polling calls ``action``."""
        from botocore import exceptions as bx

        if action not in operator.calls():
            raise RuntimeError(f"{action} is not in data/operator/calls.json (byoc-iam bug)")
        service = action.split(":", 1)[0]
        waiter = self.client(service).get_waiter(waiter_name)
        with self.translating(action, params):
            try:
                waiter.wait(**params, WaiterConfig={"Delay": delay, "MaxAttempts": max_attempts})
            except bx.WaiterError as exc:
                last = exc.last_response or {}
                code = str(last.get("Error", {}).get("Code", ""))
                if code and code != "NoSuchEntity":
                    raise translate(bx.ClientError(last, action.split(":", 1)[1]), action, params) from None
                raise AwsCallError(
                    f"{action}{_target(params)}: still not visible after {delay * max_attempts}s "
                    f"(IAM is eventually consistent); {CONVERGE_HINT}",
                    action=action,
                    code="WaiterError",
                ) from None

    def account_id(self) -> str:
        with self._lock:
            if self._account is None:
                self._account = str(self.call("sts:GetCallerIdentity")["Account"])
            return self._account

    @property
    def partition(self) -> str:
        return partition_of_region(self.region)

    # -- counting ------------------------------------------------------------------------------------------
    @property
    def writes(self) -> list[str]:
        with self._lock:
            return [c for c in self.calls if operator.is_write(c)]

    @property
    def reads(self) -> list[str]:
        with self._lock:
            return [c for c in self.calls if not operator.is_write(c)]

    def summary(self) -> str:
        """``AWS calls: 12 (3 writes): iam:GetRole x3, ...`` for ``--verbose``."""
        with self._lock:
            counts = Counter(self.calls)
        parts = ", ".join(f"{name} x{n}" if n > 1 else name for name, n in sorted(counts.items()))
        return f"AWS calls: {sum(counts.values())} ({len(self.writes)} writes){': ' + parts if parts else ''}"

    # -- lifetime --------------------------------------------------------------------------------------------
    def close(self) -> None:
        if self._server is not None:
            self._server.stop()
            self._server = None

    def __enter__(self) -> AwsContext:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
