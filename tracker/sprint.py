"""The current catch-up sprint: plan and save it, export it to a calendar, learn the user's pace.

A sprint keeps only the parameters the user chose explicitly (`caughtup plan --days ...`);
everything else comes from the settings at each re-plan, so `caughtup config sprint.*` still
applies mid-sprint. The plan itself is re-made from the current outstanding items every time
(`caughtup plan`, a finished block in `blocks`, the Sprint screen), so a new item joins at its
tier.

Pace: after a block, the minutes spent are shared out over the note types written in proportion
to their current estimates; each type's estimate then becomes a weighted average of the old one
(worth up to the last `MAX_WEIGHT` notes of that type, the defaults counting as `PRIOR_WEIGHT`
notes) and the pace just seen (worth the notes written). So one slow block nudges the estimate,
and a steady pace takes over after a handful of blocks.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NamedTuple

from tracker import block_days, planner, rules
from tracker.burndown import projection
from tracker.clock import date_in_range
from tracker.errors import FieldError, InputError
from tracker.records import SprintBlock, SprintRecord
from tracker.settings import STRATEGIES, WEEKDAYS, Settings
from tracker.store import Store

if TYPE_CHECKING:
    from tracker.calendar.freetime import Busy, Moved

PRIOR_WEIGHT = 4.0
MAX_WEIGHT = 20.0
MIN_MINUTES, MAX_MINUTES = 1.0, 240.0
MAX_INFLOW = 500.0


# -- pace ----------------------------------------------------------------------------------------


def minutes_per_type(
    defaults: Mapping[str, int], pace: Mapping[str, tuple[float, float]]
) -> dict[str, float]:
    """The settings' minutes per note type, replaced by the user's own pace where known."""
    merged = {t: float(m) for t, m in defaults.items()}
    merged.update({t: m for t, (m, _) in pace.items()})
    return merged


def recalibrate(
    current: Mapping[str, float],
    pace: Mapping[str, tuple[float, float]],
    written: Mapping[str, int],
    minutes_spent: int,
) -> dict[str, tuple[float, float]]:
    """New (minutes, weight) for each note type written in a block that took `minutes_spent`."""

    def estimate(t: str) -> float:
        return current.get(t, current.get("progress", planner.DEFAULT_MINUTES))

    predicted = sum(estimate(t) * n for t, n in written.items() if n > 0)
    if predicted <= 0 or minutes_spent <= 0:
        return {}
    scale = minutes_spent / predicted
    new = {}
    for t, n in written.items():
        if n <= 0:
            continue
        old = estimate(t)
        weight = pace[t][1] if t in pace else PRIOR_WEIGHT
        seen = old * scale
        minutes = (old * weight + seen * n) / (weight + n)
        new[t] = (
            round(min(MAX_MINUTES, max(MIN_MINUTES, minutes)), 2),
            min(MAX_WEIGHT, weight + n),
        )
    return new


# -- parameters ----------------------------------------------------------------------------------


@dataclass
class Choices:
    """What the user chose on the command line or in the Sprint screen (None: not chosen)."""

    days: list[str] | None = None
    blocks_per_week: int | None = None
    block_minutes: int | None = None
    notes_per_block: int | None = None
    start: date | None = None
    target: date | None = None
    strategy: str | None = None
    inflow: str | None = None
    """A number of notes a week, or "recent" for the measured rate."""
    no_target: bool = False
    """Drop a target chosen earlier."""

    def to_params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in vars(self).items():
            if value is not None and key != "no_target":
                out[key] = value.isoformat() if isinstance(value, date) else value
        return out

    @classmethod
    def from_params(cls, data: Mapping[str, Any]) -> Choices:
        c = cls()
        for key, value in data.items():
            if key in ("start", "target") and value is not None:
                value = date.fromisoformat(value)
            if hasattr(c, key):
                setattr(c, key, value)
        return c

    def merged(self, newer: Choices) -> Choices:
        """These choices with `newer`'s on top; choosing days or a count replaces the other."""
        out = Choices(**vars(self))
        for key, value in vars(newer).items():
            if value is not None:
                setattr(out, key, value)
        if newer.days is not None and newer.blocks_per_week is None:
            out.blocks_per_week = None
        if newer.blocks_per_week is not None and newer.days is None:
            out.days = None
        if newer.no_target:
            out.target = None
        return out


