"""A cheap pass over an .ics file before icalendar parses it: reject what is not a calendar, and
trim what cannot matter.

icalendar parses about 45 microseconds a line (the 5-year benchmark calendar, 2,149 events
as Apple exports them: 1.44 s; trimmed as below: 0.59 s), so events are dropped before parsing
when they cannot touch the window: a single (non-repeating) event whose start date lies more than two
days outside it. Every event of a series (RRULE, RDATE, or RECURRENCE-ID) is kept, and so is
any event whose start this pass cannot read: icalendar decides those. Inside the events that
remain, only the properties the reading uses are kept, so descriptions, locations, alarms and
vendor extensions (often most of a file, and often client details) are never even parsed.

Attendee lines are long (a Google export repeats each guest's name and status on every event)
and name clients, so only the declined ones are kept; the pass counts on how many events each
address appears (as organiser or attendee), which is how the reading tells who the calendar's
owner is. It also notes the earliest and latest start date of all events, dropped or not, so the
reading can tell which span the feed covers.

The pass works on the UTF-8 bytes: folded lines are joined before decoding (a fold may split a
character's bytes), and `bytes.upper()` changes ASCII only, so offsets found in the upper-cased
copy are offsets in the original (`str.upper()` turns "ß" into "SS").
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from tracker.errors import InputError

KEEP = (
    b"UID",
    b"DTSTART",
    b"DTEND",
    b"DURATION",
    b"RRULE",
    b"RDATE",
    b"EXDATE",
    b"RECURRENCE-ID",
    b"SEQUENCE",
    b"STATUS",
    b"TRANSP",
    b"SUMMARY",
    b"ATTENDEE",
    b"ORGANIZER",
)
_KEEP = tuple(name + sep for name in KEEP for sep in (b":", b";"))
_NO_EFFECT = frozenset({b"TRANSP:OPAQUE", b"STATUS:CONFIRMED", b"STATUS:TENTATIVE", b"SEQUENCE:0"})
"""Values that change nothing the reading decides (the defaults, or not "cancelled"): most
events carry all of them, and each line costs icalendar about 45 microseconds."""
MARGIN = timedelta(days=2)
"""An event's start date is in its own zone: up to 26 hours from the user's date either way."""
_FOLD = re.compile(rb"\n[ \t]")
_REPEATS = (b"\nRRULE", b"\nRDATE", b"\nRECURRENCE-ID")
_PEOPLE = re.compile(rb"^(?:ATTENDEE|ORGANIZER)[;:][^\n]*", re.M)


@dataclass(frozen=True)
class Trimmed:
    """The calendar text to parse, and what the pass saw of the whole file."""

    text: str
    events: int
    """Events in the file, kept or dropped."""
    kept: int
    earliest: date | None
    latest: date | None
    people: Counter[str] = field(default_factory=Counter)
    """Address -> the number of events it is on, as organiser or attendee."""


def check(data: bytes, name: str) -> bytes:
    """The file as UTF-8 bytes, or InputError when it is not an iCalendar file at all."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        data = data.decode("utf-16", errors="replace").encode()
    data = data.removeprefix(b"\xef\xbb\xbf")
    head = data.lstrip()[:200].upper()
    if not head:
        raise InputError(f"{name} is empty, not an iCalendar (.ics) file")
    if head.startswith(b"<") or b"<HTML" in head:
        raise InputError(
            f"{name} is a web page (HTML), not an iCalendar (.ics) file: use the calendar's "
            "private iCal/ICS address or an exported .ics file"
        )
    if not head.startswith(b"BEGIN:VCALENDAR"):
        raise InputError(
            f"{name} is not an iCalendar (.ics) file: it does not start with BEGIN:VCALENDAR"
        )
    if b"END:VCALENDAR" not in data[-4096:].upper():
        raise InputError(
            f"{name} is cut short (it has no END:VCALENDAR): download or export it again"
        )
    return data


