"""Catch-up blocks one at a time: which planned block a finished session is, the notes it wrote
(chosen in the plan's order, then grouped by note type, late ones with their notation), and the
read-only listing of a sprint's blocks. Every view names a block by its planned day and start.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from tracker import planner, rules, words
from tracker import sprint as sp
from tracker.errors import FieldError, InputError
from tracker.models import Item
from tracker.records import SprintBlock, SprintRecord
from tracker.settings import Settings
from tracker.store import Store
from tracker.words import item_name, plural

if TYPE_CHECKING:
    from tracker.calendar.freetime import Busy


def block_name(block: SprintBlock) -> str:
    """How every view names a block: its planned day and start, never the day it was logged."""
    return f"{words.day(block.day, year=False)} {block.start:%H:%M}"


def due_block(planned: Sequence[SprintBlock], now: datetime) -> SprintBlock | None:
    """The planned block a finished catch-up session is: today's, else the latest whose time has
    passed (logged late), else the next one ahead (worked ahead)."""
    today = [b for b in planned if b.day == now.date()]
    if today:
        return min(today, key=lambda b: b.start)
    passed = [b for b in planned if datetime.combine(b.day, b.start, tzinfo=now.tzinfo) <= now]
    if passed:
        return max(passed, key=lambda b: (b.day, b.start))
    return min(planned, key=lambda b: (b.day, b.start), default=None)


def next_block(
    store: Store, now: datetime, day: date | None = None
) -> tuple[SprintRecord, SprintBlock]:
    """The current sprint and the block a finished session is: the one planned on `day` when
    given, else `due_block`. InputError when there is none."""
    sprint = store.current_sprint()
    if sprint is None:
        raise InputError("there is no current sprint; `caughtup plan` makes one")
    planned = [b for b in store.sprint_blocks(sprint.id) if b.done_at is None]
    if day is not None:
        named = [b for b in planned if b.day == day]
        if not named:
            dates = ", ".join(words.day(b.day, year=False) for b in planned[:6]) or "none"
            raise InputError(
                f"no planned block on {words.day(day)} (planned: {dates}); "
                "`caughtup block show` lists them"
            )
        return sprint, named[0]
    block = due_block(planned, now)
    if block is None:
        raise InputError("the sprint has no planned block left; `caughtup plan` re-plans it")
    return sprint, block


@dataclass
class BlockDone:
    block: SprintBlock
    written: list[Item]
    """The notes written, grouped by note type (chosen in the plan's order)."""
    minutes: int
    remaining: int
    pace: dict[str, float]
    """The new minutes per note type for the types written."""
    after: sp.SprintPlan

    def to_json(self) -> dict[str, Any]:
        notations = [
            {"id": i.id, "notation": i.notation, "client_ref": i.client_ref}
            for i in self.written
            if i.notation
        ]
        return {
            "block": {
                "id": self.block.id,
                "date": self.block.day.isoformat(),
                "start": self.block.start.strftime("%H:%M"),
                "name": block_name(self.block),
                "goal": self.block.goal,
            },
            "written_ids": [i.id for i in self.written],
            "minutes": self.minutes,
            "remaining": self.remaining,
            "pace": {t: round(m, 1) for t, m in self.pace.items()},
            "late_entries": notations,
            "notations": notations,
            "plan": self.after.to_json(),
        }


def choose_notes(
    block: SprintBlock,
    ranked: Sequence[Item],
    notes: int | None,
    ids: Sequence[int] = (),
    room: int = 0,
) -> list[Item]:
    """The notes a finished block wrote: `ids` when named; else `notes` of them in the plan's
    order, the block's own first, then grouped by note type. By default: the block's open ones,
    or, when it has none left (a block kept for new notes), the `room` most urgent."""
    by_id = {i.id: i for i in ranked}
    if ids:
        if len(set(ids)) != len(ids):
            raise InputError(f"item ids repeat in {' '.join(map(str, ids))}; give each id once")
        missing = [i for i in ids if i not in by_id]
        if missing:
            raise InputError(
                f"item {missing[0]} is not an outstanding note; `caughtup backlog` lists them"
            )
        chosen = [by_id[i] for i in ids]
    else:
        mine = set(block.item_ids)
        candidates = [i for i in ranked if i.id in mine] + [i for i in ranked if i.id not in mine]
        count = sum(1 for i in ranked if i.id in mine) if notes is None else notes
        if notes is None and count == 0:
            count = min(room, len(candidates))
        if count > len(candidates):
            raise FieldError(
                "notes",
                f"{count} is more than the {len(candidates)} outstanding notes; "
                f"use a number up to {len(candidates)}",
            )
        chosen = candidates[:count]
    types = dict.fromkeys(i.note_type for i in chosen)
    return [i for t in types for i in chosen if i.note_type == t]


def _room(
    ranked: Sequence[Item], minutes: int, per_block: int, minutes_per: Mapping[str, float]
) -> int:
    """How many of `ranked`, in order, a block holds: its fixed count, else as many as its
    minutes fit (at least one), as the planner fills a block."""
    if per_block:
        return min(per_block, len(ranked))
    used, n = 0.0, 0
    for item in ranked:
        cost = minutes_per.get(item.note_type, minutes_per.get("progress", planner.DEFAULT_MINUTES))
        if n and used + cost > minutes:
            break
        used, n = used + cost, n + 1
    return n


def log_block(
    store: Store,
    settings: Settings,
    now: datetime,
    *,
    notes: int | None = None,
    minutes: int | None = None,
    ids: Sequence[int] = (),
    day: date | None = None,
    reason: str | None = None,
    from_memory: bool = False,
    busy: Busy | None = None,
) -> BlockDone:
    """Log a block as done (the one planned on `day`, else the due one), then re-plan the rest
    (in the calendar's free time with `busy`: `sprint.calendar_busy`).

    Late notes get their notation (with `reason`, or the setting's; `from_memory` for high-risk
    notes), kept with each note.
    """
    # One transaction from the first read to the re-plan: a note marked written elsewhere
    # meanwhile, or a second "block done", waits rather than being counted twice or lost.
    with store.transaction():
        return _log_block(store, settings, now, notes, minutes, ids, day, reason, from_memory, busy)


def _log_block(
    store: Store,
    settings: Settings,
    now: datetime,
    notes: int | None,
    minutes: int | None,
    ids: Sequence[int],
    day: date | None,
    reason: str | None,
    from_memory: bool,
    busy: Busy | None,
) -> BlockDone:
    sprint, block = next_block(store, now, day)
    outstanding = [i for i in store.items(open_only=True) if rules.is_outstanding(i)]
    chosen_params = sp.Choices.from_params(sprint.params)
    strategy = chosen_params.strategy or settings.sprint.strategy
    ranked = planner.order(outstanding, strategy, settings.rules, now.date())
    current = sp.minutes_per_type(settings.sprint.minutes_per_type, store.pace())
    per_block = chosen_params.notes_per_block
    per_block = settings.sprint.notes_per_block if per_block is None else per_block
    room = _room(ranked, block.minutes, per_block, current)
    written = choose_notes(block, ranked, notes, ids, room)
    if from_memory and not any(i.high_risk for i in written):
        raise FieldError(
            "from_memory",
            "is for high-risk (P3) notes, and none of the notes written in this block is one; "
            "leave it out",
        )
    spent = block.minutes if minutes is None else minutes
    pace = store.pace()
    new_pace = sp.recalibrate(current, pace, Counter(i.note_type for i in written), spent)
    tz = now.tzinfo or UTC
    notations = rules.late_notations(written, now, settings.rules, tz, reason, from_memory)
    chosen = [i.id or 0 for i in written]
    remaining = store.log_block_done(block.id, chosen, spent, now, new_pace, notations)
    written = [i._replace(written_at=now, notation=notations.get(i.id or 0)) for i in written]
    block.done_at, block.done_ids, block.minutes_spent = now, chosen, spent
    block.remaining_after = remaining
    after = sp.plan_and_save(store, settings, now, busy=busy)
    return BlockDone(
        block=block,
        written=written,
        minutes=spent,
        remaining=remaining,
        pace={t: m for t, (m, _) in new_pace.items()},
        after=after,
    )


# -- the listing -------------------------------------------------------------------------------


def show_blocks(store: Store, now: datetime) -> dict[str, Any]:
    """The current sprint's blocks as stored (nothing re-planned or saved), or the last sprint's
    once it ended: done ones with the notes written and their notations, then the planned ones
    with the due one marked."""
    sprint = store.current_sprint(or_last=True)
    if sprint is None:
        return {"sprint": None, "blocks": []}
    blocks = store.sprint_blocks(sprint.id)
    planned = [b for b in blocks if b.done_at is None]
    due = due_block(planned, now)
    rows = []
    for b in blocks:
        row: dict[str, Any] = {
            "id": b.id,
            "name": block_name(b),
            "date": b.day.isoformat(),
            "start": b.start.strftime("%H:%M"),
            "minutes": b.minutes,
            "goal": b.goal,
            "item_ids": b.item_ids,
            "state": "done" if b.done_at else ("due" if b is due else "planned"),
        }
        if b.done_at is not None:
            written = [store.item_or_none(i) for i in b.done_ids or []]
            row |= {
                "done_at": b.done_at.isoformat(timespec="minutes"),
                "minutes_spent": b.minutes_spent,
                "written_ids": b.done_ids or [],
                "notations": [
                    {"id": i.id, "notation": i.notation, "client_ref": i.client_ref}
                    for i in written
                    if i and i.notation
                ],
            }
        rows.append(row)
    ended = sprint.ended_at.isoformat(timespec="minutes") if sprint.ended_at else None
    return {
        "sprint": {"id": sprint.id, "started_on": sprint.started_on.isoformat(), "ended_at": ended},
        "blocks": rows,
    }


def show_lines(listing: Mapping[str, Any]) -> list[str]:
    """`show_blocks` in words, for the terminal."""
    if listing["sprint"] is None:
        return ["There is no current sprint; `caughtup plan` makes one."]
    started = date.fromisoformat(listing["sprint"]["started_on"])
    blocks = listing["blocks"]
    done = [b for b in blocks if b["state"] == "done"]
    ended = listing["sprint"]["ended_at"]
    lines = [
        f"Sprint since {words.day(started)}: {plural(len(done), 'block')} done, "
        + (
            f"caught up on {words.day(datetime.fromisoformat(ended))}."
            if ended
            else f"{len(blocks) - len(done)} planned."
        )
    ]
    for b in blocks:
        if b["state"] == "done":
            when = datetime.fromisoformat(b["done_at"])
            lines.append(
                f"  {b['name']}  done {words.moment(when)}: "
                f"{plural(len(b['written_ids']), 'note')} in {plural(b['minutes_spent'], 'minute')}"
            )
            lines += [
                f"      {item_name(n['id'], n.get('client_ref'))}: {n['notation']}"
                for n in b["notations"]
            ]
        else:
            mark = "due " if b["state"] == "due" else "    "
            lines.append(f"  {b['name']}  {mark} {b['goal']}")
    return lines
