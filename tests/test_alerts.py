"""The alert rules as a pure function: once per state, again when worse, quiet hours, wording."""

from __future__ import annotations

import string
from datetime import UTC, date, datetime, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import alerts
from tracker.models import DayLog, Item
from tracker.records import SprintBlock
from tracker.settings import Settings, set_value

MONDAY_10 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
DEFAULTS = Settings()


def notes(n: int, day: date, **fields: object) -> list[Item]:
    return [Item(id=k + 1, session_date=day, **fields) for k in range(n)]  # type: ignore[arg-type]


def run(
    items: list[Item],
    sent: dict[str, int | str] | None = None,
    now: datetime = MONDAY_10,
    cfg: Settings = DEFAULTS,
    *,
    blocks: list[SprintBlock] | None = None,
    selfcheck: date | None = None,
    days: list[DayLog] | None = None,
) -> alerts.Evaluation:
    return alerts.evaluate(items, days or [], blocks or [], selfcheck, cfg, sent or {}, now)


def block(day: date, start: str = "16:00", ids: list[int] | None = None) -> SprintBlock:
    groups = [("progress", ids or [1, 2])]
    return SprintBlock(
        id=1, day=day, start=time.fromisoformat(start), minutes=90, groups=groups, goal=""
    )


def kinds(ev: alerts.Evaluation) -> list[str]:
    return [a.kind for a in ev.send]


def test_threshold_once_then_again_only_when_worse() -> None:
    today = MONDAY_10.date()
    first = run(notes(5, today))
    assert kinds(first) == ["threshold"]
    assert first.send[0].title == "Catch up now: 5 notes open"
    again = run(notes(7, today), first.state)
    assert again.send == [] and again.state == first.state
    worse = run(notes(10, today), again.state)
    assert kinds(worse) == ["threshold"]
    assert "10 notes open" in worse.send[0].body


def test_resolved_alert_clears_and_can_fire_again() -> None:
    today = MONDAY_10.date()
    state = run(notes(5, today)).state
    calm = run(notes(2, today), state)
    assert calm.send == [] and calm.state == {}
    assert kinds(run(notes(5, today), calm.state)) == ["threshold"]


def test_breaches_fire_again_at_four_after_two_but_not_at_three_after_four() -> None:
    old = MONDAY_10.date() - timedelta(days=3)
    two = run(notes(2, old))
    assert kinds(two) == ["breach"]
    assert two.send[0].title == "2 notes past the 24-hour rule"
    four = run(notes(4, old), two.state)
    assert kinds(four) == ["breach"]
    assert run(notes(3, old), four.state).send == []


def test_tier_fires_when_it_moves_up() -> None:
    week_old = notes(1, MONDAY_10.date() - timedelta(days=8))
    first = run(week_old)
    assert "tier" in kinds(first)
    assert first.state["tier"] == 1
    assert "tier" not in kinds(run(week_old, first.state))
    month_old = notes(1, MONDAY_10.date() - timedelta(days=30))
    moved = run(month_old, first.state)
    assert "tier" in kinds(moved)
    assert [a.title for a in moved.send if a.kind == "tier"] == ["Backlog now over 3 weeks"]


def test_message_gives_counts_ages_and_next_step() -> None:
    items = [
        Item(id=1, session_date=date(2026, 11, 20), note_type="progress"),
        Item(id=2, session_date=date(2026, 11, 21), note_type="intake"),
        Item(id=3, session_date=date(2026, 11, 22), note_type="progress"),
        Item(id=4, session_date=date(2026, 11, 23), note_type="progress"),
        Item(id=5, session_date=date(2026, 11, 23), note_type="progress"),
    ]
    (threshold,) = [a for a in run(items).send if a.kind == "threshold"]
    # The first three in the plan's order (all routine: the most recent first), 9 minutes each.
    assert threshold.body.startswith(
        "5 notes open, oldest 3 days: a 27-minute catch-up clears the three most urgent "
        "(3 P4 routine)."
    )


