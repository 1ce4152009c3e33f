"""The sprint's burndown: notes left by date as first planned, as it went, and the first plan
re-based on the new notes that arrived meanwhile (the first plan assumed none). Pure functions;
no planner import, so `trends` pays little for the burndown chart.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING

from tracker.models import Item
from tracker.records import SprintBlock, SprintRecord

if TYPE_CHECKING:
    from tracker.sprint import SprintPlan


def projection(sp: SprintPlan) -> list[tuple[date, int]]:
    """Notes left by date as the plan expects: at its start and after each block."""
    left = sp.outstanding
    points = [(sp.plan.params.start, left)]
    for b in sp.plan.blocks:
        left -= len(b.item_ids)
        points.append((b.date, left))
    return points


def arrivals(items: Iterable[Item], sprint: SprintRecord, tz: tzinfo) -> list[date]:
    """The days new notes joined the backlog since the sprint began, sorted: notes added after
    it began, not written on their session's day nor waiting on others, by the day they were
    added (or held, when later)."""
    begin = sprint.created_at or datetime.combine(sprint.started_on, time(0), tz)
    days = []
    for i in items:
        if i.created_at is None or i.created_at <= begin or i.blocked_on is not None:
            continue
        if i.written_at is not None and i.written_at.astimezone(tz).date() <= i.session_date:
            continue
        days.append(max(i.session_date, i.created_at.astimezone(tz).date()))
    return sorted(days)


def rebase(
    planned: Sequence[tuple[date, int]], arrived: Sequence[date], today: date
) -> list[tuple[date, int]]:
    """The first plan's notes left by date, plus the new notes that had arrived by then: what
    the plan would have said, knowing the inflow (none is assumed after today)."""
    if not arrived or not planned:
        return list(planned)
    out = []
    for day in sorted({d for d, _ in planned} | {d for d in arrived if d <= today}):
        base = [n for d, n in planned if d <= day] or [planned[0][1]]
        out.append((day, base[-1] + bisect.bisect_right(arrived, min(day, today))))
    return out


def burndown(
    sprint: SprintRecord, done: Sequence[SprintBlock], today: date, outstanding: int
) -> tuple[list[tuple[date, int]], list[tuple[date, int]]]:
    """(planned, actual): the first plan's notes left by date, and what really happened."""
    actual = [(sprint.started_on, sprint.start_outstanding)]
    for b in done:
        if b.done_at is not None and b.remaining_after is not None:
            actual.append((b.done_at.date(), b.remaining_after))
    last_day, last_left = actual[-1]
    if today > last_day or (today == last_day and outstanding != last_left):
        actual.append((today, outstanding))
    return list(sprint.baseline), actual
