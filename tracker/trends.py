"""Weekly trends: sessions, notes written, the share within the rule, the backlog at each week's
end, after-hours minutes and the two ratings, one row per week.

The store does the reading and the counting it can do in SQL (day logs grouped by week, items
grouped by their session, written and blocked moments); `aggregate` turns those rows into weeks.
It is pure: rows, week starts, rules, zone and `now` in; weeks out. Moments are compared as the
store's UTC text, so the zone matters only where a local date or midnight becomes a moment: week
boundaries (a DST week is 167 or 169 hours long) and due times (from `rules.due`).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from tracker.clock import to_utc_text
from tracker.rules import DueTexts, is_outstanding
from tracker.settings import WEEKDAYS, Rules, Settings
from tracker.store import Store

SPANS = (4, 12, 26, 52)
MAX_WEEKS = 520

# The columns of a week, in order (JSON keys and the CSV header).
COLUMNS = (
    "week_start",
    "sessions",
    "written",
    "within_24h_rate",
    "outstanding_end",
    "after_hours_minutes",
    "dread_mean",
    "drained_mean",
    "partial",
)

# One group of items as the store returns it: session date and time (ISO text), written and
# blocked-from moments (UTC text; blocked_from "" means blocked with no known start), and count.
ItemRow = tuple[str, str | None, str | None, str | None, int]
# Day logs of one week: week index, logs, after-hours minutes, mean dread, mean drained.
DayRow = tuple[int, int, int, float | None, float | None]


# NamedTuples rather than dataclasses, as on the rest of the CLI's read path: no `import
# dataclasses`, and a quarter of the cost to build (1.5 M instructions against 6 M for Week).
class Week(NamedTuple):
    """One week of trends. Every figure is None in a week with nothing logged (a gap, not a zero):
    no check-in, no session and no note written."""

    week_start: date
    sessions: int | None
    """Items (sessions and tasks) whose session fell in the week."""
    written: int | None
    """Notes finished during the week, for any session."""
    within_24h_rate: float | None
    """Of this week's sessions, the share written within the rule's hours (open: not within)."""
    outstanding_end: int | None
    """Open notes not waiting on anyone at the week's end (for this week: now)."""
    after_hours_minutes: int | None
    dread_mean: float | None
    drained_mean: float | None
    partial: bool
    """The current week, still under way."""

    @property
    def gap(self) -> bool:
        return self.sessions is None

    def to_json(self) -> dict[str, Any]:
        data = self._asdict()  # a tuple would print as a JSON list
        data["week_start"] = self.week_start.isoformat()
        return data


def week_starts(today: date, weeks: int, first_weekday: str) -> list[date]:
    """The starts of the `weeks` weeks ending with the one holding `today`, oldest first."""
    back = (today.weekday() - WEEKDAYS.index(first_weekday)) % 7
    current = today - timedelta(days=back)
    return [current - timedelta(weeks=weeks - 1 - n) for n in range(weeks)]


def midnight_utc(day: date, tz: tzinfo) -> str:
    """The store's UTC text for the local midnight that starts `day`."""
    return to_utc_text(datetime.combine(day, time(0), tzinfo=tz))


