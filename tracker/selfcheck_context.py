"""What the tracker itself knows, set beside a self-check: the backlog, after-hours charting per
calendar week, and whether dread stayed high in weeks when the backlog was small.

Counts only, never a client. It never changes the profile; `tracker.selfcheck` turns it into
plain-word context and suggestions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from tracker import rules
from tracker.models import DayLog, Item
from tracker.settings import WEEKDAYS, Settings
from tracker.store import Store
from tracker.words import against_threshold, plural

CONTEXT_WEEKS = 8
DREAD_HIGH = 2.5  # mean check-in dread (0-4) that counts as high
AFTER_HOURS_WEEKS = 2  # calendar weeks of after-hours minutes: this one and the one before


@dataclass
class Context:
    """What the tracker itself knows, to set beside the answers. Counts only, never a client."""

    tier: str | None
    outstanding: int
    threshold: int
    after_hours_per_week: int | None
    """After-hours charting minutes per calendar week (this week and last), averaged over the
    weeks that have a check-in; None when neither has one."""
    days_logged: int
    """Check-ins in those weeks."""
    dread_high_when_backlog_low: bool | None
    """None when fewer than two low-backlog weeks carry dread ratings."""
    low_backlog_weeks: int
    after_hours_weeks: int = 0
    """Calendar weeks with a check-in behind `after_hours_per_week`."""
    after_hours_weeks_missing: int = 0
    """Calendar weeks without a check-in, left out of it."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def _outstanding_at(items: Sequence[Item], moment: datetime) -> int:
    """Notes open at `moment` (blocked ones as they are now: the store keeps no history)."""
    day = moment.date()
    return sum(
        1
        for i in items
        if i.session_date <= day
        and not rules.waits_on_others(i)
        and (i.written_at is None or i.written_at > moment)
    )


def _after_hours(
    logs: Mapping[date, DayLog], today: date, first_weekday: str
) -> tuple[int | None, int, int]:
    """(minutes per calendar week, weeks with check-ins, check-ins) over this week and last.

    A week without a check-in is left out rather than counted as zero minutes: 110 minutes logged
    in one week is 110 a week, not 55.
    """
    this_week = today - timedelta(days=(today.weekday() - WEEKDAYS.index(first_weekday)) % 7)
    totals, checkins = [], 0
    for n in range(AFTER_HOURS_WEEKS):
        start = this_week - timedelta(weeks=n)
        week = [
            log
            for d in (start + timedelta(days=k) for k in range(7))
            if d <= today and (log := logs.get(d)) is not None
        ]
        if week:
            totals.append(sum(log.after_hours for log in week))
            checkins += len(week)
    mean = round(sum(totals) / len(totals)) if totals else None
    return mean, len(totals), checkins


def tracker_context(
    items: Iterable[Item], days: Iterable[DayLog], settings: Settings, now: datetime
) -> Context:
    """Backlog tier, after-hours minutes a week, and dread in weeks the backlog was low."""
    items = list(items)
    logs = {log.day: log for log in days}
    today = now.date()
    st = rules.status(items, settings, now)
    after_hours, weeks, checkins = _after_hours(logs, today, settings.first_weekday)
    threshold = settings.rules.threshold
    tz = now.tzinfo or UTC
    low_week_dread: list[float] = []
    for week in range(CONTEXT_WEEKS):
        end = today - timedelta(days=7 * week)
        ratings = [
            log.dread
            for d in (end - timedelta(days=n) for n in range(7))
            if (log := logs.get(d)) is not None and log.dread is not None
        ]
        if not ratings:
            continue
        moment = now if week == 0 else datetime.combine(end + timedelta(days=1), time(0), tz)
        if _outstanding_at(items, moment) < threshold:
            low_week_dread.append(sum(ratings) / len(ratings))
    high = None
    if len(low_week_dread) >= 2:
        high = sum(low_week_dread) / len(low_week_dread) >= DREAD_HIGH
    return Context(
        tier=st.tier,
        outstanding=st.outstanding,
        threshold=threshold,
        after_hours_per_week=after_hours,
        days_logged=checkins,
        dread_high_when_backlog_low=high,
        low_backlog_weeks=len(low_week_dread),
        after_hours_weeks=weeks,
        after_hours_weeks_missing=AFTER_HOURS_WEEKS - weeks,
    )


def gather(store: Store, settings: Settings, now: datetime) -> Context:
    """The tracker context read from `store` (the one function here that reads anything)."""
    since = now.date() - timedelta(weeks=CONTEXT_WEEKS)
    return tracker_context(store.items_open_since(since), store.days(since), settings, now)


def context_lines(ctx: Context) -> list[str]:
    """The tracker context in plain words."""
    if ctx.tier is None:
        lines = ["Backlog: nothing outstanding."]
    else:
        lines = [
            f"Backlog: {against_threshold(ctx.outstanding, ctx.threshold)}; oldest "
            f"{rules.TIER_LABELS[ctx.tier]}."
        ]
    if ctx.after_hours_per_week is None:
        lines.append("After-hours charting: no check-ins this week or last.")
    else:
        left_out = (
            f"; {plural(ctx.after_hours_weeks_missing, 'week')} without a check-in left out"
            if ctx.after_hours_weeks_missing
            else ""
        )
        lines.append(
            f"After-hours charting: {ctx.after_hours_per_week} minutes a week "
            f"({plural(ctx.days_logged, 'check-in')} in "
            f"{plural(ctx.after_hours_weeks, 'calendar week')}{left_out})."
        )
    if ctx.dread_high_when_backlog_low is None:
        lines.append(
            "Dread in weeks with a small backlog: not enough check-ins with a dread rating to "
            "tell yet."
        )
    elif ctx.dread_high_when_backlog_low:
        lines.append(
            f"Dread stayed high in the {ctx.low_backlog_weeks} recent weeks when the backlog was "
            "under the threshold: a sign it may not be only the notes."
        )
    else:
        lines.append(
            f"Dread eased in the {ctx.low_backlog_weeks} recent weeks when the backlog was under "
            "the threshold: the notes look like a large part of it."
        )
    return lines