def parse_days(text: str) -> list[str]:
    """'tue,thu' (or 'Tuesday, Thursday') as weekday keys; FieldError otherwise."""
    days = [d.strip().lower()[:3] for d in text.split(",") if d.strip()]
    if not days or any(d not in WEEKDAYS for d in days):
        raise FieldError(
            "days",
            f"must be weekdays from {','.join(WEEKDAYS)} separated by commas, "
            f"e.g. tue,thu; got {text!r}",
        )
    return list(dict.fromkeys(days))


def parse_inflow(text: str) -> str:
    """'recent' or a number of notes a week (0 to 500), as text; FieldError otherwise."""
    value = text.strip().lower()
    if value == "recent":
        return value
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not 0 <= number <= MAX_INFLOW:
        raise FieldError(
            "inflow",
            f"must be a number of notes a week from 0 to {MAX_INFLOW:g}, or recent, got {text!r}",
        )
    return f"{number:g}"


# The bounds of the choices a plan takes (the CLI's options and the Sprint screen use them too).
BLOCKS_PER_WEEK = (1, 7)
BLOCK_MINUTES = (15, 480)
NOTES_PER_BLOCK = (0, 50)


def params_problem(data: Any) -> str | None:
    """What is wrong with a sprint's stored choices (`Choices.to_params`), or None.

    The same bounds as `caughtup plan` takes; an import checks them, so a re-plan never trips.
    """
    if type(data) is not dict:
        return "must be an object of plan options"
    numbers = {
        "blocks_per_week": BLOCKS_PER_WEEK,
        "block_minutes": BLOCK_MINUTES,
        "notes_per_block": NOTES_PER_BLOCK,
    }
    for key, value in data.items():
        if key in numbers:
            lo, hi = numbers[key]
            ok = type(value) is int and lo <= value <= hi
        elif key == "days":
            ok = (
                type(value) is list
                and bool(value)
                and all(d in WEEKDAYS for d in value)
                and len(set(value)) == len(value)
            )
        elif key in ("start", "target"):
            ok = type(value) is str and _iso_day(value)
        elif key == "strategy":
            ok = value in STRATEGIES
        elif key == "inflow":
            ok = type(value) is str and _inflow_ok(value)
        else:
            return f"has an unknown option {key!r}"
        if not ok:
            return f"has a bad {key}: {value!r}"[:120]
    return None


def _iso_day(text: str) -> bool:
    try:
        return date_in_range(date.fromisoformat(text)) and len(text) == 10
    except ValueError:
        return False


def _inflow_ok(text: str) -> bool:
    try:
        return parse_inflow(text) == text
    except InputError:
        return False


def check_choices(c: Choices, today: date) -> None:
    """FieldError naming the first choice that cannot make a plan."""
    if c.days is not None:
        if not c.days:
            raise FieldError("days", "must name at least one weekday, e.g. tue,thu")
        if c.blocks_per_week is not None and c.blocks_per_week != len(c.days):
            raise FieldError(
                "blocks_per_week",
                f"{c.blocks_per_week} does not match {{days}} {','.join(c.days)} "
                f"({len(c.days)} days); give one of them, or make them agree",
                mentions=("days",),
            )
    if c.start is not None and c.start < today:
        raise FieldError(
            "start",
            f"{c.start.isoformat()} is in the past; plan from today ({today.isoformat()}) or later",
        )
    if c.target is not None and c.target < (c.start or today):
        raise FieldError(
            "target",
            f"{c.target.isoformat()} is before the start ({(c.start or today).isoformat()}); "
            "pick a later date",
        )
    if c.strategy is not None and c.strategy not in STRATEGIES:
        raise FieldError("strategy", f"must be one of {', '.join(STRATEGIES)}, got {c.strategy!r}")
    if c.inflow is not None:
        parse_inflow(c.inflow)


def next_start(today: date, chosen: date | None) -> date:
    """Plan from today, never before a chosen start. (A day whose block is done gets no other:
    the plan skips the days of done blocks, and today's once its start time has passed.)"""
    return max(today, chosen) if chosen else today


@dataclass
class SprintPlan:
    """A plan with what the user sees beside it: the sprint, its history, the inflow premise."""

    plan: planner.Plan
    choices: Choices
    inflow_source: str
    """'default' (0: new notes written within the rule's hours from now on), 'given' or 'recent'."""
    outstanding: int
    sprint: SprintRecord | None = None
    done: list[SprintBlock] = field(default_factory=list)
    saved: bool = False
    ended: bool = False

    def to_json(self) -> dict[str, Any]:
        data = self.plan.to_json()
        data["inflow"]["source"] = self.inflow_source
        data["outstanding"] = self.outstanding
        sprint = self.sprint
        data["sprint"] = (
            None
            if sprint is None
            else {
                "id": sprint.id,
                "started_on": sprint.started_on.isoformat(),
                "start_outstanding": sprint.start_outstanding,
                "revision": sprint.revision,
                "blocks_done": len(self.done),
                "notes_cleared": sum(len(b.done_ids or []) for b in self.done),
                "ended": self.ended,
                "saved": self.saved,
            }
        )
        return data