def _value(line: bytes) -> bytes:
    """A content line's value: after the first colon outside double quotes (parameters may
    quote a colon, as in CN="Dr. A: office")."""
    if b'"' not in line:
        return line.partition(b":")[2]
    quoted = False
    for i, ch in enumerate(line):
        if ch == 0x22:  # "
            quoted = not quoted
        elif ch == 0x3A and not quoted:  # :
            return line[i + 1 :]
    return b""


def address(value: str | bytes) -> str:
    """An organiser's or attendee's address, comparable: lower case, without mailto:."""
    if isinstance(value, bytes):
        value = value.decode(errors="replace")
    text = value.strip().lower()
    return text[7:] if text.startswith("mailto:") else text


def trim(data: bytes, name: str, first: date, last: date) -> Trimmed:
    """Keep the calendar's own lines, its time zones, and the events that may fall in
    [first, last] (local dates), each with only the properties in KEEP."""
    data = _FOLD.sub(b"", data.replace(b"\r\n", b"\n"))
    upper = data.upper()
    lo, hi = first - MARGIN, last + MARGIN
    out: list[bytes] = []
    events = kept = 0
    earliest: date | None = None
    latest: date | None = None
    seen: Counter[str] = Counter()
    copied = at = 0
    # bytes.find over the whole file, then only the kept events split into lines: a loop over
    # every line took 4.8 s for a 25 MiB feed of 50,000 events (a regular expression per event,
    # 4.6 s, under load), this about 0.3 s.
    while (begin := upper.find(b"BEGIN:VEVENT", at)) >= 0:
        at = begin + 12
        if begin and upper[begin - 1] != 0x0A:  # not at the start of a line
            continue
        end = upper.find(b"\nEND:VEVENT", begin)
        following = upper.find(b"\nBEGIN:VEVENT", begin)
        if end < 0 or 0 <= following < end:
            raise InputError(
                f"{name} is damaged: an event has no END:VEVENT; download or export it again"
            )
        stop = upper.find(b"\n", end + 1)
        at = len(data) if stop < 0 else stop + 1
        out.append(data[copied:begin])
        copied = at
        body = upper[begin:end]
        events += 1
        if b"\nATTENDEE" in body or b"\nORGANIZER" in body:
            seen.update({address(_value(line)) for line in _PEOPLE.findall(body)} - {""})
        start = _start(body)
        if start is not None:
            earliest = start if earliest is None else min(earliest, start)
            latest = start if latest is None else max(latest, start)
        if start is None or lo <= start <= hi or any(r in body for r in _REPEATS):
            kept += 1
            out.append(_event_lines(data[data.index(b"\n", begin) + 1 : end]))
    out.append(data[copied:])
    text = b"".join(out).decode(errors="replace")
    return Trimmed(text, events, kept, earliest, latest, seen)


def _start(body: bytes) -> date | None:
    """The date of an event's DTSTART value (after the line's last colon), or None."""
    found = body.find(b"\nDTSTART")
    if found < 0:
        return None
    stop = body.find(b"\n", found + 1)
    digits = body[found + 1 : None if stop < 0 else stop].rpartition(b":")[2][:8]
    if len(digits) != 8 or not digits.isdigit():
        return None
    try:
        return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None


def _event_lines(body: bytes) -> bytes:
    """One event with only the properties in KEEP, declined attendees only, and no alarms."""
    kept = [b"BEGIN:VEVENT"]
    depth = 0
    for line in body.split(b"\n"):
        head = line[:16].upper()
        if head.startswith((b"BEGIN:", b"END:")):
            depth += 1 if head.startswith(b"BEGIN:") else -1
            continue
        wanted = depth == 0 and head.startswith(_KEEP) and head.rstrip() not in _NO_EFFECT
        if wanted and (not head.startswith(b"ATTENDEE") or b"PARTSTAT=DECLINED" in line.upper()):
            kept.append(line.rstrip(b"\r"))
    kept.append(b"END:VEVENT\n")
    return b"\n".join(kept)
