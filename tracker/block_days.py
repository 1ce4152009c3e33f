"""The days catch-up blocks fall on: which weekdays, how many a week is sustainable, and their
dates from a start."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date, datetime, time, timedelta

from tracker.settings import WEEKDAYS

WEEKEND = ("sat", "sun")
MAX_SUSTAINABLE = 3
"""More blocks a week than this is not sustainable next to a full caseload."""
HORIZON_WEEKS = 156
"""A plan looks this far ahead (three years); beyond it, it reports no finish date."""
# When adding days for more blocks a week: spread out, weekdays first, weekends last.
DAY_PREFERENCE = ("tue", "thu", "mon", "wed", "fri", "sat", "sun")


def days_for(blocks_per_week: int, preferred: Sequence[str] = ()) -> tuple[str, ...]:
    """`blocks_per_week` weekdays: the preferred ones first, then spread out, weekends last."""
    chosen = list(dict.fromkeys(d for d in preferred if d in WEEKDAYS))[:blocks_per_week]
    for day in DAY_PREFERENCE:
        if len(chosen) >= blocks_per_week:
            break
        if day not in chosen:
            chosen.append(day)
    return tuple(sorted(chosen, key=WEEKDAYS.index))


def sustainable_days(days: Sequence[str]) -> tuple[str, ...]:
    """`days`, or at most the sustainable number of them."""
    if len(days) <= MAX_SUSTAINABLE:
        return days_for(MAX_SUSTAINABLE, days)
    return tuple(days[:MAX_SUSTAINABLE])


def block_dates(days: Sequence[str], start: date, weeks: int = HORIZON_WEEKS) -> Iterator[date]:
    """Every date on one of `days` from `start`, for `weeks` weeks."""
    first = start.weekday()
    # Offsets from `start` of the wanted weekdays in its first week, then a week at a time.
    offsets = sorted((WEEKDAYS.index(d) - first) % 7 for d in set(days))
    week = timedelta(days=7)
    days_ahead = [start + timedelta(days=o) for o in offsets]
    for n in range(weeks):
        shift = week * n
        for day in days_ahead:
            yield day + shift


def first_day(start: date, days: Sequence[str], start_time: time, now: datetime) -> date:
    """The first day a plan may use: never today once today's block has started."""
    started = now.replace(tzinfo=None).time() >= start_time
    if start == now.date() and WEEKDAYS[start.weekday()] in days and started:
        return start + timedelta(days=1)
    return start
