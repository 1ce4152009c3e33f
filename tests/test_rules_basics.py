"""The guardrails' core numbers: due time, threshold states, backlog tiers, triage tiers."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest

from tracker import rules
from tracker.models import Item
from tracker.settings import Rules, Settings

TZ = ZoneInfo("Europe/Dublin")


def test_date_only_session_is_due_at_the_end_of_the_next_day() -> None:
    item = Item(None, date(2026, 11, 20))
    assert rules.due(item, Rules(), TZ) == datetime(2026, 11, 22, 0, 0, tzinfo=TZ)


def test_timed_session_is_due_exactly_24_hours_later() -> None:
    item = Item(None, date(2026, 11, 20), time(14, 0))
    deadline = datetime(2026, 11, 21, 14, 0, tzinfo=TZ)
    assert rules.due(item, Rules(), TZ) == deadline
    assert not rules.breached(item, Rules(), TZ, deadline)
    late = item._replace(written_at=deadline.replace(second=1))
    assert rules.breached(late, Rules(), TZ, deadline)


@pytest.mark.parametrize(
    ("threshold", "outstanding", "state"),
    [(4, 1, "ok"), (4, 2, "watch"), (4, 4, "reached"), (5, 2, "ok"), (5, 3, "watch"), (5, 4, "watch"),
     (5, 5, "reached"), (6, 3, "ok"), (6, 4, "watch"), (6, 7, "reached")],
)  # fmt: skip
def test_threshold_states(threshold: int, outstanding: int, state: str) -> None:
    assert rules.threshold_state(outstanding, threshold) == state


@pytest.mark.parametrize(
    ("age", "tier"),
    [
        (None, None),
        (0, "under_1_week"),
        (6, "under_1_week"),
        (7, "1_to_3_weeks"),
        (21, "1_to_3_weeks"),
        (22, "over_3_weeks"),
    ],
)
def test_backlog_tier_boundaries(age: int | None, tier: str | None) -> None:
    assert rules.backlog_tier(age) == tier


def test_triage_highest_flag_wins() -> None:
    assert rules.triage_tier(Item(None, date(2026, 1, 1), court=True, billed=True, admin=True)) == 1
    assert rules.triage_tier(Item(None, date(2026, 1, 1), billed=True, high_risk=True)) == 2
    assert rules.triage_tier(Item(None, date(2026, 1, 1), high_risk=True, admin=True)) == 3
    assert rules.triage_tier(Item(None, date(2026, 1, 1))) == 4
    assert rules.triage_tier(Item(None, date(2026, 1, 1), admin=True)) == 5


def test_status_excludes_blocked_and_written() -> None:
    now = datetime(2026, 11, 22, 12, tzinfo=TZ)
    items = [
        Item(1, date(2026, 11, 10)),
        Item(
            2,
            date(2026, 11, 20),
            blocked_on="result",
            blocked_since=datetime(2026, 11, 11, tzinfo=TZ),
        ),
        Item(3, date(2026, 11, 21), written_at=now),
    ]
    st = rules.status(items, Settings(), now)
    assert (st.outstanding, st.blocked, st.oldest_age_days, st.tier, st.chase) == (
        1,
        1,
        12,
        "1_to_3_weeks",
        1,
    )
    assert st.yesterday == "met"
