"""The check-in's reconciliation as a pure function (no database), and a property over random
sequences of check-ins, adds, `done`, `block done` and `log --cleared` on a real store."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tracker import blocks, checkin, rules
from tracker import sprint as sp
from tracker.errors import FieldError, InputError
from tracker.models import DayLog, Item
from tracker.settings import DEFAULTS, Rules
from tracker.store import Store

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
TODAY = NOW.date()
RULES = Rules()


def anon(n: int, day: date, written: datetime | None = None, by: date | None = None) -> Item:
    return Item(n, day, source="count", written_at=written, cleared_by=by)


def reconcile(log: DayLog, day_items=(), backlog=(), candidates=()) -> checkin.Reconciled:  # type: ignore[no-untyped-def]
    return checkin.reconcile(log, day_items, backlog, candidates, NOW, UTC, RULES)


# -- the pure function -----------------------------------------------------------------------------


def test_a_first_check_in_makes_anonymous_notes() -> None:
    r = reconcile(DayLog(TODAY, 6, 4))
    assert (r.new_written, r.new_open, r.write, r.delete) == (4, 2, [], [])
    assert r.at == NOW and r.anonymous == 6


def test_notes_marked_by_hand_count_towards_the_totals_and_are_never_touched() -> None:
    by_hand = Item(1, TODAY, client_ref="C1", written_at=NOW)  # itemized, written today
    later = anon(2, TODAY - timedelta(days=3), NOW)  # an older day's note, cleared by hand
    own = [anon(3, TODAY, NOW, TODAY), anon(4, TODAY)]
    r = reconcile(DayLog(TODAY, 3, 1), [by_hand, *own], backlog=[later])
    # One same-day note written by hand already: the check-in's own written one opens again
    # (3 sessions: 1 written, 2 open), and the older note written by hand is not cleared twice.
    assert r.unwrite == [3] and r.delete == [] and r.write == []
    assert (r.new_written, r.new_open, r.anonymous) == (0, 0, 2)
    assert r.already == 1 and r.clear == [] and r.log.cleared == 1


def test_cleared_reconciles_with_the_older_notes_marked_written_that_day() -> None:
    old = TODAY - timedelta(days=5)
    by_hand = [Item(n, old, written_at=NOW) for n in (1, 2)]
    candidates = [anon(n, old) for n in (5, 6, 7)]
    r = reconcile(DayLog(TODAY, 0, 0, cleared=3), backlog=by_hand, candidates=candidates)
    assert r.already == 2 and [i for i, _ in r.clear] == [5] and r.log.cleared == 3
    # Fewer than were marked by hand: nothing more, and the day keeps the true total.
    r = reconcile(DayLog(TODAY, 0, 0, cleared=1), backlog=by_hand, candidates=candidates)
    assert r.clear == [] and r.log.cleared == 2
    # The count's own clearing beyond a lower count opens again, the newest first.
    mine = [anon(8, old - timedelta(days=1), NOW, TODAY), anon(9, old, NOW, TODAY)]
    r = reconcile(DayLog(TODAY, 0, 0, cleared=3), backlog=by_hand + mine)
    assert r.reopen == [9] and r.clear == []


def test_cleared_beyond_what_there_is_is_refused_by_field() -> None:
    with pytest.raises(FieldError) as exc:
        reconcile(DayLog(TODAY, 0, 0, cleared=2), candidates=[anon(1, TODAY - timedelta(1))])
    assert exc.value.field == "cleared" and "use a number up to 1" in exc.value.problem


def test_a_backfilled_day_is_written_at_its_end_and_late_ones_get_a_notation() -> None:
    day = TODAY - timedelta(days=1)
    session = day - timedelta(days=10)
    r = reconcile(DayLog(day, 0, 0, cleared=1), candidates=[anon(1, session)])
    assert r.at == datetime.combine(day, time(23, 59), UTC)
    ((item_id, notation),) = r.clear
    assert item_id == 1 and notation is not None
    assert notation.startswith(
        f"LATE ENTRY: this note was written on {day} 23:59 for the session of {session}."
    )


def test_place_takes_open_for_open_and_written_for_written() -> None:
    day = TODAY - timedelta(days=1)
    pool = [
        anon(1, day),
        anon(2, day, datetime.combine(day, time(20), UTC), day),  # the check-in's own
        anon(3, day, NOW),  # written on a later day by hand: a fact, never replaced
    ]
    new = [
        Item(10, day),
        Item(11, day, written_at=datetime.combine(day, time(17), UTC)),
        Item(12, day, written_at=NOW),  # written later: it was open at the day's end
    ]
    placed = checkin.place(new, pool, {day}, UTC)
    assert [(p.replaced, p.written, p.extra) for p in placed] == [
        (1, False, False),
        (2, True, False),
        (None, False, True),
    ]
    assert checkin.place([Item(13, TODAY)], [], set(), UTC)[0].extra is False


def test_a_session_more_than_a_check_in_listed_grows_its_totals_up_to_the_bound() -> None:
    day, other = TODAY - timedelta(days=1), TODAY - timedelta(days=2)
    written = datetime.combine(day, time(17), UTC)
    new = [Item(20, day, written_at=written), Item(21, day), Item(22, other), Item(23, TODAY)]
    logs = {day: (3, 2), other: (checkin.MAX_SESSIONS, checkin.MAX_SESSIONS)}
    placed, replaced, totals = checkin.place_notes(new, [anon(5, other)], logs, UTC)
    assert [(p.id, p.replaced, p.extra) for p in placed] == [
        (20, None, True),
        (21, None, True),
        (22, 5, False),
        (23, None, False),  # a day not logged: nothing to change
    ]
    assert replaced == [5]
    assert totals == {day: (5, 3)}  # two more sessions, one of them written the same day


def test_a_full_check_in_stays_at_its_bound_and_no_logged_day_changes_nothing() -> None:
    day = TODAY - timedelta(days=1)
    full = (checkin.MAX_SESSIONS, checkin.MAX_SESSIONS - 1)
    same_day = datetime.combine(day, time(17), UTC)
    _, _, totals = checkin.place_notes([Item(30, day, written_at=same_day)], [], {day: full}, UTC)
    assert totals == {day: (checkin.MAX_SESSIONS, checkin.MAX_SESSIONS)}
    placed, replaced, totals = checkin.place_notes([Item(31, day)], [anon(6, day)], {}, UTC)
    assert [(p.replaced, p.extra) for p in placed] == [(None, False)]
    assert (replaced, totals) == ([], {})


def test_the_outcome_of_a_check_in_counts_what_it_changed() -> None:
    older = TODAY - timedelta(days=10)
    change = reconcile(DayLog(TODAY, 3, 1, cleared=1), candidates=[Item(7, older, created_at=NOW)])
    result = checkin.outcome(change, NOW)
    assert result["added"] == 3 and result["marked_written"] == 2
    assert result["cleared_ids"] == [7] and result["backfilled"] is False
    assert [n["id"] for n in result["notations"]] == [7]  # ten days old: a late entry


def test_a_day_is_shown_with_the_older_notes_written_on_it_counted_as_cleared() -> None:
    logged = DayLog(TODAY, 4, 2, cleared=1)
    assert checkin.as_shown(logged, 3).cleared == 3
    assert checkin.as_shown(logged, 0) == logged  # never lower than what was logged


def test_marking_a_written_note_written_again_is_refused() -> None:
    from tracker.entries import mark_written

    done = mark_written(Item(8, TODAY), NOW, lambda item: f"late #{item.id}")
    assert (done.written_at, done.notation, done.cleared_by) == (NOW, "late #8", None)
    with pytest.raises(InputError, match="item 8 was already marked written on 2026-11-22 18:00"):
        mark_written(done, NOW)


# -- the property ----------------------------------------------------------------------------------


@dataclass
class Model:
    """What the user marked written, kept apart from how the store records it."""

    now: datetime = NOW
    by_hand: dict[int, date] = field(default_factory=dict)
    """Notes marked written by hand (done, a block): the day they were marked."""
    claims: dict[date, int] = field(default_factory=dict)
    """Notes each day's check-in says were written beyond those marked by hand."""
    itemized: set[int] = field(default_factory=set)


