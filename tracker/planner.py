"""The catch-up planner: outstanding items and the user's blocks in, a dated plan out.

A pure function of (items, parameters, rules, today, measured inflow). Items are taken in the
strategy's order (`risk`: triage order; `recent`: most recent session first) and poured into
blocks in that order, so no item waits behind a lower-priority one; inside a block they are
grouped by note type, to stay in one mental mode.

Blocks are filled to capacity with the notes known now. Inflow r (notes a week expected to join
the backlog) decides when the plan finishes: the backlog shrinks by capacity - r a week, so the
plan runs `backlog / (capacity per block - r per block)` blocks, the last ones left for new notes
as they arrive. When r reaches capacity the backlog never shrinks: the known notes still get
their blocks, most urgent first, and the plan says how many blocks a week would turn it.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta, tzinfo
from typing import Any

from tracker import rules as r
from tracker.block_days import MAX_SUSTAINABLE, block_dates, days_for, sustainable_days
from tracker.models import Item
from tracker.plan_warnings import PlanWarning, plan_warnings
from tracker.plan_warnings import target_advice as target_advice  # `caughtup plan` imports it here
from tracker.settings import STRATEGIES, Rules
from tracker.words import type_count, type_noun

INFLOW_WINDOW_DAYS = 28
DEFAULT_MINUTES = 9.0


@dataclass(frozen=True)
class PlanParams:
    """Everything a plan depends on besides the items and the rules."""

    days: tuple[str, ...]
    start: date
    start_time: time = time(16, 0)
    block_minutes: int = 90
    notes_per_block: int = 0
    """Fixed notes per block; 0 means fill each block by minutes per note type."""
    minutes_per_type: Mapping[str, float] = field(default_factory=dict)
    target: date | None = None
    strategy: str = "risk"
    inflow: float = 0.0
    """Notes a week expected to join the backlog during the sprint."""
    taken: frozenset[date] = frozenset()
    """Days whose block is already done (worked ahead): no second block on them."""
    starts: Mapping[date, time] | None = None
    """With a calendar: the block days and each block's start in free time (`days` only
    sized the week); None: every one of `days` at `start_time`."""

    def start_on(self, day: date) -> time:
        """When the block of `day` starts."""
        return self.starts.get(day, self.start_time) if self.starts else self.start_time

    @property
    def blocks_per_week(self) -> int:
        return len(self.days)

    def minutes_for(self, note_type: str) -> float:
        m = self.minutes_per_type
        return float(m.get(note_type, m.get("progress", DEFAULT_MINUTES)))

    def minutes_table(self, types: Iterable[str]) -> dict[str, float]:
        """minutes_for over a set of types, looked up once."""
        return {t: self.minutes_for(t) for t in set(types)}


@dataclass(frozen=True)
class Block:
    """One catch-up block: when, how long, and its items grouped by note type."""

    date: date
    start: time
    minutes: int
    groups: tuple[tuple[str, tuple[int, ...]], ...]
    planned_minutes: int
    expected_new: int = 0
    """A block past the notes known now: about how many new notes it is kept for."""

    @property
    def item_ids(self) -> list[int]:
        return [i for _, ids in self.groups for i in ids]

    @property
    def goal(self) -> str:
        if not self.groups and self.expected_new:
            return f"new notes as they arrive (about {self.expected_new})"
        return goal_line(self.groups)

    def to_json(self) -> dict[str, Any]:
        return {
            "date": self.date.isoformat(),
            "start": self.start.strftime("%H:%M"),
            "minutes": self.minutes,
            "item_ids": self.item_ids,
            "groups": {t: list(ids) for t, ids in self.groups},
            "goal": self.goal,
            "planned_minutes": self.planned_minutes,
            "expected_new": self.expected_new,
        }


def goal_line(groups: Iterable[tuple[str, Sequence[int]]]) -> str:
    """'3 progress notes, 1 treatment plan'."""
    return ", ".join(type_count(t, len(ids)) for t, ids in groups if ids) or "nothing left to write"


@dataclass
class Plan:
    params: PlanParams
    blocks: list[Block]
    finish_date: date | None
    """The last block's date; None when the plan can never finish (or not within the horizon)."""
    meets_target: bool | None
    """None when no target is set."""
    blocks_per_week_needed: int | None
    """Fewest blocks a week (1 to 7) that finish by the target, or at all without one."""
    warnings: list[PlanWarning]
    unscheduled: list[int]
    capacity_per_week: float
    """Notes a week the blocks can write (before inflow)."""
    measured_inflow: float | None = None
    finish_at_measured: date | None = None
    suggested_target: date | None = None
    """When a target is missed: the finish at a sustainable number of blocks a week."""
    skipped_days: list[dict[str, Any]] = field(default_factory=list)
    """With a calendar: block days that could not hold a block, why, and where it went."""

    def to_json(self) -> dict[str, Any]:
        p = self.params
        return {
            "blocks": [b.to_json() for b in self.blocks],
            "skipped_days": self.skipped_days,
            "finish_date": self.finish_date.isoformat() if self.finish_date else None,
            "meets_target": self.meets_target,
            "blocks_per_week_needed": self.blocks_per_week_needed,
            "warnings": [w.to_json() for w in self.warnings],
            "unscheduled": self.unscheduled,
            "capacity_per_week": round(self.capacity_per_week, 2),
            "suggested_target": (
                self.suggested_target.isoformat() if self.suggested_target else None
            ),
            "inflow": {
                "per_week": p.inflow,
                "measured_per_week": self.measured_inflow,
                "finish_at_measured": (
                    self.finish_at_measured.isoformat() if self.finish_at_measured else None
                ),
            },
            "parameters": {
                "days": list(p.days),
                "blocks_per_week": p.blocks_per_week,
                "start": p.start.isoformat(),
                "start_time": p.start_time.strftime("%H:%M"),
                "block_minutes": p.block_minutes,
                "notes_per_block": p.notes_per_block,
                "minutes_per_type": {k: round(v, 1) for k, v in p.minutes_per_type.items()},
                "target": p.target.isoformat() if p.target else None,
                "strategy": p.strategy,
            },
        }