def build(
    store: Store,
    settings: Settings,
    now: datetime,
    chosen: Choices | None = None,
    *,
    new: bool = False,
    busy: Busy | None = None,
) -> SprintPlan:
    """The plan for the current outstanding items (a new sprint's, or the current one's);
    with `busy` (the calendar's, `freetime.busy_ahead`), its blocks go in free time."""
    today = now.date()
    chosen = chosen or Choices()
    check_choices(chosen, today)
    sprint = None if new else store.current_sprint()
    done_blocks: list[SprintBlock] = []
    base = Choices()
    if sprint is not None:
        base = Choices.from_params(sprint.params)
        done_blocks = [b for b in store.sprint_blocks(sprint.id) if b.done_at is not None]
    c = base.merged(chosen)

    s = settings.sprint
    if c.days is not None:
        days = tuple(sorted(dict.fromkeys(c.days), key=WEEKDAYS.index))
    elif c.blocks_per_week is not None:
        days = block_days.days_for(c.blocks_per_week, s.days)
    else:
        days = tuple(sorted(dict.fromkeys(s.days), key=WEEKDAYS.index))
    if not days:
        raise InputError(
            "no catch-up days set; give {days} tue,thu or set sprint.days", mentions=("days",)
        )
    start = chosen.start or next_start(today, c.start)
    start = block_days.first_day(start, days, time.fromisoformat(s.start), now)

    items = store.items(since=min(start, today) - timedelta(days=planner.INFLOW_WINDOW_DAYS))
    open_items = store.items(open_only=True)
    outstanding = [i for i in open_items if rules.is_outstanding(i)]
    measured = planner.measured_inflow(items, settings.rules, now.tzinfo or UTC, start, now)
    if c.inflow is None:
        inflow, source = 0.0, "default"
    elif c.inflow == "recent":
        inflow, source = measured, "recent"
    else:
        inflow, source = float(c.inflow), "given"

    block_minutes = c.block_minutes or s.block_minutes
    starts: dict[date, time] | None = None
    moved: list[Moved] = []
    if busy is not None:
        from tracker.calendar.freetime import block_starts

        wanted = block_days.block_dates(days, start)
        tz = now.tzinfo or UTC
        starts, moved = block_starts(
            busy, wanted, block_minutes, time.fromisoformat(s.start), tz, now
        )
    params = planner.PlanParams(
        days=days,
        start=start,
        start_time=time.fromisoformat(s.start),
        block_minutes=block_minutes,
        notes_per_block=(c.notes_per_block if c.notes_per_block is not None else s.notes_per_block),
        minutes_per_type=minutes_per_type(s.minutes_per_type, store.pace()),
        target=c.target,
        strategy=c.strategy or s.strategy,
        inflow=inflow,
        taken=frozenset(b.day for b in done_blocks),
        starts=starts,
    )
    result = planner.plan(outstanding, params, settings.rules, today, measured)
    if moved:
        last = max((b.date for b in result.blocks), default=start)
        result.skipped_days = [m.to_json() for m in moved if m.day.date <= last]
    return SprintPlan(
        plan=result,
        choices=c,
        inflow_source=source,
        outstanding=len(outstanding),
        sprint=sprint,
        done=done_blocks,
    )


def save(store: Store, sp: SprintPlan, now: datetime) -> SprintPlan:
    """Save `sp` as the current sprint (a new one if there is none); end it when caught up."""
    with store.transaction():
        return _save(store, sp, now)


def _save(store: Store, sp: SprintPlan, now: datetime) -> SprintPlan:
    p = sp.plan
    if sp.sprint is None:
        if sp.outstanding == 0:
            return sp
        store.start_sprint(os.urandom(8).hex(), p.params.start, {}, projection(sp), now)
    sprint = store.current_sprint()
    assert sprint is not None
    store.replace_planned_blocks(
        sprint.id,
        sp.choices.to_params(),
        [
            SprintBlock(
                id=0,
                day=b.date,
                start=b.start,
                minutes=b.minutes,
                groups=[(t, list(ids)) for t, ids in b.groups],
                goal=b.goal,
            )
            for b in p.blocks
        ],
    )
    sp.sprint = store.current_sprint()
    sp.saved = True
    if sp.outstanding == 0:
        store.end_sprint(sprint.id, now)
        sp.ended = True
    return sp


