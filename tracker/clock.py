"""The clock: the configured time zone, and `now` (pinned by CAUGHTUP_NOW for tests and back-filling)."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from tracker.errors import InputError

OFFSET_SAMPLE = timedelta(days=7)
SECOND = timedelta(seconds=1)
ZERO = timedelta(0)


@cache
def resolve_tz(name: str) -> tzinfo:
    """The named IANA zone; for "", the system's zone (TZ, then /etc/localtime), else UTC."""
    for candidate in (name, os.environ.get("TZ", "").lstrip(":")):
        if candidate:
            try:
                return ZoneInfo(candidate)
            except (ZoneInfoNotFoundError, ValueError):
                if candidate == name:
                    raise InputError(
                        f"timezone {name!r} is unknown; use an IANA name like Europe/Dublin"
                    ) from None
    localtime = Path("/etc/localtime")
    try:
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            return ZoneInfo(target.split("zoneinfo/", 1)[1])
        with localtime.open("rb") as fh:
            return ZoneInfo.from_file(fh, key="localtime")
    except (OSError, ValueError, ZoneInfoNotFoundError):
        return UTC


# Every date a user gives (an option, an imported cell, CAUGHTUP_NOW, a field on screen) lies in
# this range: far from the ends of Python's dates, where moving a moment by a time zone or a day
# overflows, and wide enough for any note a clinician owes.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2100, 12, 31)
DATE_RANGE = f"from {FIRST_DAY.isoformat()} to {LAST_DAY.isoformat()}"


def date_in_range(day: date) -> bool:
    """Whether `day` (or a moment's date) lies in the range every user-given date must."""
    return FIRST_DAY <= (day.date() if isinstance(day, datetime) else day) <= LAST_DAY


def now(tz: tzinfo) -> datetime:
    """The current moment in `tz`, or CAUGHTUP_NOW (ISO 8601, local when it has no offset)."""
    pinned = os.environ.get("CAUGHTUP_NOW")
    if pinned:
        try:
            moment = datetime.fromisoformat(pinned)
        except ValueError:
            raise InputError(
                f"CAUGHTUP_NOW must be an ISO date-time like 2026-11-22T09:30, got {pinned!r}"
            ) from None
        if not date_in_range(moment):
            raise InputError(f"CAUGHTUP_NOW must be a date-time {DATE_RANGE}, got {pinned!r}")
        return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
    return datetime.now(tz)


# The one reading of a session's clock time, for a typed option and an EHR cell alike.
TIME_FORMATS = ("%H:%M", "%H:%M:%S", "%I:%M %p", "%I:%M%p", "%I %p", "%I%p")
TIME_HINT = "a time like 14:00, 9:00 or 2:00 PM"


def clock_time(text: str) -> time:
    """A time of day as people write it (9:00, 09:00, 14:00:00, 2:00 PM, 2pm); ValueError if not."""
    cleaned = " ".join(text.split()).upper()
    for fmt in TIME_FORMATS:
        try:
            return datetime.strptime(cleaned, fmt).time()
        except ValueError:
            continue
    raise ValueError(f"must be {TIME_HINT}")


def local_moment(day: date, at: time | None, tz: tzinfo) -> datetime:
    """The aware moment of a local wall-clock time; a date alone means the end of that day."""
    if at is None:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)
    return datetime.combine(day, at, tzinfo=tz)


def to_utc_text(moment: datetime) -> str:
    """How moments are stored: UTC ISO 8601 to the second (sorts as text)."""
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def from_utc_text(text: str, tz: tzinfo) -> datetime:
    return datetime.fromisoformat(text).astimezone(tz)


def in_zone(moment: datetime, tz: tzinfo) -> datetime:
    """`moment` in `tz`. Moments sharing a tzinfo compare and subtract on the wall clock with no
    offset lookup (which costs 1.4 us, several times the rest of a figure's work per note)."""
    return moment if moment.tzinfo is tz else moment.astimezone(tz)


def utc_offsets(tz: tzinfo, first: datetime, last: datetime) -> list[tuple[str, int]]:
    """The zone's offset from UTC in seconds, from `first` to `last`: (from, seconds) pairs in
    order, `from` being the store's UTC text of the change ("" for the offset at `first`).

    Sampled weekly (every zone keeps an offset longer than that: Morocco's Ramadan
    pause, the shortest, lasts about a month), each change then found to the second: ten years
    take about 900 lookups, 2 ms.
    """
    tz_fromutc = tz.fromutc

    def offset(moment: datetime) -> int:
        return int((tz_fromutc(moment.replace(tzinfo=tz)).utcoffset() or ZERO).total_seconds())

    moment = first.astimezone(UTC).replace(tzinfo=None)
    end = last.astimezone(UTC).replace(tzinfo=None)
    out = [("", offset(moment))]
    while moment < end:
        step = min(moment + OFFSET_SAMPLE, end)
        after = offset(step)
        if after != out[-1][1]:
            lo, hi = moment, step  # offset(lo) is the old one, offset(hi) the new
            while hi - lo > SECOND:
                mid = lo + (hi - lo) // 2
                mid -= timedelta(microseconds=mid.microsecond)
                lo, hi = (lo, mid) if offset(mid) == after else (mid, hi)
            out.append((hi.isoformat(timespec="seconds") + "+00:00", after))
        moment = step
    return out