# -- ordering and dates --------------------------------------------------------------------------


def order(items: Iterable[Item], strategy: str, rules: Rules, today: date) -> list[Item]:
    """`risk`: triage order (tier, then the rules' within-tier order); `recent`: newest first."""
    if strategy == "recent":
        return sorted(
            items,
            key=lambda i: (
                -i.session_date.toordinal(),
                -(i.session_time.hour * 60 + i.session_time.minute if i.session_time else 1440),
                -(i.id or 0),
            ),
        )
    return r.triage_order(items, rules, today)


def _dates(params: PlanParams) -> Iterator[date]:
    """The plan's block dates: its days from its start (or the calendar's free days), less those
    a block was already done on."""
    days = sorted(params.starts) if params.starts is not None else None
    found = days if days is not None else block_dates(params.days, params.start)
    return (d for d in found if d not in params.taken and d >= params.start)


# -- the plan ------------------------------------------------------------------------------------


def _capacity_per_week(params: PlanParams, mean_minutes: float) -> float:
    if params.notes_per_block:
        return float(params.blocks_per_week * params.notes_per_block)
    return params.blocks_per_week * params.block_minutes / mean_minutes


def _mean_minutes(items: Sequence[Item], params: PlanParams) -> float:
    if not items:
        return params.minutes_for("progress")
    table = params.minutes_table(i.note_type for i in items)
    return sum(table[i.note_type] for i in items) / len(items)


def _costs(ordered: Sequence[Item], params: PlanParams) -> list[float]:
    if params.notes_per_block:
        return [1.0] * len(ordered)
    table = params.minutes_table(i.note_type for i in ordered)
    return [table[i.note_type] for i in ordered]


