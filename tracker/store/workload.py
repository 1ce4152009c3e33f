"""What the workload summary reads: the settled notes counted in SQL, every other note as a light
item (no client reference, no flags it does not use), and light check-ins.

Settled notes are written, not blocked and their session by today: ten years hold some 13,000.
Reading each as an item and working through it in Python took 90 of the 236 ms of `summary
--weeks 520 --json`; here SQLite turns each into wall-clock seconds (the stored UTC moment plus
the zone's offset then, chosen by a binary CASE over the changes `clock.utc_offsets` found) and
counts them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time
from typing import Any

from tracker.models import DayLog, Item
from tracker.records import Settled
from tracker.store.connection import Connection, in_runs

EPOCH = date(1970, 1, 1)
WEEK = 7 * 86400
LONG_SPAN = 52
"""Weeks beyond which the settled notes are read in one pass over the table."""
# The stored UTC text as whole seconds since 1970 (julianday: one parse, exact to the second).
_SECONDS = "CAST(round((julianday({}) - 2440587.5) * 86400) AS INTEGER)"
SETTLED = "written_at IS NOT NULL AND blocked_on IS NULL AND session_date <= :today"
"""A settled note: written, never blocked, its session by today."""
_ITEM_COLUMNS = (
    "id, session_date, session_time, note_type, billed, admin, blocked_on, blocked_since, "
    "written_at"
)


def _offset_sql(offsets: Sequence[tuple[str, int]], lo: int, hi: int) -> str:
    """The offset in force at `written_at`: a binary search over the changes `lo` to `hi`."""
    if lo == hi:
        return f":offset{lo}"
    mid = (lo + hi + 1) // 2
    return (
        f"CASE WHEN written_at < :change{mid} THEN {_offset_sql(offsets, lo, mid - 1)} "
        f"ELSE {_offset_sql(offsets, mid, hi)} END"
    )


class WorkloadQueries(Connection):
    """The workload summary's reads."""

    def workload_items(self, start: date, start_utc: str, today: date) -> list[Item]:
        """The notes of the span from `start` (local midnight `start_utc`) that are not settled
        by `today`: open ones, blocked ones, written ones of sessions still to come. Only the
        columns the figures use: a summary cannot print what it never loads."""
        sql = (  # three indexes
            f"SELECT {_ITEM_COLUMNS} FROM items WHERE written_at IS NULL UNION ALL "
            f"SELECT {_ITEM_COLUMNS} FROM items INDEXED BY items_blocked WHERE "
            "blocked_on IS NOT NULL AND written_at IS NOT NULL AND (session_date >= :first "
            f"OR written_at >= :utc) UNION ALL SELECT {_ITEM_COLUMNS} FROM items WHERE "
            "session_date > :today AND written_at IS NOT NULL AND blocked_on IS NULL"
        )
        rows = self.conn.execute(
            sql,
            {"first": start.isoformat(), "utc": start_utc, "today": today.isoformat()},
        )
        tz, days, times = self.tz, _Parsed(date.fromisoformat), _Parsed(time.fromisoformat)
        # Positional, with the parse inline: a third faster than through `Item(...)`.
        new, parse = Item.__new__, datetime.fromisoformat
        return [
            new(
                Item,
                n,
                days[d],
                times[t] if t else None,
                note_type,
                None,
                billed != 0,
                False,
                False,
                admin != 0,
                blocked_on,
                parse(since).astimezone(tz) if since else None,
                parse(written).astimezone(tz) if written else None,
            )
            for n, d, t, note_type, billed, admin, blocked_on, since, written in rows
        ]

    def written_span(self, start: date, weeks: int) -> tuple[str, str] | None:
        """The first moment a note with a session from `start` on was written and the last any
        note was (UTC text): the moments `settled` reads for a span of `weeks` from `start`."""
        index = "+" if weeks > LONG_SPAN else ""
        # One aggregate each: a lone max() reads one end of the index, not all of it.
        first, last = self.conn.execute(
            "SELECT (SELECT min(written_at) FROM items WHERE written_at IS NOT NULL AND "
            f"{index}session_date >= ?), "
            "(SELECT max(written_at) FROM items WHERE written_at IS NOT NULL)",
            (start.isoformat(),),
        ).fetchone()
        return (first, last) if first else None

    def settled(
        self,
        start: date,
        weeks: int,
        today: date,
        since: str,
        now_utc: str,
        offsets: Sequence[tuple[str, int]],
        rule_seconds: int,
        close_seconds: int,
    ) -> Settled:
        """The settled notes of the `weeks` weeks from `start` (its local midnight `since`), on
        the wall clock of `offsets` (`clock.utc_offsets` over every written moment); one written
        within `close_seconds` of its due time (`rule_seconds` after its session) is a close
        call."""
        first_day = (start - EPOCH).days
        params: dict[str, Any] = {
            "first": start.isoformat(),
            "since": since,
            "today": today.isoformat(),
            "now": now_utc,
            "first_second": first_day * 86400,
            "first_day": first_day,
            "weeks": weeks,
            "rule": rule_seconds,
            "close": close_seconds,
        }
        for k, (change, offset) in enumerate(offsets):
            params[f"change{k}"], params[f"offset{k}"] = change, offset
        local = f"{_SECONDS.format('written_at')} + ({_offset_sql(offsets, 0, len(offsets) - 1)})"
        session = _SECONDS.format("session_date || coalesce(' ' || session_time, '')")
        begins = f"{session} + CASE WHEN session_time IS NULL THEN 86400 ELSE 0 END"
        # A span of most of the notes reads faster in one pass over the table than through an
        # index (a unary + keeps SQLite off it): 520 weeks of ten years, 8 -> 6 ms a pass.
        index = "+" if weeks > LONG_SPAN else ""
        out = Settled({}, [], [], {}, [], [], 0)
        # By note type, with each close call a group of its own. (OFFSET 0 keeps each inner
        # row's figures computed once rather than once per use.)
        types = self.conn.execute(
            "SELECT note_type, CASE WHEN abs(seconds - :rule) <= :close THEN id END, count(*), "
            "sum(seconds <= :rule), group_concat(max(0, seconds)), min(session_date), "
            "min(session_time), min(written_at) FROM (SELECT id, note_type, session_date, "
            f"session_time, written_at, {local} - ({begins}) AS seconds FROM items "
            f"WHERE {SETTLED} AND {index}session_date >= :first LIMIT -1 OFFSET 0) GROUP BY 1, 2",
            params,
        )
        seconds: dict[str, list[int]] = {}
        counts: dict[str, list[int]] = {}
        for note_type, close, n, within, texts, day, at, written in types:
            count = counts.setdefault(note_type, [0, 0])
            count[0] += n
            seconds.setdefault(note_type, []).extend(map(int, texts.split(",")))
            if close is None:
                count[1] += within
            else:
                out.close_calls.append((note_type, day, at, written))
        out.by_type.update((t, (n, w, seconds[t])) for t, (n, w) in counts.items())
        out.by_day.extend(
            self.conn.execute(
                "SELECT session_date, count(*), sum(admin = 0 AND note_type != 'admin') "
                f"FROM items WHERE {SETTLED} AND session_date >= :first GROUP BY session_date",
                params,
            )
        )
        # Per week: where its open run starts and ends (`waiting.by_week`), the week written,
        # whether written in the span, and the billing lag of a billed one with a session in it.
        weekly = self.conn.execute(
            f"""SELECT max(0, (day - :first_day) / 7),
                CASE WHEN written_at > :now THEN :weeks
                    ELSE max(0, (local - :first_second - 1) / {WEEK}) END,
                CASE WHEN local >= :first_second AND local < :first_second + :weeks * {WEEK}
                    THEN (local - :first_second) / {WEEK} END,
                written_at >= :since,
                CASE WHEN billed AND session_date >= :first THEN local / 86400 - day END,
                count(*)
            FROM (SELECT session_date, billed, written_at, {local} AS local,
                    CAST(julianday(session_date) - 2440587.5 AS INTEGER) AS day
                FROM items WHERE {SETTLED}
                    AND ({index}session_date >= :first OR {index}written_at >= :since)
                LIMIT -1 OFFSET 0)
            GROUP BY 1, 2, 3, 4, 5""",
            params,
        )
        done = 0
        for lo, hi, week, in_span, lag, n in weekly:
            if lo < hi:
                out.runs.append((lo, hi, n))
            if week is not None:
                out.written[week] = out.written.get(week, 0) + n
            if lag is not None:
                out.lags.append((lag, n))
            done += n if in_span else 0
        return out._replace(done=done)

    def calendar_minutes(self, start: date, today: date, weeks: int) -> dict[date, int]:
        """Scheduled patient minutes per day from `start` to `today` by the calendar: the
        lengths of its sessions (admin excluded), for the days it has any."""
        index = "+" if weeks > LONG_SPAN else ""
        rows = self.conn.execute(
            "SELECT session_date, sum(minutes) FROM items WHERE "
            f"{index}session_date >= ? AND {index}session_date <= ? AND minutes IS NOT NULL "
            "AND admin = 0 AND note_type != 'admin' GROUP BY session_date",
            (start.isoformat(), today.isoformat()),
        )
        return {date.fromisoformat(day): minutes for day, minutes in rows}

    def note_types(self, ids: Iterable[int]) -> dict[int, str]:
        """The note type of each of `ids` still in the database."""
        out: dict[int, str] = {}
        for run, marks in in_runs(sorted(set(ids))):
            out.update(
                self.conn.execute(f"SELECT id, note_type FROM items WHERE id IN ({marks})", run)
            )
        return out

    def workload_days(self, start: date, end: date) -> list[DayLog]:
        """The check-ins from `start` to `end` with only what the workload reads (no ratings, no
        time logged): ten years of them in 2 ms rather than 9."""
        rows = self.conn.execute(
            "SELECT day, sessions, written, after_hours FROM days WHERE day >= ? AND day <= ? "
            "ORDER BY day",
            (start.isoformat(), end.isoformat()),
        )
        parse = date.fromisoformat
        return [DayLog(parse(d), n, w, 0, after) for d, n, w, after in rows]


class _Parsed(dict[str, Any]):
    """A text's parsed value, parsed once: ten years of notes share a few thousand dates."""

    def __init__(self, parse: Callable[[str], Any]) -> None:
        super().__init__()
        self.parse = parse

    def __missing__(self, key: str) -> Any:
        value = self[key] = self.parse(key)
        return value
