"""The store: one SQLite file (WAL, busy timeout, user_version migrations), owner-only.

Only this module runs SQL. Plain `sqlite3` keeps the read path fast; every write runs in one
`BEGIN IMMEDIATE` transaction so concurrent writers (the TUI, cron's `remind`, a CLI `log`)
queue behind the busy timeout instead of failing or losing a write.
"""

from __future__ import annotations

import _thread
import json
import os
import sqlite3
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from itertools import groupby
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracker import files
from tracker.clock import from_utc_text, to_utc_text
from tracker.errors import InputError
from tracker.models import DayLog, Item
from tracker.paths import BACKUP_DIR, DB_NAME, ensure_dir, touch_private
from tracker.settings import DEFAULTS, OWN_BLOCKERS, Rules

if TYPE_CHECKING:  # built where read (tracker.records says why)
    from tracker.checkin import Placement
    from tracker.records import Delivery, SprintBlock, SprintRecord
    from tracker.tables import Table

# rules.waits_on_others as SQL: blocked on someone else; a coding query is the user's own.
_OWN_BLOCKERS = ", ".join(f"'{b}'" for b in OWN_BLOCKERS)
WAITS_ON_OTHERS_SQL = f"(blocked_on IS NOT NULL AND blocked_on NOT IN ({_OWN_BLOCKERS}))"
DEFAULT_RULES: Rules = DEFAULTS.rules
BUSY_TIMEOUT_S = 15.0
APPLICATION_ID = 0x63617567  # "caug" in the file header: how caughtup recognises its own files
CORE_TABLES = frozenset({"items", "days", "state"})
SQLITE_MAGIC = b"SQLite format 3\x00"
TRUNCATED = "is truncated"
SENT_PREFIX = "alerts.sent."
KEEP_DELIVERIES = 500
# This process's open connections, per database file (st_dev, st_ino). Closing any descriptor of
# a file drops every POSIX lock the process holds on it, SQLite's included, so another process
# would take itself for the last one and delete the WAL under us ("How To Corrupt An SQLite
# Database File", section 2.2). The file is read directly only while its count is zero, and a
# connection opens only under this lock, so no thread connects while another reads the header.
_LIVE: dict[tuple[int, int], int] = {}
_LIVE_LOCK = _thread.RLock()
SKIP = "ON CONFLICT DO NOTHING"
# The page cache of an import: its new pages stay in memory until the commit writes them once,
# and its indexes are sorted in memory (0.015 s less for 100,000 items than the default 2 MiB).
BULK_CACHE_KIB = 64 * 1024

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: list[str] = [
    # v1: items, day logs, and a key-value table for small state (sent alerts, current sprint).
    """
    CREATE TABLE items (
        id            INTEGER PRIMARY KEY,
        session_date  TEXT NOT NULL,
        session_time  TEXT,
        note_type     TEXT NOT NULL DEFAULT 'progress',
        client_ref    TEXT,
        billed        INTEGER NOT NULL DEFAULT 0,
        court         INTEGER NOT NULL DEFAULT 0,
        high_risk     INTEGER NOT NULL DEFAULT 0,
        admin         INTEGER NOT NULL DEFAULT 0,
        blocked_on    TEXT,
        blocked_since TEXT,
        written_at    TEXT,
        created_at    TEXT NOT NULL,
        source        TEXT NOT NULL DEFAULT 'item',
        cleared_by    TEXT
    );
    CREATE INDEX items_open ON items (written_at) WHERE written_at IS NULL;
    CREATE INDEX items_session ON items (session_date);
    CREATE TABLE days (
        day          TEXT PRIMARY KEY,
        sessions     INTEGER NOT NULL,
        written      INTEGER NOT NULL,
        cleared      INTEGER NOT NULL DEFAULT 0,
        after_hours  INTEGER NOT NULL DEFAULT 0,
        dread        INTEGER,
        drained      INTEGER,
        logged_at    TEXT NOT NULL
    );
    CREATE TABLE state (
        key    TEXT PRIMARY KEY,
        value  TEXT NOT NULL
    );
    """,
    # v2: self-check results, kept so they can be compared over time.
    """
    CREATE TABLE selfchecks (
        id             INTEGER PRIMARY KEY,
        taken_on       TEXT NOT NULL,
        taken_at       TEXT NOT NULL,
        questionnaire  TEXT NOT NULL,
        answers        TEXT NOT NULL,
        scores         TEXT NOT NULL,
        profile        TEXT NOT NULL,
        safety_flag    INTEGER NOT NULL
    );
    CREATE INDEX selfchecks_taken ON selfchecks (taken_on);
    """,
    # v3: the catch-up sprint (one current at a time), its blocks, and the user's writing pace.
    """
    CREATE TABLE sprints (
        id                INTEGER PRIMARY KEY,
        uid               TEXT NOT NULL UNIQUE,
        started_on        TEXT NOT NULL,
        params            TEXT NOT NULL,
        baseline          TEXT NOT NULL,
        start_outstanding INTEGER NOT NULL,
        revision          INTEGER NOT NULL DEFAULT 1,
        created_at        TEXT NOT NULL,
        ended_at          TEXT
    );
    CREATE TABLE sprint_blocks (
        id              INTEGER PRIMARY KEY,
        sprint_id       INTEGER NOT NULL REFERENCES sprints (id) ON DELETE CASCADE,
        day             TEXT NOT NULL,
        start           TEXT NOT NULL,
        minutes         INTEGER NOT NULL,
        groups          TEXT NOT NULL,
        goal            TEXT NOT NULL,
        done_at         TEXT,
        done_ids        TEXT,
        minutes_spent   INTEGER,
        remaining_after INTEGER
    );
    CREATE INDEX sprint_blocks_sprint ON sprint_blocks (sprint_id, day);
    CREATE TABLE pace (
        note_type   TEXT PRIMARY KEY,
        minutes     REAL NOT NULL,
        weight      REAL NOT NULL,
        updated_at  TEXT NOT NULL
    );
    """,
    # v4: weekly trends find the notes written in a span without scanning every item.
    """
    CREATE INDEX items_written ON items (written_at) WHERE written_at IS NOT NULL;
    """,
    # v5: the outcome of each notification sent (never the URL: its masked form and a hash).
    """
    CREATE TABLE deliveries (
        id       INTEGER PRIMARY KEY,
        at       TEXT NOT NULL,
        kind     TEXT NOT NULL,
        channel  TEXT NOT NULL,
        target   TEXT NOT NULL,
        ok       INTEGER NOT NULL,
        error    TEXT
    );
    CREATE INDEX deliveries_channel ON deliveries (channel, id);
    """,
    # v6: an import key, so re-importing an EHR's item list skips the rows already imported;
    # and an application id in the file header, so a foreign SQLite file is never taken for ours.
    f"""
    ALTER TABLE items ADD COLUMN import_key TEXT;
    CREATE UNIQUE INDEX items_import_key ON items (import_key) WHERE import_key IS NOT NULL;
    PRAGMA application_id = {APPLICATION_ID};
    """,
    # v7: a late entry's notation kept with its note; anonymous notes a check-in wrote the same
    # day name that day in cleared_by (as cleared ones name theirs), so a note marked written by
    # hand (cleared_by empty) is told apart from one a count wrote, and never counted twice.
    # Older ones are recognised by their written date (in UTC: SQL knows no time zone).
    """
    ALTER TABLE items ADD COLUMN notation TEXT;
    UPDATE items SET cleared_by = session_date
        WHERE source = 'count' AND cleared_by IS NULL AND substr(written_at, 1, 10) = session_date;
    CREATE INDEX items_cleared_by ON items (cleared_by) WHERE cleared_by IS NOT NULL;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)

ITEM_COLUMNS = (
    "id, session_date, session_time, note_type, client_ref, billed, court, high_risk, admin, "
    "blocked_on, blocked_since, written_at, created_at, source, cleared_by, notation"
)


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
    if _is_busy(exc):
        return (
            "the database stayed busy for 15 s (another caughtup is writing); nothing was "
            "changed; try again"
        )
    words = disk_words(exc, path.parent)
    if words:
        return f"cannot write {path}: {words}; nothing was changed"
    return str(DatabaseProblem(path, f"is damaged ({exc})"))


def _open_problem(path: Path, exc: sqlite3.DatabaseError) -> InputError:
    """Why opening the database failed: the disk or folder when that is the cause, else damage."""
    words = disk_words(exc, path.parent)
    if words:
        return DiskProblem(f"cannot open {path}: {words}; nothing was changed")
    return DatabaseProblem(path, f"cannot be read ({exc})")


class RowRejected(InputError):
    """SQLite refused one row of an import; `index` is its 0-based position in that table."""

    def __init__(self, table: str, index: int, problem: str) -> None:
        self.table, self.index, self.problem = table, index, problem
        super().__init__(f"{table} row {index + 1}: {problem}")


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


class Store:
    """A connection to the caughtup database in one data folder."""

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
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self.conn.close()
            if _is_busy(exc):
                raise
            raise _open_problem(path, exc) from None
        except BaseException:
            self.conn.close()
            raise

    @classmethod
    def open(cls, home: Path, tz: tzinfo) -> Store:
        return cls(home / DB_NAME, tz)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- schema -------------------------------------------------------------------------------

    def _migrate(self) -> None:
        version = self.conn.execute("PRAGMA user_version").fetchone()[0]
        if version == SCHEMA_VERSION:
            return
        # identity_problem() already refused a version newer than this caughtup knows.
        if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise InputError(f"{self.path}: cannot switch the database to WAL mode")
        if version > 0:
            # A copy of the data as it was, before anything changes; no copy, no migration.
            try:
                self.backup(backup_path(self.path.parent, f"before-schema-{SCHEMA_VERSION}"))
            except OSError as exc:
                raise InputError(
                    f"{self.path} needs an upgrade to schema {SCHEMA_VERSION}, but the backup "
                    f"before it failed ({exc.strerror or exc}); nothing was changed; free some "
                    "space and run caughtup again"
                ) from None
        with self.transaction():
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            _apply_migrations(self.conn, version)

    def check(self) -> None:
        """DatabaseProblem unless the database passes SQLite's quick check (nothing is changed).

        It reads every page: 4 ms for ten years of notes, 30 ms for 100,000 items (the full
        integrity check takes three times as long and found no more damage in a test of 160
        overwritten pages). The first write of each connection runs it, and every backup.
        """
        try:
            found = [str(r[0]) for r in self.conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            if _is_busy(exc):
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

    def data_version(self) -> int:
        """A number that changes when another connection commits (SQLite's data_version)."""
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def _page_cache(self, kib: int) -> Iterator[None]:
        """SQLite's page cache at `kib` for a while (it is 2 MiB unless set)."""
        before = int(self.conn.execute("PRAGMA cache_size").fetchone()[0])
        self.conn.execute(f"PRAGMA cache_size = {-kib}")
        try:
            yield
        finally:
            self.conn.execute(f"PRAGMA cache_size = {before}")

    @contextmanager
    def reading(self) -> Iterator[sqlite3.Connection]:
        """One read transaction: every query inside sees the same snapshot (WAL)."""
        self.conn.execute("BEGIN")
        try:
            yield self.conn
        finally:
            self.conn.execute("ROLLBACK")

    # -- items --------------------------------------------------------------------------------

    def _item(self, row: tuple[Any, ...]) -> Item:
        tz = self.tz
        return Item(
            id=row[0],
            session_date=date.fromisoformat(row[1]),
            session_time=time.fromisoformat(row[2]) if row[2] else None,
            note_type=row[3],
            client_ref=row[4],
            billed=bool(row[5]),
            court=bool(row[6]),
            high_risk=bool(row[7]),
            admin=bool(row[8]),
            blocked_on=row[9],
            blocked_since=from_utc_text(row[10], tz) if row[10] else None,
            written_at=from_utc_text(row[11], tz) if row[11] else None,
            created_at=from_utc_text(row[12], tz) if row[12] else None,
            source=row[13],
            cleared_by=date.fromisoformat(row[14]) if row[14] else None,
            notation=row[15],
        )

    def items(self, *, open_only: bool = False, since: date | None = None) -> list[Item]:
        """Items, oldest session first; only open ones, or only sessions from `since` on."""
        sql = f"SELECT {ITEM_COLUMNS} FROM items"
        where, args = [], []
        if open_only:
            where.append("written_at IS NULL")
        if since is not None:
            where.append("session_date >= ?")
            args.append(since.isoformat())
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY session_date, session_time, id"
        return [self._item(row) for row in self.conn.execute(sql, args)]

    def current_items(self, since: date) -> list[Item]:
        """Open items plus every item whose session is on or after `since` (what status needs)."""
        # Two indexed halves, not one `OR`: SQLite answers the `OR` by walking every item
        # (about 15 ms for ten years of notes); this way it reads only the rows it returns.
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE written_at IS NULL "
            f"UNION ALL SELECT {ITEM_COLUMNS} FROM items "
            "WHERE session_date >= ? AND written_at IS NOT NULL "
            "ORDER BY session_date, session_time, id",
            (since.isoformat(),),
        )
        return [self._item(row) for row in rows]

    def item(self, item_id: int) -> Item:
        row = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        if row is None:
            raise InputError(f"no item with id {item_id}; `caughtup backlog` lists the open ones")
        return self._item(row)

    def item_or_none(self, item_id: int) -> Item | None:
        """The item with `item_id`, or None when it was deleted."""
        row = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE id = ?", (item_id,)
        ).fetchone()
        return self._item(row) if row else None

    def _item_values(self, item: Item) -> dict[str, Any]:
        return {
            "session_date": item.session_date.isoformat(),
            "session_time": item.session_time.strftime("%H:%M") if item.session_time else None,
            "note_type": item.note_type,
            "client_ref": item.client_ref,
            "billed": int(item.billed),
            "court": int(item.court),
            "high_risk": int(item.high_risk),
            "admin": int(item.admin),
            "blocked_on": item.blocked_on,
            "blocked_since": to_utc_text(item.blocked_since) if item.blocked_since else None,
            "written_at": to_utc_text(item.written_at) if item.written_at else None,
            "created_at": to_utc_text(item.created_at) if item.created_at else None,
            "source": item.source,
            "cleared_by": item.cleared_by.isoformat() if item.cleared_by else None,
            "notation": item.notation,
        }

    def add_items(self, items: Iterable[Item], now: datetime) -> list[int]:
        """Insert items as they are in one transaction; returns their new ids."""
        with self.transaction() as conn:
            return self._insert_items(conn, items, now)

    def _insert_items(
        self, conn: sqlite3.Connection, items: Iterable[Item], now: datetime
    ) -> list[int]:
        ids = []
        for item in items:
            values = self._item_values(item)
            values["created_at"] = values["created_at"] or to_utc_text(now)
            cols = ", ".join(values)
            marks = ", ".join("?" * len(values))
            cur = conn.execute(
                f"INSERT INTO items ({cols}) VALUES ({marks})", tuple(values.values())
            )
            assert cur.lastrowid is not None
            ids.append(cur.lastrowid)
        return ids

    def update_item(self, item: Item, fields: Collection[str]) -> None:
        """Write the named fields of an existing item, and only those."""
        values = self._item_values(item)
        names = [name for name in values if name in fields]
        if not names:
            return
        sets = ", ".join(f"{name} = ?" for name in names)
        with self.transaction() as conn:
            cur = conn.execute(
                f"UPDATE items SET {sets} WHERE id = ?", (*(values[n] for n in names), item.id)
            )
            if cur.rowcount != 1:
                raise InputError(f"no item with id {item.id}")

    def mark_done(
        self, ids: list[int], at: datetime, notate: Callable[[Item], str | None] | None = None
    ) -> list[Item]:
        """Mark items written at `at` by hand, all or none, each kept with its late-entry
        notation (`notate`'s answer for it); InputError for an unknown or written id."""
        done = []
        with self.transaction() as conn:
            for item_id in ids:
                item = self.item(item_id)
                if not item.is_open:
                    assert item.written_at is not None
                    raise InputError(
                        f"item {item_id} was already marked written on "
                        f"{item.written_at:%Y-%m-%d %H:%M}; nothing changed"
                    )
                notation = notate(item) if notate else None
                conn.execute(
                    "UPDATE items SET written_at = ?, cleared_by = NULL, notation = ? WHERE id = ?",
                    (to_utc_text(at), notation, item_id),
                )
                done.append(item._replace(written_at=at, cleared_by=None, notation=notation))
        return done

    def add_notes(self, items: Sequence[Item], now: datetime) -> list[Placement]:
        """Add itemized notes, each taking the place of an anonymous note of its day's check-in
        where there is one of its kind (`checkin.place`); one transaction."""
        with self.transaction() as conn:
            ids = self._insert_items(conn, items, now)
            return self._place(conn, [i._replace(id=n) for i, n in zip(items, ids, strict=True)])

    def _place(self, conn: sqlite3.Connection, new: Sequence[Item]) -> list[Placement]:
        """Apply `checkin.place` to notes just inserted, inside the caller's transaction."""
        days = sorted({i.session_date.isoformat() for i in new})
        logged: set[date] = set()
        anonymous: list[Item] = []
        for chunk in range(0, len(days), 500):  # SQLite's limit on bound parameters
            part = days[chunk : chunk + 500]
            marks = ", ".join("?" * len(part))
            logged |= {
                date.fromisoformat(r[0])
                for r in conn.execute(f"SELECT day FROM days WHERE day IN ({marks})", part)
            }
            anonymous += [
                self._item(row)
                for row in conn.execute(
                    f"SELECT {ITEM_COLUMNS} FROM items WHERE source = 'count' "
                    f"AND session_date IN ({marks})",
                    part,
                )
            ]
        from tracker.checkin import MAX_SESSIONS, Placement, place

        if not logged:
            return [Placement(i.id or 0, i.session_date, None, False, False) for i in new]
        placed = place(new, anonymous, logged, self.tz)
        conn.executemany(
            "DELETE FROM items WHERE id = ?", [(p.replaced,) for p in placed if p.replaced]
        )
        # A session more than a day's check-in listed: the check-in says so too (up to its
        # bound), so re-logging that day keeps it.
        conn.executemany(
            "UPDATE days SET sessions = min(sessions + 1, ?), written = min(written + ?, ?) "
            "WHERE day = ?",
            [
                (MAX_SESSIONS, int(p.written), MAX_SESSIONS, p.day.isoformat())
                for p in placed
                if p.extra
            ],
        )
        return placed

    # -- day logs -----------------------------------------------------------------------------

    def day(self, day: date) -> DayLog | None:
        """A day's check-in; its cleared count is at least the older notes written that day
        since (by hand, or a block), so saving it again unchanged clears and opens nothing."""
        start = to_utc_text(datetime.combine(day, time(0), self.tz))
        end = to_utc_text(datetime.combine(day + timedelta(days=1), time(0), self.tz))
        row = self.conn.execute(
            "SELECT day, sessions, written, max(cleared, (SELECT count(*) FROM items WHERE "
            "+session_date < :day AND written_at >= :start AND written_at < :end)), "
            "after_hours, dread, drained, logged_at FROM days WHERE day = :day",
            {"day": day.isoformat(), "start": start, "end": end},
        ).fetchone()
        return self._daylog(row) if row else None

    def days(self, start: date | None = None, end: date | None = None) -> list[DayLog]:
        """Day logs from `start` to `end` inclusive, oldest first."""
        rows = self.conn.execute(
            "SELECT day, sessions, written, cleared, after_hours, dread, drained, logged_at "
            "FROM days WHERE day >= ? AND day <= ? ORDER BY day",
            ((start or date.min).isoformat(), (end or date.max).isoformat()),
        )
        return [self._daylog(row) for row in rows]

    def _daylog(self, row: tuple[Any, ...]) -> DayLog:
        return DayLog(
            day=date.fromisoformat(row[0]),
            sessions=row[1],
            written=row[2],
            cleared=row[3],
            after_hours=row[4],
            dread=row[5],
            drained=row[6],
            logged_at=from_utc_text(row[7], self.tz),
        )

    def log_day(self, log: DayLog, now: datetime, rules: Rules | None = None) -> dict[str, Any]:
        """Save a check-in and bring the day's notes in line with it (`checkin.reconcile`).

        The day's sessions and same-day notes are totals: notes marked by hand count towards
        them and anonymous ("count") notes fill the rest. "Cleared" is the day's total of older
        notes written, those already marked by hand included; the count clears the rest,
        anonymous ones first, oldest first, late ones with their notation (`rules`, default
        settings when None). Re-logging a day corrects all of this; it never adds twice.
        """
        # Only writes reconcile: `status` skips the check-in module's records (about 0.3 ms).
        from tracker.checkin import reconcile

        day = log.day.isoformat()
        start = to_utc_text(datetime.combine(log.day, time(0), self.tz))
        end = to_utc_text(datetime.combine(log.day + timedelta(days=1), time(0), self.tz))
        with self.transaction() as conn:
            day_items = self._select(conn, "session_date = ?", day)
            # Two indexed halves (written that day; cleared by its count), not one `OR` scan.
            backlog = self._select(
                conn,
                "+session_date < ? AND written_at >= ? AND written_at < ? UNION "
                f"SELECT {ITEM_COLUMNS} FROM items WHERE cleared_by = ? AND session_date < ?",
                day,
                start,
                end,
                day,
                day,
            )
            candidates = self._select(
                conn,
                f"written_at IS NULL AND NOT {WAITS_ON_OTHERS_SQL} AND session_date < ? "
                "ORDER BY source != 'count', session_date, session_time, id LIMIT ?",
                day,
                log.cleared,
            )
            change = reconcile(
                log, day_items, backlog, candidates, now, self.tz, rules or DEFAULT_RULES
            )
            at = to_utc_text(change.at)
            created = to_utc_text(now)
            conn.executemany(
                "UPDATE items SET written_at = ?, cleared_by = ?, notation = NULL WHERE id = ?",
                [(at, day, i) for i in change.write],
            )
            conn.executemany(
                "UPDATE items SET written_at = NULL, cleared_by = NULL, notation = NULL "
                "WHERE id = ?",
                [(i,) for i in change.unwrite + change.reopen],
            )
            conn.executemany("DELETE FROM items WHERE id = ?", [(i,) for i in change.delete])
            conn.executemany(
                "INSERT INTO items (session_date, note_type, created_at, source, written_at, "
                "cleared_by) VALUES (?, 'progress', ?, 'count', ?, ?)",
                [(day, created, at, day)] * change.new_written
                + [(day, created, None, None)] * change.new_open,
            )
            conn.executemany(
                "UPDATE items SET written_at = ?, cleared_by = ?, notation = ? WHERE id = ?",
                [(at, day, notation, i) for i, notation in change.clear],
            )
            kept = change.log
            conn.execute(
                "INSERT INTO days (day, sessions, written, cleared, after_hours, dread, drained, logged_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                "sessions = excluded.sessions, written = excluded.written, cleared = excluded.cleared, "
                "after_hours = excluded.after_hours, dread = excluded.dread, drained = excluded.drained, "
                "logged_at = excluded.logged_at",
                (
                    day,
                    kept.sessions,
                    kept.written,
                    kept.cleared,
                    kept.after_hours,
                    kept.dread,
                    kept.drained,
                    created,
                ),
            )
        return {
            "anonymous_items": change.anonymous,
            "added": change.new_written + change.new_open,
            "removed": len(change.delete),
            "cleared": kept.cleared,
            "already_written": change.already,
            "cleared_ids": [i for i, _ in change.clear],
            "reopened_ids": change.reopen,
            "marked_written": len(change.write) + change.new_written + len(change.clear),
            "written_at": change.at,
            "backfilled": change.at != now,
            "notations": [{"id": i, "notation": n} for i, n in change.clear if n],
        }

    def _select(self, conn: sqlite3.Connection, where: str, *args: Any) -> list[Item]:
        rows = conn.execute(f"SELECT {ITEM_COLUMNS} FROM items WHERE {where}", args)
        return [self._item(row) for row in rows]

    # -- backup and restore -------------------------------------------------------------------

    def backup(self, target: Path) -> Path:
        """A consistent copy of the database (SQLite's backup API), owner-only.

        The copy is built beside `target` and linked into place only when complete, so a crash
        leaves no half-written backup, and an existing file is never overwritten.
        A damaged database is refused (DatabaseProblem): a copy of damage would be taken for a
        way back. The copy is in rollback-journal mode, so reading it needs no side files.
        """
        self.check()
        if os.path.lexists(target):
            raise InputError(f"{target} already exists; choose another file name")

        def fill(dest: sqlite3.Connection) -> None:
            self.conn.backup(dest)
            dest.execute("PRAGMA journal_mode = DELETE")

        try:
            ensure_dir(target.parent)
            return _publish(target, fill)
        except (OSError, sqlite3.Error) as exc:
            words = (
                files.os_words(exc, target.parent)
                if isinstance(exc, OSError)
                else disk_words(exc, target.parent) or str(exc)
            )
            raise DiskProblem(f"cannot write the backup {target}: {words}") from None

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

    def upgrade(self) -> None:
        """Bring the schema up to date (after a restore of an older copy), backing it up first."""
        self._migrate()

    # -- tables, for export and import ----------------------------------------------------------

    def tables(self) -> list[Table]:
        """Every table the schema has, parents before the tables using them."""
        from tracker.tables import read  # export and import only: status skips its dataclasses

        return read(self.conn)

    def holds_data(self) -> bool:
        """Whether any table has a row (an empty database needs no backup before an import)."""
        names = [
            r[0]
            for r in self.conn.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            )
        ]
        return any(
            self.conn.execute(f"SELECT 1 FROM {_quote(n)} LIMIT 1").fetchone() for n in names
        )

    def rows(self, table: Table) -> Iterator[tuple[Any, ...]]:
        """Every row of `table` in the order it was stored, its columns in `table.columns` order."""
        cols = ", ".join(_quote(c.name) for c in table.columns)
        sql = f"SELECT {cols} FROM {_quote(table.name)} ORDER BY "
        try:
            cursor = self.conn.execute(sql + "rowid")
        except sqlite3.OperationalError:  # a WITHOUT ROWID table: its key is its order
            cursor = self.conn.execute(sql + ", ".join(_quote(k) for k in table.key))
        yield from cursor

    def load_rows(
        self,
        data: Sequence[tuple[Table, Sequence[str], Sequence[Sequence[Any]]]],
        *,
        replace: bool = False,
        before_commit: Callable[[], None] | None = None,
    ) -> dict[str, dict[str, int]]:
        """Insert rows into many tables in one transaction: all of them, or none.

        `data` holds (table, column names, rows) in dependency order. A row whose key already
        exists is skipped when it is identical (a re-import) and rejected when it differs.
        `replace` empties every table first. `before_commit` runs last, inside the transaction
        (writing settings), so its failure also rolls everything back.
        """
        counts: dict[str, dict[str, int]] = {}
        with self._page_cache(BULK_CACHE_KIB), self.transaction() as conn:
            if replace:
                for table in reversed(self.tables()):
                    conn.execute(f"DELETE FROM {_quote(table.name)}")
            for table, columns, rows in data:
                counts[table.name] = self._insert(conn, table, columns, rows)
            problems = conn.execute("PRAGMA foreign_key_check").fetchall()
            if problems:
                table_name, rowid, parent, _ = problems[0]
                raise InputError(
                    f"{table_name} row with rowid {rowid} refers to a missing {parent} row; "
                    "nothing was imported"
                )
            if before_commit is not None:
                before_commit()
        return counts

    def import_items(
        self,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
        row_key: tuple[str, Sequence[str]] | None = None,
    ) -> tuple[int, int, list[Placement]]:
        """Insert items in one transaction; returns (added, marked written, where the added
        notes of logged days went in their check-ins).

        A row whose import key is already there adds nothing, but gives an open item its written
        time when the row has one (a note signed in the EHR since the last import). `row_key`
        (key prefix, identity columns) first gives keys that an older caughtup made for rows
        without an EHR id that form, so a list imported then still matches.
        """
        target = f"items ({', '.join(_quote(c) for c in columns)})"
        on_conflict = (
            "ON CONFLICT (import_key) WHERE import_key IS NOT NULL DO UPDATE SET "
            "written_at = excluded.written_at "
            "WHERE items.written_at IS NULL AND excluded.written_at IS NOT NULL"
            if "written_at" in columns
            else "ON CONFLICT DO NOTHING"
        )
        with self.transaction() as conn:
            if row_key is not None:
                _rekey_legacy_rows(conn, *row_key)
            count = "SELECT count(*) FROM items"
            items_before, changes_before = conn.execute(count).fetchone()[0], conn.total_changes
            last = conn.execute("SELECT coalesce(max(id), 0) FROM items").fetchone()[0]
            _insert_rows(conn, target, len(columns), rows, range(len(columns)), on_conflict)
            added = conn.execute(count).fetchone()[0] - items_before
            updated = conn.total_changes - changes_before - added
            new = self._select(conn, "id > ? AND session_date IN (SELECT day FROM days)", last)
            return added, updated, self._place(conn, new) if new else []

    def _insert(
        self,
        conn: sqlite3.Connection,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> dict[str, int]:
        width = len(columns)
        target = f"{_quote(table.name)} ({', '.join(_quote(c) for c in columns)})"
        notnull = {c.name for c in table.columns if c.notnull}
        nullable = [i for i, name in enumerate(columns) if name not in notnull]
        before = conn.total_changes
        conn.execute("SAVEPOINT load_table")
        try:
            indexes = _drop_indexes_if_empty(conn, table.name) if rows else []
            _insert_rows(conn, target, width, rows, nullable)
            for index_sql in indexes:
                conn.execute(index_sql)
        except sqlite3.DatabaseError as exc:
            # executemany does not say which row failed: find it one by one, then give up.
            conn.execute("ROLLBACK TO load_table")
            sql = _insert_sql(target, width)
            for index, row in enumerate(rows):
                try:
                    conn.execute(sql, row)
                except sqlite3.DatabaseError as row_exc:
                    raise RowRejected(table.name, index, _constraint_words(row_exc)) from None
            raise RowRejected(table.name, 0, _constraint_words(exc)) from None
        finally:
            conn.execute("RELEASE load_table")
        inserted = conn.total_changes - before
        skipped = len(rows) - inserted
        if skipped:
            self._check_skipped(conn, table, columns, rows)
        return {"inserted": inserted, "skipped": skipped}

    def _check_skipped(
        self,
        conn: sqlite3.Connection,
        table: Table,
        columns: Sequence[str],
        rows: Sequence[Sequence[Any]],
    ) -> None:
        """Every row the insert skipped must match a stored row exactly, else it is an error."""
        same = " AND ".join(f"{_quote(c)} IS ?" for c in columns)
        sql = f"SELECT 1 FROM {_quote(table.name)} WHERE {same} LIMIT 1"
        key = [columns.index(k) for k in table.key if k in columns]
        for index, row in enumerate(rows):
            if conn.execute(sql, tuple(row)).fetchone() is None:
                what = ", ".join(f"{columns[i]} {row[i]!r}" for i in key) or "this row"
                raise RowRejected(
                    table.name,
                    index,
                    f"{what} already exists with different values; nothing was imported "
                    "(import into an empty database, or use {replace} to replace everything)",
                )

    # -- self-check results (issue 5) ----------------------------------------------------------

    def add_selfcheck(
        self,
        *,
        taken_on: date,
        taken_at: datetime,
        questionnaire: str,
        answers: dict[str, int],
        scores: dict[str, int],
        profile: str,
        safety_flag: bool,
    ) -> int:
        """Keep one scored self-check; returns its id."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO selfchecks (taken_on, taken_at, questionnaire, answers, scores, "
                "profile, safety_flag) VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    taken_on.isoformat(),
                    to_utc_text(taken_at),
                    questionnaire,
                    json.dumps(answers, sort_keys=True),
                    json.dumps(scores, sort_keys=True),
                    profile,
                    int(safety_flag),
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def selfchecks(self, limit: int | None = None) -> list[dict[str, Any]]:
        """Kept self-checks, newest first: id, taken_on (date), questionnaire, answers, scores,
        profile, safety_flag."""
        rows = self.conn.execute(
            "SELECT id, taken_on, questionnaire, answers, scores, profile, safety_flag "
            "FROM selfchecks ORDER BY taken_on DESC, id DESC LIMIT ?",
            (-1 if limit is None else limit,),
        )
        return [
            {
                "id": row[0],
                "taken_on": date.fromisoformat(row[1]),
                "questionnaire": row[2],
                "answers": json.loads(row[3]),
                "scores": json.loads(row[4]),
                "profile": row[5],
                "safety_flag": bool(row[6]),
            }
            for row in rows
        ]

    def items_open_since(self, since: date) -> list[Item]:
        """Items that were open at some moment from `since` on (the self-check's week view)."""
        start = to_utc_text(datetime.combine(since, time(0), self.tz))
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE written_at IS NULL OR written_at >= ? "
            "ORDER BY session_date, session_time, id",
            (start,),
        )
        return [self._item(row) for row in rows]

    def last_selfcheck_date(self) -> date | None:
        """The day of the latest self-check (a reminder is due four weeks after it)."""
        row = self.conn.execute("SELECT max(taken_on) FROM selfchecks").fetchone()
        return date.fromisoformat(row[0]) if row and row[0] else None

    # -- catch-up sprint ----------------------------------------------------------------------

    def current_sprint(self, *, or_last: bool = False) -> SprintRecord | None:
        """The sprint not yet ended, if any; with `or_last`, else the last one that ended."""
        row = self.conn.execute(
            "SELECT id, uid, started_on, params, baseline, start_outstanding, revision, ended_at, "
            f"created_at FROM sprints {'' if or_last else 'WHERE ended_at IS NULL'} "
            "ORDER BY ended_at IS NOT NULL, id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        from tracker.records import SprintRecord

        return SprintRecord(
            id=row[0],
            uid=row[1],
            started_on=date.fromisoformat(row[2]),
            params=json.loads(row[3]),
            baseline=[(date.fromisoformat(d), n) for d, n in json.loads(row[4])],
            start_outstanding=row[5],
            revision=row[6],
            ended_at=from_utc_text(row[7], self.tz) if row[7] else None,
            created_at=from_utc_text(row[8], self.tz),
        )

    def start_sprint(
        self,
        uid: str,
        started_on: date,
        params: dict[str, Any],
        baseline: list[tuple[date, int]],
        now: datetime,
    ) -> int:
        """End any current sprint and start a new one; returns its id."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sprints SET ended_at = ? WHERE ended_at IS NULL", (to_utc_text(now),)
            )
            cur = conn.execute(
                "INSERT INTO sprints (uid, started_on, params, baseline, start_outstanding, "
                "created_at) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    uid,
                    started_on.isoformat(),
                    json.dumps(params),
                    json.dumps([(d.isoformat(), n) for d, n in baseline]),
                    baseline[0][1] if baseline else 0,
                    to_utc_text(now),
                ),
            )
            assert cur.lastrowid is not None
            return cur.lastrowid

    def end_sprint(self, sprint_id: int, now: datetime) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE sprints SET ended_at = ? WHERE id = ? AND ended_at IS NULL",
                (to_utc_text(now), sprint_id),
            )

    def replace_planned_blocks(
        self, sprint_id: int, params: dict[str, Any], blocks: Iterable[SprintBlock]
    ) -> None:
        """Save a re-plan: new parameters and planned blocks; blocks logged done stay.

        A re-plan that changes nothing writes nothing, so showing the sprint (the app re-plans
        each time the data changes) never counts as a change itself.
        """
        rows = [
            (b.day.isoformat(), b.start.strftime("%H:%M"), b.minutes, json.dumps(b.groups), b.goal)
            for b in blocks
        ]
        with self.transaction() as conn:
            stored = conn.execute(
                "SELECT day, start, minutes, groups, goal FROM sprint_blocks "
                "WHERE sprint_id = ? AND done_at IS NULL ORDER BY id",
                (sprint_id,),
            ).fetchall()
            (old_params,) = conn.execute(
                "SELECT params FROM sprints WHERE id = ?", (sprint_id,)
            ).fetchone() or (None,)
            if stored == rows and old_params == json.dumps(params):
                return
            conn.execute(
                "UPDATE sprints SET params = ?, revision = revision + 1 WHERE id = ?",
                (json.dumps(params), sprint_id),
            )
            conn.execute(
                "DELETE FROM sprint_blocks WHERE sprint_id = ? AND done_at IS NULL", (sprint_id,)
            )
            conn.executemany(
                "INSERT INTO sprint_blocks (sprint_id, day, start, minutes, groups, goal) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [(sprint_id, *row) for row in rows],
            )

    def sprint_blocks(self, sprint_id: int) -> list[SprintBlock]:
        """The sprint's blocks: done ones (in the order logged), then planned ones by date."""
        rows = self.conn.execute(
            "SELECT id, day, start, minutes, groups, goal, done_at, done_ids, minutes_spent, "
            "remaining_after FROM sprint_blocks WHERE sprint_id = ? "
            "ORDER BY done_at IS NULL, done_at, day, id",
            (sprint_id,),
        )
        from tracker.records import SprintBlock

        return [
            SprintBlock(
                id=row[0],
                day=date.fromisoformat(row[1]),
                start=time.fromisoformat(row[2]),
                minutes=row[3],
                groups=[(t, list(ids)) for t, ids in json.loads(row[4])],
                goal=row[5],
                done_at=from_utc_text(row[6], self.tz) if row[6] else None,
                done_ids=json.loads(row[7]) if row[7] else None,
                minutes_spent=row[8],
                remaining_after=row[9],
            )
            for row in rows
        ]

    def log_block_done(
        self,
        block_id: int,
        item_ids: list[int],
        minutes: int,
        at: datetime,
        pace: dict[str, tuple[float, float]],
        notations: Mapping[int, str] | None = None,
    ) -> int:
        """Mark a block done and its items written (late ones with their notation), and save
        the new pace, all at once.

        Returns the outstanding count after it. InputError (nothing changed) if an item is not
        open or the block is already done.
        """
        notations = notations or {}
        at_text = to_utc_text(at)
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT done_at FROM sprint_blocks WHERE id = ?", (block_id,)
            ).fetchone()
            if row is None or row[0] is not None:
                raise InputError(f"block {block_id} is not a planned block; nothing changed")
            for item_id in item_ids:
                cur = conn.execute(
                    "UPDATE items SET written_at = ?, cleared_by = NULL, notation = ? "
                    "WHERE id = ? AND written_at IS NULL",
                    (at_text, notations.get(item_id), item_id),
                )
                if cur.rowcount != 1:
                    raise InputError(f"item {item_id} is not open; nothing changed")
            remaining = conn.execute(
                f"SELECT count(*) FROM items WHERE written_at IS NULL AND NOT {WAITS_ON_OTHERS_SQL}"
            ).fetchone()[0]
            conn.execute(
                "UPDATE sprint_blocks SET done_at = ?, done_ids = ?, minutes_spent = ?, "
                "remaining_after = ? WHERE id = ?",
                (at_text, json.dumps(item_ids), minutes, remaining, block_id),
            )
            conn.executemany(
                "INSERT INTO pace (note_type, minutes, weight, updated_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (note_type) DO UPDATE SET minutes = excluded.minutes, "
                "weight = excluded.weight, updated_at = excluded.updated_at",
                [(t, m, w, at_text) for t, (m, w) in pace.items()],
            )
        return int(remaining)

    def pace(self) -> dict[str, tuple[float, float]]:
        """The user's own catch-up minutes per note type: {type: (minutes, weight)}."""
        rows = self.conn.execute("SELECT note_type, minutes, weight FROM pace")
        return {t: (m, w) for t, m, w in rows}

    # -- trends (issue 7) ---------------------------------------------------------------------

    def trend_rows(
        self, start: date, end: date, start_utc: str
    ) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        """What weekly trends from `start` to `end` (exclusive) need, grouped in SQL.

        Items: those with a session in the span, plus older ones still open at its start (for
        the backlog), grouped by (session date, time, written, blocked-from) with a count.
        Day logs: per week index from `start`, the logs, after-hours sum and mean ratings.
        """
        first, last = start.isoformat(), end.isoformat()
        # Three index searches (sessions in the span; older open notes; older notes written
        # in the span) instead of one scan of every item ever logged. The unary + keeps the
        # planner off items_session for the last part.
        select = (
            "SELECT session_date, session_time, written_at, "
            f"CASE WHEN {WAITS_ON_OTHERS_SQL} THEN coalesce(blocked_since, '') ELSE NULL END, "
            "count(*) FROM items WHERE "
        )
        items = self.conn.execute(
            f"{select} session_date >= :first AND session_date < :last GROUP BY 1, 2, 3, 4 "
            f"UNION ALL {select} written_at IS NULL AND session_date < :first GROUP BY 1, 2, 3, 4 "
            f"UNION ALL {select} written_at >= :utc AND +session_date < :first GROUP BY 1, 2, 3, 4",
            {"first": first, "last": last, "utc": start_utc},
        ).fetchall()
        days = self.conn.execute(
            "SELECT CAST((julianday(day) - julianday(?)) / 7 AS INTEGER) AS week, count(*), "
            "sum(after_hours), avg(dread), avg(drained) FROM days WHERE day >= ? AND day < ? "
            "GROUP BY week",
            (first, first, last),
        ).fetchall()
        return items, days

    # -- small state --------------------------------------------------------------------------

    def get_state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str | None) -> None:
        with self.transaction() as conn:
            if value is None:
                conn.execute("DELETE FROM state WHERE key = ?", (key,))
            else:
                conn.execute(
                    "INSERT INTO state (key, value) VALUES (?, ?) "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                    (key, value),
                )

    def states(self, prefix: str) -> dict[str, str]:
        """Every small-state value whose key starts with `prefix`, by key."""
        rows = self.conn.execute(
            "SELECT key, value FROM state WHERE substr(key, 1, ?) = ?", (len(prefix), prefix)
        )
        return dict(rows.fetchall())

    # -- notifications (issue 6) ------------------------------------------------------------

    def sent_state(self, channel: str) -> dict[str, int | str]:
        """The alert levels already delivered to one notification channel."""
        raw = self.get_state(f"{SENT_PREFIX}{channel}")
        return json.loads(raw) if raw else {}

    def save_sent_state(self, channel: str, state: dict[str, int | str]) -> None:
        self.set_state(f"{SENT_PREFIX}{channel}", json.dumps(state, sort_keys=True))

    def forget_channels(self, keep: Iterable[str]) -> None:
        """Drop the sent-state of channels no longer configured."""
        keys = {f"{SENT_PREFIX}{ch}" for ch in keep}
        with self.transaction() as conn:
            stale = [(key,) for key in self.states(SENT_PREFIX) if key not in keys]
            conn.executemany("DELETE FROM state WHERE key = ?", stale)

    def record_deliveries(self, rows: Iterable[Delivery]) -> None:
        """Keep the outcome of each send, and only the newest KEEP_DELIVERIES of them."""
        with self.transaction() as conn:
            conn.executemany(
                "INSERT INTO deliveries (at, kind, channel, target, ok, error) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                [
                    (to_utc_text(d.at), d.kind, d.channel, d.target, int(d.ok), d.error)
                    for d in rows
                ],
            )
            conn.execute(
                "DELETE FROM deliveries WHERE id <= (SELECT MAX(id) FROM deliveries) - ?",
                (KEEP_DELIVERIES,),
            )

    def deliveries(self, limit: int = 20) -> list[Delivery]:
        """The most recent delivery outcomes, newest first."""
        rows = self.conn.execute(
            "SELECT at, kind, channel, target, ok, error FROM deliveries ORDER BY id DESC LIMIT ?",
            (limit,),
        )
        from tracker.records import Delivery

        return [
            Delivery(from_utc_text(r[0], self.tz), r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows
        ]


def _apply_migrations(conn: sqlite3.Connection, version: int) -> None:
    for number in range(version, SCHEMA_VERSION):
        for statement in _statements(MIGRATIONS[number]):
            conn.execute(statement)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _create(path: Path) -> None:
    """Create a new database at `path` atomically: built aside, linked in only when complete.

    So a file at the database's path is always a whole caughtup database (or someone else's
    damage), and two processes starting at once on an empty folder both end up with one file.
    """

    def fill(conn: sqlite3.Connection) -> None:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("BEGIN IMMEDIATE")
        _apply_migrations(conn, 0)
        conn.execute("COMMIT")

    with suppress(FileExistsError):  # another process created it first: use theirs
        _publish(path, fill)


def _publish(target: Path, fill: Callable[[sqlite3.Connection], None]) -> Path:
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


def identity_problem(conn: sqlite3.Connection) -> str | None:
    """Why the open SQLite database is not one this caughtup can use, or None."""
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    tables = {
        r[0]
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    }
    ours = app_id == APPLICATION_ID or (app_id == 0 and version >= 1 and tables >= CORE_TABLES)
    if not ours:
        if not tables and version == 0 and app_id == 0:
            return None  # an empty SQLite file holds nothing to lose: it becomes a new database
        listed = ", ".join(sorted(tables)[:5]) or "none"
        return f"is a SQLite database of another application, not caughtup's (tables: {listed})"
    if version > SCHEMA_VERSION:
        return (
            f"was written by a newer caughtup (schema {version}; this one knows up to "
            f"{SCHEMA_VERSION}); upgrade caughtup"
        )
    missing = CORE_TABLES - tables
    if missing:
        return f"is missing caughtup tables ({', '.join(sorted(missing))})"
    return None


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
            version: int = conn.execute("PRAGMA user_version").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        words = disk_words(exc, path.parent)
        if words:
            raise DiskProblem(f"cannot read {path}: {words}; nothing was changed") from None
        raise InputError(
            f"{path} cannot be read as a database ({exc}); nothing was changed"
        ) from None
    if problem is None and version == 0:
        problem = "is an empty SQLite database with no caughtup data"
    if problem:
        raise InputError(f"{path} {problem}; nothing was changed")
    return version


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

    _publish(path, fill)


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


def _drop_indexes_if_empty(conn: sqlite3.Connection, table: str) -> list[str]:
    """Drop an empty table's plain indexes, returning the SQL that makes them again.

    Building an index once after a bulk insert is one sort; keeping it up to date row by row
    costs more (0.07 s of an import of 100,000 items). Unique indexes stay: they decide which
    rows the insert skips. The caller's transaction brings them all back if anything fails.
    """
    if conn.execute(f"SELECT 1 FROM {_quote(table)} LIMIT 1").fetchone() is not None:
        return []
    plain = conn.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        'AND sql IS NOT NULL AND name IN (SELECT name FROM pragma_index_list(?) WHERE NOT "unique")',
        (table, table),
    ).fetchall()
    for name, _ in plain:
        conn.execute(f"DROP INDEX {_quote(name)}")
    return [sql for _, sql in plain]