def calendar_busy(settings: Settings, now: datetime, first: date) -> tuple[Busy | None, str | None]:
    """The calendar's busy time, holidays and days off for a plan from `first` (None without a
    calendar source), and why it could not be read (the blocks then keep their usual time).
    Read before a plan's write transaction: a feed may be slow."""
    if not settings.calendar.source:
        return None, None
    from tracker.calendar.freetime import busy_ahead

    last = first + timedelta(weeks=block_days.HORIZON_WEEKS)
    try:
        return busy_ahead(settings, now.date(), last, now.tzinfo or UTC), None
    except InputError as exc:
        return None, f"calendar not read ({exc}); blocks keep their usual time"


def plan_and_save(
    store: Store,
    settings: Settings,
    now: datetime,
    chosen: Choices | None = None,
    *,
    new: bool = False,
    busy: Busy | None = None,
) -> SprintPlan:
    with store.transaction():  # what it reads is what it saves over
        return save(store, build(store, settings, now, chosen, new=new, busy=busy), now)


# -- the calendar ---------------------------------------------------------------------------------

EXPORTED_PREFIX = "ics_exported:"
"""State key (+ sprint id) of the blocks written to a calendar file: {uid, revision, events}."""


class Slot(NamedTuple):
    """A catch-up block's place in a calendar: its event's UID comes from the sprint and slot."""

    sprint_uid: str
    day: date
    start: time
    minutes: int
    sequence: int


def dropped_slots(store: Store, sp: SprintPlan, now: datetime) -> list[Slot]:
    """Blocks still ahead that were written to a calendar file and that no plan holds now.

    A re-plan moves or drops blocks, and a new sprint replaces them all: the next file marks
    their events cancelled, so the calendar stops keeping that time. A block whose time has
    come keeps its event, done or not.
    """
    current = f"{EXPORTED_PREFIX}{sp.sprint.id}" if sp.sprint is not None else None
    planned = {(b.date, b.start) for b in sp.plan.blocks}
    dropped = []
    for key, record in _exported(store).items():
        for day, start, minutes in record["events"]:
            if _ahead(day, start, now) and not (key == current and (day, start) in planned):
                dropped.append(Slot(record["uid"], day, start, minutes, record["revision"] + 1))
    return sorted(dropped, key=lambda s: (s.day, s.start))


def remember_exported(store: Store, sp: SprintPlan, now: datetime) -> None:
    """Note the saved plan's blocks as written to a calendar file; forget blocks whose time came."""
    with store.transaction():
        _remember(store, _exported(store), sp, now)


def _remember(
    store: Store, records: dict[str, dict[str, Any]], sp: SprintPlan, now: datetime
) -> None:
    if sp.sprint is not None and sp.plan.blocks:
        record = records.setdefault(
            f"{EXPORTED_PREFIX}{sp.sprint.id}", {"uid": sp.sprint.uid, "events": []}
        )
        record["revision"] = sp.sprint.revision
        record["events"] += [(b.date, b.start, b.minutes) for b in sp.plan.blocks]
    for key, record in records.items():
        # One event per slot (the latest block's length), while it is ahead.
        events = {(day, start): minutes for day, start, minutes in record["events"]}
        ahead = [
            [f"{day}", f"{start:%H:%M}", minutes]
            for (day, start), minutes in sorted(events.items())
            if _ahead(day, start, now)
        ]
        store.set_state(key, json.dumps({**record, "events": ahead}) if ahead else None)


def _exported(store: Store) -> dict[str, dict[str, Any]]:
    """The calendar exports remembered, by state key, their events as (date, time, minutes).

    One that cannot be read (an imported file's state edited by hand) is skipped: it only
    means its blocks are not cancelled.
    """
    records = {}
    for key, value in store.states(EXPORTED_PREFIX).items():
        try:
            record = json.loads(value)
            record["events"] = [
                (date.fromisoformat(day), time.fromisoformat(start), int(minutes))
                for day, start, minutes in record["events"]
            ]
            records[key] = {
                **record,
                "uid": str(record["uid"]),
                "revision": int(record["revision"]),
            }
        except (ValueError, TypeError, KeyError):
            continue
    return records


def _ahead(day: date, start: time, now: datetime) -> bool:
    return datetime.combine(day, start, tzinfo=now.tzinfo) > now
