"""After midnight, which day a check-in is for: the rule, what `log` says, what the app asks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from screens.app import make_app
from screens.which_day import WhichDay
from tracker.checkin import night_other_day


def test_night_other_day_is_the_evening_just_ended_until_the_setting() -> None:
    def at(clock: str) -> date | None:
        return night_other_day(
            datetime.fromisoformat(f"2026-11-23T{clock}").replace(tzinfo=UTC), "04:00"
        )

    assert at("00:00") == at("03:59") == date(2026, 11, 22)
    assert at("04:00") is None and at("23:59") is None
    noon = datetime(2026, 11, 23, 1, tzinfo=UTC)
    assert night_other_day(noon, "00:00") is None  # 00:00: never ask


def test_log_after_midnight_says_which_day_and_how_to_log_the_other(
    run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-23T01:30")
    out = run("log", "--sessions", "3", "--written", "3").stdout
    assert "It is 01:30, so this is Mon 23 Nov's check-in; for Sun 22 Nov, log again with " \
        "--date 2026-11-22" in out  # fmt: skip
    assert (
        "It is"
        not in run("log", "--date", "2026-11-22", "--sessions", "1", "--written", "1").stdout
    )
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-23T09:00")
    assert "It is" not in run("log", "--sessions", "3", "--written", "3").stdout


async def test_the_app_asks_which_day_after_midnight(
    home: Path, run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-23T01:30")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("4", "enter", "4", "ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, WhichDay)
        await pilot.click("#day-evening")
        await app.workers.wait_for_complete()
        await pilot.pause()
    with_days = run_json("trends", "--weeks", "2")
    sessions = {row["week_start"]: row["sessions"] for row in with_days["weeks"]}
    assert sessions == {"2026-11-16": 4, "2026-11-23": None}  # Sunday 22: the week before
