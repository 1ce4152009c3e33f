"""Where caughtup keeps its files, and how it creates them owner-only."""

from __future__ import annotations

import os
import sys
from pathlib import Path

DB_NAME = "caughtup.db"
REMIND_ERRORS = "remind-errors.log"
"""Where the printed cron line keeps a failing `remind`'s reason (cron mails it only if set up)."""
SETTINGS_NAME = "settings.toml"
SETTINGS_CHECKED_NAME = ".settings.toml.checked"  # names the text that last passed the checks
BACKUP_DIR = "backups"
REPORTS_DIR = "reports"  # printouts the app saves (the self-check PDF)


def data_dir() -> Path:
    """The data folder: $CAUGHTUP_HOME, else the platform's user data folder."""
    env = os.environ.get("CAUGHTUP_HOME")
    if env:
        return Path(env).expanduser()
    if sys.platform == "linux":
        # The XDG rule, as platformdirs applies it; importing platformdirs costs 5 ms (it pulls
        # in tempfile), a twelfth of the `status` budget.
        base = os.environ.get("XDG_DATA_HOME", "").strip()
        if not os.path.isabs(base):  # unset, empty or relative: the spec says ignore it
            base = os.path.expanduser("~/.local/share")
        return Path(base) / "caughtup"
    from platformdirs import user_data_path

    return user_data_path("caughtup", appauthor=False)


def ensure_dir(path: Path) -> Path:
    """Create `path` (and parents) owner-only (0700) if missing."""
    if not path.is_dir():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        os.chmod(path, 0o700)
    return path


def touch_private(path: Path) -> None:
    """Create `path` empty with mode 0600 if it does not exist yet."""
    fd = os.open(path, os.O_CREAT | os.O_WRONLY, 0o600)
    os.close(fd)


def write_private(path: Path, data: bytes) -> None:
    """Write `data` to `path` atomically (temp file, fsync, rename), mode 0600."""
    # Unique per call: two threads of one process (the app's workers) may write the same file.
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    fd = os.open(tmp, os.O_CREAT | os.O_WRONLY | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, path)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError) and exc.filename in (None, str(tmp)):
            # name the file the user knows, not the temp file beside it
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
