"""Day logs (check-ins), applying a check-in to the day's notes, and what weekly trends read."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from tracker.clock import from_utc_text, to_utc_text
from tracker.models import DayLog
from tracker.settings import DEFAULTS, Rules
from tracker.store.items import ITEM_COLUMNS, WAITS_ON_OTHERS_SQL, ItemQueries

DEFAULT_RULES: Rules = DEFAULTS.rules
_DAY_COLUMNS = "day, sessions, written, cleared, after_hours, dread, drained, logged_at"


class DayQueries(ItemQueries):
    """The days table, and the items a check-in changes."""

    def day(self, day: date) -> DayLog | None:
        """A day's check-in as shown (`checkin.as_shown`: with the older notes written that day
        since, by hand or in a block)."""
        from tracker.checkin import as_shown

        start = to_utc_text(datetime.combine(day, time(0), self.tz))
        end = to_utc_text(datetime.combine(day + timedelta(days=1), time(0), self.tz))
        row = self.conn.execute(
            f"SELECT {_DAY_COLUMNS}, (SELECT count(*) FROM items WHERE +session_date < :day "
            "AND written_at >= :start AND written_at < :end) FROM days WHERE day = :day",
            {"day": day.isoformat(), "start": start, "end": end},
        ).fetchone()
        return as_shown(self._daylog(row), row[-1]) if row else None

    def days(self, start: date | None = None, end: date | None = None) -> list[DayLog]:
        """Day logs from `start` to `end` inclusive, oldest first."""
        rows = self.conn.execute(
            f"SELECT {_DAY_COLUMNS} FROM days WHERE day >= ? AND day <= ? ORDER BY day",
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
        """Save a check-in and bring the day's notes in line with it, in one transaction:
        `checkin.reconcile` decides what changes (late notes with notations from `rules`, the
        default settings when None), this reads the notes it needs and applies its answer.
        Re-logging a day corrects it; it never adds twice. Returns `checkin.outcome`.
        """
        # Only writes reconcile: `status` skips the check-in module's records (about 0.3 ms).
        from tracker.checkin import outcome, reconcile

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
            changes = (
                (
                    "UPDATE items SET written_at = ?, cleared_by = ?, notation = NULL WHERE id = ?",
                    [(at, day, i) for i in change.write],
                ),
                (
                    "UPDATE items SET written_at = NULL, cleared_by = NULL, notation = NULL "
                    "WHERE id = ?",
                    [(i,) for i in change.unwrite + change.reopen],
                ),
                ("DELETE FROM items WHERE id = ?", [(i,) for i in change.delete]),
                (
                    "INSERT INTO items (session_date, note_type, created_at, source, written_at, "
                    "cleared_by) VALUES (?, 'progress', ?, 'count', ?, ?)",
                    [(day, created, at, day)] * change.new_written
                    + [(day, created, None, None)] * change.new_open,
                ),
                (
                    "UPDATE items SET written_at = ?, cleared_by = ?, notation = ? WHERE id = ?",
                    [(at, day, notation, i) for i, notation in change.clear],
                ),
            )
            for sql, rows in changes:
                if rows:  # most check-ins change one or two kinds: the rest are not even prepared
                    conn.executemany(sql, rows)
            kept = change.log
            conn.execute(
                f"INSERT INTO days ({_DAY_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                "ON CONFLICT (day) DO UPDATE SET sessions = excluded.sessions, "
                "written = excluded.written, cleared = excluded.cleared, "
                "after_hours = excluded.after_hours, dread = excluded.dread, "
                "drained = excluded.drained, logged_at = excluded.logged_at",
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
        return outcome(change, now)

    def habit_rows(
        self, since: date | None = None
    ) -> list[tuple[str, str | None, str | None, int]]:
        """What the same-day habit reads: each item (with a session from `since` on) as
        (session date, time, written moment, 1)."""
        # Not grouped in SQL: written moments are nearly all distinct, so a GROUP BY only adds a
        # sort (47 ms against 14 ms for the ten-year benchmark history's 13,000 items).
        return self.conn.execute(
            "SELECT session_date, session_time, written_at, 1 FROM items WHERE session_date >= ?",
            ((since or date.min).isoformat(),),
        ).fetchall()

    def checkin_days(self) -> set[date]:
        """The days with a check-in logged."""
        return {date.fromisoformat(d) for (d,) in self.conn.execute("SELECT day FROM days")}

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
