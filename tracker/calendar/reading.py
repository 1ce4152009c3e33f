"""Reading a calendar: the bytes of an .ics file in, the sessions of a window out.

`read_sessions(data, rules, since, now, tz)` gives a `Reading`: the past sessions in
[since, now] (an event counts once it has ended), the instances it skipped with their reason,
and the span the feed covers. `read_busy(data, tz, start, end)` gives the busy intervals of a
future range, for free slots. Both raise InputError (one line, no title in it) when the bytes are
not a calendar; a single bad event is skipped and counted instead.

Parsing is icalendar's; recurrence (RRULE, RDATE, EXDATE, moved instances with RECURRENCE-ID) is
recurring-ical-events' `Series`, used through its extension points so that instances come back
as light objects instead of a copied component each (see `series`); Google's X-WR-TIMEZONE goes
through x-wr-timezone.
Time zones: VTIMEZONE definitions and Windows names as Outlook writes them are resolved by
icalendar, floating times are the user's zone, and lengths are taken between UTC instants, so a
session across a DST change has its real length.

Who "the user" is, for declined invitations: the addresses in `rules.me` when given; otherwise
the calendar's owner as the file shows it (Google names a primary calendar after its owner's
address in X-WR-CALNAME), else the address found on the most events as organiser or attendee,
when one address is on more events than any other (the owner is on every event that lists
people; anyone else only on their own). An instance counts as declined when the user's
attendee entry says PARTSTAT=DECLINED, so a client declining the user's own event does not
count. When no user can be told (no addresses, or a tie), an instance counts as declined when an
attendee other than its organiser declined it: most likely the user, turning down someone
else's invitation.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from tracker.calendar import scan
from tracker.calendar.scan import address
from tracker.calendar.sessions import (
    CalendarRules,
    Reading,
    Session,
    Skipped,
    Window,
    cpt_code,
    import_key,
)
from tracker.errors import InputError

if TYPE_CHECKING:
    from icalendar import Calendar, Component

DAY = timedelta(days=1)
AHEAD = timedelta(days=8)
"""Instances are read this far past the window, so a weekly series still running shows that the
feed covers the window to its end."""
_DATES = ("DTSTART", "DTEND", "RECURRENCE-ID", "EXDATE", "RDATE")


@dataclass(frozen=True)
class Event:
    """What the rules need of one event component, read once for all its instances."""

    title: str
    free: bool
    cancelled: bool
    declined: bool


@dataclass(frozen=True)
class Instance:
    """One occurrence of an event, in the user's zone (all-day: midnight to midnight)."""

    event: Event
    start: datetime
    end: datetime
    minutes: int
    all_day: bool
    key: str


@dataclass(frozen=True)
class Expansion:
    """Every instance of a range, and the events that are faulty."""

    instances: list[Instance]
    faults: list[Skipped]
    earliest: date | None
    latest: date | None


def read_sessions(
    data: bytes,
    rules: CalendarRules,
    since: datetime,
    now: datetime,
    tz: tzinfo,
    name: str = "the calendar",
) -> Reading:
    """The sessions of [since, now] in an .ics file, what was skipped, and what it covers."""
    rules.check()
    since, now = since.astimezone(tz), now.astimezone(tz)
    if since >= now:
        raise InputError(
            f"the calendar window must start before it ends, got {since:%Y-%m-%d %H:%M} to "
            f"{now:%Y-%m-%d %H:%M}"
        )
    found = expand(data, tz, since, now, name, rules.me)
    sessions: dict[str, Session] = {}
    skipped = [f for f in found.faults if f.date is None or since.date() <= f.date <= now.date()]
    for inst in found.instances:
        if inst.start < since or inst.end > now:
            continue  # not in the window, or not over yet: not skipped either
        reason = _reason(inst, rules)
        at = None if inst.all_day else inst.start.time().replace(second=0, microsecond=0)
        if reason:
            skipped.append(Skipped(reason, inst.start.date(), at, inst.minutes, inst.key))
        elif inst.key not in sessions:
            title = inst.event.title
            sessions[inst.key] = Session(
                key=inst.key,
                date=inst.start.date(),
                start=at or time(0),
                minutes=inst.minutes,
                note_type=rules.note_type(title),
                cpt=cpt_code(inst.minutes) if rules.cpt else None,
                client_ref=rules.reference(title),
            )
    return Reading(
        sessions=tuple(sorted(sessions.values(), key=lambda s: (s.date, s.start, s.key))),
        skipped=tuple(sorted(skipped, key=_skipped_order)),
        covers=_covers(found, since, now, tz),
        since=since,
        now=now,
    )


def read_busy(
    data: bytes,
    tz: tzinfo,
    start: datetime,
    end: datetime,
    me: Sequence[str] = (),
    name: str = "the calendar",
) -> list[tuple[datetime, datetime]]:
    """The busy intervals overlapping [start, end): every event not free, cancelled or declined,
    all-day ones included (a day marked busy is not free), sorted by start."""
    found = expand(data, tz, start.astimezone(tz), end.astimezone(tz), name, me)
    busy = [
        (i.start, i.end)
        for i in found.instances
        if i.end > start
        and i.start < end
        and not (i.event.free or i.event.cancelled or i.event.declined)
    ]
    return sorted(busy)


