"""Issue 12: no secrets, no tracebacks — a malformed --endpoint-url, one carrying credentials, or an endpoint
that answers an HTML page with status 200 gives one line and a documented exit code."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from lifecycle_helpers import run_cli

from byoc_iam.aws.sandbox import MotoServer
from byoc_iam.aws.session import redact_url


@pytest.mark.parametrize("url", ["foo", "http://", "http://127.0.0.1:99999", "ftp://127.0.0.1/", "http://a b/"])
def test_a_malformed_endpoint_is_one_line_exit_2(url: str, lc_env: MotoServer) -> None:
    res = run_cli("destroy", "--endpoint-url", url, "--yes", "--max-attempts", "1")
    assert res.code == 2 and res.err.count("\n") == 1 and res.err.startswith("byoc-iam: --endpoint-url")
    assert "Traceback" not in res.err


def test_credentials_in_an_endpoint_are_never_printed(lc_env: MotoServer) -> None:
    assert redact_url("http://127.0.0.1:1/?X-Amz-Security-Token=SECRET") == "http://127.0.0.1:1/?***"
    assert redact_url("https://u:p@h:1/x?a=b#frag") == "https://***@h:1/x?***#***"
    for url in ("http://127.0.0.1:1/?X-Amz-Security-Token=SECRETTOKEN", "http://alice:SECRETPW@127.0.0.1:99999"):
        res = run_cli("plan", "--account-id", "123456789012", "--endpoint-url", url, "--max-attempts", "1", "-v")
        assert res.code in (2, 4) and res.err.strip().splitlines()[-1].startswith("byoc-iam: ")
        assert "SECRET" not in res.out + res.err and "Traceback" not in res.err


@pytest.fixture
def html_endpoint() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0) or 0))
            body = b"<html><body>Sign in to the corporate portal</body></html>"
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("command", [("destroy", "--yes"), ("plan", "--account-id", "123456789012")])
def test_an_html_page_with_status_200_is_one_line_exit_4(
    command: tuple[str, ...], html_endpoint: str, lc_env: MotoServer
) -> None:
    res = run_cli(*command, "--endpoint-url", html_endpoint, "--max-attempts", "1")
    assert res.code == 4 and "did not answer as AWS does" in res.err and "Traceback" not in res.err
    assert res.err.count("\n") == 1


@pytest.mark.parametrize("target", ["fifo", "/dev/null", "dir"])
def test_plan_out_writes_only_regular_files(target: str, lc_env: MotoServer, tmp_path: Any) -> None:
    import os
    import stat

    path = tmp_path / "x"
    if target == "fifo":
        os.mkfifo(path)
    elif target == "dir":
        path.mkdir()
    else:
        path = target
    before = os.lstat(path).st_mode
    res = run_cli("plan", "--account-id", "123456789012", "--out", str(path), "--no-check-managed")
    assert res.code == 2 and "not a regular file" in res.err, res.err
    assert stat.S_IFMT(os.lstat(path).st_mode) == stat.S_IFMT(before)
