"""Free time for catch-up blocks: the slots of a block's length inside working hours that no
calendar event covers, and the days skipped (a day off, a public holiday, or no room left).

`free_slots` is pure: the busy intervals (from `reading.read_busy`), the holidays (from
`public_holidays`, the `holidays` library) and the clock are arguments. Slots start on a quarter
hour and follow each other within a free stretch, so the planner can take one or several a day.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from tracker.errors import InputError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
STEP = 15
"""Slots start on a multiple of this many minutes past the hour."""
NO_HOLIDAYS = ("", "other")


@dataclass(frozen=True)
class Slot:
    date: date
    start: time
    minutes: int


@dataclass(frozen=True)
class SkippedDay:
    date: date
    reason: str
    """"day_off", "holiday" or "full" (no free stretch of the block's length)."""
    name: str | None = None
    """The holiday's name."""


@dataclass(frozen=True)
class FreeTime:
    slots: tuple[Slot, ...]
    skipped: tuple[SkippedDay, ...]

    def to_json(self) -> dict[str, list[dict[str, object]]]:
        return {
            "slots": [
                {"date": s.date.isoformat(), "start": f"{s.start:%H:%M}", "minutes": s.minutes}
                for s in self.slots
            ],
            "skipped_days": [
                {"date": d.date.isoformat(), "reason": d.reason, "name": d.name}
                for d in self.skipped
            ],
        }


def public_holidays(country: str, first: date, last: date) -> dict[date, str]:
    """The national public holidays of an ISO country code (UK accepted) in [first, last]."""
    if country.strip().lower() in NO_HOLIDAYS:
        return {}
    import holidays  # ~120 ms: only when planning with a calendar

    try:
        found = holidays.country_holidays(
            country.strip().upper(), years=range(first.year, last.year + 1)
        )
    except NotImplementedError:
        raise InputError(
            f"no public holiday list for country {country!r}; use an ISO code such as US, GB "
            "or DE, or 'other' for none"
        ) from None
    return {day: str(name) for day, name in sorted(found.items()) if first <= day <= last}


def _round_up(moment: datetime) -> datetime:
    """The first quarter hour at or after `moment`."""
    floor = moment.replace(minute=moment.minute - moment.minute % STEP, second=0, microsecond=0)
    return floor if floor == moment else floor + timedelta(minutes=STEP)


def free_slots(
    busy: Sequence[tuple[datetime, datetime]],
    first: date,
    last: date,
    minutes: int,
    tz: tzinfo,
    now: datetime | None = None,
    work_hours: tuple[time, time] = (time(8), time(18)),
    days_off: Collection[str] = ("sat", "sun"),
    holidays: Mapping[date, str] | None = None,
) -> FreeTime:
    """Slots of `minutes` in [first, last] inside working hours, none overlapping a busy
    interval or starting before `now`; and the days skipped, with why."""
    if minutes <= 0:
        raise InputError(f"a block must last at least 1 minute, got {minutes}")
    if work_hours[0] >= work_hours[1]:
        raise InputError(
            f"working hours must start before they end, got {work_hours[0]:%H:%M}-"
            f"{work_hours[1]:%H:%M}"
        )
    holidays = holidays or {}
    length = timedelta(minutes=minutes)
    spans = sorted((a.astimezone(tz), b.astimezone(tz)) for a, b in busy if b > a)
    slots: list[Slot] = []
    skipped: list[SkippedDay] = []
    day = first
    while day <= last:
        if WEEKDAYS[day.weekday()] in days_off:
            skipped.append(SkippedDay(day, "day_off"))
        elif day in holidays:
            skipped.append(SkippedDay(day, "holiday", holidays[day]))
        else:
            found = _day_slots(day, spans, length, tz, now, work_hours)
            slots.extend(found)
            if not found:
                skipped.append(SkippedDay(day, "full"))
        day += timedelta(days=1)
    return FreeTime(tuple(slots), tuple(skipped))


def _day_slots(
    day: date,
    spans: Sequence[tuple[datetime, datetime]],
    length: timedelta,
    tz: tzinfo,
    now: datetime | None,
    work_hours: tuple[time, time],
) -> list[Slot]:
    opens = datetime.combine(day, work_hours[0], tzinfo=tz)
    closes = datetime.combine(day, work_hours[1], tzinfo=tz)
    cursor = opens if now is None else max(opens, now.astimezone(tz))
    found: list[Slot] = []
    for begin, end in [*(s for s in spans if s[1] > opens and s[0] < closes), (closes, closes)]:
        cursor = _round_up(cursor)
        while cursor + length <= min(begin, closes):
            found.append(Slot(day, cursor.time(), int(length.total_seconds() // 60)))
            cursor += length
        cursor = max(cursor, end)
    return found
