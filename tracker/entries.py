"""Checking an itemized note before it is written, for `add`, `edit` and the Backlog screen."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, tzinfo
from typing import TYPE_CHECKING, Any

from tracker.clock import DATE_RANGE, date_in_range, local_moment
from tracker.errors import FieldError, InputError
from tracker.models import Item, check_client_ref
from tracker.settings import BLOCKERS, Settings

if TYPE_CHECKING:
    from tracker.store import Store

# The fields an edit may change.
EDITABLE = (
    "session_date",
    "session_time",
    "note_type",
    "client_ref",
    "billed",
    "court",
    "high_risk",
    "admin",
    "blocked_on",
)


def check(item: Item, settings: Settings, now: datetime) -> tuple[Item, str | None]:
    """InputError when `item` cannot be saved as it is (FieldError naming a field the user
    gave); else the item with its client reference tidied, and a warning (or None)."""
    if not date_in_range(item.session_date):
        raise FieldError(
            "session_date", f"must be a date {DATE_RANGE}, got {item.session_date.isoformat()}"
        )
    if item.session_date > now.date():
        raise FieldError(
            "session_date",
            f"{item.session_date.isoformat()} is in the future; "
            "notes are owed for sessions already held",
        )
    types = settings.rules.note_types
    if item.note_type not in types:
        raise FieldError(
            "note_type",
            f"must be one of {', '.join(types)}, got {item.note_type!r} "
            "(add your own with `caughtup config rules.note_types ...`)",
        )
    if item.blocked_on is not None and item.blocked_on not in BLOCKERS:
        raise FieldError(
            "blocked_on",
            f"must be one of {', '.join(BLOCKERS)} or none, got {item.blocked_on!r}",
        )
    if item.written_at is not None and item.session_time is not None:
        tz = now.tzinfo
        assert tz is not None
        if item.written_at < local_moment(item.session_date, item.session_time, tz):
            raise InputError(
                f"item {item.id} was written {item.written_at:%Y-%m-%d %H:%M}, before a session "
                f"on {item.session_date.isoformat()} {item.session_time:%H:%M}; check the date"
            )
    client_ref, warning = check_client_ref(item.client_ref)
    return item._replace(client_ref=client_ref), warning


def new_item(
    settings: Settings,
    now: datetime,
    session_date: date,
    session_time: time | None = None,
    **fields: Any,
) -> tuple[Item, str | None]:
    """A checked new item (not yet stored) and a warning or None; blocked from now if blocked."""
    item = Item(id=None, session_date=session_date, session_time=session_time, **fields)
    if item.blocked_on is not None:
        item = item._replace(blocked_since=now)
    return check(item, settings, now)


def edit(
    item: Item, changes: dict[str, Any], settings: Settings, now: datetime
) -> tuple[Item, list[str], str | None]:
    """A checked copy of `item` with `changes` applied, the names changed, and a warning.

    Blocking an item, or moving it to another blocker, starts its wait now; unblocking clears it.
    """
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InputError(f"cannot edit {', '.join(sorted(unknown))}")
    if item.source == "count" and (
        changes.get("session_date", item.session_date) != item.session_date
        or changes.get("session_time", item.session_time) != item.session_time
    ):
        raise InputError(
            f"item {item.id} came from the check-in of {item.session_date.isoformat()}; "
            "change that day's `caughtup log` instead of its date or time"
        )
    new, warning = check(item._replace(**changes), settings, now)
    changed = [name for name in EDITABLE if getattr(new, name) != getattr(item, name)]
    if "blocked_on" in changed:
        new = new._replace(blocked_since=now if new.blocked_on is not None else None)
    return new, changed, warning


def save_edit(
    store: Store, item_id: int, changes: dict[str, Any], settings: Settings, now: datetime
) -> tuple[Item, list[str], str | None]:
    """`edit` the stored item and write only the fields it changed, all in one transaction.

    Read, check and write inside one write lock: a note marked written meanwhile (the app, a
    sprint block, another terminal) stays written, and a check sees the item as it is now.
    """
    with store.transaction():
        item, changed, warning = edit(store.item(item_id), changes, settings, now)
        fields = [*changed, "blocked_since"] if "blocked_on" in changed else changed
        if changed and item.source == "calendar":  # the user's now: sync leaves it alone
            item, fields = item._replace(source="item"), [*fields, "source"]
        store.update_item(item, fields)
    return item, changed, warning


def mark_written(
    item: Item, at: datetime, notate: Callable[[Item], str | None] | None = None
) -> Item:
    """`item` marked written by hand at `at`, with its late-entry notation (`notate`'s answer);
    InputError when it was already marked written."""
    if not item.is_open:
        assert item.written_at is not None
        raise InputError(
            f"item {item.id} was already marked written on "
            f"{item.written_at:%Y-%m-%d %H:%M}; nothing changed"
        )
    notation = notate(item) if notate else None
    return item._replace(written_at=at, cleared_by=None, notation=notation)


def check_written_at(item: Item, at: datetime, now: datetime, tz: tzinfo) -> None:
    """FieldError when `item` cannot have been written at `at`: in the future, or before its
    session (a date-only session may be written from its day on)."""
    if at > now:
        raise FieldError(
            "written_at", f"{at:%Y-%m-%d %H:%M} is in the future; give the time it was written"
        )
    session = local_moment(item.session_date, item.session_time or time(0), tz)
    if at < session:
        raise FieldError(
            "written_at",
            f"{at:%Y-%m-%d %H:%M} is before the session ({session:%Y-%m-%d %H:%M}); check the date",
        )


def parse_moment(text: str, tz: tzinfo) -> datetime:
    """A moment typed as `YYYY-MM-DD HH:MM` (or ISO 8601's T) in `tz`; FieldError otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise FieldError(
            "written_at", f"must be a date and time like 2026-11-22 17:30, got {text.strip()!r}"
        ) from None
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)
