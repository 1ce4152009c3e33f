"""The store: one SQLite file (WAL, busy timeout, user_version migrations), owner-only.

Only this module runs SQL. Plain `sqlite3` keeps the read path fast; every write runs in one
`BEGIN IMMEDIATE` transaction so concurrent writers (the TUI, cron's `remind`, a CLI `log`)
queue behind the busy timeout instead of failing or losing a write.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime, time, tzinfo
from pathlib import Path
from typing import Any

from tracker.checkin import written_moment
from tracker.clock import from_utc_text, to_utc_text
from tracker.errors import InputError
from tracker.models import DayLog, Delivery, Item, SprintBlock, SprintRecord
from tracker.paths import DB_NAME, ensure_dir, touch_private

BUSY_TIMEOUT_S = 15.0
SENT_PREFIX = "alerts.sent."
KEEP_DELIVERIES = 500

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
]
SCHEMA_VERSION = len(MIGRATIONS)

ITEM_COLUMNS = (
    "id, session_date, session_time, note_type, client_ref, billed, court, high_risk, admin, "
    "blocked_on, blocked_since, written_at, created_at, source, cleared_by"
)


class Store:
    """A connection to the caughtup database in one data folder."""

    def __init__(self, path: Path, tz: tzinfo) -> None:
        self.path = path
        self.tz = tz
        ensure_dir(path.parent)
        touch_private(path)
        self.conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        self.conn.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        self._migrate()

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
        if version > SCHEMA_VERSION:
            raise InputError(
                f"{self.path} was written by a newer caughtup (schema {version}, this one knows "
                f"{SCHEMA_VERSION}); upgrade caughtup"
            )
        if self.conn.execute("PRAGMA journal_mode = WAL").fetchone()[0] != "wal":
            raise InputError(f"{self.path}: cannot switch the database to WAL mode")
        if version > 0:
            self.backup(self.path.parent / "backups" / f"before-schema-{SCHEMA_VERSION}.db")
        with self.transaction():
            # Re-read inside the write lock: another process may have migrated meanwhile.
            version = self.conn.execute("PRAGMA user_version").fetchone()[0]
            for number in range(version, SCHEMA_VERSION):
                for statement in _statements(MIGRATIONS[number]):
                    self.conn.execute(statement)
            self.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken immediately so writers queue instead of deadlocking."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

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
        rows = self.conn.execute(
            f"SELECT {ITEM_COLUMNS} FROM items WHERE written_at IS NULL OR session_date >= ? "
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
        }

    def add_items(self, items: Iterable[Item], now: datetime) -> list[int]:
        """Insert items in one transaction; returns their new ids."""
        ids = []
        with self.transaction() as conn:
            for item in items:
                if item.created_at is None:
                    item.created_at = now
                values = self._item_values(item)
                cols = ", ".join(values)
                marks = ", ".join("?" * len(values))
                cur = conn.execute(
                    f"INSERT INTO items ({cols}) VALUES ({marks})", tuple(values.values())
                )
                assert cur.lastrowid is not None
                item.id = cur.lastrowid
                ids.append(cur.lastrowid)
        return ids

    def update_item(self, item: Item) -> None:
        """Write back every field of an existing item."""
        values = self._item_values(item)
        sets = ", ".join(f"{col} = ?" for col in values)
        with self.transaction() as conn:
            cur = conn.execute(f"UPDATE items SET {sets} WHERE id = ?", (*values.values(), item.id))
            if cur.rowcount != 1:
                raise InputError(f"no item with id {item.id}")

    def mark_done(self, ids: list[int], at: datetime) -> list[Item]:
        """Mark items written at `at`, all or none; InputError for an unknown or written id."""
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
                item.written_at = at
                conn.execute(
                    "UPDATE items SET written_at = ? WHERE id = ?", (to_utc_text(at), item_id)
                )
                done.append(item)
        return done

    # -- day logs -----------------------------------------------------------------------------

    def day(self, day: date) -> DayLog | None:
        row = self.conn.execute(
            "SELECT day, sessions, written, cleared, after_hours, dread, drained, logged_at "
            "FROM days WHERE day = ?",
            (day.isoformat(),),
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

    def log_day(self, log: DayLog, now: datetime) -> dict[str, int]:
        """Save a check-in and bring the day's anonymous items in line with it.

        The day's sessions and same-day notes are totals: itemized entries for that date count
        towards them and anonymous ("count") items fill the rest. "Cleared" marks that many of
        the oldest open notes from earlier days written, anonymous ones first. Re-logging a day
        corrects all of this; it never adds twice.
        """
        day = log.day.isoformat()
        at = written_moment(log.day, now, self.tz)
        at_text = to_utc_text(at)
        log.logged_at = now
        with self.transaction() as conn:
            itemized = [
                r[0]
                for r in conn.execute(
                    "SELECT written_at FROM items WHERE session_date = ? AND source = 'item'",
                    (day,),
                )
            ]
            same_day = sum(1 for w in itemized if w and from_utc_text(w, self.tz).date() == log.day)
            anon_total = max(0, log.sessions - len(itemized))
            anon_written = max(0, min(log.written - same_day, anon_total))
            rows = conn.execute(
                "SELECT id, written_at FROM items WHERE session_date = ? AND source = 'count' "
                "ORDER BY written_at IS NULL, written_at, id",
                (day,),
            ).fetchall()
            written_ids = [r[0] for r in rows if r[1] is not None]
            open_ids = [r[0] for r in rows if r[1] is None]
            # Same-day notes: write or un-write anonymous items to match.
            if len(written_ids) > anon_written:
                extra = written_ids[anon_written:]
                conn.executemany(
                    "UPDATE items SET written_at = NULL WHERE id = ?", [(i,) for i in extra]
                )
                written_ids, open_ids = written_ids[:anon_written], extra + open_ids
            elif len(written_ids) < anon_written:
                take = open_ids[: anon_written - len(written_ids)]
                conn.executemany(
                    "UPDATE items SET written_at = ? WHERE id = ?", [(at_text, i) for i in take]
                )
                written_ids, open_ids = written_ids + take, open_ids[len(take) :]
            # Sessions: add or remove anonymous items, removing open ones first.
            count = len(written_ids) + len(open_ids)
            added = removed = 0
            if count < anon_total:
                added = anon_total - count
                conn.executemany(
                    "INSERT INTO items (session_date, note_type, created_at, source, written_at) "
                    "VALUES (?, 'progress', ?, 'count', ?)",
                    [
                        (
                            day,
                            to_utc_text(now),
                            at_text if n < anon_written - len(written_ids) else None,
                        )
                        for n in range(added)
                    ],
                )
            elif count > anon_total:
                removed = count - anon_total
                victims = (open_ids[::-1] + written_ids[::-1])[:removed]
                conn.executemany("DELETE FROM items WHERE id = ?", [(i,) for i in victims])
            cleared = self._apply_cleared(conn, log, at_text)
            conn.execute(
                "INSERT INTO days (day, sessions, written, cleared, after_hours, dread, drained, logged_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (day) DO UPDATE SET "
                "sessions = excluded.sessions, written = excluded.written, cleared = excluded.cleared, "
                "after_hours = excluded.after_hours, dread = excluded.dread, drained = excluded.drained, "
                "logged_at = excluded.logged_at",
                (
                    day,
                    log.sessions,
                    log.written,
                    log.cleared,
                    log.after_hours,
                    log.dread,
                    log.drained,
                    to_utc_text(now),
                ),
            )
        return {
            "anonymous_items": anon_total,
            "added": added,
            "removed": removed,
            "cleared": cleared,
        }

    def _apply_cleared(self, conn: sqlite3.Connection, log: DayLog, at_text: str) -> int:
        day = log.day.isoformat()
        mine = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM items WHERE cleared_by = ? ORDER BY session_date DESC, id DESC",
                (day,),
            )
        ]
        if len(mine) > log.cleared:
            conn.executemany(
                "UPDATE items SET written_at = NULL, cleared_by = NULL WHERE id = ?",
                [(i,) for i in mine[: len(mine) - log.cleared]],
            )
            return log.cleared
        need = log.cleared - len(mine)
        if need == 0:
            return log.cleared
        candidates = [
            r[0]
            for r in conn.execute(
                "SELECT id FROM items WHERE written_at IS NULL AND blocked_on IS NULL AND session_date < ? "
                "ORDER BY source != 'count', session_date, session_time, id LIMIT ?",
                (day, need),
            )
        ]
        if len(candidates) < need:
            available = len(candidates) + len(mine)
            raise InputError(
                f"--cleared {log.cleared} is more than the {available} open notes from before "
                f"{day}; use a number up to {available}"
            )
        conn.executemany(
            "UPDATE items SET written_at = ?, cleared_by = ? WHERE id = ?",
            [(at_text, day, i) for i in candidates],
        )
        return log.cleared

    def backup(self, target: Path) -> Path:
        """A consistent copy of the database (SQLite's backup API), owner-only."""
        ensure_dir(target.parent)
        touch_private(target)
        dest = sqlite3.connect(target)
        try:
            self.conn.backup(dest)
        finally:
            dest.close()
        return target

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

    def current_sprint(self) -> SprintRecord | None:
        """The sprint not yet ended, if any."""
        row = self.conn.execute(
            "SELECT id, uid, started_on, params, baseline, start_outstanding, revision, ended_at "
            "FROM sprints WHERE ended_at IS NULL ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            return None
        return SprintRecord(
            id=row[0],
            uid=row[1],
            started_on=date.fromisoformat(row[2]),
            params=json.loads(row[3]),
            baseline=[(date.fromisoformat(d), n) for d, n in json.loads(row[4])],
            start_outstanding=row[5],
            revision=row[6],
            ended_at=from_utc_text(row[7], self.tz) if row[7] else None,
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
        """Save a re-plan: new parameters and planned blocks; blocks logged done stay."""
        with self.transaction() as conn:
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
                [
                    (
                        sprint_id,
                        b.day.isoformat(),
                        b.start.strftime("%H:%M"),
                        b.minutes,
                        json.dumps(b.groups),
                        b.goal,
                    )
                    for b in blocks
                ],
            )

    def sprint_blocks(self, sprint_id: int) -> list[SprintBlock]:
        """The sprint's blocks: done ones (in the order logged), then planned ones by date."""
        rows = self.conn.execute(
            "SELECT id, day, start, minutes, groups, goal, done_at, done_ids, minutes_spent, "
            "remaining_after FROM sprint_blocks WHERE sprint_id = ? "
            "ORDER BY done_at IS NULL, done_at, day, id",
            (sprint_id,),
        )
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
    ) -> int:
        """Mark a block done and its items written, and save the new pace, all at once.

        Returns the outstanding count after it. InputError (nothing changed) if an item is not
        open or the block is already done.
        """
        at_text = to_utc_text(at)
        with self.transaction() as conn:
            row = conn.execute(
                "SELECT done_at FROM sprint_blocks WHERE id = ?", (block_id,)
            ).fetchone()
            if row is None or row[0] is not None:
                raise InputError(f"block {block_id} is not a planned block; nothing changed")
            for item_id in item_ids:
                cur = conn.execute(
                    "UPDATE items SET written_at = ? WHERE id = ? AND written_at IS NULL",
                    (at_text, item_id),
                )
                if cur.rowcount != 1:
                    raise InputError(f"item {item_id} is not open; nothing changed")
            remaining = conn.execute(
                "SELECT count(*) FROM items WHERE written_at IS NULL AND blocked_on IS NULL"
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
            "CASE WHEN blocked_on IS NULL THEN NULL ELSE coalesce(blocked_since, '') END, "
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
            stale = [
                (key,)
                for (key,) in conn.execute(
                    "SELECT key FROM state WHERE key LIKE ?", (f"{SENT_PREFIX}%",)
                )
                if key not in keys
            ]
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
        return [
            Delivery(from_utc_text(r[0], self.tz), r[1], r[2], r[3], bool(r[4]), r[5]) for r in rows
        ]


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
