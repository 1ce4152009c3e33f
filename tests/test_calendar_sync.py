"""Sync planning: the same file adds nothing, a new session adds, a moved one moves its open item,
a cancelled or deleted one removes it while the feed covers its date, a session that only fell
out of the feed's window stays, and written or edited items are never touched."""

from __future__ import annotations

import itertools
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from tracker.calendar.reading import read_sessions
from tracker.calendar.sessions import CalendarRules, Reading, Session, Window
from tracker.calendar.sync import Imported, SyncPlan, plan_sync

TZ = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 22, 18, 0, tzinfo=TZ)
SINCE = NOW - timedelta(days=60)
PRACTICE = (Path(__file__).parent / "calendars" / "practice.ics").read_bytes()
_ids = itertools.count(1)


def read(data: bytes, now: datetime = NOW) -> Reading:
    return read_sessions(data, CalendarRules(), now - timedelta(days=60), now, TZ)


def stored(s: Session, **changes: object) -> Imported:
    """The item the store made for a session."""
    item = Imported(
        id=next(_ids),
        key=s.key,
        date=s.date,
        start=s.start,
        minutes=s.minutes,
        note_type=s.note_type,
        cpt=s.cpt,
        client_ref=s.client_ref,
    )
    return replace(item, **changes)  # type: ignore[arg-type]


def apply(plan: SyncPlan, items: list[Imported]) -> list[Imported]:
    """What the store does with a plan, in memory."""
    gone = {r.item.id for r in plan.removals}
    moved = {m.item.id: m.session for m in plan.moves}
    kept = [
        replace(stored(moved[i.id]), id=i.id) if i.id in moved else i
        for i in items
        if i.id not in gone
    ]
    return kept + [stored(s) for s in plan.adds]


def test_importing_the_same_file_again_adds_nothing() -> None:
    first = read(PRACTICE)
    plan = plan_sync(first.sessions, first.covers, [], TZ, first.skipped)
    assert len(plan.adds) == len(first.sessions) == 10 and plan.changes == 10
    items = apply(plan, [])
    again = read(PRACTICE)
    second = plan_sync(again.sessions, again.covers, items, TZ, again.skipped)
    assert second.changes == 0
    assert {k.reason for k in second.kept} == {"unchanged"} and len(second.kept) == 10


def event(uid: str, start: str, minutes: int = 50, extra: str = "") -> str:
    begin = datetime.strptime(start, "%Y%m%dT%H%M%SZ")
    end = begin + timedelta(minutes=minutes)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTART:{start}\nDTEND:{end:%Y%m%dT%H%M%SZ}\n"
        f"SUMMARY:Client {uid}\n{extra}END:VEVENT\n"
    )


def feed(*events: str) -> bytes:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//t//EN\n" + "".join(events) + "END:VCALENDAR\n"
    ).encode()


def synced(data: bytes) -> list[Imported]:
    r = read(data)
    return apply(plan_sync(r.sessions, r.covers, [], TZ, r.skipped), [])


FUTURE = event("next-month", "20261203T150000Z")


def test_new_moved_cancelled_and_deleted_sessions() -> None:
    items = synced(
        feed(
            event("a", "20261026T150000Z"),
            event("b", "20261027T160000Z"),
            event("c", "20261113T150000Z"),
            FUTURE,
        )
    )
    later = read(
        feed(
            event("a", "20261026T160000Z"),  # moved an hour later
            event("b", "20261027T160000Z", extra="STATUS:CANCELLED\n"),
            event("d", "20261113T150000Z"),  # c deleted, d new
            FUTURE,
        )
    )
    plan = plan_sync(later.sessions, later.covers, items, TZ, later.skipped)
    assert [(m.item.start, m.session.start) for m in plan.moves] == [(time(10), time(11))]
    assert sorted((r.item.date, r.reason) for r in plan.removals) == [
        (date(2026, 10, 27), "cancelled"),
        (date(2026, 11, 13), "gone"),
    ]
    assert [(s.date, s.start) for s in plan.adds] == [(date(2026, 11, 13), time(9))]
    after = apply(plan, items)
    assert plan_sync(later.sessions, later.covers, after, TZ, later.skipped).changes == 0


def test_a_session_that_fell_out_of_the_feeds_window_is_kept() -> None:
    """A feed showing only the coming weeks drops October; its sessions stay imported."""
    items = synced(
        feed(
            event("a", "20261005T150000Z"),
            event("b", "20261026T150000Z"),
            event("c", "20261113T150000Z"),
            FUTURE,
        )
    )
    later = read(feed(event("c", "20261113T150000Z"), FUTURE))
    assert later.covers is not None
    assert later.covers.start == datetime(2026, 11, 13, 9, tzinfo=TZ)
    plan = plan_sync(later.sessions, later.covers, items, TZ, later.skipped)
    assert plan.changes == 0
    outside = sorted(k.item.date for k in plan.kept if k.reason == "outside_feed")
    assert outside == [date(2026, 10, 5), date(2026, 10, 26)]


