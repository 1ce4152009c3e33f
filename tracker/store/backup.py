"""Copies of the database: making one (SQLite's backup API, built aside and linked in whole),
checking one, restoring one into the live database, installing one where the database is
missing, and setting a damaged file aside. (`tracker.backups` keeps the folder of them.)
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from tracker import files
from tracker.errors import InputError
from tracker.paths import BACKUP_DIR, ensure_dir, touch_private
from tracker.store.connection import (
    Connection,
    DiskProblem,
    disk_words,
    file_problem,
    identity_problem,
    version,
)


class TargetExists(InputError):
    """A copy's file name is taken: a copy never overwrites a file."""


class Copies(Connection):
    """Copies of this database, out and back in."""

    def backup(self, target: Path) -> Path:
        """A consistent copy of the database (SQLite's backup API), owner-only.

        The copy is built beside `target` and linked into place only when complete, so a crash
        leaves no half-written backup, and an existing file is never overwritten.
        A damaged database is refused (DatabaseProblem): a copy of damage would be taken for a
        way back. The copy is in rollback-journal mode, so reading it needs no side files.
        """
        return copy_to(self, target)

    def backup_labelled(self, label: str) -> Path:
        """`backup` into the data folder's backups/, named by the time and `label`."""
        return labelled_copy(self, label)

    def restore_from(self, source: Path) -> None:
        """Replace every page of this database with `source` (checked first by `check_file`).

        Runs through SQLite's backup API into the live connection, so other processes that have
        the database open see the old or the new content, never a mix; when it fails, nothing
        changed. A copy with another page size is first rebuilt at this database's (a database
        in WAL mode cannot change its page size). An older schema is upgraded by `upgrade`.
        """
        from tracker.backups import open_copy

        src = open_copy(source)
        resized: Path | None = None
        try:
            size = self.conn.execute("PRAGMA page_size").fetchone()[0]
            if src.execute("PRAGMA page_size").fetchone()[0] != size:
                resized = self.path.with_name(
                    f".{self.path.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp"
                )
                src = _resized(src, resized, size)
            src.backup(self.conn)
        except sqlite3.Error as exc:
            words = disk_words(exc, self.path.parent)
            if words:
                raise DiskProblem(
                    f"cannot restore {source}: {words}; nothing was changed"
                ) from None
            raise InputError(f"cannot restore {source}: {exc}; nothing was changed") from None
        finally:
            src.close()
            if resized is not None:
                for side in (resized, Path(f"{resized}-journal")):
                    side.unlink(missing_ok=True)


def copy_to(db: Connection, target: Path) -> Path:
    """`Copies.backup` of `db` (the schema upgrade takes one before it changes anything)."""
    db.check()
    taken = TargetExists(f"{target} already exists; choose another file name")
    if os.path.lexists(target):
        raise taken

    def fill(dest: sqlite3.Connection) -> None:
        db.conn.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")

    try:
        ensure_dir(target.parent)
        return publish(target, fill)
    except FileExistsError:  # made meanwhile by another process
        raise taken from None
    except (OSError, sqlite3.Error) as exc:
        words = (
            files.os_words(exc, target.parent)
            if isinstance(exc, OSError)
            else disk_words(exc, target.parent) or str(exc)
        )
        raise DiskProblem(f"cannot write the backup {target}: {words}") from None


def labelled_copy(db: Connection, label: str) -> Path:
    """`copy_to` a new name in the data folder's backups/, made of the time and `label`; when
    another caughtup takes that name meanwhile (two upgrading one file at once), the next one."""
    for _ in range(100):
        try:
            return copy_to(db, backup_path(db.path.parent, label))
        except TargetExists:
            continue
    raise InputError(f"no free name for a copy in {db.path.parent / BACKUP_DIR}")


def backup_path(home: Path, label: str) -> Path:
    """A new, unused backup file name in the data folder's backups/ (UTC time stamp)."""
    folder = ensure_dir(home / BACKUP_DIR)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    base = f"caughtup-{stamp}-{label}" if label else f"caughtup-{stamp}"
    candidate, n = folder / f"{base}.db", 1
    while candidate.exists():
        n += 1
        candidate = folder / f"{base}-{n}.db"
    return candidate


def publish(target: Path, fill: Callable[[sqlite3.Connection], None]) -> Path:
    """Build a SQLite file with `fill` in a private temp file, then link it to `target`.

    os.link fails when `target` exists, so nothing is overwritten; FileExistsError says so.
    """
    tmp = target.with_name(f".{target.name}.{os.getpid()}.{os.urandom(4).hex()}.tmp")
    touch_private(tmp)
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            fill(conn)
        finally:
            conn.close()  # checkpoints and removes the temp file's WAL
        os.chmod(tmp, 0o600)
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        os.link(tmp, target)
        _fsync_dir(target.parent)
    finally:
        for leftover in (tmp, Path(f"{tmp}-wal"), Path(f"{tmp}-shm")):
            leftover.unlink(missing_ok=True)
    return target


def _fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def check_file(path: Path) -> int:
    """Check that `path` is a whole caughtup database; its schema version, or InputError."""
    if not path.is_file():
        raise InputError(f"{path} is not a file")
    problem = file_problem(path)
    if problem:
        raise InputError(f"{path} {problem}; nothing was changed")
    from tracker.backups import open_copy

    try:
        conn = open_copy(path)
        try:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check(5)")]
            if result != ["ok"]:
                raise InputError(
                    f"{path} fails SQLite's integrity check ({'; '.join(result)[:200]}); "
                    "nothing was changed"
                )
            problem = identity_problem(conn)
            found = version(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        words = disk_words(exc, path.parent)
        if words:
            raise DiskProblem(f"cannot read {path}: {words}; nothing was changed") from None
        raise InputError(
            f"{path} cannot be read as a database ({exc}); nothing was changed"
        ) from None
    if problem is None and found == 0:
        problem = "is an empty SQLite database with no caughtup data"
    if problem:
        raise InputError(f"{path} {problem}; nothing was changed")
    return found


def set_aside(path: Path, label: str) -> Path:
    """Move a damaged database (and its WAL files) into backups/, never deleting it."""
    target = backup_path(path.parent, label)
    for suffix in ("-wal", "-shm"):
        side = Path(f"{path}{suffix}")
        if side.exists():
            os.replace(side, Path(f"{target}{suffix}"))
    os.replace(path, target)
    return target


def install_copy(source: Path, path: Path) -> None:
    """Create the database at `path` (which must not exist) as a copy of `source`, in WAL mode."""
    from tracker.backups import open_copy

    def fill(conn: sqlite3.Connection) -> None:
        src = open_copy(source)
        try:
            src.backup(conn)
        finally:
            src.close()
        conn.execute("PRAGMA journal_mode = WAL")

    publish(path, fill)


def _resized(src: sqlite3.Connection, tmp: Path, page_size: int) -> sqlite3.Connection:
    """A copy of `src` at `tmp` rebuilt with `page_size` (VACUUM can change a rollback-journal
    database's page size); `src` is closed."""
    touch_private(tmp)
    dest = sqlite3.connect(tmp, isolation_level=None)
    try:
        src.backup(dest)
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.execute(f"PRAGMA page_size = {int(page_size)}")
        dest.execute("VACUUM")
    except BaseException:
        dest.close()
        raise
    finally:
        src.close()
    return dest
