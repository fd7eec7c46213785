"""Reading and writing the files people name on the command line: every failure is one ``UsageError`` line
(exit 2). :func:`write_file` is the one writer of every command that writes a file."""

from __future__ import annotations

from pathlib import Path

from byoc_iam.errors import UsageError


def read_text(path: Path) -> str:
    """The UTF-8 text of ``path``; a missing, unreadable or binary file is a one-line UsageError."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not UTF-8 text") from None


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
