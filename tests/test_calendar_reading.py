"""Reading sessions from calendars shaped like each source: a Google export (X-WR-TIMEZONE, UTC
times), Outlook (Windows zone names), Apple (VTIMEZONE, RDATE, floating times) and a practice
feed whose titles are client names. Each has a weekly series with an exception and a moved
instance, and the DST change of autumn 2026 falls inside the series."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tracker.calendar.reading import read_busy, read_sessions
from tracker.calendar.sessions import CalendarRules, Reading, Session
from tracker.errors import InputError

CALENDARS = Path(__file__).parent / "calendars"


def window(zone: str) -> tuple[datetime, datetime, ZoneInfo]:
    tz = ZoneInfo(zone)
    now = datetime(2026, 11, 22, 18, 0, tzinfo=tz)
    return now - timedelta(days=60), now, tz


def read(name: str, zone: str, rules: CalendarRules | None = None, crlf: bool = False) -> Reading:
    data = (CALENDARS / f"{name}.ics").read_bytes()
    if crlf:
        data = data.replace(b"\n", b"\r\n")
    since, now, tz = window(zone)
    return read_sessions(data, rules or CalendarRules(), since, now, tz)


def when(r: Reading) -> list[tuple[str, str, int]]:
    return [(s.date.isoformat(), f"{s.start:%H:%M}", s.minutes) for s in r.sessions]


@pytest.mark.parametrize("crlf", [False, True], ids=["lf", "crlf"])
def test_google_export_with_x_wr_timezone(crlf: bool) -> None:
    r = read("google", "America/New_York", crlf=crlf)
    # The weekly series is in UTC with X-WR-TIMEZONE: after the DST change (1 Nov) it stays at
    # 10:00 local, not 09:00. 20 Oct is an exception, 27 Oct moved to 28 Oct 14:00, 10 Nov is
    # cancelled; the client who declined the couples session does not make it "declined".
    assert when(r) == [
        ("2026-10-06", "10:00", 50),
        ("2026-10-13", "10:00", 50),
        ("2026-10-15", "13:00", 60),
        ("2026-10-22", "15:00", 50),
        ("2026-10-28", "14:00", 50),
        ("2026-11-03", "10:00", 50),
        ("2026-11-17", "10:00", 50),
    ]
    assert r.counts == {"all_day": 1, "free": 1, "cancelled": 1, "declined": 1}
    intake = r.sessions[2]
    assert (intake.note_type, intake.cpt) == ("intake", "90837")
    assert {s.note_type for s in r.sessions} - {intake.note_type} == {"progress"}
    # the feed has events before the window and after now: it covers the whole window
    assert r.covers is not None and (r.covers.start, r.covers.end) == (r.since, r.now)


def test_outlook_windows_zone_names_and_bad_events() -> None:
    r = read("outlook", "Europe/Berlin")
    assert when(r) == [
        ("2026-10-01", "09:00", 50),
        ("2026-10-08", "09:00", 50),
        ("2026-10-22", "09:00", 50),
        ("2026-10-29", "09:00", 50),  # after the DST change of 25 Oct: still 09:00
        ("2026-11-02", "15:00", 50),  # "GMT Standard Time" with no VTIMEZONE: London 14:00
        ("2026-11-06", "11:00", 50),  # moved from Thursday 5 Nov
        ("2026-11-10", "15:00", 80),  # a "(UTC+01:00) Amsterdam, Berlin, ..." VTIMEZONE
        ("2026-11-12", "09:00", 50),
        ("2026-11-19", "09:00", 50),
    ]
    assert r.counts == {"no_start": 1, "unknown_zone": 1, "end_before_start": 1, "free": 1}
    assert r.sessions[6].note_type == "intake"
    unknown = next(s for s in r.skipped if s.reason == "unknown_zone")
    assert (unknown.date, unknown.start) == (date(2026, 11, 4), time(10, 0))


def test_apple_vtimezone_rdate_duration_and_floating_time() -> None:
    r = read("apple", "America/Los_Angeles")
    assert when(r) == [
        ("2026-09-28", "16:00", 45),  # DURATION:PT45M, not DTEND
        ("2026-10-05", "16:00", 45),
        ("2026-10-08", "17:00", 45),  # an RDATE
        ("2026-10-20", "09:00", 45),  # moved from Monday 19 Oct; 12 Oct is an EXDATE
        ("2026-10-26", "16:00", 45),
        ("2026-11-02", "16:00", 45),  # PST now: the series keeps its local time
        ("2026-11-03", "08:30", 50),  # floating: the user's own zone
        ("2026-11-06", "10:00", 90),
        ("2026-11-09", "16:00", 45),
        ("2026-11-16", "16:00", 45),
    ]
    assert r.counts == {"too_short": 1, "too_long": 1}
    group = r.sessions[7]
    assert (group.note_type, group.cpt) == ("group", "90837")


def test_a_floating_time_is_the_users_zone() -> None:
    tokyo = read("apple", "Asia/Tokyo")
    early = [s for s in tokyo.sessions if s.minutes == 50]
    assert [(s.date, s.start) for s in early] == [(date(2026, 11, 3), time(8, 30))]


PRACTICE_NAMES = (
    "Jane Doe",
    "Robert Smith-Alvarado",
    "Emily Zhang-Whitaker",
    "Zhang",
    "Maria Garcia",
    "Lopez",
    "Patel",
    "William Johnson",
    "Acme Health",
    "Telehealth",
    "1987-04-02",
    "Dr. Alvarez",
    "Thursday DBT",
)


def test_practice_feed_takes_references_only_from_the_users_pattern() -> None:
    r = read("practice", "America/Chicago", CalendarRules(client_ref=r"^(C-\d+)\b"))
    got = [(s.date.isoformat(), f"{s.start:%H:%M}", s.client_ref, s.cpt) for s in r.sessions]
    assert got == [
        ("2026-10-05", "15:00", "C-3310", "90834"),
        ("2026-10-12", "15:00", "C-3310", "90834"),
        ("2026-10-19", "15:00", "C-3310", "90834"),
        ("2026-10-26", "10:00", "C-1042", "90837"),  # 53 minutes: 90837
        ("2026-10-26", "15:00", "C-3310", "90834"),
        ("2026-10-27", "11:00", "C-2077", "90837"),
        # the series is in UTC without a zone: after DST its instances are an hour earlier
        ("2026-11-11", "11:00", "C-3310", "90834"),  # moved from Monday 9 Nov
        ("2026-11-12", "12:00", None, "90837"),
        ("2026-11-13", "09:00", None, "90832"),
        ("2026-11-16", "14:00", "C-3310", "90834"),
    ]
    assert r.counts == {"cancelled": 1}
    assert [s.note_type for s in r.sessions].count("intake") == 1
    without = read("practice", "America/Chicago")
    assert {s.client_ref for s in without.sessions} == {None}


@pytest.mark.parametrize(
    ("name", "zone", "words"),
    [
        ("practice", "America/Chicago", PRACTICE_NAMES),
        ("google", "America/New_York", ("Margaret", "Rivera", "Okafor", "Nguyen", "Whitfield")),
        ("outlook", "Europe/Berlin", ("Katharina", "Vogel", "Hughes", "Lena", "Weber", "Schmidt")),
        ("apple", "America/Los_Angeles", ("Abigail", "Brooks", "Moreau", "Grace Kim", "DBT")),
    ],
)
def test_no_title_description_location_or_attendee_in_what_is_returned(
    name: str, zone: str, words: tuple[str, ...]
) -> None:
    r = read(name, zone, CalendarRules(client_ref=r"^(C-\d+)\b"))
    text = "\n".join(
        [
            repr(r),
            json.dumps(dataclasses.asdict(r), default=str),
            json.dumps(r.preview(), default=str),
        ]
    )
    assert r.sessions
    for word in words:
        assert word.lower() not in text.lower(), word
    raw = (CALENDARS / f"{name}.ics").read_text()
    assert all(word in raw for word in words)  # the words were there to leak


def test_the_same_file_gives_the_same_keys_and_a_moved_instance_keeps_its_own() -> None:
    first = read("google", "America/New_York")
    again = read("google", "America/New_York")
    assert [s.key for s in first.sessions] == [s.key for s in again.sessions]
    assert len({s.key for s in first.sessions}) == len(first.sessions)
    data = (CALENDARS / "google.ics").read_bytes()
    # the moved instance (27 Oct -> 28 Oct) moves once more: same key, new time
    moved = data.replace(b"DTSTART:20261028T180000Z", b"DTSTART:20261029T180000Z").replace(
        b"DTEND:20261028T185000Z", b"DTEND:20261029T185000Z"
    )
    # a single event moves: its key is its UID alone
    moved = moved.replace(b"America/New_York:20261015T130000", b"America/New_York:20261016T090000")
    moved = moved.replace(b"America/New_York:20261015T140000", b"America/New_York:20261016T100000")
    since, now, tz = window("America/New_York")
    after = read_sessions(moved, CalendarRules(), since, now, tz)
    before_by_key = {s.key: s for s in first.sessions}
    changed = [s for s in after.sessions if before_by_key[s.key] != s]
    assert sorted((s.date.isoformat(), f"{s.start:%H:%M}") for s in changed) == [
        ("2026-10-16", "09:00"),
        ("2026-10-29", "14:00"),
    ]


def test_rules_pick_sessions_by_length_pattern_and_keywords() -> None:
    rules = CalendarRules(
        min_minutes=45,
        max_minutes=60,
        match=r"^C-\d+",
        types={"intake": "intake", "dbt": "group"},
        cpt=False,
    )
    r = read("practice", "America/Chicago", rules)
    assert r.counts == {"cancelled": 1, "too_short": 7, "too_long": 1}
    assert [(s.minutes, s.note_type, s.cpt) for s in r.sessions] == [
        (53, "progress", None),
        (60, "intake", None),
    ]
    loose = read("practice", "America/Chicago", CalendarRules(match="Group"))
    assert loose.counts["not_matching"] == 9 and len(loose.sessions) == 1


def test_the_users_own_addresses_decide_what_counts_as_declined() -> None:
    # Named explicitly as the client: the couples session is then "declined" too.
    r = read("google", "America/New_York", CalendarRules(me=("samuel.nguyen@mail.example",)))
    assert r.counts["declined"] == 1
    assert ("2026-10-16", "11:00", 45) in when(r)  # Pat's meeting: "me" did not decline it
    assert ("2026-10-22", "15:00", 50) not in when(r)


def test_the_owner_is_the_address_on_the_most_events() -> None:
    data = (CALENDARS / "google.ics").read_bytes()
    data = data.replace(b"X-WR-CALNAME:dr.lee@", b"X-WR-CALNAME:")
    since, now, tz = window("America/New_York")
    r = read_sessions(data, CalendarRules(), since, now, tz)
    # dr.lee is on two events, Pat and the client on one each: dr.lee is still the owner
    assert r.counts["declined"] == 1 and ("2026-10-22", "15:00", 50) in when(r)


def test_with_no_owner_to_tell_an_invitation_declined_by_an_attendee_is_declined() -> None:
    invitation = (
        "BEGIN:VEVENT\nUID:inv\nDTSTART:20261110T150000Z\nDTEND:20261110T155000Z\n"
        "ORGANIZER:mailto:a@x.example\nATTENDEE;PARTSTAT=DECLINED:mailto:b@x.example\n"
        "SUMMARY:Invitation\nEND:VEVENT\n"
    )
    since, now, tz = window("UTC")
    r = read_sessions(calendar(invitation), CalendarRules(), since, now, tz)
    assert r.counts == {"declined": 1}
    mine = read_sessions(calendar(invitation), CalendarRules(me=["A@x.example"]), since, now, tz)
    assert mine.counts == {} and len(mine.sessions) == 1


def test_an_open_ended_series_is_bounded_by_the_window() -> None:
    data = calendar(
        "BEGIN:VEVENT\nUID:forever\nDTSTART:20000103T150000Z\nDTEND:20000103T155000Z\n"
        "RRULE:FREQ=WEEKLY\nSUMMARY:Weekly\nEND:VEVENT\n"
    )
    since, now, tz = window("UTC")
    r = read_sessions(data, CalendarRules(), since, now, tz)
    assert len(r.sessions) == 8 and all(s.date.weekday() == 0 for s in r.sessions)
    assert r.sessions[0].date >= since.date() and r.sessions[-1].date <= now.date()


def test_an_event_counts_once_it_has_ended() -> None:
    data = calendar(
        "BEGIN:VEVENT\nUID:now\nDTSTART:20261122T173000Z\nDTEND:20261122T182000Z\n"
        "SUMMARY:Running late\nEND:VEVENT\n"
    )
    since, now, tz = window("UTC")
    assert read_sessions(data, CalendarRules(), since, now, tz).sessions == ()
    later = read_sessions(data, CalendarRules(), since, now + timedelta(minutes=20), tz)
    assert [s.start for s in later.sessions] == [time(17, 30)]


def calendar(body: str, head: str = "") -> bytes:
    return f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{head}{body}END:VCALENDAR\n".encode()


def test_bad_events_are_counted_and_the_rest_is_read() -> None:
    body = (
        "BEGIN:VEVENT\nUID:ok\nDTSTART:20261110T150000Z\nDTEND:20261110T155000Z\n"
        "SUMMARY:Fine\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:rule\nDTSTART:20261101T150000Z\nDTEND:20261101T155000Z\n"
        "RRULE:FREQ=SOMETIMES\nSUMMARY:Bad rule\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:date\nDTSTART:2026-11-12 10:00\nDTEND:20261112T105000Z\n"
        "SUMMARY:Bad date\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:len\nDTSTART:20261113T150000Z\nDURATION:soon\n"
        "SUMMARY:Bad length\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:neg\nDTSTART:20261114T150000Z\nDURATION:-PT1H\n"
        "SUMMARY:Negative\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:mixed\nDTSTART:20261115T150000Z\nDTEND;VALUE=DATE:20261116\n"
        "SUMMARY:Mixed\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:junk\nDTSTART:20261116T150000Z\nDTEND:20261116T155000Z\n"
        "this line is not iCalendar\nSUMMARY:Junk line\nEND:VEVENT\n"
    )
    since, now, tz = window("UTC")
    r = read_sessions(calendar(body), CalendarRules(), since, now, tz)
    assert [s.date.day for s in r.sessions] == [10, 16]
    assert r.counts == {"no_start": 1, "end_before_start": 1, "unreadable": 3}


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"", "is empty"),
        (b"   \n", "is empty"),
        (b"<!DOCTYPE html><html><body>Sign in to continue</body></html>", "web page (HTML)"),
        (b"\n<html><head><title>Calendar</title></head></html>", "web page (HTML)"),
        (b"hello, this is a letter", "does not start with BEGIN:VCALENDAR"),
        (b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "does not start with BEGIN:VCALENDAR"),
        (b"BEGIN:VCARD\nVERSION:3.0\nFN:Jane Doe\nEND:VCARD\n", "does not start with"),
        (
            b"BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID:x\nSUMMARY:Jane Doe\nDTSTART:2026",
            "cut short",
        ),
        (
            b"BEGIN:VCALENDAR\nBEGIN:VEVENT\nUID:x\nSUMMARY:Jane Doe\nEND:VCALENDAR\n",
            "no END:VEVENT",
        ),
        (b"BEGIN:VCALENDAR\nCALSCALE:CHINESE\nEND:VCALENDAR\n", "non-Gregorian"),
    ],
)
def test_what_is_not_a_calendar_is_one_clear_error(data: bytes, says: str) -> None:
    since, now, tz = window("UTC")
    with pytest.raises(InputError) as e:
        read_sessions(data, CalendarRules(), since, now, tz, name="sessions.ics")
    message = str(e.value)
    assert says in message and "sessions.ics" in message
    assert "\n" not in message and "Jane" not in message


def test_a_malformed_calendar_line_is_not_quoted_in_the_error() -> None:
    data = b"BEGIN:VCALENDAR\nVERSION:2.0\nJane Doe owes a note\nEND:VCALENDAR\n"
    since, now, tz = window("UTC")
    with pytest.raises(InputError) as e:
        read_sessions(data, CalendarRules(), since, now, tz, name="x.ics")
    assert "could not be read as iCalendar" in str(e.value) and "Jane" not in str(e.value)


@pytest.mark.parametrize(
    ("rules", "says"),
    [
        (CalendarRules(match="(unclosed"), "calendar pattern '(unclosed'"),
        (CalendarRules(client_ref=r"C-\d+"), "exactly one group"),
        (CalendarRules(client_ref=r"(C)-(\d+)"), "exactly one group"),
        (CalendarRules(min_minutes=60, max_minutes=30), "60..30"),
    ],
)
def test_bad_rules_are_refused_before_reading(rules: CalendarRules, says: str) -> None:
    since, now, tz = window("UTC")
    with pytest.raises(InputError) as e:
        read_sessions(b"not even read", rules, since, now, tz)
    assert says in str(e.value)


def test_a_reference_that_is_not_a_short_pseudonym_is_left_out() -> None:
    rules = CalendarRules(client_ref=r"^(.*)$")
    r = read("practice", "America/Chicago", rules)
    assert all(s.client_ref is None or len(s.client_ref) <= 16 for s in r.sessions)
    assert "C-1042 Jane Doe" in {s.client_ref for s in r.sessions}  # the user asked for it


def test_preview_lists_taken_and_skipped_with_counts() -> None:
    preview = read("google", "America/New_York").preview()
    assert preview["taken"] == 7
    assert preview["skipped_by_reason"] == {"all_day": 1, "free": 1, "cancelled": 1, "declined": 1}
    skipped = preview["skipped"]
    assert isinstance(skipped, list)
    assert {"at": "2026-11-10T10:00", "minutes": 50, "reason": "cancelled"} in skipped
    assert {"at": "2026-10-21", "minutes": 1440, "reason": "all_day"} in skipped
    json.dumps(preview)


def test_busy_time_ahead_skips_free_cancelled_and_declined_events() -> None:
    data = (CALENDARS / "google.ics").read_bytes()
    tz = ZoneInfo("America/New_York")
    start = datetime(2026, 10, 13, tzinfo=tz)
    busy = read_busy(data, tz, start, start + timedelta(days=28))
    assert [(a.strftime("%m-%d %H:%M"), int((b - a).total_seconds() // 60)) for a, b in busy] == [
        ("10-13 10:00", 50),
        ("10-15 13:00", 60),
        ("10-22 15:00", 50),
        ("10-28 14:00", 50),
        ("11-03 10:00", 50),
    ]
    # an all-day event marked busy blocks its day
    opaque = data.replace(b"Trauma CE conference\nTRANSP:TRANSPARENT", b"Trauma CE\nTRANSP:OPAQUE")
    days = read_busy(opaque, tz, start, start + timedelta(days=28))
    assert (datetime(2026, 10, 21, tzinfo=tz), datetime(2026, 10, 22, tzinfo=tz)) in days


def test_sessions_are_plain_records() -> None:
    r = read("apple", "America/Los_Angeles")
    assert all(type(s) is Session for s in r.sessions)
    assert {f.name for f in dataclasses.fields(Session)} == {
        "key",
        "date",
        "start",
        "minutes",
        "note_type",
        "cpt",
        "client_ref",
    }


def test_non_ascii_text_and_a_fold_inside_a_character() -> None:
    """'ß' upper-cases to two letters and a fold may split a character's bytes: neither shifts
    or breaks what is read."""
    first = (
        "BEGIN:VEVENT\nUID:1\nDTSTART:20261110T150000Z\nDTEND:20261110T155000Z\n"
        f"DESCRIPTION:{'Straße ' * 50}\nSUMMARY:Fuß\nEND:VEVENT\n"
    ).encode()
    folded = "Größe 1".encode()
    cut = folded.index("ö".encode()) + 1  # between the two bytes of "ö"
    second = (
        b"BEGIN:VEVENT\nUID:2\nDTSTART:20261111T150000Z\nDTEND:20261111T160000Z\nSUMMARY:"
        + folded[:cut]
        + b"\n "
        + folded[cut:]
        + b"\nEND:VEVENT\n"
    )
    data = b"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n" + first + second + b"END:VCALENDAR\n"
    since, now, tz = window("UTC")
    r = read_sessions(data, CalendarRules(client_ref=r"^(\S+)"), since, now, tz)
    assert [(s.date.day, s.minutes, s.client_ref) for s in r.sessions] == [
        (10, 50, "Fuß"),
        (11, 60, "Größe"),
    ]


def test_an_unknown_x_wr_timezone_leaves_times_as_written() -> None:
    body = (
        "BEGIN:VEVENT\nUID:u\nDTSTART:20261110T150000Z\nDTEND:20261110T155000Z\n"
        "SUMMARY:UTC\nEND:VEVENT\n"
        "BEGIN:VEVENT\nUID:f\nDTSTART:20261111T090000\nDTEND:20261111T095000\n"
        "SUMMARY:Floating\nEND:VEVENT\n"
    )
    since, now, tz = window("Europe/Dublin")
    r = read_sessions(
        calendar(body, "X-WR-TIMEZONE:Mars/Olympus\n"), CalendarRules(), since, now, tz
    )
    assert [(s.date.day, s.start) for s in r.sessions] == [(10, time(15)), (11, time(9))]
    google = read_sessions(
        calendar(body, "X-WR-TIMEZONE:Asia/Tokyo\n"), CalendarRules(), since, now, tz
    )
    # with a known X-WR-TIMEZONE, the floating time is Tokyo's 09:00: midnight in Dublin
    assert [(s.date.day, s.start) for s in google.sessions] == [(10, time(15)), (11, time(0))]


def test_the_pre_pass_keeps_only_what_the_reading_uses() -> None:
    from tracker.calendar import scan

    data = scan.check((CALENDARS / "google.ics").read_bytes(), "google.ics")
    trimmed = scan.trim(data, "google.ics", date(2026, 10, 1), date(2026, 10, 31))
    # 10 events: the series and its 2 instances are kept whatever their date, the single
    # events of October too; August (summer) and November 24 (future) are dropped
    assert (trimmed.events, trimmed.kept) == (10, 8)
    assert (trimmed.earliest, trimmed.latest) == (date(2026, 8, 1), date(2026, 11, 24))
    for gone in ("DESCRIPTION", "LOCATION", "VALARM", "DTSTAMP", "Elm Street", "Olivia", "Henry"):
        assert gone not in trimmed.text
    assert "PARTSTAT=ACCEPTED" not in trimmed.text and trimmed.text.count("PARTSTAT=DECLINED") == 2
    assert trimmed.people["dr.lee@example.com"] == 2 and trimmed.people["boss@clinic.example"] == 1
