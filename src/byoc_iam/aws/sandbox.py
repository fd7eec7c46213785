"""The embedded sandbox: a moto server in its own process on a free 127.0.0.1 port, acting as AWS.

Used by ``--sandbox``/``byoc-iam sandbox start`` and by the integration tests, over HTTP, the same
``--endpoint-url`` path a user has. AWS managed policies are loaded (``MOTO_IAM_LOAD_MANAGED_POLICIES``). The server is
moto's, started through :mod:`byoc_iam.aws.sandbox_eks`, which adds the EKS Pod Identity association API moto lacks.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Any

from byoc_iam.errors import ByocError, ExitCode

SANDBOX_ACCOUNT_ID = "123456789012"  # moto's default account
SANDBOX_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing"}


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class MotoServer:
    """A moto server process. Use as a context manager, or ``start()``/``stop()``."""

    port: int = 0
    host: str = "127.0.0.1"
    # moto's server with byoc-iam's EKS Pod Identity association routes (aws/sandbox_eks.py); "moto.server" is
    # moto alone (an endpoint without the Pod Identity API)
    module: str = "byoc_iam.aws.sandbox_eks"
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    @property
    def endpoint_url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self, timeout: float = 30.0) -> MotoServer:
        require_sandbox_extra()
        if not self.port:
            self.port = free_port()
        env = dict(os.environ, MOTO_IAM_LOAD_MANAGED_POLICIES="true", **SANDBOX_CREDENTIALS)
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module, "-H", self.host, "-p", str(self.port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise ByocError("the sandbox (moto server) exited at start-up", ExitCode.AWS_ERROR)
            try:
                with urllib.request.urlopen(f"{self.endpoint_url}/moto-api/data.json", timeout=1):
                    return self
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise ByocError(f"the sandbox did not answer on {self.endpoint_url} within {timeout:.0f}s", ExitCode.AWS_ERROR)

    def reset(self) -> None:
        """Forget every resource (moto's reset API)."""
        req = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")
        with urllib.request.urlopen(req, timeout=10):
            pass

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        self.process = None

    def __enter__(self) -> MotoServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


# -- a detached sandbox shared by several commands (``byoc-iam sandbox start``) ----------------------------


def state_path() -> Path:
    """Where ``sandbox start`` records its server: ``$BYOC_IAM_SANDBOX_STATE``, else under
    ``$XDG_RUNTIME_DIR/byoc-iam/``, else ``~/.cache/byoc-iam/``."""
    explicit = os.environ.get("BYOC_IAM_SANDBOX_STATE")
    if explicit:
        return Path(explicit)
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    base = Path(runtime) if runtime and Path(runtime).is_dir() else Path.home() / ".cache"
    return base / "byoc-iam" / "sandbox.json"


def _answers(endpoint_url: str) -> bool:
    """Whether a moto server answers there (its small dashboard page, not the state dump)."""
    try:
        with urllib.request.urlopen(f"{endpoint_url}/moto-api/", timeout=3):
            return True
    except (urllib.error.URLError, ConnectionError, TimeoutError, ValueError):
        return False


def read_state() -> dict[str, Any] | None:
    """The recorded detached sandbox (``pid``, ``port``, ``endpoint_url``), or None."""
    path = state_path()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("endpoint_url"), str):
        return None
    return data


def running_endpoint() -> str | None:
    """The endpoint of a detached sandbox that is up and answering, or None."""
    state = read_state()
    if state and _answers(str(state["endpoint_url"])):
        return str(state["endpoint_url"])
    return None


SANDBOX_EXTRA_HINT = "the sandbox needs moto's server: pip install 'byoc-iam[sandbox]' (make setup installs it)"


def require_sandbox_extra() -> None:
    """UsageError (one line, exit 2) unless the ``sandbox`` extra (``moto[server]``) is installed."""
    import importlib.util

    from byoc_iam.errors import UsageError

    if importlib.util.find_spec("moto") is None or importlib.util.find_spec("flask") is None:
        raise UsageError(SANDBOX_EXTRA_HINT)


def start_detached(port: int = 0) -> dict[str, Any]:
    """Start a moto server that outlives this process and record it in :func:`state_path`."""
    return detach(MotoServer(port=port).start())


def detach(server: MotoServer) -> dict[str, Any]:
    """Let a started server outlive this process, recorded in :func:`state_path` for ``sandbox stop``."""
    assert server.process is not None
    state = {"pid": server.process.pid, "port": server.port, "endpoint_url": server.endpoint_url}
    path = state_path()
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    # only the pid, port and endpoint (the sandbox's fixed dummy credentials are not recorded); private anyway
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(json.dumps(state))
    tmp.replace(path)
    server.process = None  # the server keeps running after we exit
    return state


def stop_detached() -> dict[str, Any] | None:
    """Stop the recorded sandbox (only the pid recorded, only if it still answers) and forget it."""
    state = read_state()
    if state is None:
        return None
    pid = state.get("pid")
    if isinstance(pid, int) and _answers(str(state["endpoint_url"])):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and _alive(pid):
                time.sleep(0.1)
    state_path().unlink(missing_ok=True)
    return state


def _alive(pid: int) -> bool:
    try:
        # reap it if it is our child (a sandbox started by this same process)
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG)[0] == pid:
                return False
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
