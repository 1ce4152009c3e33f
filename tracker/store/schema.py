"""The schema and its history: named steps, applied by sqlite-utils' `Migrations`.

`PRAGMA user_version` holds how many steps a database has, so opening one asks SQLite a plain
question first (`connection.Connection.upgrade`) and loads this module, and sqlite-utils (0.25 G
instructions, about 50 ms, to import), only when a step is missing: `status` and `log` load
neither. sqlite-utils keeps the history of the steps it applied in `_sqlite_migrations`. A new
database is built by running every step's SQL directly (its first `status` must not pay for
sqlite-utils either), so its history, like that of a database from before the history was kept,
starts with its first upgrade: the steps its user_version counts are recorded then, not run
again.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from typing import TYPE_CHECKING

from tracker.store.connection import APPLICATION_ID, SCHEMA_VERSION, version

if TYPE_CHECKING:
    from sqlite_utils import Database

HISTORY_SET = "caughtup"
"""The name of caughtup's migration set in sqlite-utils' history table."""
HISTORY_TABLE = "_sqlite_migrations"
"""sqlite-utils' record of the steps applied: the schema's, not the user's data (never exported)."""


# Each step upgrades the schema by one version: (its name in the history, its SQL). Never edit
# or rename a released step; append a new one. (Plain pairs: a NamedTuple class would cost every
# `status` 1 M instructions to create.)
STEPS: tuple[tuple[str, str], ...] = (
    # v1: items, day logs, and a key-value table for small state (sent alerts, current sprint).
    (
        "v1_items_days_state",
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
    ),
    # v2: self-check results, kept so they can be compared over time.
    (
        "v2_selfchecks",
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
    ),
    # v3: the catch-up sprint (one current at a time), its blocks, and the user's writing pace.
    (
        "v3_sprints_blocks_pace",
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
    ),
    # v4: weekly trends find the notes written in a span without scanning every item.
    (
        "v4_items_written_index",
        """
    CREATE INDEX items_written ON items (written_at) WHERE written_at IS NOT NULL;
    """,
    ),
    # v5: the outcome of each notification sent (never the URL: its masked form and a hash).
    (
        "v5_deliveries",
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
    ),
    # v6: an import key, so re-importing an EHR's item list skips the rows already imported;
    # and an application id in the file header, so a foreign SQLite file is never taken for ours.
    (
        "v6_import_key_application_id",
        f"""
    ALTER TABLE items ADD COLUMN import_key TEXT;
    CREATE UNIQUE INDEX items_import_key ON items (import_key) WHERE import_key IS NOT NULL;
    PRAGMA application_id = {APPLICATION_ID};
    """,
    ),
    # v7: a late entry's notation kept with its note; anonymous notes a check-in wrote the same
    # day name that day in cleared_by (as cleared ones name theirs), so a note marked written by
    # hand (cleared_by empty) is told apart from one a count wrote, and never counted twice.
    # Older ones are recognised by their written date (in UTC: SQL knows no time zone).
    (
        "v7_notation_cleared_by",
        """
    ALTER TABLE items ADD COLUMN notation TEXT;
    UPDATE items SET cleared_by = session_date
        WHERE source = 'count' AND cleared_by IS NULL AND substr(written_at, 1, 10) = session_date;
    CREATE INDEX items_cleared_by ON items (cleared_by) WHERE cleared_by IS NOT NULL;
    """,
    ),
    # v8: sessions from the calendar (source 'calendar', import_key 'cal:' + a hash of UID and
    # recurrence id) keep their length and CPT code. Never a title: nothing else is added.
    (
        "v8_calendar_items",
        """
    ALTER TABLE items ADD COLUMN minutes INTEGER;
    ALTER TABLE items ADD COLUMN cpt TEXT;
    """,
    ),
    # v9: the workload summary finds the notes ever blocked without scanning every item.
    (
        "v9_items_blocked_index",
        """
    CREATE INDEX items_blocked ON items (blocked_on) WHERE blocked_on IS NOT NULL;
    """,
    ),
)
if len(STEPS) != SCHEMA_VERSION:  # the number every open compares without loading this module
    raise RuntimeError(f"connection.SCHEMA_VERSION is {SCHEMA_VERSION}; the steps are {len(STEPS)}")


def create(conn: sqlite3.Connection) -> None:
    """Build the whole schema in an empty database, inside the caller's transaction."""
    for _, sql in STEPS:
        _run(conn, sql)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def upgrade(conn: sqlite3.Connection) -> None:
    """Apply the steps the database lacks and record them, inside the caller's write transaction.

    sqlite-utils runs each step in a savepoint of that transaction (`Database.atomic` nests),
    so a failed step takes every earlier one back with it, and a second process, waiting for
    the write lock, finds the steps applied and the history saying so.
    """
    from sqlite_utils import Database, Migrations  # ~50 ms to import: only when a step is due

    db = Database(conn, recursive_triggers=False, execute_plugins=False)
    migrations = Migrations(HISTORY_SET)
    have = version(conn)
    for number, (name, sql) in enumerate(STEPS, 1):
        migrations(name=name)(_applier(name, sql, already=number <= have))
    migrations.apply(db)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


def _applier(name: str, sql: str, *, already: bool) -> Callable[[Database], None]:
    """The migration function of a step; one the database already has is only recorded."""

    def apply(db: Database) -> None:
        if not already:
            _run(db.conn, sql)

    apply.__name__ = name
    return apply


def history(conn: sqlite3.Connection) -> list[str]:
    """The names of the steps sqlite-utils recorded, in the order applied (none before the first
    upgrade)."""
    found = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", (HISTORY_TABLE,)
    ).fetchone()
    if found is None:
        return []
    return [
        r[0]
        for r in conn.execute(
            f"SELECT name FROM {HISTORY_TABLE} WHERE migration_set = ? ORDER BY rowid",
            (HISTORY_SET,),
        )
    ]


def _run(conn: sqlite3.Connection, script: str) -> None:
    """Run a step's statements one by one (executescript would commit mid-transaction)."""
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            conn.execute(buffer.strip())
            buffer = ""
    if buffer.strip():
        conn.execute(buffer.strip())
