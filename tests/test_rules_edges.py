"""The guardrails at their edges: exact due times, midnight, DST, thresholds, tiers, triage."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import backlog, rules
from tracker.models import Item
from tracker.settings import BLOCKERS, Rules, Settings

NY = ZoneInfo("America/New_York")
DUBLIN = ZoneInfo("Europe/Dublin")
RULES = Rules()


def test_open_item_breaches_only_after_exactly_24_hours() -> None:
    item = Item(1, date(2026, 11, 20), time(9, 15))
    deadline = datetime(2026, 11, 21, 9, 15, tzinfo=DUBLIN)
    assert rules.due(item, RULES, DUBLIN) == deadline
    assert not rules.breached(item, RULES, DUBLIN, deadline)
    assert rules.breached(item, RULES, DUBLIN, deadline + timedelta(seconds=1))


def test_note_written_exactly_at_24_hours_is_in_time() -> None:
    deadline = datetime(2026, 11, 21, 9, 15, tzinfo=DUBLIN)
    item = Item(1, date(2026, 11, 20), time(9, 15), written_at=deadline)
    later = deadline + timedelta(days=5)
    assert not rules.breached(item, RULES, DUBLIN, later)
    late = item._replace(written_at=deadline + timedelta(minutes=1))
    assert rules.breached(late, RULES, DUBLIN, later)


def test_date_only_session_is_due_at_the_end_of_the_next_day() -> None:
    item = Item(1, date(2026, 11, 20))
    assert rules.due(item, RULES, DUBLIN) == datetime(2026, 11, 22, 0, 0, tzinfo=DUBLIN)
    assert not rules.breached(item, RULES, DUBLIN, datetime(2026, 11, 21, 23, 59, tzinfo=DUBLIN))
    assert rules.breached(item, RULES, DUBLIN, datetime(2026, 11, 22, 0, 1, tzinfo=DUBLIN))


def test_session_across_midnight_is_due_24_hours_after_its_start() -> None:
    item = Item(1, date(2026, 11, 20), time(23, 30))
    assert rules.due(item, RULES, DUBLIN) == datetime(2026, 11, 21, 23, 30, tzinfo=DUBLIN)
    # Written just after midnight, in the session's own small hours: well in time.
    written = item._replace(written_at=datetime(2026, 11, 21, 0, 40, tzinfo=DUBLIN))
    assert not rules.breached(written, RULES, DUBLIN, datetime(2026, 11, 25, tzinfo=DUBLIN))


def test_rule_hours_is_a_setting() -> None:
    item = Item(1, date(2026, 11, 20), time(10, 0))
    assert rules.due(item, Rules(rule_hours=48), DUBLIN) == datetime(
        2026, 11, 22, 10, 0, tzinfo=DUBLIN
    )


def test_dst_fall_back_new_york_date_only_still_end_of_next_day() -> None:
    # 2026-11-01 has 25 hours in New York; the note is due at the end of it, not at 23:00.
    item = Item(1, date(2026, 10, 31))
    deadline = rules.due(item, RULES, NY)
    assert deadline.replace(tzinfo=None) == datetime(2026, 11, 2, 0, 0)
    assert deadline.utcoffset() == timedelta(hours=-5)
    assert deadline.astimezone(UTC) == datetime(2026, 11, 2, 5, 0, tzinfo=UTC)
    assert not rules.breached(item, RULES, NY, datetime(2026, 11, 1, 23, 30, tzinfo=NY))


def test_dst_fall_back_new_york_timed_session_due_same_wall_time() -> None:
    item = Item(1, date(2026, 10, 31), time(14, 0))
    deadline = rules.due(item, RULES, NY)
    assert deadline.replace(tzinfo=None) == datetime(2026, 11, 1, 14, 0)
    assert deadline.astimezone(UTC) == datetime(2026, 11, 1, 19, 0, tzinfo=UTC)  # 25 h later


def test_dst_repeated_hour_compares_real_moments() -> None:
    # Due 01:30 EDT on 2026-11-01; 01:15 EST (the second 01:15) is 45 minutes after it.
    item = Item(1, date(2026, 10, 31), time(1, 30))
    deadline = rules.due(item, RULES, NY)
    assert deadline.astimezone(UTC) == datetime(2026, 11, 1, 5, 30, tzinfo=UTC)
    second_pass = datetime(2026, 11, 1, 1, 15, fold=1, tzinfo=NY)
    assert rules.breached(item, RULES, NY, second_pass)
    assert not rules.breached(item, RULES, NY, datetime(2026, 11, 1, 1, 15, tzinfo=NY))


def test_dst_spring_forward_dublin() -> None:
    # 2026-03-29: Dublin's clocks jump 01:00 -> 02:00, a 23-hour day.
    item = Item(1, date(2026, 3, 28))
    deadline = rules.due(item, RULES, DUBLIN)
    assert deadline.replace(tzinfo=None) == datetime(2026, 3, 30, 0, 0)
    assert deadline.astimezone(UTC) == datetime(2026, 3, 29, 23, 0, tzinfo=UTC)
    # A wall time the jump skips becomes the real moment just after it.
    early = Item(2, date(2026, 3, 28), time(1, 30))
    skipped = rules.due(early, RULES, DUBLIN)
    assert skipped.astimezone(UTC) == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert skipped.replace(tzinfo=None) == datetime(2026, 3, 29, 2, 30)


def test_dst_fall_back_dublin_date_only() -> None:
    item = Item(1, date(2026, 10, 24))  # 2026-10-25 has 25 hours in Dublin
    deadline = rules.due(item, RULES, DUBLIN)
    assert deadline.replace(tzinfo=None) == datetime(2026, 10, 26, 0, 0)
    assert deadline.astimezone(UTC) == datetime(2026, 10, 26, 0, 0, tzinfo=UTC)


def test_late_entry_after_72_hours_exactly() -> None:
    item = Item(1, date(2026, 11, 17), time(14, 0))
    limit = datetime(2026, 11, 20, 14, 0, tzinfo=DUBLIN)
    assert not rules.is_late_entry(item, limit, RULES, DUBLIN)
    assert rules.is_late_entry(item, limit + timedelta(seconds=1), RULES, DUBLIN)
    assert not rules.is_late_entry(
        item, limit + timedelta(hours=20), Rules(late_entry_hours=96), DUBLIN
    )
    notation = rules.late_entry_notation(item, limit + timedelta(hours=1), RULES)
    assert "LATE ENTRY" in notation and "2026-11-20 15:00" in notation and "2026-11-17" in notation


def test_late_entry_wording_is_a_setting() -> None:
    item = Item(1, date(2026, 11, 17), time(14, 0))
    text = rules.late_entry_notation(
        item,
        datetime(2026, 11, 22, 9, 5, tzinfo=DUBLIN),
        Rules(late_entry_text="Late entry {written} re {session} {session_time}"),
    )
    assert text == (
        "Late entry 2026-11-22 09:05 re 2026-11-17 14:00 "
        "Reason: Documentation delayed due to caseload volume."
    )


def _open(n: int, **flags: object) -> list[Item]:
    return [Item(i + 1, date(2026, 11, 22), **flags) for i in range(n)]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("threshold", "outstanding", "state"),
    [(4, 1, "ok"), (4, 2, "watch"), (4, 3, "watch"), (4, 4, "reached"),
     (5, 2, "ok"), (5, 3, "watch"), (5, 4, "watch"), (5, 5, "reached"), (5, 9, "reached"),
     (6, 3, "ok"), (6, 4, "watch"), (6, 5, "watch"), (6, 6, "reached"),
     (1, 0, "ok"), (1, 1, "reached"), (2, 0, "ok"), (2, 1, "watch"), (3, 0, "ok"), (3, 1, "watch")],
)  # fmt: skip
def test_threshold_from_items(threshold: int, outstanding: int, state: str) -> None:
    now = datetime(2026, 11, 22, 18, tzinfo=DUBLIN)
    items = _open(outstanding) + [Item(100, date(2026, 11, 22), blocked_on="result")] * 3
    st = rules.status(items, Settings(rules=Rules(threshold=threshold)), now)
    assert (st.outstanding, st.threshold, st.threshold_state) == (outstanding, threshold, state)


def test_blocked_items_are_apart_from_outstanding_breaches_and_age() -> None:
    now = datetime(2026, 11, 22, 18, tzinfo=DUBLIN)
    items = [
        Item(1, date(2026, 11, 21), time(9, 0)),
        Item(2, date(2026, 10, 1), blocked_on="referral", blocked_since=now - timedelta(days=7)),
        Item(3, date(2026, 11, 1), blocked_on="result", blocked_since=now - timedelta(days=8)),
    ]
    st = rules.status(items, Settings(), now)
    assert (st.outstanding, st.blocked, st.breaches, st.oldest_age_days) == (1, 2, 1, 1)
    assert [(b.id, b.waiting_days, b.chase) for b in st.blocked_items] == [
        (3, 8, True),
        (2, 7, False),  # exactly the escalation age: not yet
    ]
    assert st.chase == 1


def test_chase_starts_just_after_the_escalation_age() -> None:
    since = datetime(2026, 11, 1, 12, tzinfo=DUBLIN)
    item = Item(1, date(2026, 10, 30), blocked_on="doc_gap", blocked_since=since)
    assert not rules.chase(item, RULES, since + timedelta(days=7))
    assert rules.chase(item, RULES, since + timedelta(days=7, seconds=1))
    assert not rules.chase(item, Rules(escalation_days=14), since + timedelta(days=10))


@pytest.mark.parametrize(
    ("session", "tier"),
    [
        (date(2026, 11, 16), "under_1_week"),  # 6 days
        (date(2026, 11, 15), "1_to_3_weeks"),  # 7 days
        (date(2026, 11, 1), "1_to_3_weeks"),  # 21 days
        (date(2026, 10, 31), "over_3_weeks"),  # 22 days
    ],
)
def test_tier_boundaries_at_7_and_21_days(session: date, tier: str) -> None:
    now = datetime(2026, 11, 22, 18, tzinfo=DUBLIN)
    st = rules.status([Item(1, session), Item(2, date(2026, 11, 22))], Settings(), now)
    assert st.tier == tier
    assert st.tier_goal == rules.TIER_GOALS[tier]


def test_oldest_blocked_item_does_not_set_the_tier() -> None:
    now = datetime(2026, 11, 22, 18, tzinfo=DUBLIN)
    items = [Item(1, date(2026, 11, 20)), Item(2, date(2026, 9, 1), blocked_on="result")]
    assert rules.status(items, Settings(), now).tier == "under_1_week"


def test_triage_order_default_nearest_open_payer_window_then_recent() -> None:
    today = date(2026, 11, 22)
    r = Rules(payer_window_days=30, payer_window_by_type={"intake": 10})
    items = [
        Item(1, date(2026, 11, 20)),  # P4
        Item(2, date(2026, 11, 1), billed=True),  # window to 1 Dec
        Item(3, date(2026, 11, 15), billed=True, note_type="intake"),  # window to 25 Nov
        Item(4, date(2026, 10, 1), billed=True),  # window closed 31 Oct
        Item(5, date(2026, 11, 21), billed=True),  # window to 21 Dec
        Item(6, date(2026, 11, 21), court=True),  # P1
        Item(7, date(2026, 11, 18), admin=True),  # P5
        Item(8, date(2026, 11, 19), high_risk=True),  # P3
        Item(9, date(2026, 11, 21), time(9, 0)),  # P4, same day as 10, earlier
        Item(10, date(2026, 11, 21), time(15, 0)),
    ]
    assert [i.id for i in rules.triage_order(items, r, today)] == [6, 3, 2, 5, 4, 8, 10, 9, 1, 7]
    assert rules.past_payer_window(items[3], r, today)
    assert not rules.past_payer_window(items[1], r, today)
    assert not rules.past_payer_window(items[0], r, today)  # not billed: no window


def test_triage_order_settings_recent_and_oldest() -> None:
    today = date(2026, 11, 22)
    items = [Item(1, date(2026, 11, 20)), Item(2, date(2026, 11, 2)), Item(3, date(2026, 11, 21))]
    recent = rules.triage_order(items, Rules(within_tier="recent"), today)
    oldest = rules.triage_order(items, Rules(within_tier="oldest"), today)
    assert [i.id for i in recent] == [3, 1, 2]
    assert [i.id for i in oldest] == [2, 1, 3]


def test_payer_window_last_day_is_still_inside() -> None:
    r = Rules(payer_window_days=45)
    item = Item(1, date(2026, 10, 8), billed=True)
    assert rules.payer_window_end(item, r) == date(2026, 11, 22)
    assert not rules.past_payer_window(item, r, date(2026, 11, 22))
    assert rules.past_payer_window(item, r, date(2026, 11, 23))


# -- property: a written note is never outstanding -------------------------------------------

NOW = datetime(2026, 11, 22, 18, tzinfo=NY)
items_strategy = st.lists(
    st.builds(
        Item,
        id=st.integers(1, 10_000),
        session_date=st.dates(date(2026, 9, 1), date(2026, 11, 22)),
        session_time=st.none() | st.times(),
        note_type=st.sampled_from(["progress", "intake", "admin", "court_report"]),
        billed=st.booleans(),
        court=st.booleans(),
        high_risk=st.booleans(),
        admin=st.booleans(),
        blocked_on=st.none() | st.sampled_from(BLOCKERS),
        written_at=st.none()
        | st.datetimes(datetime(2026, 9, 1), datetime(2026, 11, 22, 18)).map(
            lambda d: d.replace(tzinfo=NY)
        ),
    ),
    max_size=25,
)


@settings(max_examples=150, deadline=None)
@given(items_strategy, st.integers(1, 10))
def test_written_items_are_never_outstanding(items: list[Item], threshold: int) -> None:
    conf = Settings(rules=Rules(threshold=threshold, payer_window_days=30))
    st_ = rules.status(items, conf, NOW)
    written = [i for i in items if i.written_at is not None]
    assert not any(rules.is_outstanding(i) for i in written)
    # A coding query is the clinician's own to answer: it does not wait on anyone else.
    open_unblocked = [
        i for i in items if i.written_at is None and i.blocked_on in (None, "coding_query")
    ]
    assert st_.outstanding == len(open_unblocked)
    assert st_.breaches <= st_.outstanding
    listing = backlog.build(items, conf, NOW)
    listed = [r.item for r in listing.rows + listing.blocked]
    assert all(i.written_at is None for i in listed)
    assert len(listing.rows) == st_.outstanding == listing.outstanding
    assert len(listing.blocked) == st_.blocked
    tiers = [r.tier for r in listing.rows]
    assert tiers == sorted(tiers)
    # Writing every note empties the backlog whatever the flags.
    written = [i._replace(written_at=i.written_at or NOW) for i in items]
    assert rules.status(written, conf, NOW).outstanding == 0
    assert backlog.build(written, conf, NOW).rows == []
