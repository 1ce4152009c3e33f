"""The workload summary counts settled notes in SQL (`store.settled`) and reads the rest as items:
its figures must be the ones the pure `workload.workload` gives from every note as an item, in
any zone, across clock changes, for notes written at week boundaries, around their due time,
before their session, after now, blocked, open or billed."""

from __future__ import annotations

import tempfile
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import workload
from tracker import workload_report as page
from tracker.clock import to_utc_text, utc_offsets
from tracker.models import DayLog, Item
from tracker.settings import Rules, Settings
from tracker.store import Store

ZONES = ["America/New_York", "Europe/London", "Australia/Lord_Howe", "Asia/Kolkata", "UTC"]
# Moments just after a clock change and in ordinary weeks (local wall time).
NOWS = [
    datetime(2026, 11, 2, 9, 0),
    datetime(2026, 3, 9, 1, 30),
    datetime(2026, 10, 26, 0, 30),
    datetime(2026, 4, 6, 2, 15),
    datetime(2026, 7, 15, 17, 45),
]
TYPES = ["progress", "intake", "admin"]


@st.composite
def notes(draw: st.DrawFn, today: date, tz: ZoneInfo, days_back: int) -> list[Item]:
    out = []
    for _ in range(draw(st.integers(0, 40))):
        day = today - timedelta(days=draw(st.integers(-3, days_back)))
        at = draw(st.none() | st.times().map(lambda t: t.replace(second=0, microsecond=0)))
        start = datetime.combine(day + timedelta(days=at is None), at or time(0), tzinfo=tz)
        written = None
        kind = draw(st.sampled_from(["open", "minutes", "due", "midnight", "before", "late"]))
        if kind == "minutes":
            written = start + timedelta(minutes=draw(st.integers(0, 60 * 30)))
        elif kind == "due":  # near the due time, on either side of it
            written = start + timedelta(hours=24, seconds=draw(st.integers(-7200, 7200)))
        elif kind == "midnight":  # a local midnight: a week's boundary
            written = datetime.combine(
                day + timedelta(days=draw(st.integers(0, 9))), time(0), tzinfo=tz
            )
        elif kind == "before":
            written = start - timedelta(hours=draw(st.integers(1, 60)))
        elif kind == "late":
            written = start + timedelta(days=draw(st.integers(2, 40)))
        blocked = draw(st.sampled_from([None, None, None, "result", "coding_query"]))
        out.append(
            Item(
                None,
                day,
                at,
                draw(st.sampled_from(TYPES)),
                billed=draw(st.booleans()),
                admin=draw(st.booleans()) and draw(st.booleans()),
                blocked_on=blocked,
                blocked_since=start + timedelta(hours=5) if blocked else None,
                written_at=written.astimezone(tz).replace(microsecond=0) if written else None,
            )
        )
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_counting_settled_notes_in_sql_gives_the_figures_of_every_note(data: st.DataObject) -> None:
    tz = ZoneInfo(data.draw(st.sampled_from(ZONES)))
    now = data.draw(st.sampled_from(NOWS)).replace(tzinfo=tz)
    weeks = data.draw(st.sampled_from([1, 2, 5, 30]))
    rules = Rules(rule_hours=data.draw(st.sampled_from([24, 48, 1])))
    s = Settings(rules=rules, first_weekday=data.draw(st.sampled_from(["mon", "sun"])))
    items = data.draw(notes(now.date(), tz, weeks * 7 + 14))
    logs = [DayLog(now.date() - timedelta(days=k), 5, 4, after_hours=20) for k in range(0, 30, 3)]
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder), tz) as store:
        store.add_items(items, now)
        for log in logs:
            store.conn.execute(
                "INSERT INTO days (day, sessions, written, cleared, after_hours, logged_at) "
                "VALUES (?, ?, ?, 0, ?, ?)",
                (log.day.isoformat(), log.sessions, log.written, log.after_hours, to_utc_text(now)),
            )
        counted = page.gather(store, s, now, weeks)[0]
        every = workload.workload(
            store.items(),
            store.days(),
            [],
            s,
            now,
            weeks,
            typical_session_minutes=s.workload.session_minutes,
        )
    assert counted.to_json() == every.to_json()


