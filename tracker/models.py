"""The domain's plain data: a note item and a day's check-in.

Records that `caughtup status` and `log` build are NamedTuples rather than dataclasses: importing
`dataclasses` loads `inspect`, which alone would be a fifth of status's 60 ms budget. Being
immutable, a changed record is a new one (`item._replace(written_at=...)`).
"""

from __future__ import annotations

import re
from datetime import date, datetime, time
from typing import NamedTuple

from tracker.errors import InputError

MAX_CLIENT_REF = 16
_FULL_NAME = re.compile(r"^[A-Z][a-z]+[ ,.]+[A-Z][a-z]+")


class Item(NamedTuple):
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
    """The check-in day whose count marked this item written (its own day for a same-day note,
    a later day for a cleared one); None when the user marked it by hand (done, a block)."""
    notation: str | None = None
    """The late-entry notation given when it was marked written late."""

    @property
    def is_open(self) -> bool:
        return self.written_at is None


class DayLog(NamedTuple):
    """One day's check-in. Re-logging a day replaces it."""

    day: date
    sessions: int
    written: int
    cleared: int = 0
    after_hours: int = 0
    dread: int | None = None
    drained: int | None = None
    logged_at: datetime | None = None


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
