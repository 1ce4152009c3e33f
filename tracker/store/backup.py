"""Copies of the database coming back: checking a copy, restoring it into the live database,
installing it where the database is missing, and setting a damaged file aside.

(`Connection.backup` makes the copies; `tracker.backups` keeps the folder of them.)
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from tracker.errors import InputError
from tracker.paths import touch_private
from tracker.store.connection import (
    Connection,
    DiskProblem,
    backup_path,
    disk_words,
    file_problem,
    identity_problem,
    publish,
    version,
)


class Restore(Connection):
    """Putting a copy's pages into this database."""

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