def expand(
    data: bytes, tz: tzinfo, first: datetime, last: datetime, name: str, me: Sequence[str] = ()
) -> Expansion:
    """All instances that touch [first - 1 day, last + 8 days], and the events that are faulty."""
    # ~150 ms of imports: only when a calendar is read, never on the status path.
    import icalendar
    import x_wr_timezone

    trimmed = scan.trim(scan.check(data, name), name, first.date(), last.date())
    try:
        calendar = icalendar.Calendar.from_ical(trimmed.text)
    except (ValueError, TypeError, KeyError, IndexError) as e:
        # The library's message quotes the line, which may hold a client's name: not shown.
        raise InputError(
            f"{name} could not be read as iCalendar ({type(e).__name__}): export it again"
        ) from None
    if str(calendar.get("CALSCALE", "GREGORIAN")).upper() != "GREGORIAN":
        raise InputError(f"{name} uses a non-Gregorian calendar scale, which is not supported")
    events: list[Component] = []
    faults: list[Skipped] = []
    for event in calendar.walk("VEVENT"):
        fault = _fault(event)
        if fault:
            faults.append(_fault_record(event, fault, tz))
        else:
            events.append(event)
    owner = _owner(calendar, trimmed.people, me)
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VEVENT"] + events
    calendar = _standard_zone(calendar, x_wr_timezone)
    lo, hi = first - DAY, last + AHEAD
    facts: dict[int, Event] = {}  # by id(): a series' instances share its component
    instances: list[Instance] = []
    for uid, group in _by_uid(calendar).items():
        try:
            found = _instances(uid, group, lo, hi, tz)
        except (ValueError, TypeError, KeyError, OverflowError, AttributeError):
            # recurring-ical-events raises these for a series it cannot expand; the rest stands
            faults.append(_fault_record(group[0], "unreadable", tz))
            continue
        for component, inst in found:
            known = facts.get(id(component))
            if known is None:
                known = facts[id(component)] = _facts(component, owner)
            instances.append(Instance(known, *inst))
    return Expansion(instances, faults, trimmed.earliest, trimmed.latest)


# -- one event ------------------------------------------------------------------------------------