def test_catch_up_is_cut_to_one_block() -> None:
    cfg = set_value(DEFAULTS, "sprint.block_minutes", "30")
    body = run(notes(12, MONDAY_10.date()), cfg=cfg).send[0].body
    assert "a 27-minute catch-up clears the three most urgent" in body


def test_quiet_hours_run_across_midnight() -> None:
    notify = DEFAULTS.notify
    at = [datetime(2026, 11, 23, h, m, tzinfo=UTC) for h, m in ((7, 59), (8, 0), (18, 59), (19, 0))]
    assert [alerts.hold_reason(t, notify) for t in at] == [
        "quiet_hours",
        None,
        None,
        "quiet_hours",
    ]
    daytime = set_value(DEFAULTS, "notify.quiet_hours", "12:00-13:00").notify
    assert alerts.hold_reason(datetime(2026, 11, 23, 12, 30, tzinfo=UTC), daytime) == "quiet_hours"
    assert alerts.hold_reason(datetime(2026, 11, 23, 20, 0, tzinfo=UTC), daytime) is None
    none = set_value(DEFAULTS, "notify.quiet_hours", "").notify
    assert alerts.hold_reason(datetime(2026, 11, 23, 2, 0, tzinfo=UTC), none) is None


def test_weekends_hold_unless_opted_in() -> None:
    saturday = datetime(2026, 11, 28, 11, 0, tzinfo=UTC)
    assert alerts.hold_reason(saturday, DEFAULTS.notify) == "weekend"
    opted = set_value(DEFAULTS, "notify.weekends", "true")
    assert alerts.hold_reason(saturday, opted.notify) is None


def test_held_alert_keeps_state_and_goes_out_at_next_allowed_run() -> None:
    today = date(2026, 11, 27)
    friday_night = datetime(2026, 11, 27, 20, 0, tzinfo=UTC)
    held = run(notes(5, today), now=friday_night)
    assert held.send == [] and [a.kind for a in held.held] == ["threshold"]
    assert held.hold_reason == "quiet_hours"
    assert held.held_until == datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # Monday morning
    assert held.state == {}
    monday = run(notes(5, today), held.state, now=datetime(2026, 11, 30, 8, 0, tzinfo=UTC))
    assert "threshold" in kinds(monday)


def test_held_alert_that_no_longer_holds_is_not_sent() -> None:
    evening = datetime(2026, 11, 23, 21, 0, tzinfo=UTC)
    assert run(notes(5, evening.date()), now=evening).held
    assert run(notes(1, evening.date()), now=evening + timedelta(hours=12)).send == []


def test_partial_delivery_keeps_undelivered_kinds_due() -> None:
    ev = run(notes(6, MONDAY_10.date() - timedelta(days=2)))
    assert kinds(ev) == ["breach", "threshold"]
    state = ev.state_after(["breach"])
    assert kinds(run(notes(6, MONDAY_10.date() - timedelta(days=2)), state)) == ["threshold"]


def test_catch_up_block_once_a_day() -> None:
    items = notes(2, MONDAY_10.date())
    today = [block(MONDAY_10.date())]
    first = run(items, blocks=today)
    assert kinds(first) == ["block"]
    assert first.send[0].title == "A catch-up block today at 16:00"
    assert first.send[0].body.startswith(
        "90 minutes for catch-up today; the plan: 2 progress notes."
    )
    assert run(items, first.state, blocks=today).send == []
    tuesday = MONDAY_10 + timedelta(days=1)
    assert kinds(run(items, first.state, now=tuesday, blocks=[block(tuesday.date())])) == ["block"]
    assert run(items, now=tuesday, blocks=[]).send == []


def test_block_alert_skips_done_past_and_other_days() -> None:
    items = notes(3, MONDAY_10.date())
    done = block(MONDAY_10.date())
    done.done_at = MONDAY_10
    over = block(MONDAY_10.date(), "08:00")  # ended 09:30
    tomorrow = block(MONDAY_10.date() + timedelta(days=1))
    assert run(items, blocks=[done, over, tomorrow]).send == []
    two = run(
        items, blocks=[block(MONDAY_10.date(), "17:00", [3]), block(MONDAY_10.date(), "11:00")]
    )
    assert two.send[0].title == "2 catch-up blocks today at 11:00, 17:00"
    assert "the plan: 2 progress notes; then 1 progress note." in two.send[0].body


