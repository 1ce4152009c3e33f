"""Items that came from the calendar: reading them for a sync, and applying a sync's plan.

A calendar item is an item row with `source = 'calendar'` and `import_key` = `cal:` + the hash
of its event's UID and recurrence id (never a title); `minutes` and `cpt` hold its length and
code. An item the user edited keeps its key but becomes `source = 'item'`: the calendar no longer
owns it. What a plan means for the day's check-in (`sync.adopt`) is decided in the core.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from tracker.clock import to_utc_text
from tracker.store.connection import in_runs
from tracker.store.items import ItemQueries

if TYPE_CHECKING:  # loaded by calendar commands only
    from tracker.calendar.sessions import Session
    from tracker.calendar.sync import Imported, SyncPlan

KEY_PREFIX = "cal:"
_CALENDAR = "import_key >= 'cal:' AND import_key < 'cal;'"  # the unique index answers it


class CalendarQueries(ItemQueries):
    """The items table, as far as the calendar owns it."""

    def calendar_items(self) -> list[Imported]:
        """Every item imported from the calendar, the user's edited ones included."""
        from tracker.calendar.sync import Imported

        rows = self.conn.execute(
            "SELECT id, import_key, session_date, session_time, minutes, note_type, cpt, "
            f"client_ref, written_at IS NOT NULL, source != 'calendar' FROM items WHERE {_CALENDAR}"
        )
        return [
            Imported(
                id=r[0],
                key=r[1].removeprefix(KEY_PREFIX),
                date=date.fromisoformat(r[2]),
                start=time.fromisoformat(r[3]) if r[3] else None,
                minutes=r[4],
                note_type=r[5],
                cpt=r[6],
                client_ref=r[7],
                written=bool(r[8]),
                edited=bool(r[9]),
            )
            for r in rows
        ]

    def calendar_sessions_on(self, day: date) -> int:
        """How many sessions of `day` the calendar gave (edited ones included)."""
        row = self.conn.execute(
            f"SELECT count(*) FROM items WHERE {_CALENDAR} AND session_date = ?",
            (day.isoformat(),),
        ).fetchone()
        return int(row[0])

    def apply_sync(self, plan: SyncPlan, now: datetime) -> None:
        """Apply a sync plan inside the caller's write transaction (`calendar.apply.sync` opens
        it, reads the items and plans in it, so nothing changes in between)."""
        from tracker.calendar.sync import adopt

        conn = self.conn
        days = sorted({s.date.isoformat() for s in plan.adds} | _removed_days(plan))
        logged = _logged(conn, days)
        anonymous = _anonymous(conn, sorted({s.date.isoformat() for s in plan.adds}))
        adoption = adopt(plan.adds, anonymous, logged.keys(), [r.item for r in plan.removals])
        conn.executemany(
            "UPDATE items SET session_time = ?, minutes = ?, note_type = ?, cpt = ?, "
            "client_ref = ?, source = 'calendar', import_key = ? WHERE id = ?",
            [(*_fields(s), item_id) for s, item_id in adoption.adopted],
        )
        created = to_utc_text(now)
        conn.executemany(
            "INSERT INTO items (session_date, session_time, minutes, note_type, cpt, client_ref, "
            "source, import_key, created_at) VALUES (?, ?, ?, ?, ?, ?, 'calendar', ?, ?)",
            [(s.date.isoformat(), *_fields(s), created) for s in adoption.inserted],
        )
        conn.executemany(
            "UPDATE items SET session_date = ?, session_time = ?, minutes = ?, note_type = ?, "
            "cpt = ?, client_ref = ? WHERE id = ? AND written_at IS NULL AND source = 'calendar'",
            [(m.session.date.isoformat(), *_fields(m.session)[:-1], m.item.id) for m in plan.moves],
        )
        conn.executemany(
            "DELETE FROM items WHERE id = ? AND written_at IS NULL AND source = 'calendar'",
            [(r.item.id,) for r in plan.removals],
        )
        conn.executemany(
            "UPDATE days SET sessions = max(0, min(40, sessions + ?)), "
            "written = min(written, max(0, min(40, sessions + ?))) WHERE day = ?",
            [(n, n, day.isoformat()) for day, n in adoption.sessions.items() if n],
        )


def _fields(s: Session) -> tuple[Any, ...]:
    return (
        s.start.strftime("%H:%M"),
        s.minutes,
        s.note_type,
        s.cpt,
        s.client_ref,
        KEY_PREFIX + s.key,
    )


def _removed_days(plan: SyncPlan) -> set[str]:
    return {r.item.date.isoformat() for r in plan.removals}


def _logged(conn: sqlite3.Connection, days: Sequence[str]) -> dict[date, int]:
    """The check-ins among `days`, with their sessions."""
    found: dict[date, int] = {}
    for run, marks in in_runs(days):
        found |= {
            date.fromisoformat(d): n
            for d, n in conn.execute(f"SELECT day, sessions FROM days WHERE day IN ({marks})", run)
        }
    return found


def _anonymous(conn: sqlite3.Connection, days: Sequence[str]) -> list[tuple[int, date]]:
    """The anonymous notes a check-in made on `days`: (id, day), oldest first."""
    found: list[tuple[int, date]] = []
    for run, marks in in_runs(days):
        found += [
            (i, date.fromisoformat(d))
            for i, d in conn.execute(
                f"SELECT id, session_date FROM items WHERE source = 'count' "
                f"AND session_date IN ({marks}) ORDER BY id",
                run,
            )
        ]
    return found
