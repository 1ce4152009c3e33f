"""Calendars for the budget (`.venv/bin/python -m tests.bench_calendar` prints the timings).

`five_years()` is the calendar of the budget in DESIGN.md: 30 weekly clients over five years
(each series with a few exceptions and moved instances: about 7,700 instances) and 2,000 single
events (intakes, meetings, all-day days off, declined invitations), written the way Apple's
Calendar exports them, with descriptions, locations, alarms and attendees. `many(n)` is a feed of
n single events (the 50,000-event feed). Both are seeded, so runs compare.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from datetime import time as clock
from zoneinfo import ZoneInfo

TZ = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 20, 17, 30, tzinfo=TZ)
FIRST = ("Ava", "Liam", "Mia", "Noah", "Zoe", "Ethan", "Ruth", "Omar", "Ines", "Kofi", "Yuki")
LAST = ("Park", "Silva", "Novak", "Okoro", "Dubois", "Haddad", "Larsen", "Moreno", "Tanaka")
VTIMEZONE = """BEGIN:VTIMEZONE
TZID:America/Chicago
BEGIN:DAYLIGHT
TZOFFSETFROM:-0600
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
DTSTART:20070311T020000
TZNAME:CDT
TZOFFSETTO:-0500
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:-0500
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
DTSTART:20071104T020000
TZNAME:CST
TZOFFSETTO:-0600
END:STANDARD
END:VTIMEZONE
"""


def _local(moment: datetime) -> str:
    return f";TZID=America/Chicago:{moment:%Y%m%dT%H%M%S}"


def _event(uid: str, start: datetime, minutes: int, title: str, *extra: str) -> str:
    end = start + timedelta(minutes=minutes)
    return "\n".join(
        [
            "BEGIN:VEVENT",
            "CREATED:20210101T120000Z",
            f"UID:{uid}",
            f"DTEND{_local(end)}",
            "TRANSP:OPAQUE",
            "X-APPLE-TRAVEL-ADVISORY-BEHAVIOR:AUTOMATIC",
            f"SUMMARY:{title}",
            "LAST-MODIFIED:20261101T120000Z",
            "DTSTAMP:20261101T120000Z",
            f"DTSTART{_local(start)}",
            "SEQUENCE:1",
            f"DESCRIPTION:Session notes owed for {title}. Insurance: Acme Health\\, member 9921",
            "LOCATION:Suite 210\\, 400 Main Street",
            *extra,
            "BEGIN:VALARM",
            "ACTION:DISPLAY",
            f"DESCRIPTION:{title}",
            "TRIGGER:-PT10M",
            "END:VALARM",
            "END:VEVENT",
            "",
        ]
    )


def five_years(now: datetime = NOW, series: int = 30, singles: int = 2000, seed: int = 5) -> bytes:
    """The budget's calendar: `series` weekly clients and `singles` single events, 5 years."""
    rng = random.Random(seed)
    begin = (now - timedelta(days=5 * 365)).replace(tzinfo=None)
    weeks = 5 * 52
    parts = ["BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Apple Inc.//macOS 15.1//EN\n", VTIMEZONE]
    for k in range(series):
        day = begin.date() + timedelta(days=k % 5)
        start = datetime.combine(day, clock(9 + k // 5))
        title = f"{FIRST[k % len(FIRST)]} {LAST[k % len(LAST)]}"
        gone = sorted(start + timedelta(weeks=rng.randrange(1, weeks)) for _ in range(4))
        moved = sorted(
            {start + timedelta(weeks=rng.randrange(1, weeks)) for _ in range(4)} - set(gone)
        )
        uid = f"{k:04d}-5E4A-4C1B-9F00-CLIENT@apple.example"
        parts.append(
            _event(
                uid, start, 50, title, "RRULE:FREQ=WEEKLY", *(f"EXDATE{_local(g)}" for g in gone)
            )
        )
        for original in moved:
            new = original + timedelta(days=rng.choice((-1, 1)), hours=rng.choice((-1, 2)))
            parts.append(_event(uid, new, 50, title, f"RECURRENCE-ID{_local(original)}"))
    for k in range(singles):
        day = begin.date() + timedelta(days=rng.randrange(5 * 365))
        start = datetime.combine(day, clock(rng.randrange(8, 18), rng.choice((0, 30))))
        kind = rng.random()
        title = f"{FIRST[k % len(FIRST)]} {LAST[(k * 7) % len(LAST)]}"
        uid = f"single-{k:05d}@apple.example"
        if kind < 0.6:
            parts.append(_event(uid, start, rng.choice((50, 60, 90)), f"Intake {title}"))
        elif kind < 0.8:
            invite = (
                "ORGANIZER;CN=Clinic Admin:mailto:admin@clinic.example",
                "ATTENDEE;CN=Clinic Admin;PARTSTAT=ACCEPTED:mailto:admin@clinic.example",
                f"ATTENDEE;CN=Me;PARTSTAT={rng.choice(('ACCEPTED', 'DECLINED'))}:mailto:me@clinic.example",
            )
            parts.append(_event(uid, start, 30, "Team meeting", *invite))
        else:
            all_day = (
                f"BEGIN:VEVENT\nUID:{uid}\nDTSTART;VALUE=DATE:{day:%Y%m%d}\n"
                f"DTEND;VALUE=DATE:{day + timedelta(days=1):%Y%m%d}\nSUMMARY:Day off\n"
                "TRANSP:TRANSPARENT\nDTSTAMP:20261101T120000Z\nEND:VEVENT\n"
            )
            parts.append(all_day)
    parts.append("END:VCALENDAR\n")
    return "".join(parts).replace("\n", "\r\n").encode()


def many(n: int = 50_000, now: datetime = NOW, seed: int = 50) -> bytes:
    """A feed of `n` single 50-minute events over the five years before `now`."""
    rng = random.Random(seed)
    begin = (now - timedelta(days=5 * 365)).replace(tzinfo=None)
    parts = ["BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Practice Feed//EN\n", VTIMEZONE]
    for k in range(n):
        start = begin + timedelta(days=rng.randrange(5 * 365), hours=rng.randrange(8, 18))
        parts.append(_event(f"appt-{k}@practice.example", start, 50, f"C-{k} Client {k}"))
    parts.append("END:VCALENDAR\n")
    return "".join(parts).encode()


def best_ms(run: Callable[[], object], runs: int = 5) -> tuple[float, float]:
    """The best wall time and the best CPU time of `runs` runs, in ms (CPU time is steadier on a
    machine that other work shares)."""
    wall = cpu = float("inf")
    for _ in range(runs):
        begin, begin_cpu = time.perf_counter(), time.process_time()
        run()
        wall = min(wall, time.perf_counter() - begin)
        cpu = min(cpu, time.process_time() - begin_cpu)
    return wall * 1000, cpu * 1000


def timings(data: bytes, since: datetime) -> dict[str, float]:
    """Milliseconds to read the sessions since `since`, and to read and plan a no-change sync."""
    from tracker.calendar.reading import read_sessions
    from tracker.calendar.sessions import CalendarRules
    from tracker.calendar.sync import Imported, plan_sync

    rules = CalendarRules()
    got = read_sessions(data, rules, since, NOW, TZ)
    items = [
        Imported(n, s.key, s.date, s.start, s.minutes, s.note_type, s.cpt, s.client_ref)
        for n, s in enumerate(got.sessions, 1)
    ]

    def sync() -> None:
        again = read_sessions(data, rules, since, NOW, TZ)
        assert plan_sync(again.sessions, again.covers, items, TZ, again.skipped).changes == 0

    read_wall, read_cpu = best_ms(lambda: read_sessions(data, rules, since, NOW, TZ))
    sync_wall, sync_cpu = best_ms(sync)
    return {
        "sessions": len(got.sessions),
        "read": read_wall,
        "read_cpu": read_cpu,
        "sync": sync_wall,
        "sync_cpu": sync_cpu,
    }


def main() -> None:
    data = five_years()
    for label, days in (("5 years", 5 * 366), ("60 days", 60)):
        t = timings(data, NOW - timedelta(days=days))
        print(
            f"{label}: {len(data) // 1024} KiB, {t['sessions']:,} sessions; read "
            f"{t['read']:.0f} ms ({t['read_cpu']:.0f} ms CPU); read + no-change sync plan "
            f"{t['sync']:.0f} ms ({t['sync_cpu']:.0f} ms CPU)"
        )
    big = many()
    t = timings(big, NOW - timedelta(days=60))
    print(
        f"50,000-event feed, 60 days: {len(big) // 2**20} MiB, {t['sessions']:,} sessions; read "
        f"{t['read']:.0f} ms ({t['read_cpu']:.0f} ms CPU)"
    )


if __name__ == "__main__":
    main()
