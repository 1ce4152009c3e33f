"""Catch-up blocks in the calendar's free time: where each planned block day's block starts.

`busy_ahead` reads the calendar source once (before any write lock) for the plan's horizon, with
the public holidays of the user's country; `block_starts` is pure: each block day's block takes
the free slot of its length nearest the usual start time; a day with no room (a day off, a
holiday, a full day) passes its block to the next free day before the following block day, and
every such day is listed with why.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tracker import words
from tracker.calendar import feed
from tracker.calendar.slots import STEP, SkippedDay, Slot, free_slots, public_holidays

if TYPE_CHECKING:
    from tracker.settings import Settings


BUSY_WEEKS = timedelta(weeks=26)
"""How far ahead events are read: calendars rarely hold more, and each busy span costs every
day of the horizon a look (the planner's 3-year horizon has about 1,100 days)."""


@dataclass(frozen=True)
class Busy:
    """What the calendar says about the days ahead, and the user's working time."""

    intervals: tuple[tuple[datetime, datetime], ...]
    holidays: dict[date, str]
    work_hours: tuple[time, time]
    days_off: tuple[str, ...]
    first: date
    last: date


@dataclass(frozen=True)
class Moved:
    """A block day that could not hold its block, why, and where the block went (or None)."""

    day: SkippedDay
    to: date | None

    def words(self) -> str:
        why = {"day_off": "a day off", "holiday": "a public holiday", "full": "no free time"}
        text = f"{words.day(self.day.date, year=False)}: {why[self.day.reason]}"
        text += f" ({self.day.name})" if self.day.name else ""
        return text + (
            f", block on {words.day(self.to, year=False)}" if self.to else ", no block that week"
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "words": self.words(),
            "date": self.day.date.isoformat(),
            "reason": self.day.reason,
            "holiday": self.day.name,
            "moved_to": self.to.isoformat() if self.to else None,
        }


def work_hours(text: str) -> tuple[time, time]:
    start, _, end = text.partition("-")
    return time.fromisoformat(start), time.fromisoformat(end)


def busy_ahead(settings: Settings, first: date, last: date, tz: tzinfo) -> Busy:
    """The busy time from `calendar.source` (its first `BUSY_WEEKS`), and the holidays and days
    off of [first, last]; InputError when the source cannot be read."""
    from tracker.calendar.reading import read_busy

    cal = settings.calendar
    data = feed.fetch(cal.source)
    start = datetime.combine(first, time(0), tzinfo=tz)
    end = datetime.combine(min(last, first + BUSY_WEEKS) + timedelta(days=1), time(0), tzinfo=tz)
    busy = read_busy(data, tz, start, end, tuple(cal.me), feed.describe(cal.source))
    return Busy(
        intervals=tuple(busy),
        holidays=public_holidays(settings.locale, first, last),
        work_hours=work_hours(settings.sprint.work_hours),
        days_off=tuple(settings.sprint.days_off),
        first=first,
        last=last,
    )


def block_starts(
    busy: Busy,
    wanted: Iterable[date],
    minutes: int,
    prefer: time,
    tz: tzinfo,
    now: datetime | None = None,
) -> tuple[dict[date, time], list[Moved]]:
    """Each block's day and start, and the block days that could not hold one (with why)."""
    free = free_slots(
        busy.intervals,
        busy.first,
        busy.last,
        minutes,
        tz,
        now,
        busy.work_hours,
        busy.days_off,
        busy.holidays,
    )
    by_day: dict[date, list[Slot]] = {}
    for slot in free.slots:
        by_day.setdefault(slot.date, []).append(slot)
    why = {s.date: s for s in free.skipped}
    days = sorted(d for d in set(wanted) if busy.first <= d <= busy.last)
    starts: dict[date, time] = {}
    moved: list[Moved] = []
    length = timedelta(minutes=minutes)
    step = timedelta(minutes=STEP)
    on_day: dict[date, list[tuple[datetime, datetime]]] = {}
    for a, b in busy.intervals:  # each day looks only at its own events
        d = a.astimezone(tz).date()
        while d <= b.astimezone(tz).date():
            on_day.setdefault(d, []).append((a, b))
            d += timedelta(days=1)

    def start(day: date) -> time:
        """The usual time when it is free, else the free quarter hour nearest it (a day with a
        free slot, as `free_slots` found, has one)."""
        opens, closes = (datetime.combine(day, t, tzinfo=tz) for t in busy.work_hours)
        events = on_day.get(day, [])

        def free(begin: datetime) -> bool:
            end = begin + length
            return (
                opens <= begin
                and end <= closes
                and (now is None or begin >= now)
                and not any(a < end and b > begin for a, b in events)
            )

        wanted = datetime.combine(day, prefer, tzinfo=tz)
        if free(wanted):
            return prefer
        fits = [opens + step * k for k in range(24 * 60 // STEP) if free(opens + step * k)]
        return min(fits, key=lambda m: (abs(m - wanted), m)).time() if fits else prefer

    for n, day in enumerate(days):
        if day in by_day:
            starts[day] = start(day)
            continue
        until = days[n + 1] if n + 1 < len(days) else busy.last + timedelta(days=1)
        to = next(
            (
                day + timedelta(days=k)
                for k in range(1, (until - day).days)
                if day + timedelta(days=k) in by_day and day + timedelta(days=k) not in starts
            ),
            None,
        )
        if to is not None:
            starts[to] = start(to)
        moved.append(Moved(why.get(day, SkippedDay(day, "full")), to))
    return starts, moved