def test_blocked_item_to_chase() -> None:
    since = MONDAY_10 - timedelta(days=9)
    items = notes(2, since.date(), blocked_on="result", blocked_since=since)
    ev = run(items)
    assert kinds(ev) == ["chase"]
    assert ev.send[0].body.startswith("2 notes waiting on someone else for over 7 days")
    assert run(items, ev.state).send == []


def test_self_check_every_four_weeks() -> None:
    today = MONDAY_10.date()
    assert run([], selfcheck=today - timedelta(days=27)).send == []
    due = run([], selfcheck=today - timedelta(days=28))
    assert kinds(due) == ["selfcheck"]
    next_day = MONDAY_10 + timedelta(days=1)
    assert run([], due.state, now=next_day, selfcheck=today - timedelta(days=28)).send == []
    # Taken again: the next one is four weeks on, and fires then.
    later = MONDAY_10 + timedelta(days=28)
    assert kinds(run([], due.state, now=later, selfcheck=today)) == ["selfcheck"]


def test_self_check_never_taken_is_due_four_weeks_after_first_check_in() -> None:
    first = DayLog(day=MONDAY_10.date() - timedelta(days=10), sessions=1, written=1)
    assert run([], days=[first]).send == []
    month = DayLog(day=MONDAY_10.date() - timedelta(days=28), sessions=1, written=1)
    ev = run([], days=[month, first])
    assert kinds(ev) == ["selfcheck"]
    assert (
        ev.send[0].body == "A self-check is due. It takes about five minutes: `caughtup selfcheck`."
    )


def test_written_and_blocked_notes_do_not_count() -> None:
    written = notes(6, MONDAY_10.date(), written_at=MONDAY_10)
    blocked = notes(6, MONDAY_10.date(), blocked_on="referral", blocked_since=MONDAY_10)
    assert run(written + blocked).send == []


# A letter and a digit, upper case: a reference that cannot hide in lower-case words or numbers.
refs = st.builds(
    lambda letter, digit, rest: letter + digit + rest,
    st.sampled_from(string.ascii_uppercase),
    st.sampled_from(string.digits),
    st.text(alphabet=string.ascii_uppercase + string.digits, min_size=1, max_size=14),
)


@settings(max_examples=100, deadline=None)
@given(
    ages=st.lists(st.integers(0, 60), min_size=1, max_size=30),
    client_refs=st.lists(refs, min_size=30, max_size=30),
    blocked=st.lists(st.booleans(), min_size=30, max_size=30),
    note_type=st.sampled_from(["progress", "intake", "court_report", "group", "admin"]),
    blocks=st.integers(0, 2),
    hour=st.integers(0, 23),
)
def test_no_message_names_a_client(
    ages: list[int],
    client_refs: list[str],
    blocked: list[bool],
    note_type: str,
    blocks: int,
    hour: int,
) -> None:
    now = datetime.combine(MONDAY_10.date(), time(hour), tzinfo=UTC)
    items = [
        Item(
            id=k + 1,
            session_date=now.date() - timedelta(days=age),
            note_type=note_type,
            client_ref=client_refs[k],
            blocked_on="result" if blocked[k] else None,
            blocked_since=now - timedelta(days=age) if blocked[k] else None,
        )
        for k, age in enumerate(ages)
    ]
    planned = [block(now.date(), f"{22 + k}:00", [k + 1, k + 2]) for k in range(blocks)]
    ev = run(items, now=now, blocks=planned, selfcheck=now.date() - timedelta(days=40))
    texts = [a.title + "\n" + a.body for a in ev.send + ev.held]
    assert texts, "at least the self-check is always due here"
    for text in texts:
        for ref in client_refs:
            assert ref not in text
