"""File safety: where an output may go, what a full disk or a read-only folder is called, and
the data folder kept tidy (stray temp files, owner-only permissions).

Every file caughtup writes for the user (an export, a calendar, a printed self-check) goes
through `write_output`: through a symlink to its target, atomically beside it, and never onto a
device, a FIFO, a folder or into caughtup's own data folder. Messages here name paths, never flags:
the CLI adds the flag.
"""

from __future__ import annotations

import errno
import os
import re
import stat
import sys
import time
from pathlib import Path

from tracker.errors import InputError
from tracker.paths import BACKUP_DIR, REPORTS_DIR, write_private

DISK_FULL = "the disk is full"
READ_ONLY = "the folder is read-only"
FULL_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})
READ_ONLY_ERRNOS = frozenset({errno.EROFS, errno.EACCES, errno.EPERM})
# A temp file of write_private (".name.PID.tmp") or of a built database (".name.PID.HEX.tmp"),
# with SQLite's side files: the PID says whether its writer may still be at work. Compiled on
# the first name that may be one: `status` lists the folder on every run, and compiling costs
# more than the listing.
STRAY = r"\..+\.(?P<pid>[0-9]+)(?:\.[0-9a-f]{8})?\.tmp(?:-wal|-shm|-journal)?"
STRAY_ENDS = (".tmp", ".tmp-wal", ".tmp-shm", ".tmp-journal")
# No caughtup write lasts this long: a temp file this old is a stray whoever has its PID now.
STRAY_AGE_S = 24 * 3600
# A younger one is left for a while even when no process here has its PID: its writer may run
# in another PID namespace (a container sharing the folder).
STRAY_GRACE_S = 60

_warned: set[str] = set()


def warn_once(message: str) -> None:
    """Print a warning on stderr, once per process (several workspaces may meet the same file)."""
    if message not in _warned:
        _warned.add(message)
        print(f"caughtup: warning: {message}", file=sys.stderr)


# -- outputs -------------------------------------------------------------------------------------


