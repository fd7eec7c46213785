"""The local key saved plans are signed with (see :mod:`byoc_iam.plan.saved`).

``$BYOC_IAM_PLAN_KEY_FILE``, else ``$XDG_CONFIG_HOME/byoc-iam/plan.key``, else ``~/.config/byoc-iam/plan.key``:
32 random bytes (hex), created on first use with mode 0600 in a 0700 directory. A key file others can read
or write is refused (anyone who can read it can sign a plan). To apply a plan on another machine (CI), give
both the same key file.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from byoc_iam.errors import RefusedError, UsageError


def key_path() -> Path:
    explicit = os.environ.get("BYOC_IAM_PLAN_KEY_FILE")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "byoc-iam" / "plan.key"


def _create(path: Path) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another byoc-iam created it meanwhile
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(secrets.token_hex(32) + "\n")


def load_key(*, create: bool) -> bytes:
    """The plan key (created when ``create`` and absent); UsageError when it is missing, not a regular file,
    readable or writable by others, or malformed."""
    path = key_path()
    try:
        if create and not path.exists():
            _create(path)
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{path}: the plan key must be a regular file")
        if info.st_mode & 0o077:
            raise UsageError(f"{path}: the plan key is accessible by others; chmod 600 it")
        text = path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        raise RefusedError(
            f"{path}: no plan key here, so no saved plan can be checked; make the plan on this machine "
            "(`byoc-iam plan --out`) or set BYOC_IAM_PLAN_KEY_FILE to the key it was made with"
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read the plan key: {getattr(exc, 'strerror', None) or exc}") from None
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) < 16:
        raise UsageError(f"{path}: not a byoc-iam plan key (expected hexadecimal, at least 16 bytes)")
    return key
