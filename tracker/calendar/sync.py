"""Sync planning: what a calendar reading changes in the items it imported before.

A pure function of (the reading's sessions, the span the feed covers, the calendar-sourced
items the store holds). Items are matched to sessions by import key. The rules:

- a session with no item is added (importing the same file again adds nothing);
- an open item whose session changed (moved, or a new length, type, CPT code or reference) is
  moved to match it;
- an open item whose session is gone is removed, but only when the feed still covers the item's
  moment: cancelled, declined or no longer a session by the rules (the reading's skipped
  instances say which), or deleted from the calendar. An item before or after the covered span
  only fell out of the feed's window (feeds that show the coming weeks drop past sessions) and
  is kept;
- a written item, or one the user edited, is never changed or removed.

The store applies the plan in one transaction (adds, moves, removes), and reports it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from tracker.calendar.sessions import Session, Skipped, Window


@dataclass(frozen=True)
class Imported:
    """A calendar-sourced item as the store holds it: what sync may compare and change."""

    id: int
    key: str
    date: date
    start: time | None
    minutes: int | None = None
    note_type: str = "progress"
    cpt: str | None = None
    client_ref: str | None = None
    written: bool = False
    edited: bool = False
    """The user changed the item after import: the calendar no longer owns it."""

    def moment(self, tz: tzinfo) -> datetime:
        return datetime.combine(self.date, self.start or time(0), tzinfo=tz)


@dataclass(frozen=True)
class Move:
    item: Imported
    session: Session


@dataclass(frozen=True)
class Removal:
    item: Imported
    reason: str
    """A skip reason (cancelled, declined, too_short, ...), or "gone": deleted from the calendar,
    or moved past the end of the window."""


@dataclass(frozen=True)
class Kept:
    item: Imported
    reason: str
    """"unchanged", "outside_feed" (only fell out of the feed's window), "written" or "edited"
    (the calendar changed or dropped the session, but the item is the user's now)."""


@dataclass(frozen=True)
class SyncPlan:
    adds: tuple[Session, ...]
    moves: tuple[Move, ...]
    removals: tuple[Removal, ...]
    kept: tuple[Kept, ...]

    @property
    def changes(self) -> int:
        return len(self.adds) + len(self.moves) + len(self.removals)


def _same(item: Imported, s: Session) -> bool:
    return (item.date, item.start, item.minutes, item.note_type, item.cpt, item.client_ref) == (
        s.date,
        s.start,
        s.minutes,
        s.note_type,
        s.cpt,
        s.client_ref,
    )


def plan_sync(
    sessions: Sequence[Session],
    covers: Window | None,
    existing: Iterable[Imported],
    tz: tzinfo,
    skipped: Sequence[Skipped] = (),
) -> SyncPlan:
    """What to add, move and remove so the items match the feed, and what is kept and why."""
    by_key = {s.key: s for s in sessions}
    why_gone = {s.key: s.reason for s in skipped if s.key}
    matched: set[str] = set()
    moves: list[Move] = []
    removals: list[Removal] = []
    kept: list[Kept] = []
    for item in existing:
        session = by_key.get(item.key)
        if item.key in matched:  # a second item with the same key: leave it alone
            kept.append(Kept(item, "unchanged"))
            continue
        if session is not None:
            matched.add(item.key)
            if _same(item, session):
                kept.append(Kept(item, "unchanged"))
            elif item.written or item.edited:
                kept.append(Kept(item, "written" if item.written else "edited"))
            else:
                moves.append(Move(item, session))
        elif covers is None or not covers.holds(item.moment(tz)):
            kept.append(Kept(item, "outside_feed"))
        elif item.written or item.edited:
            kept.append(Kept(item, "written" if item.written else "edited"))
        else:
            removals.append(Removal(item, why_gone.get(item.key, "gone")))
    adds = tuple(s for s in sessions if s.key not in matched)
    return SyncPlan(adds, tuple(moves), tuple(removals), tuple(kept))


@dataclass(frozen=True)
class Adoption:
    """How a plan's new sessions join the check-ins: one item per session, never two."""

    adopted: tuple[tuple[Session, int], ...]
    """Sessions that take over an anonymous note of their day's check-in (its id): the note
    keeps its written state and becomes the session's item."""
    inserted: tuple[Session, ...]
    """Sessions with no anonymous note left on their day: a new open item each."""
    sessions: dict[date, int]
    """Logged days whose session count changes: +1 per session inserted, -1 per one removed."""


def adopt(
    adds: Sequence[Session],
    anonymous: Iterable[tuple[int, date]],
    logged: Iterable[date],
    removed: Iterable[Imported] = (),
) -> Adoption:
    """Where each new session goes: a day already checked in by counts holds anonymous notes for
    its sessions, and a session from the calendar takes one of them over (oldest first), so the
    day's totals stay as logged; a session beyond them is one more than the check-in listed."""
    pools: dict[date, list[int]] = {}
    for item_id, day in anonymous:
        pools.setdefault(day, []).append(item_id)
    days = set(logged)
    adopted: list[tuple[Session, int]] = []
    inserted: list[Session] = []
    delta: dict[date, int] = {}
    for s in adds:
        pool = pools.get(s.date)
        if pool:
            adopted.append((s, pool.pop(0)))
            continue
        inserted.append(s)
        if s.date in days:
            delta[s.date] = delta.get(s.date, 0) + 1
    for item in removed:
        if item.date in days:
            delta[item.date] = delta.get(item.date, 0) - 1
    return Adoption(tuple(adopted), tuple(inserted), delta)
