"""The workload picture: where the time goes, what the open list waits on, and whether notes
arrive faster than they are written. Each figure is a pure function over plain data and a clock;
`workload` gathers them into a `Workload`, whose `to_json()` holds the `caughtup summary --json`
figures under stable keys, with a `notes` entry for every figure left null. Counts and rates only:
no client reference goes in or out, and the words speak of the workload, never of the person.

Inputs of `workload`:
- `items`: at least every item whose session falls in the span, every open one, every one written
  in the span (the store's `trend_rows` reads the same three sets) and the items of the finished
  blocks (or their types in `types_by_id`); more is fine. With `settled` (the store's counts of
  the settled notes: written, not blocked, their session by today), every other one.
- `days`: the check-ins (DayLog) of the span; `blocks`: finished catch-up blocks of any sprint.
- `settings` (rule hours, chase age, the sprint's minutes per note type, first weekday), `now`
  (aware, in the user's zone) and `weeks` (1 to 520; the span is that many weeks to today).
- `typical_session_minutes` (a setting) and `scheduled_minutes`: calendar session minutes per
  day, for the days a calendar covers (other days: sessions x the typical length).
`what_if_sessions` answers `plan --what-if-sessions -N` from the planner's own plan.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import Any, NamedTuple

from tracker import planner
from tracker import rules as r
from tracker.errors import FieldError
from tracker.models import DayLog, Item
from tracker.records import Settled, SprintBlock
from tracker.settings import Rules, Settings
from tracker.stats import median, percentile
from tracker.trends import week_starts
from tracker.waiting import Waiting, by_week, waiting
from tracker.workload_words import paragraph

SCHEDULED_HOURS = 8
"""After-hours time is given per 8 hours of scheduled patient time (Sinsky et al., JAMIA 2020)."""
MIN_DAYS = 14
BUDGETS: dict[str, tuple[int, int]] = {
    "progress": (3, 7),
    "intake": (10, 20),
    "treatment_plan": (10, 20),
}
"""Minutes a note should take with a template (progress) or a structured form (intake, plan)."""
NOT_ENOUGH = "not enough data yet: fewer than 2 weeks of notes and check-ins in this span"
MAX_WEEKS = 520
DAY_SECONDS = 86400
NOTHING_SETTLED = Settled({}, [], [], {}, [], [], 0)
"""No settled notes counted apart: every note comes as an item."""


def per_8h(minutes: float, scheduled_minutes: float) -> float | None:
    """Minutes per 8 hours of scheduled patient time (None without scheduled time)."""
    if scheduled_minutes <= 0:
        return None
    return round(minutes / scheduled_minutes * SCHEDULED_HOURS * 60, 1)


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


# -- the figures --------------------------------------------------------------------------------


def is_session(item: Item) -> bool:
    """An item that stands for patient time: admin tasks are not."""
    return not item.admin and item.note_type != "admin"


def scheduled_by_day(
    items: Iterable[Item],
    typical_minutes: int,
    calendar: Mapping[date, int] | None = None,
    settled: Settled = NOTHING_SETTLED,
) -> dict[date, int]:
    """Scheduled patient minutes per day: the calendar's where it covers the day, else sessions
    x the typical session length."""
    counts = Counter(i.session_date for i in items if is_session(i))
    for day, _, sessions in settled.by_day:
        if sessions:
            counts[date.fromisoformat(day)] += sessions
    out = {day: n * typical_minutes for day, n in counts.items()}
    out.update(calendar or {})
    return out


def after_hours_per_8h(logs: Iterable[DayLog], scheduled: Mapping[date, int]) -> float | None:
    """After-hours charting per 8 scheduled hours over the checked-in days (after-hours minutes
    are only known for them, so only their scheduled time counts)."""
    logs = list(logs)
    minutes = sum(log.after_hours for log in logs)
    return per_8h(minutes, sum(scheduled.get(log.day, 0) for log in logs))


class TypeFigures(NamedTuple):
    """The rule and the time to write, for one note type."""

    notes: int
    """Sessions in the span whose note is written or past due (still in time: not yet counted)."""
    within_rule_share: float | None
    median_hours_to_written: float | None


def rule_figures(
    items: Iterable[Item], rules: Rules, now: datetime, settled: Settled = NOTHING_SETTLED
) -> tuple[TypeFigures, dict[str, TypeFigures]]:
    """(all types, by type): the share written within the rule's hours and the median hours from
    session to written, over the given items whose session has been (a note still in time is left
    out). Hours are on the wall clock, as the rule reads them; a date-only session counts from the
    end of its day, and a note written before that as 0 hours."""
    tz = now.tzinfo or UTC
    today = now.date()
    mine = [i for i in items if i.session_date <= today]
    groups: dict[str, tuple[list[int], list[float]]] = {
        t: ([decided, within], [s / 3600 for s in seconds])
        for t, (decided, within, seconds) in settled.by_type.items()
    }
    if not mine and not groups:
        return TypeFigures(0, None, None), {}
    firsts = [i.session_date for i in mine] + [
        date.fromisoformat(c[1]) for c in settled.close_calls
    ]
    dues = r.DueTexts(rules, tz, min(firsts, default=today), today)
    for note_type, session_date, session_time, written_at in settled.close_calls:
        groups[note_type][0][1] += dues.within(session_date, session_time, written_at)
    within = dues.within_item
    # Per note, plain arithmetic from its day's midnight (shared by a day's sessions) rather
    # than a moment per session.
    midnights: dict[date, datetime] = {}
    for item in mine:
        written = item.written_at
        if written is None and within(item, now):
            continue  # open and in time: not decided yet
        group = groups.get(item.note_type)
        if group is None:
            group = groups[item.note_type] = ([0, 0], [])
        group[0][0] += 1
        if written is None:
            continue
        group[0][1] += within(item, written)
        day, at = item.session_date, item.session_time
        midnight = midnights.get(day)
        if midnight is None:
            midnight = midnights[day] = datetime.combine(day, time(0), tzinfo=tz)
        if written.tzinfo is not tz:
            written = written.astimezone(tz)
        # Sharing a tzinfo, the difference is on the wall clock (and needs no offset lookup);
        # the session starts `at` after its midnight, a date-only one at the day's end.
        start = DAY_SECONDS if at is None else at.hour * 3600 + at.minute * 60 + at.second
        elapsed = (written - midnight).total_seconds() - start
        group[1].append(elapsed / 3600 if elapsed > 0 else 0.0)

    def figures(decided: list[int], hours: list[float]) -> TypeFigures:
        share = round(decided[1] / decided[0], 3) if decided[0] else None
        return TypeFigures(decided[0], share, _round(median(hours)))

    by_type = {t: figures(*groups[t]) for t in sorted(groups)}
    total = [sum(g[0][0] for g in groups.values()), sum(g[0][1] for g in groups.values())]
    return figures(total, [h for g in groups.values() for h in g[1]]), by_type


class Pace(NamedTuple):
    """Minutes per note of one type in finished catch-up blocks, against its time budget."""

    minutes: float
    notes: int
    budget: tuple[int, int] | None
    against_budget: str | None
    """below, within or above the budget (None: no budget for this type)."""

    def to_json(self) -> dict[str, Any]:
        return {**self._asdict(), "budget": list(self.budget) if self.budget else None}


def minutes_per_note(
    blocks: Iterable[SprintBlock], types_by_id: Mapping[int, str], estimates: Mapping[str, float]
) -> dict[str, Pace]:
    """Per note type, the minutes of finished blocks per note written in them.

    A block's minutes are shared over the types written in it in proportion to their estimates
    (as the sprint's pace learning does), so a single-type block counts exactly. A note whose item
    is gone takes its share as a progress note but is not reported.
    """
    default = estimates.get("progress", planner.DEFAULT_MINUTES)
    minutes: dict[str, float] = {}
    notes: Counter[str] = Counter()
    for block in blocks:
        if block.done_at is None or not block.minutes_spent or not block.done_ids:
            continue
        written = Counter(types_by_id.get(i, "") for i in block.done_ids)
        predicted = sum(estimates.get(t, default) * n for t, n in written.items())
        for t, n in written.items():
            if t:
                share = block.minutes_spent * estimates.get(t, default) * n / predicted
                minutes[t] = minutes.get(t, 0.0) + share
                notes[t] += n
    out = {}
    for t in sorted(notes):
        each = round(minutes[t] / notes[t], 1)
        budget = BUDGETS.get(t)
        against = None
        if budget is not None:
            against = "below" if each < budget[0] else "above" if each > budget[1] else "within"
        out[t] = Pace(each, notes[t], budget, against)
    return out


class Lag(NamedTuple):
    """Days from session to written for billed notes (the claim went out before the note)."""

    median: float | None
    p90: float | None
    written: int
    """Billed notes written (the figures are over these)."""
    still_open: int
    """Billed notes still unwritten (not in the figures: their lag is not known yet)."""


def billing_lag(items: Iterable[Item], tz: tzinfo, settled: Settled = NOTHING_SETTLED) -> Lag:
    """Median and 90th percentile (`percentile`, nearest rank) of whole days from the session to
    the note's written day, over billed notes."""
    billed = [i for i in items if i.billed]
    lags = [
        (i.written_at.astimezone(tz).date() - i.session_date).days
        for i in billed
        if i.written_at is not None
    ]
    open_ = len(billed) - len(lags)
    lags += [days for days, count in settled.lags for _ in range(count)]
    return Lag(median(lags), percentile(lags, 90), len(lags), open_)


class Week(NamedTuple):
    """One week of the workload: arrivals, notes written, after-hours time, the open list."""

    week_start: date
    inflow: int | None
    """Notes whose session fell in the week (None before the first data)."""
    written: int | None
    after_hours_per_8h: float | None
    waiting_own: int | None
    """At the week's end (the week under way: now)."""
    waiting_others: int | None
    waiting_by_reason: dict[str, int] | None

    def to_json(self) -> dict[str, Any]:
        return {**self._asdict(), "week_start": self.week_start.isoformat()}


def weekly(
    items: Sequence[Item],
    logs: Sequence[DayLog],
    scheduled: Mapping[date, int],
    starts: Sequence[date],
    now: datetime,
    first_data: date | None,
    settled: Settled = NOTHING_SETTLED,
) -> list[Week]:
    """One row per week of `starts` (oldest first); weeks before `first_data` are left empty."""
    tz, today, n = now.tzinfo or UTC, now.date(), len(starts)
    end = starts[-1] + timedelta(weeks=1)
    # Local midnights: sharing a tzinfo with the items' moments, compared on the wall clock.
    bounds = [datetime.combine(d, time(0), tzinfo=tz) for d in [*starts, end]]
    inflow, written = [0] * n, [0] * n
    for k, count in settled.written.items():
        written[k] += count
    first = starts[0]
    for text, count, _ in settled.by_day:
        inflow[(date.fromisoformat(text) - first).days // 7] += count
    for item in items:
        day, done = item.session_date, item.written_at
        if day <= today:
            week = bisect_right(starts, day) - 1
            if week >= 0:
                inflow[week] += 1
        if done is not None:
            k = bisect_right(bounds, done if done.tzinfo is tz else done.astimezone(tz)) - 1
            if 0 <= k < n:
                written[k] += 1
    per_week: list[list[DayLog]] = [[] for _ in range(n)]
    for log in logs:
        k = bisect_right(starts, log.day) - 1
        if 0 <= k < n:
            per_week[k].append(log)
    ends = by_week(items, starts, now, settled.runs)
    return [
        Week(start, None, None, None, None, None, None)
        if first_data is None or start + timedelta(weeks=1) <= first_data
        else Week(
            start,
            inflow[k],
            written[k],
            after_hours_per_8h(per_week[k], scheduled),
            *ends[k],
        )
        for k, start in enumerate(starts)
    ]


def finish_at_pace(
    outstanding: int, inflow: float | None, written: float | None, today: date
) -> tuple[date | None, str | None]:
    """(finish date, why none): the outstanding notes over the weekly surplus of notes written
    over notes arriving; no date when the surplus is not there."""
    if outstanding == 0:
        return today, None
    if inflow is None or written is None:
        return None, NOT_ENOUGH
    surplus = written - inflow
    if surplus <= 0:
        return (
            None,
            "notes arrive as fast as they are written, or faster, so the backlog does not shrink",
        )
    return today + timedelta(days=math.ceil(outstanding / surplus * 7)), None


# -- the whole picture --------------------------------------------------------------------------


class Workload(NamedTuple):
    weeks: int
    span_start: date
    today: date
    rule_hours: int
    escalation_days: int
    after_hours_per_8h: float | None
    rule: TypeFigures
    by_type: dict[str, TypeFigures]
    minutes_per_note: dict[str, Pace] | None
    billing_lag_days: Lag
    waiting: Waiting
    inflow_per_week: float | None
    written_per_week: float | None
    outstanding: int
    finish_date: date | None
    weekly: list[Week]
    notes: dict[str, str]
    """Why each null figure is null."""

    def to_json(self) -> dict[str, Any]:
        lag = self.billing_lag_days
        return {
            "weeks": self.weeks,
            "span_start": self.span_start.isoformat(),
            "after_hours_per_8h": self.after_hours_per_8h,
            "within_rule_share": self.rule.within_rule_share,
            "median_hours_to_written": self.rule.median_hours_to_written,
            "by_type": {t: f._asdict() for t, f in self.by_type.items()},
            "minutes_per_note": (
                None
                if self.minutes_per_note is None
                else {t: p.to_json() for t, p in self.minutes_per_note.items()}
            ),
            "billing_lag_days": {
                "median": lag.median,
                "p90": lag.p90,
                "count": lag.written,
                "still_open": lag.still_open,
            },
            "waiting": self.waiting.to_json(),
            "inflow_per_week": self.inflow_per_week,
            "written_per_week": self.written_per_week,
            "outstanding": self.outstanding,
            "finish_date": self.finish_date.isoformat() if self.finish_date else None,
            "weekly": [w.to_json() for w in self.weekly],
            "notes": self.notes,
            "paragraph": paragraph(self),
        }


def check_weeks(weeks: int) -> None:
    """FieldError unless the span is 1 to 520 weeks (ten years)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise FieldError("weeks", f"must be a whole number from 1 to {MAX_WEEKS}, got {weeks}")


def workload(
    items: Iterable[Item],
    days: Iterable[DayLog],
    blocks: Iterable[SprintBlock],
    settings: Settings,
    now: datetime,
    weeks: int,
    *,
    typical_session_minutes: int,
    scheduled_minutes: Mapping[date, int] | None = None,
    settled: Settled = NOTHING_SETTLED,
    types_by_id: Mapping[int, str] | None = None,
) -> Workload:
    """Every workload figure over the last `weeks` weeks (see the module's docstring)."""
    check_weeks(weeks)
    tz, today, rules = now.tzinfo or UTC, now.date(), settings.rules
    starts = week_starts(today, weeks, settings.first_weekday)
    start = starts[0]
    items = list(items)
    logs = [d for d in days if start <= d.day <= today]
    in_span = [i for i in items if start <= i.session_date <= today]
    seen = [i.session_date for i in in_span] + [d.day for d in logs]
    if settled.by_day:
        seen.append(date.fromisoformat(min(day for day, _, _ in settled.by_day)))
    first_data = min(seen) if seen else None
    data_days = (today - first_data).days + 1 if first_data else 0
    enough = data_days >= MIN_DAYS
    notes: dict[str, str] = {}

    scheduled = scheduled_by_day(in_span, typical_session_minutes, scheduled_minutes, settled)
    after = after_hours_per_8h(logs, scheduled) if enough else None
    if not enough:
        notes["after_hours_per_8h"] = NOT_ENOUGH
    elif after is None:
        notes["after_hours_per_8h"] = "no scheduled patient time on the checked-in days"

    overall, by_type = rule_figures(in_span, rules, now, settled)
    if overall.within_rule_share is None:
        notes["within_rule_share"] = "no note in this span is written or past due yet"
    if overall.median_hours_to_written is None:
        notes["median_hours_to_written"] = "no note with a session in this span is written yet"

    since = datetime.combine(start, time(0), tzinfo=tz)
    finished = [b for b in blocks if b.done_at is not None and b.done_at >= since]
    done_ids = {n for b in finished for n in b.done_ids or ()}
    if types_by_id is None:
        types_by_id = {i.id: i.note_type for i in items if i.id in done_ids} if done_ids else {}
    estimates = {t: float(m) for t, m in settings.sprint.minutes_per_type.items()}
    paces = minutes_per_note(finished, types_by_id, estimates) or None
    if paces is None:
        notes["minutes_per_note"] = "no finished catch-up blocks in this span"

    lag = billing_lag(in_span, tz, settled)
    if lag.median is None:
        notes["billing_lag_days"] = "no billed note with a session in this span is written yet"

    inflow = written = None
    if enough:
        arrived = len(in_span) + sum(count for _, count, _ in settled.by_day)
        done = settled.done + sum(
            1 for i in items if i.written_at is not None and i.written_at >= since
        )
        inflow = round(arrived * 7 / data_days, 1)
        written = round(done * 7 / data_days, 1)
    else:
        notes["inflow_per_week"] = notes["written_per_week"] = NOT_ENOUGH
    outstanding = sum(1 for i in items if r.is_outstanding(i) and i.session_date <= today)
    finish, why = finish_at_pace(outstanding, inflow, written, today)
    if why:
        notes["finish_date"] = why
    return Workload(
        weeks=weeks,
        span_start=start,
        today=today,
        rule_hours=rules.rule_hours,
        escalation_days=rules.escalation_days,
        after_hours_per_8h=after,
        rule=overall,
        by_type=by_type,
        minutes_per_note=paces,
        billing_lag_days=lag,
        waiting=waiting(items, rules, now),
        inflow_per_week=inflow,
        written_per_week=written,
        outstanding=outstanding,
        finish_date=finish,
        weekly=weekly(items, logs, scheduled, starts, now, first_data, settled),
        notes=notes,
    )
