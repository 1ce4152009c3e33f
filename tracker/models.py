"""The domain's plain data: a note item and a day's check-in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time

from tracker.errors import InputError

MAX_CLIENT_REF = 16
_FULL_NAME = re.compile(r"^[A-Z][a-z]+[ ,.]+[A-Z][a-z]+")


@dataclass(slots=True)
class Item:
    """One note owed for one session or task. Never holds the note's text."""

    id: int | None
    session_date: date
    session_time: time | None = None
    note_type: str = "progress"
    client_ref: str | None = None
    billed: bool = False
    court: bool = False
    high_risk: bool = False
    admin: bool = False
    blocked_on: str | None = None
    blocked_since: datetime | None = None
    written_at: datetime | None = None
    created_at: datetime | None = None
    source: str = "item"
    """"item" when entered one by one, "count" when made by a count-only check-in."""
    cleared_by: date | None = None
    """The check-in day whose "backlog cleared" count marked this item written."""

    @property
    def is_open(self) -> bool:
        return self.written_at is None


@dataclass(slots=True)
class DayLog:
    """One day's check-in. Re-logging a day replaces it."""

    day: date
    sessions: int
    written: int
    cleared: int = 0
    after_hours: int = 0
    dread: int | None = None
    drained: int | None = None
    logged_at: datetime | None = None


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


def check_client_ref(ref: str | None) -> tuple[str | None, str | None]:
    """(cleaned ref, warning or None); InputError when it cannot be a short pseudonym."""
    if ref is None:
        return None, None
    ref = ref.strip()
    if not ref:
        return None, None
    if len(ref) > MAX_CLIENT_REF or any(not ch.isprintable() for ch in ref):
        raise InputError(
            f"client reference must be a short pseudonym of up to {MAX_CLIENT_REF} printable "
            f"characters (like C7 or JD), got {ref[:40]!r}"
        )
    warning = None
    if _FULL_NAME.match(ref):
        warning = (
            f"client reference {ref!r} looks like a full name; caughtup works best with a "
            "pseudonym such as initials or a code"
        )
    return ref, warning


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