def aggregate(
    items: Iterable[ItemRow],
    days: Iterable[DayRow],
    starts: list[date],
    rules: Rules,
    tz: tzinfo,
    now: datetime,
) -> list[Week]:
    """Weeks from the store's grouped rows (see `ItemRow`, `DayRow`); pure."""
    n = len(starts)
    first = starts[0]
    ends = [*starts[1:], starts[-1] + timedelta(weeks=1)]
    bounds = [midnight_utc(first, tz), *(midnight_utc(end, tz) for end in ends)]
    now_text = to_utc_text(now)
    # The moment each week's backlog is counted: its end, or now for the week under way.
    checkpoints = [min(b, now_text) for b in bounds[1:]]
    # Session dates are ISO text: a bisect finds the week without parsing (-1 before the span).
    days_at = [d.isoformat() for d in [*starts, ends[-1]]]

    sessions = [0] * n
    within = [0] * n
    written = [0] * n
    backlog_diff = [0] * (n + 1)
    is_within = DueTexts(rules, tz, first, ends[-1]).within

    for session_date, session_time, written_at, blocked_from, count in items:
        week = bisect_right(days_at, session_date) - 1
        if 0 <= week < n:
            sessions[week] += count
            if written_at is not None and is_within(session_date, session_time, written_at):
                within[week] += count
        if written_at is not None:
            written_week = bisect_right(bounds, written_at) - 1
            if 0 <= written_week < n:
                written[written_week] += count
        # Outstanding at checkpoint k: session before week k's end, not written by then and
        # not yet blocked. Checkpoints rise, so that holds for one run of weeks.
        lo = max(week, 0)
        hi = n if written_at is None else bisect_left(checkpoints, written_at)
        if blocked_from is not None:
            hi = min(hi, bisect_left(checkpoints, blocked_from) if blocked_from else 0)
        if lo < hi:
            backlog_diff[lo] += count
            backlog_diff[hi] -= count

    logs: dict[int, DayRow] = {row[0]: row for row in days if 0 <= row[0] < n}
    weeks, backlog = [], 0
    for k, start in enumerate(starts):
        backlog += backlog_diff[k]
        log = logs.get(k)
        partial = now_text < bounds[k + 1]
        if log is None and sessions[k] == 0 and written[k] == 0:
            weeks.append(Week(start, None, None, None, None, None, None, None, partial))
            continue
        weeks.append(
            Week(
                week_start=start,
                sessions=sessions[k],
                written=written[k],
                within_24h_rate=round(within[k] / sessions[k], 3) if sessions[k] else None,
                outstanding_end=backlog,
                after_hours_minutes=log[2] if log else None,
                dread_mean=_mean(log[3]) if log else None,
                drained_mean=_mean(log[4]) if log else None,
                partial=partial,
            )
        )
    return weeks


def _mean(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def weekly(store: Store, settings: Settings, now: datetime, weeks: int) -> list[Week]:
    """The last `weeks` weeks up to now, read from the store (only the span it needs)."""
    tz = now.tzinfo or store.tz
    starts = week_starts(now.date(), weeks, settings.first_weekday)
    end = starts[-1] + timedelta(weeks=1)
    items, days = store.trend_rows(starts[0], end, midnight_utc(starts[0], tz))
    return aggregate(items, days, starts, settings.rules, tz, now)


class Burndown(NamedTuple):
    """The current catch-up sprint: notes left by date, as first planned and as it went."""

    started_on: date
    planned: list[tuple[date, int]]
    actual: list[tuple[date, int]]
    today: date
    rebased: list[tuple[date, int]] | None = None
    """The first plan plus the new notes that arrived (None: the same as `planned`)."""
    arrived: int = 0
    """New notes that joined the backlog since the sprint began."""

    @property
    def compared(self) -> list[tuple[date, int]]:
        """The line the actual one is compared with: the plan re-based on the inflow."""
        return self.rebased if self.rebased is not None else self.planned

    def planned_by(self, day: date) -> int | None:
        """Notes the (re-based) plan expected to be left on `day` (None before the sprint)."""
        known = [left for d, left in self.compared if d <= day]
        return known[-1] if known else None

    def to_json(self) -> dict[str, Any]:
        return {
            "started_on": self.started_on.isoformat(),
            "planned": [[d.isoformat(), n] for d, n in self.planned],
            "actual": [[d.isoformat(), n] for d, n in self.actual],
            "rebased": [[d.isoformat(), n] for d, n in self.compared],
            "arrived": self.arrived,
        }


def current_burndown(store: Store, now: datetime) -> Burndown | None:
    """The running sprint's burndown, or None when no sprint runs."""
    record = store.current_sprint()
    if record is None:
        return None
    from tracker import burndown  # only while a sprint runs

    done = [b for b in store.sprint_blocks(record.id) if b.done_at is not None]
    items = store.current_items(record.started_on)
    outstanding = sum(1 for i in items if is_outstanding(i))
    planned, actual = burndown.burndown(record, done, now.date(), outstanding)
    arrived = burndown.arrivals(items, record, now.tzinfo or store.tz)
    rebased = burndown.rebase(planned, arrived, now.date())
    return Burndown(record.started_on, planned, actual, now.date(), rebased, len(arrived))