def _fault(event: Component) -> str | None:
    """Why an event cannot be used at all, before any expansion, or None."""
    broken = {name for name, _ in getattr(event, "errors", ()) if name}
    if "DTSTART" not in event or "DTSTART" in broken:
        return "no_start"
    for name in _DATES:
        for prop in _props(event, name):
            if prop.params.get("TZID") and any(_naive(v) for v in _values(prop)):
                return "unknown_zone"
    if broken & {"DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}:
        return "unreadable"
    start = _dt(event, "DTSTART")
    if "DTEND" in event:
        end = _dt(event, "DTEND")
        if isinstance(start, datetime) != isinstance(end, datetime):
            return "unreadable"  # a date-time start with a date end, or the reverse
        try:
            if end < start:
                return "end_before_start"
        except TypeError:
            return "unreadable"  # an aware start and a naive end
    elif "DURATION" in event:
        length = _dt(event, "DURATION")
        if not isinstance(length, timedelta):
            return "unreadable"
        if length < timedelta(0):
            return "end_before_start"
    return None


def _fault_record(event: Component, reason: str, tz: tzinfo) -> Skipped:
    """A faulty event as skipped: dated when its start can be read, and never its title."""
    try:
        start = _dt(event, "DTSTART")
    except (KeyError, AttributeError, ValueError, TypeError):
        return Skipped(reason)
    if isinstance(start, datetime):
        local = start.replace(tzinfo=tz) if start.tzinfo is None else start.astimezone(tz)
        return Skipped(reason, local.date(), local.time().replace(second=0, microsecond=0))
    if isinstance(start, date):
        return Skipped(reason, start)
    return Skipped(reason)


def _dt(event: Component, name: str) -> Any:
    """A date property's value (icalendar types every property as a union of all kinds)."""
    prop: Any = event[name]
    return prop.dt


def _props(event: Component, name: str) -> list[Any]:
    value = event.get(name)
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _values(prop: Any) -> list[Any]:
    """The date-times of a date property (EXDATE and RDATE hold lists)."""
    if hasattr(prop, "dts"):
        return [d.dt for d in prop.dts]
    return [getattr(prop, "dt", None)]


def _naive(value: Any) -> bool:
    if isinstance(value, tuple):  # an RDATE period
        value = value[0]
    return isinstance(value, datetime) and value.tzinfo is None


def _standard_zone(calendar: Calendar, x_wr_timezone: Any) -> Calendar:
    """Google's X-WR-TIMEZONE applied as RFC 5545 would have it; an unknown zone name is
    ignored (floating times then stay the user's)."""
    if "X-WR-TIMEZONE" not in calendar:
        return calendar
    try:
        standard: Calendar = x_wr_timezone.to_standard(calendar)
    except (KeyError, ValueError):
        return calendar
    return standard


def _by_uid(calendar: Calendar) -> dict[str, list[Component]]:
    groups: dict[str, list[Component]] = defaultdict(list)
    for event in calendar.walk("VEVENT"):
        groups[str(event.get("UID", ""))].append(event)
    if "" in groups:  # no UID (invalid, but seen): each such event stands alone
        for n, event in enumerate(groups.pop("")):
            groups[f"\x00{n}"] = [event]
    return groups


def _instances(
    uid: str, group: list[Component], lo: datetime, hi: datetime, tz: tzinfo
) -> list[tuple[Component, tuple[datetime, datetime, int, bool, str]]]:
    """Each instance of one UID's events in [lo, hi] with its source component: local start and
    end, minutes, whether all-day, and the import key."""
    from tracker.calendar.series import occurrences, repeats

    recurring = repeats(group)
    found = []
    for occurrence in occurrences(group, lo, hi):
        start, end = occurrence.start, occurrence.end
        begin, finish = _local(start, tz), _local(end, tz)
        minutes = round((finish.astimezone(UTC) - begin.astimezone(UTC)).total_seconds() / 60)
        if uid.startswith("\x00"):
            key = import_key("", f"{_utc_text(start)}/{_utc_text(end)}")
        elif recurring:
            rids = occurrence.recurrence_ids
            key = import_key(uid, _utc_text(rids[0] if rids else start))
        else:
            key = import_key(uid)
        all_day = not isinstance(start, datetime)
        found.append((occurrence.event, (begin, finish, minutes, all_day, key)))
    return found


def _local(value: date | datetime, tz: tzinfo) -> datetime:
    if isinstance(value, datetime):
        return value.replace(tzinfo=tz) if value.tzinfo is None else value.astimezone(tz)
    return datetime.combine(value, time(0), tzinfo=tz)


def _utc_text(value: date | datetime) -> str:
    """A recurrence id as text that does not depend on how the file spells its zone."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()  # floating, or already UTC from recurring-ical-events
        return value.astimezone(UTC).replace(tzinfo=None).isoformat()
    return value.isoformat()


# -- which instances are sessions -------------------------------------------------------------


def _reason(inst: Instance, rules: CalendarRules) -> str | None:
    """Why an instance in the window is not a session, or None when it is one."""
    event = inst.event
    if inst.all_day:
        return "all_day"
    if event.free:
        return "free"
    if event.cancelled:
        return "cancelled"
    if event.declined:
        return "declined"
    if inst.minutes < rules.min_minutes:
        return "too_short"
    if inst.minutes > rules.max_minutes:
        return "too_long"
    if not rules.matches(event.title):
        return "not_matching"
    return None


def _facts(component: Component, me: frozenset[str]) -> Event:
    return Event(
        title=str(component.get("SUMMARY", "")),
        free=str(component.get("TRANSP", "")).upper() == "TRANSPARENT",
        cancelled=str(component.get("STATUS", "")).upper() == "CANCELLED",
        declined=_declined(component, me),
    )


def _declined(event: Component, me: frozenset[str]) -> bool:
    declined = {
        address(str(a))
        for a in _props(event, "ATTENDEE")
        if str(a.params.get("PARTSTAT", "")).upper() == "DECLINED"
    }
    if not declined:
        return False
    if me:
        return bool(declined & me)
    organizer = address(str(event["ORGANIZER"])) if "ORGANIZER" in event else ""
    return bool(organizer) and bool(declined - {organizer})


def _owner(calendar: Calendar, people: Counter[str], me: Sequence[str]) -> frozenset[str]:
    """The user's addresses: given, named by the calendar, or the one on the most events."""
    if me:
        return frozenset(address(m) for m in me)
    name = address(str(calendar.get("X-WR-CALNAME", "")))
    if "@" in name and " " not in name:
        return frozenset({name})
    top = people.most_common(2)
    if top and (len(top) == 1 or top[0][1] > top[1][1]):
        return frozenset({top[0][0]})
    return frozenset()


# -- coverage and order ---------------------------------------------------------------------------


def _covers(found: Expansion, since: datetime, now: datetime, tz: tzinfo) -> Window | None:
    """The part of [since, now] in which the feed lists every event.

    From the earliest event in the file to the latest: a feed that shows only some weeks (or an
    export made some time ago) says nothing about the days outside them. A file's start dates
    are in each event's own zone, so they count a day inward; instances are exact.
    """
    starts = [i.start for i in found.instances]
    bounds_from = list(starts)
    bounds_to = list(starts)
    if found.earliest is not None:
        bounds_from.append(datetime.combine(found.earliest + DAY, time(0), tzinfo=tz))
    if found.latest is not None:
        bounds_to.append(datetime.combine(found.latest - DAY, time(0), tzinfo=tz))
    if not bounds_from or not bounds_to:
        return None
    begin, end = max(since, min(bounds_from)), min(now, max(bounds_to))
    return Window(begin, end) if begin < end else None


def _skipped_order(s: Skipped) -> tuple[date, time, str]:
    return (s.date or date.min, s.start or time(0), s.reason)
