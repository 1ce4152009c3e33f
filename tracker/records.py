"""What the store keeps besides notes and check-ins: the catch-up sprint and notification
deliveries; and what it counts of settled notes for the workload. Apart from `models` because
`status` never needs them: each dataclass costs about 0.5 ms to create, and `status` has a 60 ms
budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import NamedTuple


@dataclass(slots=True)
class Delivery:
    """The outcome of one notification sent to one URL (kept as its masked form, never whole)."""

    at: datetime
    kind: str
    """The alert kind, or "test"."""
    channel: str
    """A short hash of the URL, to tell URLs apart without storing them."""
    target: str
    """The URL masked, as shown to the user."""
    ok: bool
    error: str | None = None


@dataclass(slots=True)
class SprintRecord:
    """The current catch-up sprint as stored: its parameters and the plan it started with."""

    id: int
    uid: str
    """A random token: calendar events are named after it, never after anything clinical."""
    started_on: date
    params: dict[str, object]
    """The plan parameters the user chose (JSON-able); minutes per type come from settings."""
    baseline: list[tuple[date, int]]
    """The first plan's burndown: (date, notes left) at the start and after each block."""
    start_outstanding: int
    revision: int
    ended_at: datetime | None = None
    created_at: datetime | None = None
    """When it began: notes added after it are the inflow the burndown is re-based on."""


@dataclass(slots=True)
class SprintBlock:
    """A block of the current sprint: planned (done_at empty) or logged as done."""

    id: int
    day: date
    start: time
    minutes: int
    groups: list[tuple[str, list[int]]]
    goal: str
    done_at: datetime | None = None
    done_ids: list[int] | None = None
    minutes_spent: int | None = None
    remaining_after: int | None = None

    @property
    def item_ids(self) -> list[int]:
        return [i for _, ids in self.groups for i in ids]


class Settled(NamedTuple):
    """The settled notes of a workload span, counted in SQL: written, never waiting on anyone,
    their session by today, written from a week before the span to a week after now. Ten years
    hold some 13,000 of them; `workload.workload` takes these counts and every other note as an
    item, and gives the figures it would give from all of them as items."""

    by_type: dict[str, tuple[int, int, list[int]]]
    """Note type -> (notes with a session in the span, those written within the rule's hours
    but for the close calls, the seconds from session to written on the wall clock; 0 for a note
    written before its session started)."""
    close_calls: list[tuple[str, str, str | None, str]]
    """(note type, session date, session time, written at) of the notes in the span written
    within hours of their due time: `rules.DueTexts` decides these, a clock change included."""
    by_day: list[tuple[str, int, int]]
    """(session date, notes, sessions: not admin) of each day in the span."""
    written: dict[int, int]
    """Week of the span (0 the first) -> notes written in it, by the local clock."""
    runs: list[tuple[int, int, int]]
    """(first week, week after the last, notes): open at the end of those weeks, as own work."""
    lags: list[tuple[int, int]]
    """(whole days from session to the day written, billed notes with a session in the span)."""
    done: int
    """Notes written from the span's start."""
