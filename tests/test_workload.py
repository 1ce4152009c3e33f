"""Workload figures against hand-computed values, the open list by who acts next, the what-if
projection, and a property: no client reference reaches the figures or the paragraph."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tracker import planner, stats, waiting, whatif, workload
from tracker.errors import InputError
from tracker.models import DayLog, Item
from tracker.records import SprintBlock
from tracker.settings import BLOCKERS, Rules, Settings

NOW = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)  # a Sunday evening
TODAY = NOW.date()
MON = date(2026, 11, 16)  # this week's Monday


def at(day: date, hhmm: str) -> datetime:
    return datetime.combine(day, time.fromisoformat(hhmm), tzinfo=UTC)


def item(day: date, hhmm: str | None = None, **kw: object) -> Item:
    return Item(None, day, time.fromisoformat(hhmm) if hhmm else None, **kw)  # type: ignore[arg-type]


def block(minutes: int, ids: list[int], done: bool = True) -> SprintBlock:
    return SprintBlock(
        id=1,
        day=TODAY,
        start=time(16),
        minutes=90,
        groups=[],
        goal="",
        done_at=at(TODAY, "17:30") if done else None,
        done_ids=ids,
        minutes_spent=minutes,
    )


def summary(items: list[Item], logs: list[DayLog] = [], **kw: object) -> workload.Workload:  # noqa: B006
    blocks = kw.pop("blocks", [])
    weeks = kw.pop("weeks", 2)
    return workload.workload(
        items,
        logs,
        blocks,  # type: ignore[arg-type]
        Settings(),
        kw.pop("now", NOW),  # type: ignore[arg-type]
        weeks,  # type: ignore[arg-type]
        typical_session_minutes=50,
        **kw,  # type: ignore[arg-type]
    )


# -- small statistics ---------------------------------------------------------------------------


def test_median_and_the_nearest_rank_percentile_by_hand() -> None:
    lags = [34, 0, 1, 21, 1, 2, 3, 5, 8, 13]  # sorted: 0 1 1 2 3 5 8 13 21 34
    assert stats.median(lags) == 4.0  # (3 + 5) / 2
    assert stats.percentile(lags, 90) == 21.0  # rank ceil(0.9 * 10) = 9: the 9th smallest
    assert stats.percentile([*lags, 55], 90) == 34.0  # rank ceil(9.9) = 10
    assert stats.percentile([1, 2, 3, 4], 50) == 2.0  # rank 2, not the interpolated 2.5
    assert stats.percentile([7], 90) == stats.median([7]) == 7.0
    assert stats.median([]) is None and stats.percentile([], 90) is None


# -- after-hours per 8 scheduled hours ----------------------------------------------------------


def test_after_hours_per_8_scheduled_hours_by_hand() -> None:
    assert workload.per_8h(86, 480) == 86.0
    assert workload.per_8h(45, 300) == 72.0  # 45 / 300 * 480
    assert workload.per_8h(30, 0) is None
    days = [MON + timedelta(days=n) for n in range(5)]
    sessions = [item(d) for d in days for _ in range(6)] + [item(MON, admin=True)]
    scheduled = workload.scheduled_by_day(sessions, 50)
    assert scheduled == {d: 300 for d in days}  # the admin task is not patient time
    # The calendar knows Monday and Tuesday: 4 and 5 hours.
    calendar = {days[0]: 240, days[1]: 300}
    assert workload.scheduled_by_day(sessions, 50, calendar)[days[0]] == 240
    logs = [DayLog(d, 6, 6, after_hours=30) for d in days[:4]]  # Friday not checked in
    # 120 after-hours minutes over the 4 checked-in days' 1200 scheduled minutes: 48 per 8 h.
    assert workload.after_hours_per_8h(logs, scheduled) == 48.0
    # With the calendar: 120 / (240 + 300 + 300 + 300) * 480 = 50.5.
    with_calendar = workload.scheduled_by_day(sessions, 50, calendar)
    assert workload.after_hours_per_8h(logs, with_calendar) == 50.5


def two_weeks() -> tuple[list[Item], list[DayLog]]:
    """Mon 9 to Fri 20 Nov: 6 sessions a weekday, all written at 19:00, 30 after-hours minutes."""
    days = [MON - timedelta(days=7) + timedelta(days=n) for n in range(12) if n % 7 < 5]
    items = [item(d, written_at=at(d, "19:00")) for d in days for _ in range(6)]
    return items, [DayLog(d, 6, 6, after_hours=30) for d in days]


def test_the_summary_normalises_after_hours_weekly_and_overall() -> None:
    items, logs = two_weeks()
    w = summary(items, logs)
    assert w.after_hours_per_8h == 48.0  # 300 / (30 sessions x 50 min) x 480, each week
    assert [wk.after_hours_per_8h for wk in w.weekly] == [48.0, 48.0]
    calendar = {d.day: 240 for d in logs}  # the calendar says 4 hours a day
    assert summary(items, logs, scheduled_minutes=calendar).after_hours_per_8h == 60.0


# -- the rule and time to write, by note type ---------------------------------------------------


def test_share_within_the_rule_and_median_hours_by_type_by_hand() -> None:
    tue, wed, thu = MON + timedelta(days=1), MON + timedelta(days=2), MON + timedelta(days=3)
    items = [
        item(MON, written_at=at(MON, "20:00")),  # date-only, written before its day ends: 0 h
        item(tue, "10:00", written_at=at(wed, "09:00")),  # 23 h, within
        item(tue, "10:00", written_at=at(thu, "10:00")),  # 48 h, late
        item(wed, "09:00", note_type="intake"),  # open and past due: decided, not within
        item(TODAY, "09:00", note_type="intake"),  # open, still in time: not counted
        item(thu, "14:00", note_type="intake", written_at=at(thu + timedelta(days=1), "12:00")),
    ]
    overall, by_type = workload.rule_figures(items, Rules(), NOW)
    assert by_type == {
        "intake": workload.TypeFigures(2, 0.5, 22.0),
        "progress": workload.TypeFigures(3, 0.667, 23.0),
    }
    assert overall == workload.TypeFigures(5, 0.6, 22.5)  # hours 0, 23, 48, 22: (22 + 23) / 2
    by_48 = workload.rule_figures(items, Rules(rule_hours=48), NOW)[1]
    assert by_48["progress"].within_rule_share == 1.0


# -- minutes per note from finished blocks ------------------------------------------------------


def test_minutes_per_note_shares_a_mixed_block_by_the_estimates() -> None:
    types = {1: "progress", 2: "progress", 3: "progress", 4: "progress", 5: "intake"}
    estimates = {"progress": 9.0, "intake": 20.0}
    blocks = [
        block(90, [1, 2, 3]),  # 30 a progress note
        block(58, [4, 5]),  # 58 x 9/29 = 18 for the progress note, 58 x 20/29 = 40 the intake
        block(45, [6, 7], done=False),  # planned, not finished: ignored
    ]
    paces = workload.minutes_per_note(blocks, types, estimates)
    assert paces == {
        "intake": workload.Pace(40.0, 1, (10, 20), "above"),
        "progress": workload.Pace(27.0, 4, (3, 7), "above"),  # (90 + 18) / 4
    }
    assert paces["progress"].to_json()["budget"] == [3, 7]


def test_minutes_per_note_against_the_time_budget() -> None:
    types = {n: "progress" for n in range(1, 11)} | {11: "intake", 12: "intake", 13: "group"}
    estimates = {"progress": 9.0, "intake": 20.0, "group": 9.0}
    paces = workload.minutes_per_note(
        [block(50, list(range(1, 11))), block(16, [11, 12]), block(12, [13]), block(9, [99])],
        types,
        estimates,
    )
    assert paces["progress"] == workload.Pace(5.0, 10, (3, 7), "within")
    assert paces["intake"] == workload.Pace(8.0, 2, (10, 20), "below")
    assert paces["group"] == workload.Pace(12.0, 1, None, None)
    assert set(paces) == {"progress", "intake", "group"}  # the gone note 99 is not reported


# -- billing lag --------------------------------------------------------------------------------


def test_billing_lag_median_and_90th_percentile_by_hand() -> None:
    session = date(2026, 10, 1)
    lags = [0, 1, 1, 2, 3, 5, 8, 13, 21, 34]
    items = [
        *(
            item(session, billed=True, written_at=at(session + timedelta(days=n), "23:30"))
            for n in lags
        ),
        item(session, billed=True),  # still open: not in the figures
        item(session, written_at=at(session + timedelta(days=90), "12:00")),  # not billed
    ]
    lag = workload.billing_lag(items, UTC)
    assert lag == workload.Lag(4.0, 21.0, 10, 1)
    one = [item(session, billed=True, written_at=at(session + timedelta(days=1), "09:00"))]
    text = summary(one, now=at(session + timedelta(days=20), "12:00"), weeks=4).to_json()[
        "paragraph"
    ]
    assert "a median of 1 day after the session (90th percentile 1 day)." in text


def test_billing_lag_counts_days_in_the_users_zone() -> None:
    from zoneinfo import ZoneInfo

    tz = ZoneInfo("America/Chicago")
    # Written 23:30 local (CDT) on the session day: 04:30 UTC the next day, still a lag of 0 days.
    written = datetime(2026, 10, 2, 4, 30, tzinfo=UTC)
    lag = workload.billing_lag([item(date(2026, 10, 1), billed=True, written_at=written)], tz)
    assert (lag.median, lag.p90) == (0.0, 0.0)


# -- what the open list waits on ---------------------------------------------------------------


def test_waiting_now_by_who_acts_next() -> None:
    items = [
        *(item(TODAY - timedelta(days=3)) for _ in range(3)),  # unwritten: own
        item(
            TODAY - timedelta(days=9), blocked_on="coding_query", blocked_since=at(TODAY, "09:00")
        ),
        item(
            TODAY - timedelta(days=12),
            blocked_on="result",
            blocked_since=at(TODAY - timedelta(days=10), "09:00"),
        ),
        item(
            TODAY - timedelta(days=4),
            blocked_on="result",
            blocked_since=at(TODAY - timedelta(days=2), "09:00"),
        ),
        item(
            TODAY - timedelta(days=20),
            blocked_on="referral",
            blocked_since=at(TODAY - timedelta(days=8), "09:00"),
        ),
        item(
            TODAY - timedelta(days=30), blocked_on="result", written_at=at(TODAY, "08:00")
        ),  # written
        item(TODAY + timedelta(days=2)),  # a planned session: nothing to write yet
    ]
    w = waiting.waiting(items, Rules(), NOW)
    assert (w.own, w.others, w.unwritten, w.own_share) == (4, 3, 3, 0.571)
    assert w.by_reason["result"] == waiting.Reason(2, 8.0, 6.0, 1)  # ages 12, 4; waits 10, 2
    assert w.by_reason["referral"] == waiting.Reason(1, 20.0, 8.0, 1)
    assert w.by_reason["coding_query"] == waiting.Reason(1, 9.0, 0.0, 0)
    assert w.by_reason["doc_gap"] == waiting.Reason(0, None, None, 0)
    assert list(w.by_reason) == list(BLOCKERS)
    assert w.to_json()["by_reason"]["result"] == {
        "count": 2,
        "median_age_days": 8.0,
        "median_waiting_days": 6.0,
        "past_chase": 1,
    }


def test_waiting_at_each_weeks_end_by_hand() -> None:
    starts = [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    items = [
        item(date(2026, 11, 3), written_at=at(date(2026, 11, 10), "12:00")),  # a
        item(date(2026, 11, 4), blocked_on="result", blocked_since=at(date(2026, 11, 12), "09:00")),
        item(
            date(2026, 11, 11),
            blocked_on="coding_query",
            blocked_since=at(date(2026, 11, 11), "12:00"),
            written_at=at(date(2026, 11, 20), "12:00"),
        ),  # c
        item(date(2026, 11, 20)),  # d
        item(date(2026, 10, 20)),  # e: from before the span, open all along
    ]
    zero = dict.fromkeys(BLOCKERS, 0)
    assert waiting.by_week(items, starts, NOW) == [
        (3, 0, zero),  # a, b (not blocked yet), e
        (2, 1, zero | {"result": 1, "coding_query": 1}),  # c (a coding query is own), e; b
        (2, 1, zero | {"result": 1}),  # d, e; b
    ]


# -- inflow, written and the finish date --------------------------------------------------------


def test_finish_date_at_the_recent_pace_by_hand() -> None:
    assert workload.finish_at_pace(6, 10.0, 13.0, TODAY) == (date(2026, 12, 6), None)  # 6/3 weeks
    assert workload.finish_at_pace(0, None, None, TODAY) == (TODAY, None)
    assert workload.finish_at_pace(5, None, None, TODAY) == (None, workload.NOT_ENOUGH)
    date_, why = workload.finish_at_pace(5, 10.0, 10.0, TODAY)
    assert date_ is None and why is not None and "does not shrink" in why


def test_inflow_against_written_over_two_weeks_by_hand() -> None:
    items, logs = two_weeks()  # 60 sessions over the 14 days from Mon 9 Nov: 30 a week
    late = [i._replace(written_at=None) for i in items[:4]]  # four never written
    old = [item(date(2026, 10, 1), written_at=at(date(2026, 11, 18), "20:00"))] * 2
    w = summary([*late, *items[4:], *old], logs)
    assert (w.inflow_per_week, w.written_per_week) == (30.0, 29.0)  # (56 + 2) x 7 / 14
    assert w.outstanding == 4 and w.finish_date is None
    assert [(wk.inflow, wk.written) for wk in w.weekly] == [(30, 26), (30, 32)]
    assert w.notes["finish_date"].endswith("the backlog does not shrink")
    assert w.to_json()["paragraph"].startswith(
        "Notes arrive at about 30 a week and about 29 are written; the gap is what the backlog "
        "is made of. 93% of notes are written within 24 hours of the session."
    )


def test_too_little_data_leaves_figures_null_with_a_note() -> None:
    thu = MON - timedelta(days=4)  # Thu 12 Nov: 11 days of data
    items = [item(thu, written_at=at(thu, "19:00"))]
    w = summary(items, [DayLog(thu, 1, 1, after_hours=20)])
    data = w.to_json()
    for key in ("after_hours_per_8h", "inflow_per_week", "written_per_week"):
        assert data[key] is None and data["notes"][key] == workload.NOT_ENOUGH
    assert data["finish_date"] == TODAY.isoformat()  # nothing outstanding: caught up
    assert data["minutes_per_note"] is None
    assert data["notes"]["minutes_per_note"] == "no finished catch-up blocks in this span"
    assert data["billing_lag_days"] == {"median": None, "p90": None, "count": 0, "still_open": 0}
    assert "billed" in data["notes"]["billing_lag_days"]
    assert data["within_rule_share"] == 1.0
    # The week before the first data is a gap, the next one is counted.
    assert [wk["inflow"] for wk in data["weekly"]] == [1, 0]
    empty = summary([]).to_json()
    assert empty["weekly"][0]["inflow"] is None
    assert empty["paragraph"].startswith("Not enough data yet")


def test_the_summary_json_keeps_the_documented_keys() -> None:
    items, logs = two_weeks()
    data = json.loads(json.dumps(summary(items, logs).to_json()))
    for key in (
        "after_hours_per_8h",
        "within_rule_share",
        "minutes_per_note",
        "billing_lag_days",
        "waiting",
        "inflow_per_week",
        "written_per_week",
        "finish_date",
        "notes",
    ):
        assert key in data
    assert {"median", "p90"} <= set(data["billing_lag_days"])
    assert {"own", "others", "by_reason"} <= set(data["waiting"])


def test_weeks_outside_1_to_520_are_refused() -> None:
    for weeks in (0, 521):
        with pytest.raises(InputError, match=f"from 1 to 520, got {weeks}"):
            summary([], weeks=weeks)


def test_the_paragraph_speaks_of_the_workload_in_counts() -> None:
    items, logs = two_weeks()
    items += [
        item(TODAY - timedelta(days=2)),
        item(
            TODAY - timedelta(days=12),
            blocked_on="result",
            blocked_since=at(TODAY - timedelta(days=9), "09:00"),
        ),
        item(
            TODAY - timedelta(days=5),
            blocked_on="referral",
            blocked_since=at(TODAY - timedelta(days=1), "09:00"),
        ),
        item(date(2026, 10, 1), billed=True, written_at=at(date(2026, 11, 10), "09:00")),
        item(MON, billed=True, written_at=at(MON + timedelta(days=3), "09:00")),
    ]
    text = summary(items, logs).to_json()["paragraph"]
    # 64 sessions in the span (the 1 Oct one is before it) and 62 notes written in it, over 14
    # days; 60 of the 64 within the rule; 300 after-hours minutes over 64 x 50 scheduled ones.
    assert text == (
        "Notes arrive at about 32 a week and about 31 are written; the gap is what the backlog "
        "is made of. 94% of notes are written within 24 hours of the session. After-hours "
        "charting comes to about 45 minutes per 8 hours of scheduled patient time. Of 3 open "
        "notes, 1 is still to write or to answer a coding query and 2 wait on others (results 1, "
        "referrals/authorizations 1); 1 has waited longer than the 7-day chase age. Billed "
        "sessions are documented a median of 3 days after the session (90th percentile 3 days). "
        "At this pace the backlog does not shrink, so there is no finish date."
    )
    for word in ("you", "your", "behind", "fail"):
        assert f" {word} " not in f" {text.lower()} "


# -- what if ------------------------------------------------------------------------------------


def test_what_if_fewer_sessions_moves_the_finish_date_by_the_stated_premise() -> None:
    start = date(2026, 11, 23)
    backlog = [Item(n, date(2026, 10, 1) + timedelta(days=n % 20)) for n in range(1, 41)]
    # In the 4 weeks before the start: 20 sessions a week, 8 notes slipped past 24 hours.
    recent = [
        item(
            date(2026, 10, 25) + timedelta(days=n % 28),
            written_at=at(date(2026, 10, 25) + timedelta(days=n % 28), "19:00"),
        )
        for n in range(72)
    ] + [
        item(date(2026, 10, 27) + timedelta(days=3 * n), written_at=at(TODAY, "08:00"))
        for n in range(8)
    ]
    params = planner.PlanParams(days=("tue", "thu"), start=start, notes_per_block=4)
    fewer = whatif.what_if_sessions([*backlog, *recent], params, Rules(), NOW, -2)
    assert (fewer.sessions_per_week, fewer.slipping_per_week, fewer.slipping_after) == (
        20.0,
        2.0,
        0.0,
    )
    # No inflow left: 40 notes at 4 a block, 2 blocks a week: 10 blocks, the last on Thu 24 Dec.
    assert fewer.finish_date == date(2026, 12, 24)
    same = planner.plan([*backlog, *recent], params, Rules(), TODAY, measured_inflow=2.0)
    assert fewer.finish_date_now == same.finish_at_measured
    assert fewer.finish_date_now is not None and fewer.finish_date_now > fewer.finish_date
    assert fewer.premise.startswith(
        "In the 4 weeks before 22 Nov 2026, about 20 sessions a week were held and 2 notes a week "
        "slipped past 24 hours. Premise: the notes that slip are the ones the week has no room "
        "for, so each session fewer a week is one note fewer slipping, down to none"
    )
    more = whatif.what_if_sessions([*backlog, *recent], params, Rules(), NOW, 6)
    assert more.slipping_after == 8.0 and more.finish_date is None  # 8 a week fills the blocks
    assert "each session more a week is one more note slipping" in more.premise
    assert json.loads(json.dumps(more.to_json()))["finish_date"] is None
    with pytest.raises(InputError, match="from -100 to 100, got -101"):
        whatif.what_if_sessions(backlog, params, Rules(), NOW, -101)


# -- privacy ------------------------------------------------------------------------------------

REFS = st.text(alphabet="QXZqxz#", min_size=3, max_size=16).map(lambda s: "Zq" + s[:14])


@st.composite
def histories(draw: st.DrawFn) -> tuple[list[Item], list[str]]:
    items, refs = [], []
    for n in range(draw(st.integers(0, 30))):
        session = TODAY - timedelta(days=draw(st.integers(-2, 40)))
        written = None
        if draw(st.booleans()):
            written = at(session, "08:00") + timedelta(hours=draw(st.integers(0, 400)))
        blocked = draw(st.none() | st.sampled_from(BLOCKERS))
        ref = draw(REFS)
        refs.append(ref)
        items.append(
            Item(
                n + 1,
                session,
                draw(st.none() | st.just(time(10))),
                note_type=draw(st.sampled_from(["progress", "intake", "group"])),
                client_ref=ref,
                billed=draw(st.booleans()),
                blocked_on=blocked,
                blocked_since=at(session, "12:00") if blocked else None,
                written_at=written,
            )
        )
    return items, refs


@settings(max_examples=60, deadline=None)
@given(histories())
def test_no_client_reference_reaches_the_figures_or_the_paragraph(
    case: tuple[list[Item], list[str]],
) -> None:
    items, refs = case
    logs = [DayLog(TODAY - timedelta(days=n), 3, 2, after_hours=15) for n in range(20)]
    blocks = [block(60, [i.id or 0 for i in items[:3]])]
    named = summary(items, logs, blocks=blocks, weeks=4).to_json()
    text = json.dumps(named)
    assert not any(ref in text for ref in refs)
    anonymous = [i._replace(client_ref=None) for i in items]
    assert named == summary(anonymous, logs, blocks=blocks, weeks=4).to_json()
    params = planner.PlanParams(days=("tue",), start=TODAY, notes_per_block=3)
    what = json.dumps(whatif.what_if_sessions(items, params, Rules(), NOW, -1).to_json())
    assert not any(ref in what for ref in refs)


def test_the_figures_benchmark_runs_on_a_small_history() -> None:
    # Its timings are read by hand (`python -m tests.bench_figures`); a timed test would fail on
    # a busy machine. This keeps the script working.
    from tests import bench_figures

    out = bench_figures.measure(bench_figures.history.Shape(years=1, sessions_per_week=10), runs=1)
    assert out["habit"].history and out["summary 12"].inflow_per_week is not None
    assert all(len(out[k]) == 2 for k in ("habit read", "habit compute", "summary 520 compute"))
