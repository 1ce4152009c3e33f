"""Free slots for catch-up blocks: inside working hours, never over an event, skipping days off
and the public holidays of the user's country (the `holidays` library)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.reading import read_busy
from tracker.calendar.slots import free_slots, public_holidays
from tracker.errors import InputError

TZ = ZoneInfo("America/New_York")


def at(day: date, hh: int, mm: int = 0) -> datetime:
    return datetime.combine(day, time(hh, mm), tzinfo=TZ)


def starts(slots: object) -> list[str]:
    return [f"{s.date:%m-%d} {s.start:%H:%M}" for s in slots]  # type: ignore[attr-defined]


def test_slots_fill_the_gaps_between_events_on_quarter_hours() -> None:
    day = date(2026, 11, 24)  # a Tuesday
    busy = [(at(day, 9, 0), at(day, 9, 50)), (at(day, 13, 10), at(day, 15, 0))]
    got = free_slots(busy, day, day, 90, TZ, work_hours=(time(8), time(18)))
    # 08:00-09:00 is too short; 10:00 (09:50 rounded up) to 13:10 holds two 90-minute blocks
    # only if they fit: 10:00-11:30, 11:30-13:00; then 15:00-16:30, 16:30-18:00
    assert starts(got.slots) == ["11-24 10:00", "11-24 11:30", "11-24 15:00", "11-24 16:30"]
    assert all(s.minutes == 90 for s in got.slots)
    assert got.skipped == ()


def test_days_off_holidays_and_full_days_are_skipped_with_why() -> None:
    first, last = date(2026, 11, 25), date(2026, 11, 30)  # Wed to Mon, Thanksgiving on Thu
    holidays = public_holidays("US", first, last)
    assert holidays == {date(2026, 11, 26): "Thanksgiving Day"}
    full = [(at(date(2026, 11, 27), 7), at(date(2026, 11, 27), 19))]
    got = free_slots(full, first, last, 60, TZ, holidays=holidays)
    assert [(d.date.day, d.reason, d.name) for d in got.skipped] == [
        (26, "holiday", "Thanksgiving Day"),
        (27, "full", None),
        (28, "day_off", None),
        (29, "day_off", None),
    ]
    assert {s.date.day for s in got.slots} == {25, 30}
    assert got.to_json()["skipped_days"][0] == {
        "date": "2026-11-26",
        "reason": "holiday",
        "name": "Thanksgiving Day",
    }


def test_no_slot_starts_before_now() -> None:
    day = date(2026, 11, 24)
    got = free_slots([], day, day, 60, TZ, now=at(day, 15, 5))
    assert starts(got.slots) == ["11-24 15:15", "11-24 16:15"]


def test_working_hours_and_days_off_are_the_users() -> None:
    day = date(2026, 11, 28)  # a Saturday
    got = free_slots([], day, day, 120, TZ, work_hours=(time(9), time(13)), days_off=("sun",))
    assert starts(got.slots) == ["11-28 09:00", "11-28 11:00"]


@pytest.mark.parametrize(("country", "day", "name"), [("UK", 12, "Boxing Day"), ("DE", 26, "")])
def test_holidays_of_the_users_country(country: str, day: int, name: str) -> None:
    got = public_holidays(country, date(2026, 12, 24), date(2026, 12, 31))
    assert date(2026, 12, 25) in got and date(2026, 12, 26) in got
    assert name in got[date(2026, 12, 26)]


def test_an_unknown_country_is_refused_and_other_has_no_holidays() -> None:
    assert public_holidays("other", date(2026, 1, 1), date(2026, 12, 31)) == {}
    with pytest.raises(InputError, match="'XX'"):
        public_holidays("XX", date(2026, 1, 1), date(2026, 12, 31))


def test_free_slots_around_a_real_calendar() -> None:
    data = (Path(__file__).parent / "calendars" / "google.ics").read_bytes()
    day = date(2026, 10, 15)  # the intake, 13:00-14:00
    busy = read_busy(data, TZ, at(day, 0), at(day + timedelta(days=1), 0))
    got = free_slots(busy, day, day, 120, TZ)
    assert starts(got.slots) == ["10-15 08:00", "10-15 10:00", "10-15 14:00", "10-15 16:00"]


@given(
    events=st.lists(
        st.tuples(st.integers(6 * 4, 20 * 4), st.integers(1, 16)).map(
            lambda t: (at(date(2026, 11, 24), 0) + timedelta(minutes=15 * t[0]), 15 * t[1])
        ),
        max_size=8,
    ),
    minutes=st.sampled_from([30, 45, 60, 90, 120]),
)
def test_a_slot_never_overlaps_an_event_or_leaves_working_hours(
    events: list[tuple[datetime, int]], minutes: int
) -> None:
    day = date(2026, 11, 24)
    busy = [(a, a + timedelta(minutes=m)) for a, m in events]
    got = free_slots(busy, day, day, minutes, TZ)
    for slot in got.slots:
        begin = at(day, slot.start.hour, slot.start.minute)
        end = begin + timedelta(minutes=minutes)
        assert at(day, 8) <= begin and end <= at(day, 18) and begin.minute % 15 == 0
        assert not any(a < end and begin < b for a, b in busy)
    assert (got.slots == ()) == (got.skipped != ())
