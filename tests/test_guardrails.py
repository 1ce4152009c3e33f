"""Guardrails that say the right thing: the coding query is the clinician's own, court and
high-risk notes past the rule are said apart, and the highest-risk note comes first."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

from click.testing import Result

from tests.test_alerts import MONDAY_10, kinds, run
from tracker import backlog, planner, rules
from tracker.models import Item
from tracker.selfcheck_context import tracker_context
from tracker.settings import Settings, set_value
from tracker.trends import aggregate, week_starts

TODAY = MONDAY_10.date()


def coding_query_and_referral() -> list[Item]:
    since = MONDAY_10 - timedelta(days=9)
    return [
        Item(id=1, session_date=TODAY - timedelta(days=10), blocked_on="coding_query",
             blocked_since=since),
        Item(id=2, session_date=TODAY - timedelta(days=10), blocked_on="referral",
             blocked_since=since),
        Item(id=3, session_date=TODAY - timedelta(days=10), blocked_on="result", blocked_since=since),
        Item(id=4, session_date=TODAY - timedelta(days=10), blocked_on="doc_gap",
             blocked_since=since),
    ]  # fmt: skip


def test_a_coding_query_is_outstanding_everywhere_and_the_rest_wait_on_others() -> None:
    items = coding_query_and_referral()
    cfg = Settings()
    assert [rules.is_outstanding(i) for i in items] == [True, False, False, False]
    st = rules.status(items, cfg, MONDAY_10)
    assert st.outstanding == 1 and st.blocked == 3 and st.chase == 3
    assert {b.blocked_on for b in st.blocked_items} == {"referral", "result", "doc_gap"}
    listing = backlog.build(items, cfg, MONDAY_10)
    assert [r.item.id for r in listing.rows] == [1] and listing.blocked_count == 3
    assert "coding query" in listing.rows[0].marks and not listing.rows[0].chase
    plan = planner.plan(items, planner.PlanParams(days=("tue",), start=TODAY), cfg.rules, TODAY)
    assert [i for b in plan.blocks for i in b.item_ids] == [1]
    assert tracker_context(items, [], cfg, MONDAY_10).outstanding == 1
    # The alerts count it among the open notes, and chase only the three waiting on others.
    ev = run(items)
    assert "chase" in kinds(ev)
    chase = next(a for a in ev.send if a.kind == "chase")
    assert chase.title == "3 notes to chase"


def test_trends_count_a_coding_query_in_the_backlog() -> None:
    starts = week_starts(TODAY, 2, "mon")
    since = "2026-11-20 10:00:00+00:00"
    rows = [
        ("2026-11-16", None, None, None, 1),  # open, not blocked
        ("2026-11-16", None, None, since, 1),  # blocked on someone else since the 20th
    ]
    weeks = aggregate(rows, [], starts, Settings().rules, UTC, MONDAY_10)
    assert weeks[0].outstanding_end == 1  # the store passes a coding query's blocked-from as None


def test_the_store_leaves_a_coding_query_in_the_backlog(
    run_json: Callable[..., Any], run: Callable[..., Result]
) -> None:
    run_json("add", "--date", "2026-11-16", "--blocked-on", "coding_query")
    run_json("add", "--date", "2026-11-16", "--blocked-on", "referral")
    weeks = run_json("trends", "--weeks", "2")["weeks"]
    assert weeks[-1]["outstanding_end"] == 1
    status = run_json("status")
    assert status["outstanding"] == 1 and status["blocked"] == 1
    assert [i["blocked_on"] for i in run_json("backlog")["items"]] == ["coding_query", "referral"]
    assert "coding query" in run("backlog").stdout


def test_court_and_high_risk_notes_past_the_rule_get_their_own_alert() -> None:
    items = [
        Item(id=1, session_date=TODAY - timedelta(days=3), court=True, client_ref="JQ7"),
        Item(id=2, session_date=TODAY - timedelta(days=2), high_risk=True, client_ref="KX2"),
        Item(id=3, session_date=TODAY - timedelta(days=5)),
    ]
    ev = run(items)
    assert kinds(ev)[:2] == ["urgent", "breach"]
    urgent = ev.send[0]
    assert urgent.title == "2 court or high-risk notes past the 24-hour rule"
    assert urgent.body.startswith(
        "1 P1 court/legal and 1 P3 high-risk notes open past the 24-hour rule, oldest 3 days:"
    )
    assert "JQ7" not in urgent.title + urgent.body and "KX2" not in urgent.body
    # Once sent, again only when more of them are late.
    assert "urgent" not in kinds(run(items, ev.state))
    worse = [*items, Item(id=4, session_date=TODAY - timedelta(days=4), court=True)]
    assert "urgent" in kinds(run(worse, ev.state))
    # Routine notes alone never raise it; a court note still inside the rule neither.
    assert "urgent" not in kinds(run([items[2], Item(id=9, session_date=TODAY, court=True)]))


def test_remind_names_the_catch_up_by_tier_in_the_plans_order() -> None:
    items = [
        *[Item(id=n, session_date=TODAY - timedelta(days=20 + n)) for n in range(1, 6)],
        Item(id=10, session_date=TODAY - timedelta(days=2), court=True, note_type="court_report"),
        Item(id=11, session_date=TODAY - timedelta(days=2), high_risk=True),
    ]
    threshold = next(a for a in run(items).send if a.kind == "threshold")
    # Threshold 5 with 7 open: five to write to get back under the watch line, most urgent first:
    # the court report (45), the high-risk note (9), then routine ones up to one 90-minute block.
    assert "an 81-minute catch-up clears the five most urgent " in threshold.body
    assert "(1 P1 court/legal, 1 P3 high-risk, 3 P4 routine)" in threshold.body
    recent = set_value(Settings(), "sprint.strategy", "recent")
    body = next(a for a in run(items, cfg=recent).send if a.kind == "threshold").body
    assert "the five most recent" in body


def test_status_suggests_the_highest_risk_note_first(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run_json("add", "--date", "2026-11-01", "--client", "OLD1")  # the oldest, but routine
    court = run_json("add", "--date", "2026-11-20", "--court", "--type", "court_report")["id"]
    first = run_json("status")["first_to_write"]
    assert first == {"id": court, "tier": 1, "note_type": "court_report", "age_days": 2}
    assert (
        f"Write first  #{court} court report (P1 court/legal), 2 days old" in run("status").stdout
    )
    assert "OLD1" not in run("status").stdout


def test_an_article_that_fits_and_numbers_for_people() -> None:
    from tracker import words

    assert words.with_article("86-minute catch-up") == "an 86-minute catch-up"
    assert words.with_article("27-minute catch-up") == "a 27-minute catch-up"
    assert [words.article(f"{n}-minute") for n in (8, 11, 18, 80, 800, 11000, 1, 111)] == [
        "an", "an", "an", "an", "an", "an", "a", "a",
    ]  # fmt: skip
    assert words.article("hour") == "an" and words.article("one-off") == "a"
    assert words.for_people(11.25) == "11" and words.for_people(3.46) == "3.5"
    assert words.about(11.25) == "about 11" and words.about(3.0) == "3"
    assert words.against_threshold(21, 5) == "21 outstanding, threshold 5"
    assert words.plural(1, "query", "queries") == "1 query" and words.plural(2, "note") == "2 notes"
    assert words.join(["a", "b", "c"]) == "a, b and c"


def test_the_plan_rounds_the_measured_rate_for_people(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    # 45 notes slipped in the 4 weeks before today: 11.25 a week.
    for day in range(1, 10):
        run("log", "--date", f"2026-11-{day:02d}", "--sessions", "5", "--written", "0")
    data = run_json("plan", "--preview")
    assert data["inflow"]["measured_per_week"] == 11.25
    out = run("plan", "--preview").stdout
    assert "about 11 notes a week slipped past 24 hours" in out and "11.25" not in out


def test_a_missed_target_never_suggests_more_than_three_blocks_a_week(
    run: Callable[..., Result],
) -> None:
    for day in range(9, 19):
        run("log", "--date", f"2026-11-{day:02d}", "--sessions", "5", "--written", "0")
    out = run("plan", "--preview", "--notes-per-block", "4", "--target", "2026-12-04").stdout
    assert "4 blocks a week" not in out and "blocks a week would do it" not in out
    assert "more than the 3 you can keep up: a later target such as" in out