OPS = st.lists(
    st.one_of(
        st.tuples(
            st.just("log"),
            st.integers(0, 3),
            st.integers(0, 6),
            st.integers(0, 6),
            st.integers(0, 4),
        ),
        st.tuples(st.just("add"), st.integers(0, 5)),
        st.tuples(st.just("done"), st.integers(0, 30)),
        st.tuples(st.just("block"), st.integers(0, 4)),
        st.tuples(
            st.just("day"),
        ),
    ),
    min_size=1,
    max_size=14,
)


def _written_on(item: Item, day: date) -> bool:
    return item.written_at is not None and item.written_at.date() == day


def _check_in(store: Store, model: Model, back: int, s: int, w: int, n: int) -> None:
    day = model.now.date() - timedelta(days=back)
    w = min(w, s)
    items = store.items()
    hand_same = sum(1 for i in items if i.session_date == day and model.by_hand.get(i.id) == day)
    hand_back = sum(1 for i in items if i.session_date < day and model.by_hand.get(i.id) == day)
    fixed = [
        i
        for i in items
        if i.session_date == day
        and (
            i.id in model.itemized
            or i.id in model.by_hand
            or (i.written_at and i.written_at.date() != day)
        )
    ]
    try:
        store.log_day(DayLog(day, s, w, cleared=n), model.now, DEFAULTS.rules)
    except InputError:
        return  # refused: nothing changed (checked by the totals below)
    room = max(0, s - len(fixed))
    model.claims[day] = min(max(0, w - hand_same), room) + max(0, n - hand_back)
    after = store.items()
    # The check-in's own words hold right after it: same-day and cleared totals exactly.
    same = sum(1 for i in after if i.session_date == day and _written_on(i, day))
    cleared = sum(1 for i in after if i.session_date < day and _written_on(i, day))
    assert cleared == max(n, hand_back)
    if s >= len(fixed):
        assert same == max(w, hand_same) or same == hand_same + room
        assert sum(1 for i in after if i.session_date == day) == s


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(ops=OPS)
def test_written_notes_are_exactly_the_ones_the_user_marked(ops: list[tuple[object, ...]]) -> None:
    with tempfile.TemporaryDirectory() as folder, Store.open(Path(folder), UTC) as store:
        model = Model()
        # A backlog to begin with: two back-filled days with nothing written.
        for op in [("log", 3, 5, 0, 0), ("log", 2, 4, 1, 0), *ops]:
            kind = op[0]
            if kind == "log":
                _check_in(store, model, *op[1:])  # type: ignore[arg-type]
            elif kind == "add":
                day = model.now.date() - timedelta(days=int(op[1]))  # type: ignore[call-overload]
                before = [i for i in store.items() if i.session_date == day]
                slot = any(i.source == "count" and i.is_open for i in before)
                (placed,) = store.add_notes([Item(None, day, client_ref="C1")], model.now)
                model.itemized.add(placed.id)
                # An open note of a logged day takes an anonymous one's place: no doubling.
                now_held = sum(1 for i in store.items() if i.session_date == day)
                assert now_held == len(before) + (0 if slot else 1)
            elif kind == "done":
                open_ids = [i.id for i in store.items(open_only=True) if rules.is_outstanding(i)]
                if open_ids:
                    pick = open_ids[int(op[1]) % len(open_ids)]  # type: ignore[call-overload]
                    store.mark_done([pick or 0], model.now)
                    model.by_hand[pick or 0] = model.now.date()
                    with pytest.raises(InputError, match="already marked written"):
                        store.mark_done([pick or 0], model.now)
            elif kind == "block":
                outstanding = [i for i in store.items(open_only=True) if rules.is_outstanding(i)]
                if outstanding:
                    sp.plan_and_save(store, DEFAULTS, model.now)
                    notes = min(int(op[1]), len(outstanding))  # type: ignore[call-overload]
                    done = blocks.log_block(store, DEFAULTS, model.now, notes=notes)
                    for item in done.written:
                        assert item.id not in model.by_hand
                        model.by_hand[item.id or 0] = model.now.date()
            else:
                model.now += timedelta(days=1)
            items = store.items()
            written = [i for i in items if i.written_at is not None]
            # Every note marked by hand stays written, at the moment it was marked.
            for item_id, day in model.by_hand.items():
                (item,) = [i for i in items if i.id == item_id]
                assert _written_on(item, day)
            assert len(written) == len(model.by_hand) + sum(model.claims.values())
            outstanding = sum(1 for i in items if rules.is_outstanding(i))
            assert 0 <= outstanding == len(items) - len(written)