def test_an_export_made_earlier_covers_only_up_to_its_last_event() -> None:
    first = event("z", "20261005T150000Z")
    items = synced(feed(first, event("a", "20261026T150000Z"), event("b", "20261113T150000Z")))
    old = read(feed(first, event("a", "20261026T150000Z")))
    assert old.covers is not None and old.covers.end == datetime(2026, 10, 26, 10, tzinfo=TZ)
    plan = plan_sync(old.sessions, old.covers, items, TZ, old.skipped)
    assert plan.changes == 0
    assert sorted(k.reason for k in plan.kept) == ["outside_feed", "unchanged", "unchanged"]


def test_written_and_edited_items_are_never_changed_or_removed() -> None:
    r = read(PRACTICE)
    a, b, c, d = r.sessions[:4]
    items = [
        stored(a, written=True, start=time(8)),  # the calendar moved it: the note is written
        stored(b, edited=True, note_type="intake"),  # the user retyped it
        stored(replace(c, key="gone-but-written"), written=True),
        stored(replace(d, key="gone-but-edited"), edited=True),
    ]
    plan = plan_sync(r.sessions, r.covers, items, TZ, r.skipped)
    assert plan.moves == () and plan.removals == ()
    assert [k.reason for k in plan.kept] == ["written", "edited", "written", "edited"]
    assert {s.key for s in plan.adds} == {s.key for s in r.sessions} - {a.key, b.key}


def test_nothing_is_removed_when_the_feed_covers_nothing() -> None:
    r = read(PRACTICE)
    items = [stored(s) for s in r.sessions]
    plan = plan_sync((), None, items, TZ)
    assert plan.changes == 0 and {k.reason for k in plan.kept} == {"outside_feed"}


def test_a_second_item_with_the_same_key_is_left_alone() -> None:
    s = read(PRACTICE).sessions[0]
    plan = plan_sync([s], Window(SINCE, NOW), [stored(s), stored(s, start=time(7))], TZ)
    assert plan.changes == 0 and [k.reason for k in plan.kept] == ["unchanged", "unchanged"]


sessions_st = st.lists(
    st.builds(
        Session,
        key=st.sampled_from([f"k{n}" for n in range(12)]),
        date=st.dates(date(2026, 9, 1), date(2026, 11, 30)),
        start=st.sampled_from([time(9), time(10), time(14)]),
        minutes=st.sampled_from([30, 50]),
        note_type=st.sampled_from(["progress", "intake"]),
    ),
    max_size=12,
    unique_by=lambda s: s.key,
)


@given(
    before=sessions_st,
    after=sessions_st,
    written=st.sets(st.sampled_from([f"k{n}" for n in range(12)])),
    covers=st.tuples(st.dates(date(2026, 9, 1), date(2026, 11, 30)), st.integers(0, 90)),
)
def test_sync_converges_and_never_touches_written_items(
    before: list[Session], after: list[Session], written: set[str], covers: tuple[date, int]
) -> None:
    start = datetime.combine(covers[0], time(0), tzinfo=TZ)
    window = Window(start, start + timedelta(days=covers[1]))
    items = [stored(s, written=s.key in written) for s in before]
    plan = plan_sync(after, window, items, TZ)
    touched = {m.item.id for m in plan.moves} | {r.item.id for r in plan.removals}
    assert not any(i.written for i in items if i.id in touched)
    assert all(window.holds(r.item.moment(TZ)) for r in plan.removals)
    result = apply(plan, items)
    assert plan_sync(after, window, result, TZ).changes == 0
    assert {i.key for i in result} >= {s.key for s in after}


def test_new_sessions_take_over_a_counted_days_anonymous_notes_one_each() -> None:
    from tracker.calendar.sync import adopt

    day, other = date(2026, 11, 2), date(2026, 11, 3)
    s = [
        Session(f"k{n}", d, time(9 + n), 50, "progress") for n, d in enumerate([day] * 3 + [other])
    ]
    gone = stored(Session("old", other, time(8), 50, "progress"))
    got = adopt(s, [(11, day), (12, day)], [day, other], [gone])
    assert [(a.key, i) for a, i in got.adopted] == [("k0", 11), ("k1", 12)]
    assert [a.key for a in got.inserted] == ["k2", "k3"]
    # the third session of a logged day is one more than it listed; the removal one fewer
    assert got.sessions == {day: 1, other: 0}
