"""Catch-up blocks as calendar events (RFC 5545), for any calendar app.

Each event's UID comes from the sprint's random token and the block's slot (date and start), and
its SEQUENCE from the sprint's revision, so importing a re-exported file updates the same events
instead of adding copies. A block a re-plan moved or dropped comes back as a cancelled event
(STATUS:CANCELLED, a later SEQUENCE), so the calendar stops keeping time for it. Event text has
counts and note types only, never a client reference.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from tracker.paths import write_private
from tracker.planner import Block, plural

if TYPE_CHECKING:
    from tracker.sprint import Slot

PRODID = "-//caughtup//catch-up sprint//EN"


def event_uid(sprint_uid: str, day: date, start: time) -> str:
    return f"caughtup-{sprint_uid}-{day:%Y%m%d}-{start:%H%M}@caughtup.local"


def _event_tz(tz: tzinfo) -> tzinfo:
    """A zone a calendar can name (an IANA key), else UTC: the moment stays right either way."""
    if isinstance(tz, ZoneInfo) and tz.key and "/" in tz.key:
        return tz
    return UTC


def calendar_bytes(
    blocks: Sequence[Block],
    sprint_uid: str,
    revision: int,
    tz: tzinfo,
    now: datetime,
    cancelled: Sequence[Slot] = (),
) -> bytes:
    """The blocks, and the cancelled ones, as a VCALENDAR document."""
    from icalendar import Calendar, Event  # ~90 ms: only when exporting

    zone = _event_tz(tz)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "caughtup catch-up blocks")
    stamp = now.astimezone(UTC).replace(microsecond=0)
    total = len(blocks)
    for number, block in enumerate(blocks, start=1):
        begin = datetime.combine(block.date, block.start, tzinfo=tz).astimezone(zone)
        notes = len(block.item_ids)
        event = Event()
        event.add("uid", event_uid(sprint_uid, block.date, block.start))
        event.add("dtstamp", stamp)
        event.add("sequence", revision)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=block.minutes))
        event.add("summary", f"Catch-up block: {block.goal}")
        event.add(
            "description",
            f"Block {number} of {total} of your catch-up sprint: {plural(notes, 'note')} "
            f"({block.goal}), about {block.planned_minutes} minutes of writing. "
            "Log it with `caughtup block done`.",
        )
        event.add("transp", "OPAQUE")
        event.add("categories", ["caughtup"])
        cal.add_component(event)
    for slot in cancelled:
        begin = datetime.combine(slot.day, slot.start, tzinfo=tz).astimezone(zone)
        event = Event()
        event.add("uid", event_uid(slot.sprint_uid, slot.day, slot.start))
        event.add("dtstamp", stamp)
        event.add("sequence", slot.sequence)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=slot.minutes))
        event.add("summary", "Cancelled: catch-up block")
        event.add("description", "This catch-up block is no longer in your caughtup plan.")
        event.add("status", "CANCELLED")
        event.add("transp", "TRANSPARENT")
        event.add("categories", ["caughtup"])
        cal.add_component(event)
    if zone is not UTC:
        cal.add_missing_timezones()
    data: bytes = cal.to_ical()
    return data


def write(
    path: Path,
    blocks: Sequence[Block],
    sprint_uid: str,
    revision: int,
    tz: tzinfo,
    now: datetime,
    cancelled: Sequence[Slot] = (),
) -> Path:
    """Write the .ics file atomically, owner-only (0600)."""
    write_private(path, calendar_bytes(blocks, sprint_uid, revision, tz, now, cancelled))
    return path