def _insert_sql(
    target: str, width: int, nulls: Collection[int] = (), on_conflict: str = SKIP
) -> str:
    """INSERT into `target` ("table (columns)") skipping conflicts; `nulls` written as NULL."""
    values = ", ".join("NULL" if i in nulls else "?" for i in range(width))
    return f"INSERT INTO {target} VALUES ({values}) {on_conflict}"


def _insert_rows(
    conn: sqlite3.Connection,
    target: str,
    width: int,
    rows: Sequence[Sequence[Any]],
    nullable: Sequence[int],
    on_conflict: str = SKIP,
) -> None:
    """Insert `rows` into `target`, their empty fields (in `nullable`) written as NULL."""
    statements: dict[tuple[int, ...], str] = {}
    for nulls, run in _runs_by_nulls(rows, nullable):
        if nulls not in statements:
            statements[nulls] = _insert_sql(target, width, nulls, on_conflict)
        conn.executemany(statements[nulls], _without(run, nulls, width))


def _rekey_legacy_rows(conn: sqlite3.Connection, prefix: str, identity: Sequence[str]) -> None:
    """Give EHR rows imported without an id before keys were made of the row's identity (their
    keys then were "ehr-row:" and the raw cells, a date first) the key `tracker.ehr` makes now."""
    parts = " || char(31) || ".join(f"coalesce({_quote(c)}, '')" for c in identity)
    by = ", ".join(_quote(c) for c in identity)
    conn.execute(
        "UPDATE OR IGNORE items SET import_key = k.key FROM ("
        f"SELECT id, ? || {parts} || char(30) || row_number() OVER (PARTITION BY {by} "
        "ORDER BY id) AS key FROM items "
        "WHERE import_key >= 'ehr-row:0' AND import_key < 'ehr-row::') AS k "
        "WHERE items.id = k.id",
        (prefix,),
    )


