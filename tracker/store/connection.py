"""One connection to the database file: opening it safely, what goes wrong with it in words,
transactions, and the quick check.

Plain `sqlite3` keeps the read path fast; every write runs in one `BEGIN IMMEDIATE` transaction
so concurrent writers (the TUI, cron's `remind`, a CLI `log`) queue behind the busy timeout
instead of failing or losing a write. The file itself is read with ordinary I/O only while this
process holds no connection to it (see `_LIVE`).
"""

from __future__ import annotations

import _thread
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import tzinfo
from pathlib import Path
from typing import Self, TypeVar

from tracker import files
from tracker.errors import InputError
from tracker.paths import BACKUP_DIR, DB_NAME, ensure_dir

BUSY_TIMEOUT_S = 15.0
SCHEMA_VERSION = 9
"""How many steps `schema.STEPS` has: a database with fewer is upgraded when opened."""
APPLICATION_ID = 0x63617567  # "caug" in the file header: how caughtup recognises its own files
CORE_TABLES = frozenset({"items", "days", "state"})
SQLITE_MAGIC = b"SQLite format 3\x00"
TRUNCATED = "is truncated"
# This process's open connections, per database file (st_dev, st_ino). Closing any descriptor of
# a file drops every POSIX lock the process holds on it, SQLite's included, so another process
# would take itself for the last one and delete the WAL under us ("How To Corrupt An SQLite
# Database File", section 2.2). The file is read directly only while its count is zero, and a
# connection opens only under this lock, so no thread connects while another reads the header.
_LIVE: dict[tuple[int, int], int] = {}
_LIVE_LOCK = _thread.RLock()


class DatabaseProblem(InputError):
    """The database file is damaged, foreign or from a newer caughtup; nothing was changed."""

    def __init__(self, path: Path, problem: str) -> None:
        from tracker.backups import newest_good  # reads each copy: only when something is wrong

        self.path, self.problem = path, problem
        backup = newest_good(path.parent)
        hint = (
            f"newest backup: {backup} (`caughtup restore {backup}` puts it back)"
            if backup
            else f"no backup that passes SQLite's integrity check in {path.parent / BACKUP_DIR}"
        )
        super().__init__(f"{path} {problem}; caughtup left it untouched; {hint}")


class DiskProblem(InputError):
    """The database could not be opened or written because the disk is full or the folder is
    read-only: the file itself is fine, and is never set aside as damaged."""


def disk_words(exc: sqlite3.Error, folder: Path) -> str | None:
    """What a full disk or a read-only folder made SQLite say, in words; None for anything else."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name == "SQLITE_FULL" or "database or disk is full" in str(exc):
        return f"{files.DISK_FULL}; free some space and try again"
    if name.startswith(("SQLITE_READONLY", "SQLITE_IOERR", "SQLITE_CANTOPEN")) or "readonly" in str(
        exc
    ):
        found = files.disk_problem(folder)
        if found == files.DISK_FULL:
            return f"{files.DISK_FULL}; free some space and try again"
        if found == files.READ_ONLY:
            return f"{files.READ_ONLY}; make it writable or use another folder"
    return None


def error_words(exc: sqlite3.DatabaseError, path: Path) -> str:
    """An error SQLite raised mid-command in one line: busy, a full disk or a read-only folder
    by name, anything else as damage to `path` with the newest good backup."""
    if is_busy(exc):
        return (
            "the database stayed busy for 15 s (another caughtup is writing); nothing was "
            "changed; try again"
        )
    words = disk_words(exc, path.parent)
    if words:
        return f"cannot write {path}: {words}; nothing was changed"
    return str(DatabaseProblem(path, f"is damaged ({exc})"))


def open_problem(path: Path, exc: sqlite3.DatabaseError) -> InputError:
    """Why opening the database failed: the disk or folder when that is the cause, else damage."""
    words = disk_words(exc, path.parent)
    if words:
        return DiskProblem(f"cannot open {path}: {words}; nothing was changed")
    return DatabaseProblem(path, f"cannot be read ({exc})")


def is_busy(exc: sqlite3.DatabaseError) -> bool:
    """Whether SQLite gave up waiting for another connection's lock."""
    text = str(exc)
    return "locked" in text or "busy" in text


