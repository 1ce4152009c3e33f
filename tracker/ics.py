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

from tracker.files import write_output
from tracker.planner import Block
from tracker.words import plural

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


def write(
    path: Path,
    blocks: Sequence[Block],
    sprint_uid: str,
    revision: int,
    tz: tzinfo,
    now: datetime,
    home: Path,
    cancelled: Sequence[Slot] = (),
) -> Path:
    """Write the blocks, and the cancelled ones, as a VCALENDAR file: atomically, owner-only
    (`tracker.files.write_output`; `home` is the data folder it refuses to write into)."""
    from icalendar import Calendar, Event  # ~90 ms: only when exporting

    zone = _event_tz(tz)
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", "caughtup catch-up blocks")
    stamp = now.astimezone(UTC).replace(microsecond=0)

    def add_event(
        uid: str, sequence: int, day: date, start: time, minutes: int, **text: str
    ) -> None:
        begin = datetime.combine(day, start, tzinfo=tz).astimezone(zone)
        event = Event()
        event.add("uid", event_uid(uid, day, start))
        event.add("dtstamp", stamp)
        event.add("sequence", sequence)
        event.add("dtstart", begin)
        event.add("dtend", begin + timedelta(minutes=minutes))
        for name, value in text.items():
            event.add(name, value)
        event.add("categories", ["caughtup"])
        cal.add_component(event)

    for number, block in enumerate(blocks, start=1):
        add_event(
            sprint_uid,
            revision,
            block.date,
            block.start,
            block.minutes,
            summary=f"Catch-up block: {block.goal}",
            description=(
                f"Block {number} of {len(blocks)} of your catch-up sprint: "
                f"{plural(len(block.item_ids), 'note')} ({block.goal}), about "
                f"{plural(block.planned_minutes, 'minute')} of writing. Log it with "
                "`caughtup block done`."
            ),
            transp="OPAQUE",
        )
    for slot in cancelled:
        add_event(
            slot.sprint_uid,
            slot.sequence,
            slot.day,
            slot.start,
            slot.minutes,
            summary="Cancelled: catch-up block",
            description="This catch-up block is no longer in your caughtup plan.",
            status="CANCELLED",
            transp="TRANSPARENT",
        )
    if zone is not UTC:
        cal.add_missing_timezones()
    return write_output(path, cal.to_ical(), home)