def kind(mode: int) -> str | None:
    """What a non-regular file is, in words; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "a folder; give a file name"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe), not a file"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device, not a file"
    if stat.S_ISSOCK(mode):
        return "a socket, not a file"
    return "not a regular file"


def own_file(target: Path, home: Path) -> bool:
    """Whether `target` (resolved) lies in caughtup's data folder, where its database, settings
    and backups live; only its reports/ folder (the app's printouts) takes outputs."""
    root = Path(os.path.realpath(home))
    try:
        parts = target.relative_to(root).parts
    except ValueError:
        return False
    return not (len(parts) > 1 and parts[0] == REPORTS_DIR)


def output_target(path: Path, home: Path, *, folder: bool = False) -> Path:
    """The path an output to `path` really writes: symlinks followed to their final target.

    InputError when that is a device, a FIFO, a socket, a folder (unless `folder`: an empty
    one is fine), in caughtup's own data folder, or in a folder that does not exist.
    """
    target = Path(os.path.realpath(path))
    try:
        info = os.stat(target)
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise InputError(f"{path} cannot be used: {exc.strerror or exc}") from None
    if os.path.islink(target):  # realpath stops at a loop
        raise InputError(f"{path} is a loop of symbolic links; give a file name")
    if own_file(target, home):
        shown = f"{path} (which points to {target})" if target != Path(path).absolute() else path
        raise InputError(
            f"{shown} is in caughtup's own data folder {home}, beside its database, settings "
            "and backups; write it somewhere else"
        )
    if info is not None:
        what = None if folder and stat.S_ISDIR(info.st_mode) else kind(info.st_mode)
        if what:
            raise InputError(f"{path} is {what}")
    parent = target.parent
    if not parent.is_dir():
        raise InputError(f"{path}: the folder {parent} does not exist; create it first")
    return target


def write_output(path: Path, data: bytes, home: Path) -> Path:
    """Write `data` for the user at `path` (atomically, owner-only) after `output_target`'s
    checks; a symlink keeps pointing at the new content. Returns `path`."""
    target = output_target(path, home)
    try:
        write_private(target, data)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {os_words(exc, target.parent)}") from None
    return path


def read_input(path: Path) -> bytes:
    """The bytes of a file the user gives to read; InputError for anything but a regular file
    (a FIFO would wait for a writer forever, a device such as /dev/zero never ends)."""
    try:
        mode = os.stat(path).st_mode
        if not stat.S_ISREG(mode):
            raise InputError(f"{path} is {kind(mode)}")
        return path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{path} does not exist") from None
    except MemoryError:
        raise InputError(f"{path} is too large to read") from None
    except OSError as exc:
        raise InputError(f"cannot read {path}: {exc.strerror or exc}") from None


# -- a full disk, a read-only folder ----------------------------------------------------------


def disk_problem(folder: Path) -> str | None:
    """DISK_FULL or READ_ONLY when the file system holding `folder` is so, else None."""
    try:
        info = os.statvfs(folder)
    except OSError:
        return None
    if info.f_flag & os.ST_RDONLY or not os.access(folder, os.W_OK):
        return READ_ONLY
    # "Full" as a writer meets it: less free than one database page plus its WAL frame.
    if info.f_bavail * info.f_frsize < 64 * 1024:
        return DISK_FULL
    return None


def os_words(exc: OSError, folder: Path | None = None) -> str:
    """An OSError in words a user can act on: a full disk and a read-only folder by name."""
    if exc.errno in FULL_ERRNOS:
        return f"{DISK_FULL}; free some space and try again"
    if exc.errno in READ_ONLY_ERRNOS:
        return f"{READ_ONLY}; make it writable or use another folder"
    found = disk_problem(folder) if folder is not None else None
    if found == DISK_FULL:
        return f"{DISK_FULL}; free some space and try again"
    return exc.strerror or str(exc)


def free_bytes(folder: Path) -> int:
    """Bytes a user may still write on the file system holding `folder`."""
    info = os.statvfs(folder)
    return info.f_bavail * info.f_frsize


def size_words(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / (1024 * 1024):.1f} MiB"
    return f"{max(1, n // 1024)} KiB"


# -- the data folder kept tidy -----------------------------------------------------------------


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):
        return True  # someone else's process (or an impossible number): leave its file be
    return True


def clean_strays(home: Path, now: float | None = None) -> list[Path]:
    """Remove temp files a killed caughtup left in the data folder and its backups; returns them.

    A temp file is left alone while a process with its PID runs (it may be writing it), unless
    it is older than any caughtup write takes, and for its first minute. Nothing else is ever
    removed.
    """
    moment = time.time() if now is None else now
    removed = []
    for folder in (home, home / BACKUP_DIR):
        try:
            entries = list(os.scandir(folder))
        except OSError:
            continue
        for entry in entries:
            name = entry.name
            if not (name.startswith(".") and name.endswith(STRAY_ENDS)):
                continue
            match = re.fullmatch(STRAY, name)
            if match is None or not entry.is_file(follow_symlinks=False):
                continue
            try:
                age = moment - entry.stat(follow_symlinks=False).st_mtime
                pid = int(match["pid"])
                if age > STRAY_AGE_S or (age > STRAY_GRACE_S and (pid == 0 or not _alive(pid))):
                    os.unlink(entry.path)
                    removed.append(Path(entry.path))
            except OSError:
                continue  # a read-only folder, or gone already: nothing to tidy
    return removed


def tighten(path: Path) -> None:
    """Make a database readable by others owner-only (0600), with its side files, and say so
    once; when another user owns it, only say so."""
    try:
        info = os.stat(path)
    except OSError:
        return
    if not info.st_mode & 0o077:
        return
    if info.st_uid != os.getuid():
        warn_once(f"{path} is readable by other users; its owner can run chmod 600 {path}")
        return
    try:
        for side in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
            if side.exists():
                os.chmod(side, 0o600)
    except OSError:
        warn_once(f"{path} is readable by other users; run chmod 600 {path}")
        return
    warn_once(f"{path} was readable by other users; caughtup made it owner-only (0600)")