class _Connection(sqlite3.Connection):
    """A connection that counts itself in _LIVE from `count_as_open` until closed or collected."""

    file: tuple[int, int] | None = None

    def count_as_open(self, path: Path) -> None:
        with _LIVE_LOCK:
            self.file = _file_key(path)
            if self.file is not None:
                _LIVE[self.file] = _LIVE.get(self.file, 0) + 1

    def close(self) -> None:
        with _LIVE_LOCK:  # closed and uncounted at once: no header read in between
            super().close()
            if self.file is not None:
                _LIVE[self.file] -= 1
                if not _LIVE[self.file]:
                    del _LIVE[self.file]
                self.file = None

    def __del__(self) -> None:
        # Dropped without close() (a thread's store, a test's): SQLite closes it now.
        with suppress(Exception):  # at interpreter exit the module may be half gone
            self.close()


T = TypeVar("T")
BOUND_AT_ONCE = 500
"""Values bound in one `IN (...)`: under SQLite's limit (999 before version 3.32)."""


def in_runs(values: Sequence[T]) -> Iterator[tuple[Sequence[T], str]]:
    """`values` in runs SQLite binds at once, each with its `?, ?, ...` for `IN (...)`."""
    for k in range(0, len(values), BOUND_AT_ONCE):
        run = values[k : k + BOUND_AT_ONCE]
        yield run, ", ".join("?" * len(run))


