"""Bad input across every command: one line ``byoc-iam: ...`` (or click's usage block), the documented exit
code, never a traceback and nothing half-written.

Most cases run the CLI in process (``byoc_iam.cli.main``); a few run the real ``python -m byoc_iam`` as a
subprocess. AWS is never reached: ``AWS_ENDPOINT_URL`` points at a closed loopback port, so any AWS call fails
fast with exit 4.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from byoc_iam.cli import main
from byoc_iam.errors import ExitCode

CLOSED = "http://127.0.0.1:9"  # discard port: nothing listens, connections are refused at once
ACCOUNT = "123456789012"
DOCUMENTED = {int(c) for c in ExitCode} | {130}

LINE = "line"  # stderr is exactly one line starting with "byoc-iam:"
USAGE = "usage"  # a usage error from the parser: one line naming the command and --help (exit 2)
FINDINGS = "findings"  # lint reports the file as an E1xxx finding on stdout (exit 1), stderr empty
LAST = "last"  # the last stderr line is "byoc-iam: ..." (the lines above are findings)


@pytest.fixture
def work(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory holding the bad inputs; the environment cannot reach AWS or a sandbox."""
    files: dict[str, bytes] = {
        "empty.json": b"",
        "bad.json": b'{"Version": ',
        "bin.json": b"\xff\xfe\x00\x81garbage\x9c",
        "array.json": b"[1, 2]",
        "string.json": b'"hello"',
        "deep.json": b"[" * 100_000 + b"]" * 100_000,
        "deepobj.json": b'{"a":' * 5000 + b"1" + b"}" * 5000,
        "badrole.json": json.dumps(
            {"role_name": "bad name!!", "trust_policy": {"Version": "2012-10-17", "Statement": []}}
        ).encode(),
        "badtype.json": json.dumps({"role_name": "r", "trust_policy": {}, "max_session_duration": "x"}).encode(),
        "policy.json": json.dumps(
            {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        ).encode(),
        "file.txt": b"x",
    }
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    (tmp_path / "adir").mkdir()
    monkeypatch.chdir(tmp_path)
    for key, value in {
        "AWS_ENDPOINT_URL": CLOSED,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_RETRY_MODE": "standard",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_CONFIG_FILE": str(tmp_path / "no-aws-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-aws-credentials"),
        "BYOC_IAM_SANDBOX_STATE": str(tmp_path / "no-sandbox-state.json"),
        "NO_COLOR": "1",
    }.items():
        monkeypatch.setenv(key, value)
    for key in [k for k in os.environ if k.startswith("BYOC_IAM_") and k != "BYOC_IAM_SANDBOX_STATE"]:
        monkeypatch.delenv(key)
    for key in ("AWS_PROFILE", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key, raising=False)
    return tmp_path


def tree(root: Path) -> set[str]:
    """Every path under ``root`` (hidden temporaries included)."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


def run(argv: list[str]) -> tuple[int, str, str]:
    """``byoc-iam argv`` in process → (exit code, stdout, stderr); any other exception propagates."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err), _stdin(""):
        try:
            main(argv)
            code = 0
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    return code, out.getvalue(), err.getvalue()


@contextlib.contextmanager
def _stdin(text: str) -> Iterator[None]:
    saved = sys.stdin
    sys.stdin = io.StringIO(text)
    try:
        yield
    finally:
        sys.stdin = saved


def check(code: int, out: str, err: str, expected: int, kind: str) -> None:
    assert "Traceback" not in err and "Traceback" not in out
    assert code == expected, (code, err)
    lines = err.strip().splitlines()
    if kind == LINE:
        assert len(lines) == 1 and lines[0].startswith("byoc-iam: "), err
        assert len(lines[0]) < 1000  # one line, not a dumped document
    elif kind == LAST:
        assert lines and lines[-1].startswith("byoc-iam: "), err
    elif kind == USAGE:
        assert len(lines) == 1 and lines[0].startswith("byoc-iam: ") and "--help`)" in lines[0], err
    elif kind == FINDINGS:
        assert err == "" and " ERROR E100" in out, (out, err)


U, A, F, R = ExitCode.USAGE, ExitCode.AWS_ERROR, ExitCode.FINDINGS, ExitCode.REFUSED
BAD_JSON_FILES = (
    "missing.json",
    "adir",
    "empty.json",
    "bad.json",
    "bin.json",
    "array.json",
    "deep.json",
    "deepobj.json",
)
ROLE_FILES = (*BAD_JSON_FILES, "string.json", "badrole.json", "badtype.json")
# Commands that read a RoleSpec (--role FILE); the AWS ones would fail with exit 4 if they got that far.
ROLE_READERS = (
    ["lint", "--role"],
    ["verify", "--role"],
    ["plan", "--max-attempts", "1", "--role"],
    ["apply", "--max-attempts", "1", "--yes", "--role"],
)
POLICY_READERS = (
    ["simulate", "-a", "s3:GetObject", "-r", "*", "-p"],
    ["simulate", "-a", "s3:GetObject", "-r", "*", "-p", "policy.json", "--resource-policy"],
    ["simulate", "-a", "s3:GetObject", "-r", "*", "-p", "policy.json", "--boundary"],
    ["simulate", "-a", "s3:GetObject", "-r", "*", "-p", "policy.json", "--scp"],
    ["simulate", "-a", "s3:GetObject", "-r", "*", "-p", "policy.json", "--session-policy"],
)

CASES: list[tuple[list[str], int, str]] = [
    *[([*cmd, f], U, LINE) for cmd in ROLE_READERS for f in ROLE_FILES],
    *[([*cmd, f], U, LINE) for cmd in POLICY_READERS for f in (*BAD_JSON_FILES, "string.json")],
    *[
        (["simulate", "--batch", f], U, LINE)
        for f in (*BAD_JSON_FILES, "string.json", "badrole.json")
        if f != "empty.json"
    ],
    (["simulate", "--batch", "empty.json"], 0, ""),  # empty JSON lines: a batch of no requests (README)
    *[(["apply", "--max-attempts", "1", "--yes", f], U, LINE) for f in (*BAD_JSON_FILES, "string.json")],
    *[(["lint", f], U, LINE) for f in ("missing.json", "adir")],
    *[(["lint", f], F, FINDINGS) for f in ("empty.json", "bad.json", "bin.json", "array.json", "deep.json")],
    *[
        ([cmd, "--account-id", ACCOUNT, "--config", f], U, LINE)
        for cmd in ("render", "verify")
        for f in ("missing.json", "adir", "bad.json", "bin.json")
    ],
    # render
    (["render"], U, LINE),
    (["render", "--account-id", "12"], U, LINE),
    (["render", "--account-id", ACCOUNT, "-f", "yaml"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--trust-mode", "bogus"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--partition", "bogus"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--policy-placement", "bogus"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--max-session-duration", "abc"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--max-session-duration", "60"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--tag", "novalue"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--service-account", "x"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--oidc-issuer", "http://evil.example"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--role-name", "bad name"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--out", "file.txt"], U, USAGE),
    (["render", "--account-id", ACCOUNT, "--out", "file.txt/sub"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--out", "nodir/sub/x"], U, LINE),
    (["render", "--account-id", ACCOUNT, "--out", "."], U, LINE),
    (["render", "--account-id", ACCOUNT, "--trust-size-limit", "10", "--out", "outdir"], F, LAST),
    (["render", "--account-id", ACCOUNT, "--trust-size-limit", "0"], U, USAGE),
    (["render", "--bogus"], U, USAGE),
    # lint
    (["lint"], U, LINE),
    (["lint", "-t", "bogus", "policy.json"], U, LINE),
    (["lint", "-o", "bogus", "policy.json"], U, LINE),
    (["lint", "--ignore", "ZZZ9999", "policy.json"], U, LINE),
    (["lint", "--bogus"], U, LINE),
    # simulate
    (["simulate", "-a", "s3:GetObject", "-r", "*"], U, LINE),
    (["simulate", "-p", "policy.json", "-r", "*"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "GetObject", "-r", "*"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-o", "bogus"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "--expect", "bogus"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "novalue"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "k=[1,"], U, LINE),
    # a value that cannot be of the key's type: the engine would read no operator of that type as true, so a
    # Deny on it would be skipped (break test: aws:CurrentTime=9999-12-31T23:59:60Z was Allowed past such a Deny)
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "aws:CurrentTime=1.5e9"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "aws:EpochTime=soon"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "aws:SecureTransport=yes"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "aws:SourceIp=10.0.0.0/8"], U, LINE),
    (["simulate", "-p", "policy.json", "-a", "s3:GetObject", "-r", "*", "-c", "aws:MultiFactorAuthAge=x"], U, LINE),
    (["simulate", "--batch", "policy.json", "-a", "s3:GetObject"], U, LINE),
    (["simulate", "--bogus"], U, USAGE),
    # catalog
    (["catalog", "list", "-o", "bogus"], U, USAGE),
    (["catalog", "show", "Bogus"], U, LINE),
    (["catalog", "show", "AmazonEKSClusterPolicy", "--version", "vX"], U, LINE),
    (["catalog", "show", "AmazonEKSClusterPolicy", "--version", "v1"], U, LINE),
    (["catalog", "show", "AmazonEKSClusterPolicy", "--from-aws"], A, LINE),
    (["catalog", "history", "Bogus"], U, LINE),
    (["catalog", "diff", "Bogus"], U, LINE),
    (["catalog", "diff"], U, LINE),
    (["catalog", "diff", "AmazonEKSClusterPolicy"], A, LINE),
    (["catalog", "refresh", "--dest", "file.txt"], U, LINE),
    (["catalog", "refresh", "--check", "--dest", "file.txt/x"], U, LINE),
    (["catalog", "bogus"], U, USAGE),
    # verify
    (["verify", "--account-id", ACCOUNT, "-o", "bogus"], U, LINE),
    (["verify", "--account-id", ACCOUNT, "--feature", "bogus"], U, LINE),
    (["verify", "--live"], A, LINE),  # the blueprint's role name, as apply: AWS is asked
    (["verify", "--live", "--role-name", "r"], A, LINE),
    (["verify", "--account-id", ACCOUNT, "--html", "file.txt/x.html"], U, LINE),
    (["verify", "--account-id", ACCOUNT, "--html", "adir"], U, LINE),
    (["verify", "--account-id", ACCOUNT, "--html", "nodir/x.html"], U, LINE),
    (["verify", "--role", "badrole.json", "--html", "report.html"], U, LINE),
    # plan / apply / destroy / link-cluster: bad flags, then AWS unreachable (exit 4)
    (["plan", "--account-id", ACCOUNT, "--max-attempts", "0"], U, LINE),
    (["plan", "--account-id", ACCOUNT, "--retry-mode", "bogus"], U, LINE),
    (["plan", "--account-id", "12", "--max-attempts", "1"], U, LINE),
    (["plan", "--role", "policy.json", "--account-id", ACCOUNT], U, LINE),
    (["plan", "--account-id", ACCOUNT, "--max-attempts", "1", "--out", "plan.json"], A, LINE),
    (["plan", "--account-id", ACCOUNT, "--max-attempts", "1", "--out", "file.txt/plan.json"], A, LINE),
    (["apply", "--account-id", ACCOUNT, "--max-attempts", "1", "--yes"], A, LINE),
    (["apply", "--account-id", ACCOUNT, "--max-attempts", "1", "--yes", "policy.json"], U, LINE),
    (["destroy", "--role-name", "r", "--yes", "--max-attempts", "1"], A, LINE),
    (["destroy", "--role-name", "r", "--dry-run", "--max-attempts", "1"], A, LINE),
    (["destroy", "--role-name", "r", "--retry-mode", "bogus"], U, LINE),
    (["destroy", "--role", "policy.json"], U, LINE),  # destroy --role takes role kinds (the set)
    (["link-cluster", "--role-name", "r", "--cluster", "c", "--yes", "--max-attempts", "1"], A, LINE),
    (["link-cluster", "--role-name", "r", "--cluster", "c", "--max-attempts", "0"], U, LINE),
    (["link-cluster", "--max-attempts", "1"], U, USAGE),
    # operator-policy, sandbox, the app
    (["operator-policy", "--command", "bogus"], U, LINE),
    (["sandbox", "bogus"], U, USAGE),
    (["sandbox", "stop"], 0, ""),
    (["bogus"], U, USAGE),
    (["--bogus"], U, USAGE),
]


@pytest.mark.parametrize(("argv", "expected", "kind"), CASES, ids=[" ".join(c[0])[:90] for c in CASES])
def test_bad_input(work: Path, argv: list[str], expected: int, kind: str) -> None:
    before = tree(work)
    code, out, err = run(argv)
    check(code, out, err, expected, kind)
    assert tree(work) == before, "a file was left behind"


@pytest.mark.parametrize(
    ("argv", "expected", "kind"),
    [
        (["lint", "--role", "deep.json"], U, LINE),
        (["apply", "--yes", "bin.json"], U, LINE),
        (["plan", "--role", "bin.json"], U, LINE),
        (["catalog", "refresh", "--dest", "file.txt"], U, LINE),
        (["plan", "--account-id", ACCOUNT, "--max-attempts", "1"], A, LINE),
        (["render", "--account-id", ACCOUNT, "--out", "file.txt/sub"], U, LINE),
        (["bogus"], U, USAGE),
        (["verify", "--role", "\udcff.json"], U, LINE),  # a non-UTF-8 file name from the shell
    ],
    ids=lambda v: " ".join(v) if isinstance(v, list) else None,
)
def test_bad_input_subprocess(work: Path, argv: list[str], expected: int, kind: str) -> None:
    before = tree(work)
    proc = subprocess.run(
        [sys.executable, "-m", "byoc_iam", *argv], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    check(proc.returncode, proc.stdout, proc.stderr, expected, kind)
    assert tree(work) == before


# -- random argv -------------------------------------------------------------------------------------------
COMMANDS = [
    ["render"],
    ["lint"],
    ["simulate"],
    ["catalog", "list"],
    ["catalog", "show"],
    ["catalog", "history"],
    ["catalog", "diff"],
    ["verify"],
    ["plan"],
    ["apply"],
    ["destroy"],
    ["link-cluster"],
    ["operator-policy"],
    ["sandbox", "status"],
    ["catalog"],
    [],
]
FLAGS = [
    "--account-id", "--partition", "--region", "--role-name", "--path", "--description", "--max-session-duration",
    "--permissions-boundary", "--tag", "--trust-mode", "--oidc-issuer", "--allow-custom-issuer", "--compact-trust",
    "--service-account", "--policy-placement", "--config", "--format", "-f", "--out", "-o", "--output", "--force",
    "--trust-size-limit", "--type", "-t", "--role", "--strict", "--ignore", "--list-rules", "--policy", "-p",
    "--resource-policy", "--boundary", "--scp", "--session-policy", "--action", "-a", "--resource", "-r",
    "--principal", "--resource-account", "--context", "-c", "--expect", "--batch", "--live", "--feature",
    "--list-features", "--cluster", "--html", "--verbose", "-v", "--adopt", "--detailed-exitcode", "--full",
    "--yes", "--dry-run", "--max-attempts", "--retry-mode", "--thumbprint", "--keep-oidc-provider", "--command",
    "--version", "--all", "--help", "--from-aws", "--endpoint-url", "--profile", "--quiet",
]  # fmt: skip
VALUES = [
    ACCOUNT, "12", "aws", "aws-cn", "bogus", "us-east-1", "json", "text", "sarif", "terraform", "placeholder",
    "resolved", "inline", "managed", "k=v", "kube-system:x", "x", "", "0", "1", "-1", "99999999999999999999",
    "s3:GetObject", "*", "arn:aws:s3:::b/k", "v1", "AmazonEKSClusterPolicy", "policy.json", "missing.json",
    "adir", "empty.json", "bad.json", "bin.json", "array.json", "deep.json", "badrole.json", "file.txt",
    "file.txt/x", "out", "https://oidc.eks.us-east-1.amazonaws.com/id/ABC", "Allowed", "\udcff.json", "é", "--",
]  # fmt: skip
# No NUL: the OS cannot pass one in argv (a surrogate-escaped byte, as for a non-UTF-8 name, it can).
FORBIDDEN = {"--sandbox", "demo", "start", "refresh", "-"}  # long work, a real server, or the package's data


@st.composite
def argvs(draw: st.DrawFn) -> list[str]:
    argv = list(draw(st.sampled_from(COMMANDS)))
    tokens = st.one_of(
        st.sampled_from(FLAGS),
        st.sampled_from(VALUES),
        st.text(st.characters(blacklist_characters="\x00"), max_size=12),
    )
    argv += draw(st.lists(tokens, max_size=8))
    return [a for a in argv if a not in FORBIDDEN]


@settings(max_examples=150, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(argv=argvs())
def test_random_argv_never_crashes(work: Path, argv: list[str]) -> None:
    code, out, err = run(argv)
    assert code in DOCUMENTED, (argv, code, err)
    assert "Traceback" not in err and "Traceback" not in out
    lines = err.strip().splitlines()
    click_usage = "Usage: byoc-iam" in err + out or "─ Error ─" in err  # click's usage block / error panel
    if code in (ExitCode.USAGE, ExitCode.AWS_ERROR, ExitCode.REFUSED) and not click_usage:
        assert lines and lines[-1].startswith("byoc-iam: "), (argv, err)


@pytest.mark.parametrize(
    "out",
    ["file.txt/plan.json", "adir", "nodir/plan.json"],
)
def test_plan_out_unwritable_leaves_nothing(
    work: Path, sandbox_env: object, monkeypatch: pytest.MonkeyPatch, out: str
) -> None:
    """``plan --out`` to a place it cannot write: exit 2 after the (sandbox) reads, and no file or temporary."""
    from byoc_iam.aws.sandbox import SANDBOX_ACCOUNT_ID

    monkeypatch.setenv("AWS_ENDPOINT_URL", sandbox_env.endpoint_url)  # type: ignore[attr-defined]
    before = tree(work)
    code, out_text, err = run(["plan", "--account-id", SANDBOX_ACCOUNT_ID, "--max-attempts", "1", "--out", out])
    check(code, out_text, err, ExitCode.USAGE, LAST)
    assert "cannot write" in err.strip().splitlines()[-1]
    assert tree(work) == before


@pytest.mark.parametrize(
    "argv",
    [
        ["--partition", "bogus"],
        ["--account-id", "12"],
        ["--path", "nopath"],
        ["--role-name", "bad name"],
        ["--region", "mars"],
        ["--cluster", "-x"],
    ],
)
def test_operator_policy_bad_scope(work: Path, argv: list[str]) -> None:
    """A scope that makes malformed ARNs (``arn:bogus:iam::12:rolenopathbad name``) is bad input, not a policy."""
    code, out, err = run(["operator-policy", *argv])
    check(code, out, err, ExitCode.USAGE, LINE)