def test_the_offsets_are_the_zones_to_the_second() -> None:
    tz = ZoneInfo("America/New_York")
    first, last = datetime(2025, 12, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC)
    assert utc_offsets(tz, first, last) == [
        ("", -5 * 3600),
        ("2026-03-08T07:00:00+00:00", -4 * 3600),
        ("2026-11-01T06:00:00+00:00", -5 * 3600),
    ]
    half = utc_offsets(ZoneInfo("Australia/Lord_Howe"), first, last)
    assert [o for _, o in half] == [39600, 37800, 39600]  # a half-hour change
    assert utc_offsets(UTC, first, last) == [("", 0)]


def test_note_types_reads_any_number_of_ids(tmp_path: Path) -> None:
    with Store.open(tmp_path, UTC) as store:
        day = date(2026, 1, 5)
        ids = store.add_items(
            [Item(None, day, note_type=TYPES[k % 3]) for k in range(1203)], datetime.now(UTC)
        )
        types = store.note_types([*ids, 999_999])
    assert len(types) == 1203 and types[ids[4]] == "intake"


def test_a_note_written_in_the_repeated_hour_is_late_by_the_real_clock(tmp_path: Path) -> None:
    """Due at 01:30 EDT on the night clocks go back; written at 01:15 EST, an hour later: on the
    wall clock it looks early, so the count must take the real moments."""
    tz = ZoneInfo("America/New_York")
    now = datetime(2026, 11, 2, 9, 0, tzinfo=tz)
    written = datetime(2026, 11, 1, 6, 15, tzinfo=UTC)  # 01:15 EST, the second 01:15
    item = Item(None, date(2026, 10, 31), time(1, 30), written_at=written)
    s = Settings()
    with Store.open(tmp_path, tz) as store:
        store.add_items([item], now)
        counted = page.gather(store, s, now, 2)[0]
        every = workload.workload(store.items(), [], [], s, now, 2, typical_session_minutes=50)
    assert every.rule.within_rule_share == 0.0
    assert counted.to_json() == every.to_json()


def test_scheduled_time_is_the_calendars_on_the_days_it_covers(tmp_path: Path) -> None:
    """After-hours per 8 scheduled hours divides by the calendar's session lengths where the
    calendar has the day, else by sessions x the typical length (50 minutes here)."""
    now = datetime(2026, 11, 27, 18, 0, tzinfo=UTC)
    with Store.open(tmp_path, UTC) as store:
        for k in range(21):
            day = now.date() - timedelta(days=k)
            start = datetime.combine(day, time(9), tzinfo=UTC)
            calendar = k < 14  # the last two weeks came from the calendar: 60-minute sessions
            store.conn.execute(
                "INSERT INTO items (session_date, session_time, note_type, source, created_at, "
                "written_at, minutes) VALUES (?, '09:00', 'progress', ?, ?, ?, ?)",
                (
                    day.isoformat(),
                    "calendar" if calendar else "item",
                    to_utc_text(start),
                    to_utc_text(start + timedelta(hours=3)),
                    60 if calendar else None,
                ),
            )
            store.conn.execute(
                "INSERT INTO days (day, sessions, written, cleared, after_hours, logged_at) "
                "VALUES (?, 1, 1, 0, 30, ?)",
                (day.isoformat(), to_utc_text(now)),
            )
        w = page.gather(store, Settings(), now, 3)[0]
    # The span's 19 days (Mon 9 to Fri 27 Nov) x 30 minutes after hours, over 14 calendar days
    # x 60 minutes and 5 other days x 50, x 480 (without the calendar's lengths: 288.0)
    assert w.after_hours_per_8h == round(19 * 30 / (14 * 60 + 5 * 50) * 480, 1) == 251.0