class Connection:
    """A connection to the caughtup database in one data folder: what every query family uses."""

    checked = False
    """Whether this connection's database passed SQLite's quick check (`check`)."""

    def __init__(self, path: Path, tz: tzinfo) -> None:
        self.path = path
        self.tz = tz
        ensure_dir(path.parent)
        if not path.exists():
            _create(path)
        with _LIVE_LOCK:
            problem = file_problem(path)
            if problem and problem.startswith(TRUNCATED) and _reads_whole(path):
                problem = None  # another process was mid-checkpoint: the file was only catching up
            if problem:
                raise DatabaseProblem(path, problem)
            # Not tied to its thread: the app closes each worker thread's connection at exit.
            self.conn = sqlite3.connect(
                path,
                timeout=BUSY_TIMEOUT_S,
                isolation_level=None,
                check_same_thread=False,
                factory=_Connection,
            )
            self.conn.count_as_open(path)
        try:
            self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
            problem = identity_problem(self.conn)
            if problem:
                raise DatabaseProblem(path, problem)
            self.upgrade()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if is_busy(exc):
                raise
            raise open_problem(path, exc) from None
        except BaseException:
            self.conn.close()
            raise

    @classmethod
    def open(cls, home: Path, tz: tzinfo) -> Self:
        return cls(home / DB_NAME, tz)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def upgrade(self) -> None:
        """Bring the schema up to date (on opening, after a restore of an older copy): a copy of
        the data as it was first; the steps in one write transaction."""
        target = SCHEMA_VERSION
        have = version(self.conn)
        if have == target:
            return
        # identity_problem() already refused a version newer than this caughtup knows.
        if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise InputError(f"{self.path}: cannot switch the database to WAL mode")
        if have > 0:
            from tracker.store.backup import labelled_copy

            # A copy of the data as it was, before anything changes; no copy, no migration.
            try:
                labelled_copy(self, f"before-schema-{target}")
            except OSError as exc:
                raise InputError(
                    f"{self.path} needs an upgrade to schema {target}, but the backup "
                    f"before it failed ({exc.strerror or exc}); nothing was changed; free some "
                    "space and run caughtup again"
                ) from None
        with self.transaction():
            # Asked again inside the write lock: another process may have upgraded meanwhile.
            if version(self.conn) < target:
                from tracker.store import schema  # the steps, and sqlite-utils: only now

                schema.upgrade(self.conn)

    def check(self) -> None:
        """DatabaseProblem unless the database passes SQLite's quick check (nothing is changed).

        It reads every page: 4 ms for ten years of notes, 30 ms for 100,000 items (the full
        integrity check takes three times as long and found no more damage in a test of 160
        overwritten pages). The first write of each connection runs it, and every backup.
        """
        try:
            found = [str(r[0]) for r in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            if is_busy(exc):
                raise
            found = [str(exc)]
        if found != ["ok"]:
            raise DatabaseProblem(
                self.path, f"fails SQLite's integrity check ({'; '.join(found)[:200]})"
            )
        self.checked = True

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken immediately so writers queue instead of deadlocking.

        Inside another write transaction it is a savepoint of that one, so a read-modify-write
        (read, decide, then call other writes) is one transaction: nothing changes in between.
        A damaged database is never written: the first one of a connection checks it first.
        """
        if self.conn.in_transaction:
            self.conn.execute("SAVEPOINT nested")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO nested")
                self.conn.execute("RELEASE nested")
                raise
            self.conn.execute("RELEASE nested")
            return
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            if not self.checked:
                self.check()
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:  # SQLite may have rolled back already (I/O error, full)
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same snapshot (WAL)."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("ROLLBACK")

    def data_version(self) -> int:
        """A number that changes when another connection commits (SQLite's data_version)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])


def _create(path: Path) -> None:
    """Create a new database at `path` atomically: built aside, linked in only when complete.

    So a file at the database's path is always a whole caughtup database (or someone else's
    damage), and two processes starting at once on an empty folder both end up with one file.
    """

    from tracker.store import schema
    from tracker.store.backup import publish

    def fill(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        schema.create(conn)
        conn.execute("COMMIT")

    with suppress(FileExistsError):  # another process created it first: use theirs
        publish(path, fill)


def file_problem(path: Path) -> str | None:
    """What is wrong with the file at `path` as a SQLite database, judged from its header.

    Cheap (one 100-byte read), so every open can afford it. The truncation test trusts the
    header only when no WAL is pending: with one, the file may legitimately lag behind. While
    this process has the file open in SQLite it is not read (see _LIVE): None, and SQLite judges.
    """
    with _LIVE_LOCK:
        if _LIVE.get(_file_key(path) or (-1, -1)):
            return None
        try:
            size = path.stat().st_size
            with path.open("rb") as fh:
                header = fh.read(100)
        except OSError as exc:
            return f"cannot be read ({exc.strerror or exc})"
    try:  # another process may delete the WAL at any moment (its last connection closing)
        wal_pending = Path(f"{path}-wal").stat().st_size > 0
    except OSError:
        wal_pending = False
    if size == 0:
        return None if wal_pending else "is empty (0 bytes), not a caughtup database"
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        return "is not a SQLite database (damaged, or another kind of file)"
    page_size = int.from_bytes(header[16:18], "big")
    page_size = 65536 if page_size == 1 else page_size
    if page_size < 512 or page_size & (page_size - 1):
        return "has a damaged header (impossible page size)"
    pages = int.from_bytes(header[28:32], "big")
    header_valid = header[24:28] == header[92:96]
    if not wal_pending and header_valid and pages and size < pages * page_size:
        return f"{TRUNCATED} ({size} of {pages * page_size} bytes)"
    return None


def _file_key(path: Path) -> tuple[int, int] | None:
    """The file's identity: POSIX locks belong to it, whatever name it is opened by."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_dev, st.st_ino


def _reads_whole(path: Path) -> bool:
    """Whether SQLite reads every page of `path` (its quick check), under its own locks.

    The header test in `file_problem` can see a checkpoint half done (the header already names
    the new size, the file is not extended yet); this decides, and runs only in that case.
    """
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        try:
            return [r[0] for r in conn.execute("PRAGMA quick_check(1)")] == ["ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError:
        return False


def version(conn: sqlite3.Connection) -> int:
    """How many steps the database has (0: a new, empty file)."""
    return int(conn.execute("PRAGMA user_version").fetchone()[0])


def identity_problem(conn: sqlite3.Connection) -> str | None:
    """Why the open SQLite database is not one this caughtup can use, or None."""
    have = version(conn)
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    ours = app_id == APPLICATION_ID or (app_id == 0 and have >= 1 and tables >= CORE_TABLES)
    if not ours:
        if not tables and have == 0 and app_id == 0:
            return None  # an empty SQLite file holds nothing to lose: it becomes a new database
        listed = ", ".join(sorted(tables)[:5]) or "none"
        return f"is a SQLite database of another application, not caughtup's (tables: {listed})"
    if have > SCHEMA_VERSION:
        return (
            f"was written by a newer caughtup (schema {have}; this one knows up to "
            f"{SCHEMA_VERSION}); upgrade caughtup"
        )
    missing = CORE_TABLES - tables
    if missing:
        return f"is missing caughtup tables ({', '.join(sorted(missing))})"
    return None