def _runs_by_nulls(
    rows: Sequence[Sequence[Any]], nullable: Sequence[int]
) -> Iterator[tuple[tuple[int, ...], Sequence[Sequence[Any]]]]:
    """Consecutive runs of rows with None in the same places: (those positions, the rows).

    Python's sqlite3 binds None slowly (a failed adapter lookup, 0.7 µs: 100,000 items with five
    empty fields each take 0.35 s more), so an insert writes NULL into its SQL instead. Empty
    fields are found a column at a time (at C speed), in the columns that may hold NULL.
    """
    empty: list[list[bool]] = []
    positions: list[int] = []
    for position in nullable:
        flags = [row[position] is None for row in rows]
        if True in flags:
            empty.append(flags)
            positions.append(position)
    if not positions:
        yield (), rows
        return
    start = 0
    for key, run in groupby(zip(*empty, strict=True)):
        end = start + len(list(run))
        yield tuple(p for p, null in zip(positions, key, strict=True) if null), rows[start:end]
        start = end


def _without(
    rows: Sequence[Sequence[Any]], positions: Collection[int], width: int
) -> Iterable[Sequence[Any]]:
    """`rows` without their values at `positions`."""
    if not positions:
        return rows
    keep = [i for i in range(width) if i not in positions]
    if len(keep) == 1:
        return [(row[keep[0]],) for row in rows]
    return map(itemgetter(*keep), rows) if keep else [()] * len(rows)


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _constraint_words(exc: sqlite3.DatabaseError) -> str:
    return f"the database refused it ({exc})"


def _statements(script: str) -> list[str]:
    """Split a migration script into statements (executescript would commit mid-transaction)."""
    statements, buffer = [], ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            statements.append(buffer.strip())
            buffer = ""
    if buffer.strip():
        statements.append(buffer.strip())
    return statements
