"""The daily check-in: what counts are valid, and the moment a same-day note counts as written."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from tracker.errors import InputError
from tracker.models import DayLog

if TYPE_CHECKING:  # the store imports this module
    from tracker.store import Store

MAX_SESSIONS = 40
MAX_CLEARED = 200
MAX_AFTER_HOURS = 1440
EARLIEST = date(2000, 1, 1)


def _bounded(name: str, value: int | None, lo: int, hi: int) -> None:
    if value is not None and not lo <= value <= hi:
        raise InputError(f"{name} must be {lo} to {hi}, got {value}")


def validate(log: DayLog, today: date) -> None:
    """Raise InputError naming the first bad field of a check-in."""
    if log.day > today:
        raise InputError(
            f"--date {log.day.isoformat()} is in the future; log today ({today.isoformat()}) "
            "or an earlier day"
        )
    if log.day < EARLIEST:
        raise InputError(f"--date {log.day.isoformat()} is before {EARLIEST.isoformat()}")
    _bounded("--sessions", log.sessions, 0, MAX_SESSIONS)
    _bounded("--written", log.written, 0, MAX_SESSIONS)
    if log.written > log.sessions:
        raise InputError(
            f"--written {log.written} is more than --sessions {log.sessions}; same-day notes "
            "are for today's sessions (count older notes with --cleared)"
        )
    _bounded("--cleared", log.cleared, 0, MAX_CLEARED)
    _bounded("--after-hours", log.after_hours, 0, MAX_AFTER_HOURS)
    _bounded("--dread", log.dread, 0, 4)
    _bounded("--drained", log.drained, 0, 4)


def written_moment(day: date, now: datetime, tz: tzinfo) -> datetime:
    """When a note logged as written on `day` was written: now for today, else 23:59 that day."""
    if day >= now.date():
        return now
    return datetime.combine(day, time(23, 59), tzinfo=tz)


def save_changes(
    store: Store, day: date, changes: Mapping[str, Any], now: datetime
) -> dict[str, int]:
    """Save only the fields in `changes` over the day as stored now, in one write transaction.

    The app's form may have been loaded before another process logged the day: a dread rating
    typed later must not write the form's old sessions or after-hours back over newer ones.
    """
    with store.transaction():
        log = store.day(day) or DayLog(day=day, sessions=0, written=0)
        log = log._replace(**changes)
        validate(log, now.date())
        return store.log_day(log, now)
