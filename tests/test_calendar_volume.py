"""The budget's calendars read correctly: five years of weekly clients, and a 50,000-event feed.
Their timings are for `python -m tests.bench_calendar` and bench/run, not for a timed test."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest

from tests.bench_calendar import NOW, TZ, five_years, many
from tracker.calendar.reading import read_sessions
from tracker.calendar.sessions import CalendarRules, Reading


@pytest.fixture(scope="module")
def calendar() -> bytes:
    return five_years()


@pytest.fixture(scope="module")
def whole(calendar: bytes) -> Reading:
    return read_sessions(calendar, CalendarRules(), NOW - timedelta(days=5 * 366), NOW, TZ)


def test_five_years_of_weekly_clients(whole: Reading) -> None:
    got = whole
    weekly = [s for s in got.sessions if s.minutes == 50]
    assert 7_500 < len(weekly) < 8_200
    assert len({s.key for s in got.sessions}) == len(got.sessions)
    assert {"all_day", "declined"} <= set(got.counts)
    assert got.covers is not None and got.covers.end == NOW


@pytest.mark.parametrize("days", [7, 60, 400])
def test_a_shorter_window_reads_exactly_its_part_of_the_calendar(
    calendar: bytes, whole: Reading, days: int
) -> None:
    """The pre-pass drops events far from a short window: what remains must be the same."""
    since = NOW - timedelta(days=days)
    part = read_sessions(calendar, CalendarRules(), since, NOW, TZ)
    expected = [s for s in whole.sessions if datetime.combine(s.date, s.start, TZ) >= since]
    assert part.sessions == tuple(expected) and expected
    kept = [
        k
        for k in whole.skipped
        if k.date and datetime.combine(k.date, k.start or time(0), TZ) >= since
    ]
    assert part.skipped == tuple(kept)


def test_a_feed_of_50000_events_still_works() -> None:
    data = many(50_000)
    since = NOW - timedelta(days=60)
    got = read_sessions(data, CalendarRules(), since, NOW, TZ)
    starts = [
        datetime.strptime(m.decode(), "%Y%m%dT%H%M%S").replace(tzinfo=TZ)
        for m in re.findall(rb"\nDTSTART;TZID=America/Chicago:(\d{8}T\d{6})", data)
    ]
    assert len(starts) == 50_000
    inside = [s for s in starts if since <= s and s + timedelta(minutes=50) <= NOW]
    assert len(got.sessions) == len(inside) > 1_000
