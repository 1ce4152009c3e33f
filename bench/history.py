"""A synthetic, realistic history for the benchmark, written straight into the store's schema.

A clinician with 25 sessions a week (five a day, Monday to Friday) for ten years: most notes
written the same day, a few backlog episodes a year (notes slip, then a catch-up clears them),
a backlog running now (three weeks old, some items blocked, a few court or high-risk), a check-in
for every working day, and optionally self-checks every four weeks. Rows go in with
`executemany` in one transaction through the store's own connection, so ten years take well
under a second to write and the schema is whatever the store's migrations make it.
"""

from __future__ import annotations

import json
import random
import sqlite3
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from tracker import settings as settings_module
from tracker.clock import to_utc_text
from tracker.store import Store

TIMEZONE = "America/Chicago"
SESSION_TIMES = (time(9), time(10), time(11), time(14), time(15), time(16), time(17))
NOTE_TYPES = (
    ("progress", 80),
    ("intake", 5),
    ("treatment_plan", 5),
    ("group", 5),
    ("case_note", 3),
    ("court_report", 1),
    ("admin", 1),
)
BLOCKERS = ("result", "referral", "coding_query")

ITEM_SQL = (
    "INSERT INTO items (session_date, session_time, note_type, client_ref, billed, court, "
    "high_risk, admin, blocked_on, blocked_since, written_at, created_at, source, cleared_by) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
DAY_SQL = (
    "INSERT INTO days (day, sessions, written, cleared, after_hours, dread, drained, logged_at) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?)"
)


@dataclass
class Shape:
    """What to write; the defaults are the benchmark's ten-year clinician."""

    years: int = 10
    sessions_per_week: int = 25
    current_backlog_days: int = 21
    """The backlog running now started this many days ago (0: caught up)."""
    extra_written: int = 0
    """Extra finished notes (case notes, admin) spread over the years, for volume tests."""
    open_items: int = 0
    """Reopen the newest notes until this many are outstanding (a 2,000-note plan)."""
    selfchecks: bool = True
    seed: int = 9


def build(home: Path, now: datetime, shape: Shape | None = None) -> dict[str, int]:
    """Write the history into a fresh data folder `home`; returns counts of what was written."""
    shape = shape or Shape()
    rng = random.Random(shape.seed)
    tz = ZoneInfo(TIMEZONE)
    now = now.replace(tzinfo=tz) if now.tzinfo is None else now.astimezone(tz)
    settings = settings_module.with_values(
        settings_module.DEFAULTS, {"timezone": TIMEZONE, "onboarded": True}
    )
    settings_module.save(home, settings)

    today = now.date()
    first = today - timedelta(days=365 * shape.years)
    episodes = _episodes(rng, first, today, shape.current_backlog_days)
    items: list[tuple[object, ...]] = []
    days: list[tuple[object, ...]] = []
    cleared: dict[date, int] = {}
    per_day = _sessions_per_day(shape.sessions_per_week)
    clients = [f"C{n}" for n in range(1, 81)]

    day = first
    while day <= today:
        count = per_day[day.weekday()]
        if count == 0 or (day == today and now.time() < time(18)):
            day += timedelta(days=1)
            continue
        episode = next((e for e in episodes if e[0] <= day <= e[1]), None)
        itemized = rng.random() < 0.6
        same_day = 0
        for slot in range(count):
            session_time = SESSION_TIMES[slot % len(SESSION_TIMES)] if itemized else None
            written, cleared_by = _written(rng, day, episode, now, tz)
            if written is not None and written.date() == day:
                same_day += 1
            if cleared_by is not None:
                cleared[cleared_by] = cleared.get(cleared_by, 0) + 1
            note_type = _pick(rng, NOTE_TYPES) if itemized else "progress"
            is_open = written is None
            blocked = is_open and rng.random() < 0.06
            items.append(
                (
                    day.isoformat(),
                    session_time.strftime("%H:%M") if session_time else None,
                    note_type,
                    rng.choice(clients) if itemized else None,
                    int(itemized and rng.random() < 0.3),
                    int(itemized and note_type == "court_report"),
                    int(itemized and rng.random() < 0.04),
                    int(note_type == "admin"),
                    rng.choice(BLOCKERS) if blocked else None,
                    to_utc_text(_at(day, time(18), tz)) if blocked else None,
                    to_utc_text(written) if written else None,
                    to_utc_text(_at(day, time(18), tz)),
                    "item" if itemized else "count",
                    cleared_by.isoformat() if cleared_by else None,
                )
            )
        in_episode = episode is not None
        days.append(
            (
                day.isoformat(),
                count,
                same_day,
                0,  # the cleared counts are filled in below, once every catch-up is known
                rng.randint(30, 120) if in_episode else rng.choice((0, 0, 0, 10, 20, 45)),
                rng.randint(2, 4) if in_episode else rng.randint(0, 2),
                rng.randint(1, 4) if in_episode else rng.randint(0, 2),
                to_utc_text(_at(day, time(18, 30), tz)),
            )
        )
        day += timedelta(days=1)
    days = [(d[0], d[1], d[2], cleared.get(date.fromisoformat(d[0]), 0), *d[4:]) for d in days]

    for _ in range(shape.extra_written):
        on = first + timedelta(days=rng.randrange((today - first).days))
        written_at = to_utc_text(_at(on, time(19), tz))
        items.append(
            (on.isoformat(), None, rng.choice(("case_note", "admin")), None, 0, 0, 0, 1, None,
             None, written_at, written_at, "item", None)
        )  # fmt: skip

    items.sort(key=lambda row: str(row[0]))  # ids in the order the notes were owed, as in use
    with Store.open(home, tz) as store, store.transaction() as conn:
        conn.executemany(ITEM_SQL, items)
        conn.executemany(DAY_SQL, days)
        if shape.open_items:
            _reopen(conn, shape.open_items)
        checks = _selfchecks(conn, rng, first, today, tz) if shape.selfchecks else 0
        outstanding = conn.execute(
            "SELECT count(*) FROM items WHERE written_at IS NULL AND blocked_on IS NULL"
        ).fetchone()[0]
    return {
        "items": len(items),
        "days": len(days),
        "episodes": len(episodes),
        "outstanding": outstanding,
        "selfchecks": checks,
    }


def _sessions_per_day(per_week: int) -> list[int]:
    """Sessions on each weekday (Monday first), spread over Monday to Friday."""
    base, extra = divmod(per_week, 5)
    return [base + (1 if n < extra else 0) for n in range(5)] + [0, 0]


def _episodes(
    rng: random.Random, first: date, today: date, current_days: int
) -> list[tuple[date, date, date]]:
    """(start, end, catch-up day) of each backlog episode; the last one runs now, unfinished."""
    episodes = []
    day = first + timedelta(days=rng.randint(20, 90))
    while day < today - timedelta(days=120):
        end = day + timedelta(days=rng.randint(14, 42))
        episodes.append((day, end, end + timedelta(days=rng.randint(2, 14))))
        day = end + timedelta(days=rng.randint(60, 150))
    if current_days:
        start = today - timedelta(days=current_days)
        episodes.append((start, today, today + timedelta(days=365)))
    return episodes


def _written(
    rng: random.Random,
    day: date,
    episode: tuple[date, date, date] | None,
    now: datetime,
    tz: ZoneInfo,
) -> tuple[datetime | None, date | None]:
    """(when the note was written or None if still open, the check-in day that cleared it)."""
    roll = rng.random()
    if episode is None:
        if roll < 0.85:
            return _at(day, time(17, rng.randint(0, 59)), tz), None
        later = day + timedelta(days=1 if roll < 0.95 else rng.randint(2, 4))
        if later > now.date():
            return None, None
        return _at(later, time(19, 30), tz), None
    if roll < 0.45:
        return _at(day, time(17, 45), tz), None
    catch_up = episode[2] + timedelta(days=rng.randint(0, 6))
    if catch_up >= now.date():
        return None, None
    return _at(catch_up, time(23, 59), tz), catch_up


def _reopen(conn: sqlite3.Connection, count: int) -> None:
    """Make the newest `count` unblocked notes outstanding again (a large backlog to plan)."""
    conn.execute(
        "UPDATE items SET written_at = NULL, cleared_by = NULL WHERE id IN ("
        "SELECT id FROM items WHERE blocked_on IS NULL ORDER BY session_date DESC, id DESC "
        "LIMIT ?)",
        (count,),
    )


def _selfchecks(
    conn: sqlite3.Connection, rng: random.Random, first: date, today: date, tz: ZoneInfo
) -> int:
    """One self-check every four weeks, if this version of the store keeps them."""
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "selfchecks" not in tables:
        return 0
    rows = []
    day = first + timedelta(days=28)
    while day <= today:
        overload, burnout = rng.randint(10, 90), rng.randint(0, 70)
        profile = {
            (True, True): "both",
            (True, False): "documentation_overload",
            (False, True): "broader_burnout",
            (False, False): "neither",
        }[(overload >= 50, burnout >= 50)]
        scores = {"overload": overload, "burnout": burnout, "safety": 0, "context": 40}
        rows.append(
            (day.isoformat(), to_utc_text(_at(day, time(20), tz)), "selfcheck", json.dumps({}),
             json.dumps(scores), profile, 0)
        )  # fmt: skip
        day += timedelta(days=28)
    conn.executemany(
        "INSERT INTO selfchecks (taken_on, taken_at, questionnaire, answers, scores, profile, "
        "safety_flag) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return len(rows)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([w[0] for w in weighted], [w[1] for w in weighted])[0]


def _at(day: date, at: time, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, at, tzinfo=tz).astimezone(UTC)
