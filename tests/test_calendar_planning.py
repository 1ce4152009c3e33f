"""Catch-up blocks in the calendar's free time: never over an event, holidays and days off
skipped (the block moves to the next free day), and `plan --json` says which days and why."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from click.testing import Result

from tracker.calendar.freetime import Busy, block_starts

TZ = ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 22, 18, tzinfo=TZ)
PRACTICE = Path(__file__).parent / "calendars" / "practice.ics"


def busy(*spans: tuple[datetime, datetime], holidays: dict[date, str] | None = None) -> Busy:
    return Busy(
        intervals=spans,
        holidays=holidays or {},
        work_hours=(time(8), time(18)),
        days_off=("sat", "sun"),
        first=date(2026, 11, 23),
        last=date(2026, 12, 31),
    )


def at(day: int, hour: int, minute: int = 0, month: int = 11) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=TZ)


def test_the_usual_time_when_free_else_the_nearest_free_slot() -> None:
    tue, thu = date(2026, 11, 24), date(2026, 12, 3)
    starts, moved = block_starts(
        busy((at(3, 15, month=12), at(3, 17, month=12))), [tue, thu], 90, time(16), TZ, NOW
    )
    assert starts == {tue: time(16), thu: time(13, 30)} and moved == []
    # an event that ends after work hours start still leaves the block inside working hours
    late, _ = block_starts(busy(), [tue], 90, time(17), TZ, NOW)
    assert late[tue] <= time(16, 30)


def test_holidays_days_off_and_full_days_move_the_block_to_the_next_free_day() -> None:
    thanksgiving, sat = date(2026, 11, 26), date(2026, 11, 28)
    full_day = (at(1, 7, month=12), at(1, 19, month=12))
    wanted = [thanksgiving, sat, date(2026, 12, 1), date(2026, 12, 3)]
    starts, moved = block_starts(
        busy(full_day, holidays={thanksgiving: "Thanksgiving Day"}), wanted, 90, time(16), TZ, NOW
    )
    assert [(m.day.date, m.day.reason, m.to) for m in moved] == [
        (thanksgiving, "holiday", date(2026, 11, 27)),
        (sat, "day_off", date(2026, 11, 30)),
        (date(2026, 12, 1), "full", date(2026, 12, 2)),
    ]
    assert sorted(starts) == [
        date(2026, 11, 27),
        date(2026, 11, 30),
        date(2026, 12, 2),
        date(2026, 12, 3),
    ]
    assert moved[0].to_json()["holiday"] == "Thanksgiving Day"
    assert all(at.weekday() < 5 for at in starts)


def practice_week(run: Callable[..., Result], run_json: Callable[..., Any]) -> None:
    """A Chicago practice on the US calendar, catch-up blocks Thursdays at 09:00, and the
    practice calendar's sessions synced (Thanksgiving is Thu 26 Nov; Thu 3 Dec has a session
    09:00-09:53)."""
    for key, value in [
        ("timezone", "America/Chicago"),
        ("locale", "US"),
        ("calendar.source", str(PRACTICE)),
        ("sprint.start", "09:00"),
        ("sprint.days", "thu"),
    ]:
        assert run("config", key, value).exit_code == 0
    assert run_json("calendar", "sync")["added"] == 10


def test_plan_json_puts_blocks_in_free_time_and_lists_the_days_skipped(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    practice_week(run, run_json)
    doc = run_json("plan", "--preview", "--notes-per-block", "2")
    blocks = [(b["date"], b["start"]) for b in doc["blocks"]]
    # Thanksgiving (Thu 26 Nov) moves to Friday; on Thu 3 Dec a session holds 09:00-09:53
    assert blocks[:3] == [("2026-11-27", "09:00"), ("2026-12-03", "10:00"), ("2026-12-10", "09:00")]
    assert doc["skipped_days"][0] | {"words": ""} == {
        "words": "",
        "date": "2026-11-26",
        "reason": "holiday",
        "holiday": "Thanksgiving Day",
        "moved_to": "2026-11-27",
    }
    assert (
        "Skipped Thu 26 Nov: a public holiday (Thanksgiving Day)" in run("plan", "--preview").output
    )
    assert all(date.fromisoformat(d).weekday() < 5 for d, _ in blocks)


def test_logging_a_block_done_re_plans_the_rest_in_free_time_too(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    """The re-plan after `block done` reads the calendar as `plan` does: the Thu 3 Dec block
    stays after that morning's session instead of going back to 09:00 on top of it."""
    practice_week(run, run_json)
    planned = run_json("plan", "--notes-per-block", "2")
    assert [(b["date"], b["start"]) for b in planned["blocks"][:2]] == [
        ("2026-11-27", "09:00"),
        ("2026-12-03", "10:00"),
    ]
    done = run_json("block", "done", "--date", "2026-11-27", "--notes", "1")
    assert done["remaining"] > 0
    replanned = [(b["date"], b["start"]) for b in done["plan"]["blocks"]]
    saved = [(b["date"], b["start"]) for b in run_json("block", "show")["blocks"]]
    for blocks in (replanned, saved):
        assert ("2026-12-03", "10:00") in blocks and ("2026-12-03", "09:00") not in blocks