def _spans(costs: Sequence[float], params: PlanParams) -> list[tuple[date, int, int]]:
    """(date, first, end) per block: items poured in order, each block filled to capacity.
    Stops at the horizon, so some items may be left over."""
    if not params.days or not costs:
        return []
    fixed = params.notes_per_block
    spans: list[tuple[date, int, int]] = []
    n, total = 0, len(costs)
    for day in _dates(params):
        first, used = n, 0.0
        if fixed:
            n = min(total, n + fixed)
        while not fixed and n < total and used + costs[n] <= params.block_minutes + 1e-9:
            used += costs[n]
            n += 1
        if n == first:
            n += 1  # nothing fits (an item longer than the block): it gets a block to itself
        spans.append((day, first, n))
        if n >= total:
            break
    return spans


def _inflow_per_block(params: PlanParams, mean: float) -> float:
    """New notes a block must absorb, in the unit blocks are filled by (notes or minutes)."""
    return params.inflow / params.blocks_per_week * (1.0 if params.notes_per_block else mean)


def _blocks_to_finish(
    costs: Sequence[float], params: PlanParams, mean: float, known: int
) -> int | None:
    """Blocks until the backlog and the inflow meanwhile are written (`known` hold the notes
    known now); None when the inflow reaches capacity."""
    per_block = params.notes_per_block or params.block_minutes
    inflow = _inflow_per_block(params, mean)
    if inflow >= per_block - 1e-9:
        return None
    if inflow <= 0:
        return known
    return max(known, math.ceil(sum(costs) / (per_block - inflow) - 1e-9))


def _finish(costs: Sequence[float], params: PlanParams, mean: float) -> date | None:
    """The last block's date, or None if the plan never finishes within the horizon."""
    if not costs:
        return params.start
    spans = _spans(costs, params)
    if not spans or spans[-1][2] < len(costs):
        return None
    k = _blocks_to_finish(costs, params, mean, len(spans))
    if k is None:
        return None
    return next(itertools.islice(_dates(params), k - 1, None), None)


def _block(
    day: date, items: Sequence[Item], params: PlanParams, minutes: Mapping[str, float]
) -> Block:
    groups: dict[str, list[int]] = {}
    for item in items:
        groups.setdefault(item.note_type, []).append(item.id or 0)
    planned = sum(minutes[i.note_type] for i in items)
    return Block(
        date=day,
        start=params.start_on(day),
        minutes=params.block_minutes,
        groups=tuple((t, tuple(ids)) for t, ids in groups.items()),
        planned_minutes=round(planned),
    )


