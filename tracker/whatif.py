"""What if the week held N sessions fewer (or more)? The catch-up plan's finish date from the
measured rate of notes slipping past the rule, with its premise stated (`plan
--what-if-sessions -N`, and the Sprint screen). Pure: items, the plan's parameters, rules, now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker import planner, words
from tracker.errors import InputError
from tracker.models import Item
from tracker.settings import Rules
from tracker.workload import is_session

if TYPE_CHECKING:
    from tracker.store import Store

MAX_CHANGE = 100


class WhatIf(NamedTuple):
    """The plan's finish date if the week held `change` sessions more (negative: fewer)."""

    change: int
    sessions_per_week: float
    """Measured: sessions a week in the 4 weeks before the plan."""
    slipping_per_week: float
    """Measured: notes a week that slipped past the rule in those weeks (`planner`'s inflow)."""
    slipping_after: float
    """The inflow the plan takes with the change."""
    finish_date: date | None
    finish_date_now: date | None
    """At the measured rate, without the change."""
    premise: str

    def to_json(self) -> dict[str, Any]:
        return {
            **self._asdict(),
            "finish_date": self.finish_date.isoformat() if self.finish_date else None,
            "finish_date_now": self.finish_date_now.isoformat() if self.finish_date_now else None,
        }


def what_if_sessions(
    items: Sequence[Item], params: planner.PlanParams, rules: Rules, now: datetime, change: int
) -> WhatIf:
    """The plan with `change` sessions a week more (negative: fewer).

    Premise: the notes that slip past the rule are the ones the week has no room for, so each
    session fewer is one note fewer slipping (down to none) and each one more is one more; the
    time a session frees is not counted as catch-up time. `items`: at least the outstanding ones
    and those with a session in the 4 weeks before the plan's start.
    """
    if not -MAX_CHANGE <= change <= MAX_CHANGE:
        raise InputError(
            f"the change in sessions a week must be from -{MAX_CHANGE} to {MAX_CHANGE}, "
            f"got {change}"
        )
    tz, today = now.tzinfo or UTC, now.date()
    slipping = planner.measured_inflow(items, rules, tz, params.start, now)
    end = min(params.start, today)
    begin = end - timedelta(days=planner.INFLOW_WINDOW_DAYS)
    held = sum(1 for i in items if begin <= i.session_date < end and is_session(i))
    sessions = round(held * 7 / planner.INFLOW_WINDOW_DAYS, 1)
    after = round(max(0.0, slipping + change), 2)
    plan = planner.plan(items, replace(params, inflow=after), rules, today, slipping)
    measured = (
        f"In the 4 weeks before {end:%d %b %Y}, about {sessions:g} sessions a week were held and "
        f"{words.about(slipping)} notes a week slipped past {words.plural(rules.rule_hours, 'hour')}."
    )
    premise = (
        "Premise: the notes that slip are the ones the week has no room for, so each session "
        + (
            "fewer a week is one note fewer slipping, down to none; the time it frees is not "
            "counted as catch-up time."
            if change <= 0
            else "more a week is one more note slipping."
        )
    )
    return WhatIf(
        change,
        sessions,
        slipping,
        after,
        plan.finish_date,
        plan.finish_at_measured,
        f"{measured} {premise}",
    )


def for_plan(
    store: Store, params: planner.PlanParams, rules: Rules, now: datetime, change: int
) -> WhatIf:
    """`what_if_sessions` for a plan made from the store: reads what it needs (the open notes,
    and the sessions of the 4 weeks before the plan)."""
    since = min(params.start, now.date()) - timedelta(days=planner.INFLOW_WINDOW_DAYS)
    recent = store.items(since=since)
    older = [i for i in store.items(open_only=True) if i.session_date < since]
    return what_if_sessions(older + recent, params, rules, now, change)


def lines(w: WhatIf) -> list[str]:
    """The answer in words, for the terminal and the Sprint screen."""
    change = abs(w.change)
    sessions = f"{words.plural(change, 'session')} {'fewer' if w.change < 0 else 'more'} a week"
    if w.change == 0:
        sessions = "the same sessions a week"
    finish = words.day(w.finish_date) if w.finish_date else "never at this pace"
    now = words.day(w.finish_date_now) if w.finish_date_now else "never"
    return [
        f"What if  with {sessions}: caught up {finish} "
        f"(at the measured rate, as things are: {now}).",
        f"        {w.premise}",
    ]
