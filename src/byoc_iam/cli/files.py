"""Reading and writing the files people name on the command line: every failure is one ``UsageError`` line
(exit 2). :func:`read_text`/:func:`read_input` are the readers (at most :data:`MAX_INPUT_BYTES`, UTF-8),
:func:`write_file` is the one writer of every command that writes a file, :class:`GuardedOutput` keeps a
failing stdout from being blamed on an input."""

from __future__ import annotations

import os
import sys
from typing import IO, TYPE_CHECKING

from byoc_iam.errors import UsageError

if TYPE_CHECKING:
    from pathlib import Path

MAX_INPUT_BYTES = 8 * 1024 * 1024  # far above any IAM document set: a RoleSpec at IAM's quotas is < 1 MiB


def read_text(path: str | Path, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """The UTF-8 text of ``path`` (a ``Path`` or a file name); a missing, unreadable, binary or
    larger-than-``max_bytes`` file is a one-line UsageError. At most ``max_bytes + 1`` bytes are read, so a huge
    file (or ``/dev/zero``) costs bounded memory."""
    return _read_file(path, max_bytes)


def _read_file(path: str | Path, max_bytes: int) -> str:
    """:func:`read_text` of a ``Path`` or of a name, named in messages as ``Path(name)`` (made only for a message:
    a single ``simulate`` does not import pathlib)."""
    try:
        with open(path, "rb") as f:
            data = f.read(max_bytes + 1)
    except OSError as exc:
        raise UsageError(f"{_shown(path)}: cannot read: {exc.strerror or exc}") from None
    if len(data) <= max_bytes:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return _decoded(data, _shown(path), max_bytes)  # raises its one line


def _shown(path: str | Path) -> str:
    from pathlib import Path

    return str(Path(path))


def read_input(name: str, *, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """:func:`read_text` of a file name people give on the command line, where ``-`` is stdin (named
    ``<stdin>`` in messages, bounded the same way)."""
    if name != "-":
        return _read_file(name, max_bytes)
    buffer = getattr(sys.stdin, "buffer", None)
    try:
        if buffer is None:  # a text stream without bytes underneath (tests, embedding)
            return _decoded(sys.stdin.read(max_bytes + 1).encode("utf-8"), "<stdin>", max_bytes)
        return _decoded(buffer.read(max_bytes + 1), "<stdin>", max_bytes)
    except OSError as exc:
        raise UsageError(f"<stdin>: cannot read: {exc.strerror or exc}") from None


def _decoded(data: bytes, label: str, max_bytes: int) -> str:
    if len(data) > max_bytes:
        raise UsageError(f"{label}: larger than {max_bytes // (1024 * 1024)} MiB: not a document byoc-iam reads")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise UsageError(f"{label}: not UTF-8 text") from None


class GuardedOutput:
    """stdout for a command that also reads a stream: a failed write or flush (a full disk, ``/dev/full``) is one
    UsageError, "cannot write the output: ..." (what :func:`byoc_iam.cli.main` says of any other command), so
    the reader's ``except OSError`` never reports it as an input error. A closed pipe stays BrokenPipeError
    (``main`` ends quietly). Wraps ``write`` and ``flush`` only; use ``typing.cast`` where ``IO[str]`` is wanted."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            return self.stream.write(text)
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise UsageError(f"cannot write the output: {exc.strerror or exc}") from None

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as exc:
            raise UsageError(f"cannot write the output: {exc.strerror or exc}") from None


def write_file(path: Path, data: str | bytes, *, flag: str = "", mode: int = 0o644) -> None:
    """Write ``data`` to ``path`` atomically: a temporary file in the same folder, flushed, then renamed over.

    Only regular files are written: an existing device, FIFO, socket or directory at ``path`` (``/dev/full``,
    a named pipe) is refused, never replaced. Every failure is one ``UsageError`` line (``flag`` names the
    option); nothing half-written is left behind.
    """
    import contextlib
    import os
    import stat
    import tempfile

    where = f"{flag}: {path}" if flag else str(path)
    try:
        st = os.stat(path)
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise UsageError(f"{where}: cannot write: {exc.strerror or exc}") from None
    if st is not None and not stat.S_ISREG(st.st_mode):
        what = "a directory" if stat.S_ISDIR(st.st_mode) else "a device, FIFO or socket"
        kind = f"not a regular file ({what})"
        raise UsageError(f"{where}: cannot write: it is {kind}; byoc-iam writes only regular files")
    from pathlib import Path

    folder = path.parent if str(path.parent) else Path(".")
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UsageError(f"{where}: cannot write: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise UsageError(f"{where}: cannot write: {exc.strerror or exc}") from None


def plain_stdout() -> bool:
    """Whether stdout gets plain text: not a terminal and ``FORCE_COLOR`` unset (then rich, whose import costs a
    good part of a short command's start-up, is not needed to colour it)."""
    return not sys.stdout.isatty() and not os.environ.get("FORCE_COLOR")
