"""Weekly trends against weeks computed by hand, on a real SQLite file."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import rules, trends
from tracker.models import DayLog, Item
from tracker.settings import Rules, Settings
from tracker.store import Store


def at(day: str, hhmm: str, tz: tzinfo) -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(hhmm), tzinfo=tz)


def item(day: str, hhmm: str | None = None, **kw: object) -> Item:
    return Item(
        id=None,
        session_date=date.fromisoformat(day),
        session_time=time.fromisoformat(hhmm) if hhmm else None,
        **kw,  # type: ignore[arg-type]
    )


def rating_log(store: Store, day: str, after: int, dread: int | None, drained: int | None) -> None:
    """A check-in carrying only after-hours minutes and ratings (its sessions are the items)."""
    log = DayLog(date.fromisoformat(day), 0, 0, 0, after, dread, drained)
    store.log_day(log, at(day, "20:00", store.tz))


def weeks_of(store: Store, now: datetime, n: int, **settings_kw: object) -> list[trends.Week]:
    return trends.weekly(store, Settings(**settings_kw), now, n)  # type: ignore[arg-type]


def test_four_hand_computed_weeks_with_a_gap_and_the_week_under_way(tmp_path: Path) -> None:
    tz = UTC
    store = Store.open(tmp_path, tz)
    now = at("2026-11-22", "18:00", tz)  # Sunday; weeks start Monday
    store.add_items(
        [
            # Week of 26 Oct.
            item("2026-10-27", written_at=at("2026-10-28", "10:00", tz)),  # due 29th 00:00: within
            item("2026-10-27", "14:00", written_at=at("2026-10-28", "15:00", tz)),  # an hour late
            item("2026-10-30"),  # still open
            item(  # open, waiting on a referral from 3 Nov: outstanding until then
                "2026-10-31",
                blocked_on="referral",
                blocked_since=at("2026-11-03", "09:00", tz),
            ),
            # Before the span: open at its start, written in the week of 9 Nov.
            item("2026-10-20", written_at=at("2026-11-10", "09:00", tz)),
            # Before the span and irrelevant to it: written long ago; blocked all along.
            item("2026-01-05", written_at=at("2026-01-06", "09:00", tz)),
            item("2025-06-01", blocked_on="result"),
            # Week of 2 Nov: nothing at all.
            # Week of 9 Nov.
            item("2026-11-12", "09:00", written_at=at("2026-11-12", "17:00", tz)),
            item("2026-11-13", "10:00", written_at=at("2026-11-14", "10:00", tz)),  # on the dot
            # Week of 16 Nov (under way): one open, one blocked with no known start.
            item("2026-11-22"),
            item("2026-11-20", blocked_on="result"),
        ],
        now,
    )
    rating_log(store, "2026-10-27", 30, 3, 1)
    rating_log(store, "2026-10-28", 10, 2, None)
    rating_log(store, "2026-11-12", 0, 1, 0)

    weeks = weeks_of(store, now, 4)

    assert [w.to_json() for w in weeks] == [
        {
            "week_start": "2026-10-26",
            "sessions": 4,
            "written": 2,
            "within_24h_rate": 0.25,
            "outstanding_end": 3,  # 30 Oct, 31 Oct (not yet blocked), 20 Oct
            "after_hours_minutes": 40,
            "dread_mean": 2.5,
            "drained_mean": 1.0,
            "partial": False,
        },
        {
            "week_start": "2026-11-02",
            "sessions": None,
            "written": None,
            "within_24h_rate": None,
            "outstanding_end": None,
            "after_hours_minutes": None,
            "dread_mean": None,
            "drained_mean": None,
            "partial": False,
        },
        {
            "week_start": "2026-11-09",
            "sessions": 2,
            "written": 3,
            "within_24h_rate": 1.0,
            "outstanding_end": 1,  # 30 Oct; 31 Oct is blocked now
            "after_hours_minutes": 0,
            "dread_mean": 1.0,
            "drained_mean": 0.0,
            "partial": False,
        },
        {
            "week_start": "2026-11-16",
            "sessions": 2,
            "written": 0,
            "within_24h_rate": 0.0,
            "outstanding_end": 2,  # 30 Oct and today's
            "after_hours_minutes": None,  # no check-in this week, only items
            "dread_mean": None,
            "drained_mean": None,
            "partial": True,
        },
    ]
    assert weeks[1].gap and not weeks[0].gap


def test_weeks_start_on_the_configured_day_across_a_year_boundary(tmp_path: Path) -> None:
    tz = UTC
    store = Store.open(tmp_path, tz)
    now = at("2027-01-05", "12:00", tz)  # a Tuesday
    store.add_items(
        [
            item("2026-12-26"),  # Saturday: the week before
            item("2026-12-27", written_at=at("2026-12-27", "18:00", tz)),  # Sunday: first day
            item("2026-12-31", "10:00", written_at=at("2027-01-02", "23:30", tz)),  # late
            item("2027-01-02", written_at=at("2027-01-02", "23:59", tz)),  # Saturday: last day
            item("2027-01-03", written_at=at("2027-01-03", "00:00", tz)),  # next week
        ],
        now,
    )
    weeks = weeks_of(store, now, 3, first_weekday="sun")

    assert [w.week_start for w in weeks] == [
        date(2026, 12, 20),
        date(2026, 12, 27),
        date(2027, 1, 3),
    ]
    assert (weeks[0].sessions, weeks[0].written, weeks[0].outstanding_end) == (1, 0, 1)
    year_end = weeks[1]
    assert (year_end.sessions, year_end.written, year_end.within_24h_rate) == (3, 3, 0.667)
    assert year_end.outstanding_end == 1  # 26 Dec is still open
    assert not year_end.partial
    assert (weeks[2].sessions, weeks[2].written, weeks[2].partial) == (1, 1, True)
    # The same data with Monday weeks: 28 Dec to 3 Jan is one week spanning both years.
    monday = weeks_of(store, now, 2, first_weekday="mon")
    assert [w.week_start for w in monday] == [date(2026, 12, 28), date(2027, 1, 4)]
    assert (monday[0].sessions, monday[0].written) == (3, 3)
    assert monday[1].gap


def test_dst_week_uses_local_midnights_and_wall_clock_due_times(tmp_path: Path) -> None:
    # Europe/Dublin springs forward on Sunday 29 March 2026 at 01:00 UTC: that week has 167
    # hours, and Monday 30 March begins at 23:00 UTC on the Sunday.
    tz = ZoneInfo("Europe/Dublin")
    store = Store.open(tmp_path, tz)
    now = at("2026-04-01", "12:00", tz)
    store.add_items(
        [
            # Date-only session on Saturday: due at the end of Sunday on the wall clock, Monday
            # 00:00 IST (23:00 UTC). Written Monday 00:30 IST (Sunday 23:30 UTC): half an hour
            # late, and in the week of 30 March, though it is still Sunday in UTC.
            item("2026-03-28", written_at=at("2026-03-30", "00:30", tz)),
            # Sunday's session, written Sunday 23:50 IST (22:50 UTC): in time, week of 23 March.
            item("2026-03-29", written_at=at("2026-03-29", "23:50", tz)),
        ],
        now,
    )
    rating_log(store, "2026-03-29", 25, 2, 2)
    dst, after = weeks_of(store, now, 2, timezone="Europe/Dublin")

    assert dst.week_start == date(2026, 3, 23)
    assert (dst.sessions, dst.written, dst.within_24h_rate) == (2, 1, 0.5)
    # At the week's end (Monday 00:00 IST) Saturday's note was not yet written.
    assert dst.outstanding_end == 1
    assert (dst.after_hours_minutes, dst.dread_mean) == (25, 2.0)
    # No session that week, but a note written: not a gap.
    assert (after.week_start, after.written, after.sessions) == (date(2026, 3, 30), 1, 0)
    assert (after.within_24h_rate, after.outstanding_end) == (None, 0)
    assert after.partial


def test_due_times_on_the_dot_and_a_minute_late(tmp_path: Path) -> None:
    tz = ZoneInfo("America/Chicago")  # clocks fall back on Sunday 1 November 2026
    store = Store.open(tmp_path, tz)
    now = at("2026-11-20", "12:00", tz)
    store.add_items(
        [
            item("2026-10-31", written_at=at("2026-11-01", "23:59", tz)),  # due Mon 00:00: in
            item("2026-10-31", written_at=at("2026-11-02", "00:01", tz)),  # a minute late
            item("2026-11-10", "00:00", written_at=at("2026-11-11", "00:00", tz)),  # on the dot
            item("2026-11-10", "00:00", written_at=at("2026-11-11", "00:01", tz)),
            item("2026-11-10", written_at=at("2026-11-12", "00:00", tz)),  # end of next day
            item("2026-11-10", written_at=at("2026-11-12", "00:01", tz)),
            item("2026-11-10", "23:00", written_at=at("2026-11-11", "23:00", tz)),
            item("2026-11-10", "23:00", written_at=at("2026-11-11", "23:01", tz)),
        ],
        now,
    )
    dst_week, _, week, _ = weeks_of(store, now, 4)
    assert (dst_week.week_start, dst_week.sessions, dst_week.within_24h_rate) == (
        date(2026, 10, 26),
        2,
        0.5,
    )
    assert (week.week_start, week.sessions, week.within_24h_rate) == (date(2026, 11, 9), 6, 0.5)


def test_week_starts_end_with_the_current_week() -> None:
    sunday = date(2026, 11, 22)
    assert trends.week_starts(sunday, 2, "mon") == [date(2026, 11, 9), date(2026, 11, 16)]
    assert trends.week_starts(sunday, 1, "sun") == [sunday]
    assert trends.week_starts(sunday, 1, "sat") == [date(2026, 11, 21)]


def test_empty_database_gives_gaps_only(tmp_path: Path) -> None:
    store = Store.open(tmp_path, UTC)
    weeks = weeks_of(store, at("2026-11-22", "18:00", UTC), 12)
    assert len(weeks) == 12 and all(w.gap for w in weeks)
    assert [w.partial for w in weeks] == [False] * 11 + [True]


TODAY = date(2026, 11, 22)
ZONES = [
    UTC,
    ZoneInfo("America/Chicago"),
    ZoneInfo("Europe/Dublin"),
    ZoneInfo("Australia/Lord_Howe"),
]
# (days back, session hour or None, minutes after the session day's start when written, blocked)
rows_strategy = st.lists(
    st.tuples(
        st.integers(0, 60),  # back to late September: both autumn DST changes fall inside
        st.none() | st.integers(0, 23),
        st.none() | st.integers(0, 5 * 24 * 60),
        st.booleans(),
    ),
    max_size=40,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(zone=st.sampled_from(ZONES), rows=rows_strategy, rule_hours=st.sampled_from([24, 48]))
def test_weeks_agree_with_the_rules(
    tmp_path_factory: pytest.TempPathFactory,
    zone: tzinfo,
    rows: list[tuple[int, int | None, int | None, bool]],
    rule_hours: int,
) -> None:
    """The week under way shows today's status; each week's within-rule count matches `breached`."""
    now = at("2026-11-22", "18:00", zone)
    items = [
        Item(
            id=None,
            session_date=TODAY - timedelta(days=back),
            session_time=None if hour is None else time(hour, 0),
            written_at=None
            if minutes is None
            else min(
                now,
                datetime.combine(TODAY - timedelta(days=back), time(0), zone)
                + timedelta(minutes=minutes),
            ),
            blocked_on="other" if blocked else None,
        )
        for back, hour, minutes, blocked in rows
    ]
    store = Store.open(tmp_path_factory.mktemp("db"), zone)
    store.add_items(items, now)
    s = Settings(rules=Rules(rule_hours=rule_hours))
    weeks = trends.weekly(store, s, now, 10)
    status = rules.status(store.items(), s, now)
    if not weeks[-1].gap:
        assert weeks[-1].outstanding_end == status.outstanding
    for week in weeks:
        mine = [i for i in items if 0 <= (i.session_date - week.week_start).days < 7]
        if week.gap:
            assert not mine
            continue
        assert week.sessions == len(mine)
        if not mine:
            assert week.within_24h_rate is None
            continue
        kept = sum(1 for i in mine if i.written_at and not rules.breached(i, s.rules, zone, now))
        assert week.within_24h_rate is not None
        assert round(week.within_24h_rate * len(mine)) == kept
