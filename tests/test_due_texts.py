"""`rules.DueTexts`, the fast due-time test on the store's text, agrees with `rules.due` exactly:
across DST changes, for date-only sessions, and for any rule hours."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import rules
from tracker.clock import to_utc_text
from tracker.models import Item
from tracker.settings import Rules

ZONES = ["UTC", "Europe/Dublin", "America/Chicago", "Australia/Lord_Howe", "Pacific/Apia"]
TIMES = [None, "00:00", "00:30", "01:30", "02:00", "02:30", "09:00", "23:59"]


@settings(max_examples=400, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    day=st.dates(date(2011, 12, 20), date(2027, 12, 31)),
    hhmm=st.sampled_from(TIMES),
    hours=st.sampled_from([1, 3, 24, 48, 72, 336]),
    minutes=st.integers(-3 * 1440, 20 * 1440),
)
def test_within_is_exactly_moment_at_or_before_due(
    zone: str, day: date, hhmm: str | None, hours: int, minutes: int
) -> None:
    tz = ZoneInfo(zone)
    rule = Rules(rule_hours=hours)
    item = Item(None, day, time.fromisoformat(hhmm) if hhmm else None)
    deadline = rules.due(item, rule, tz)
    moment = datetime.combine(day, time(0), tzinfo=UTC) + timedelta(minutes=minutes)
    dues = rules.DueTexts(rule, tz, day - timedelta(days=30), day + timedelta(days=3))
    expected = moment.astimezone(UTC) <= deadline.astimezone(UTC)
    assert dues.within(day.isoformat(), hhmm, to_utc_text(moment)) == expected
    # Exactly at the due time is in time; a second later is not.
    assert dues.within(day.isoformat(), hhmm, to_utc_text(deadline))
    assert not dues.within(day.isoformat(), hhmm, to_utc_text(deadline + timedelta(seconds=1)))
    assert dues.due(day.isoformat(), hhmm) == to_utc_text(deadline)
    assert dues.within_item(item, moment) == expected
    assert dues.within_item(item, moment.astimezone(tz)) == expected
    assert dues.within_item(item, deadline.astimezone(tz))
    assert not dues.within_item(item, deadline + timedelta(seconds=1))