def plan(
    items: Iterable[Item],
    params: PlanParams,
    rules: Rules,
    today: date,
    measured_inflow: float | None = None,
) -> Plan:
    """The plan for `items` (outstanding ones; written or blocked ones are skipped)."""
    if params.strategy not in STRATEGIES:
        raise ValueError(
            f"strategy must be one of {', '.join(STRATEGIES)}, got {params.strategy!r}"
        )
    pool = [i for i in items if r.is_outstanding(i)]
    ordered = order(pool, params.strategy, rules, today)
    mean = _mean_minutes(ordered, params)
    capacity = _capacity_per_week(params, mean)

    costs = _costs(ordered, params)
    outruns = params.inflow >= capacity - 1e-9 and bool(ordered)
    spans = _spans(costs, params)
    table = params.minutes_table(i.note_type for i in ordered)
    blocks = [_block(day, ordered[a:b], params, table) for day, a, b in spans]
    scheduled = {i for b in blocks for i in b.item_ids}
    unscheduled = [i.id or 0 for i in ordered if (i.id or 0) not in scheduled]
    finish: date | None = params.start if not ordered else None
    k = None if unscheduled or outruns else _blocks_to_finish(costs, params, mean, len(spans))
    if ordered and k is not None:
        dates = list(itertools.islice(_dates(params), k))
        if len(dates) == k:
            finish = dates[-1]
            blocks += _new_note_blocks(dates[len(blocks) :], params, mean, k, len(spans))
    beyond = bool(unscheduled) or (bool(ordered) and k is not None and finish is None)

    meets = None if params.target is None else finish is not None and finish <= params.target
    needed = _blocks_needed(costs, params, mean)

    past = [i for i in ordered if r.past_payer_window(i, rules, today)]
    past_ids = {i.id for i in past}
    when = {i: b.date for b in blocks for i in b.item_ids}
    slipping = [
        i
        for i in ordered
        if i.id not in past_ids
        and (end := r.payer_window_end(i, rules)) is not None
        and (i.id or 0) in when
        and when[i.id or 0] > end
    ]
    long_types = sorted(
        t for t, m in table.items() if not params.notes_per_block and m > params.block_minutes
    )
    suggested = None
    if meets is False and (needed is None or needed > MAX_SUSTAINABLE):
        suggested = _finish(costs, replace(params, days=sustainable_days(params.days)), mean)
    warnings = plan_warnings(
        params,
        past_window=len(past),
        slipping=len(slipping),
        longer_than_block=[(type_noun(t), params.minutes_for(t)) for t in long_types],
        capacity=capacity,
        outruns=outruns,
        turn=_blocks_to_turn(params, mean) if outruns else None,
        beyond=beyond,
        unscheduled=len(unscheduled),
        meets=meets,
        needed=needed,
        suggested=suggested,
    )

    finish_measured = None
    if measured_inflow is not None:
        finish_measured = _finish(costs, replace(params, inflow=measured_inflow), mean)
    return Plan(
        params=params,
        blocks=blocks,
        finish_date=finish,
        meets_target=meets,
        blocks_per_week_needed=needed,
        warnings=warnings,
        unscheduled=unscheduled,
        capacity_per_week=capacity,
        measured_inflow=measured_inflow,
        finish_at_measured=finish_measured,
        suggested_target=suggested,
    )


def _new_note_blocks(
    dates: Sequence[date], params: PlanParams, mean: float, k: int, known: int
) -> list[Block]:
    """The blocks after the notes known now, kept for the new notes the inflow brings."""
    per_block = (params.notes_per_block or params.block_minutes / mean) if mean else 1.0
    arriving = params.inflow / params.blocks_per_week * k
    each = max(1, round(min(per_block, arriving / max(1, k - known))))
    minutes = params.block_minutes
    return [Block(d, params.start_on(d), minutes, (), minutes, expected_new=each) for d in dates]


def _blocks_to_turn(params: PlanParams, mean: float) -> int | None:
    """Fewest blocks a week (1 to 7) that write more notes than the inflow brings."""
    for n in range(1, 8):
        if _capacity_per_week(replace(params, days=days_for(n, params.days)), mean) > (
            params.inflow + 1e-9
        ):
            return n
    return None


def _blocks_needed(costs: Sequence[float], params: PlanParams, mean: float) -> int | None:
    """Fewest blocks a week (same block size) that finish by the target, or at all.

    More blocks a week are a superset of days (`days_for`), and blocks filled in order never
    finish later with more of them, so a binary search over 1 to 7 finds the fewest.
    """

    def enough(n: int) -> bool:
        finish = _finish(costs, replace(params, days=days_for(n, params.days)), mean)
        return finish is not None and (params.target is None or finish <= params.target)

    lo, hi = 1, 7
    if not enough(hi):
        return None
    while lo < hi:
        mid = (lo + hi) // 2
        if enough(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


# -- measured inflow -----------------------------------------------------------------------------


def measured_inflow(
    items: Iterable[Item], rules: Rules, tz: tzinfo, start: date, now: datetime
) -> float:
    """Notes a week that slipped past the rule's hours, over the 4 weeks before `start`.

    The window ends at the start or today, whichever is earlier (there is no data after today).
    Blocked items count too: they also end up written late.
    """
    end = min(start, now.date())
    begin = end - timedelta(days=INFLOW_WINDOW_DAYS)
    slipped = sum(
        1 for i in items if begin <= i.session_date < end and r.breached(i, rules, tz, now)
    )
    return round(slipped * 7 / INFLOW_WINDOW_DAYS, 2)
