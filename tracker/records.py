"""What the store keeps besides notes and check-ins: the catch-up sprint and notification
deliveries. Apart from `models` because `status` never needs them: each dataclass costs about
0.5 ms to create, and `status` has a 60 ms budget.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time


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
