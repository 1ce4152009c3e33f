"""`caughtup habit`, the streak in `status --short` and the weekly strength in `trends --json`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click
from click.testing import Result

from tests.conftest import digest
from tracker.cli import habit as habit_cli

# Sunday 22 Nov 2026 is today (conftest): Wednesday kept, Thursday missed, Friday kept.
DAYS = (("2026-11-18", "3", "3"), ("2026-11-19", "4", "2"), ("2026-11-20", "2", "2"))


def seed(run: Callable[..., Result]) -> None:
    for day, sessions, written in DAYS:
        result = run("log", "--date", day, "--sessions", sessions, "--written", written)
        assert result.exit_code == 0, result.output


def test_json_is_the_documented_document(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    seed(run)
    data = run_json("habit", "--weeks", "1")
    assert set(data) == {"current_streak", "best_streak", "strength", "checkin_streak", "days"}
    assert (data["current_streak"], data["best_streak"], data["checkin_streak"]) == (1, 1, 3)
    assert 0 < data["strength"] < 100
    assert data["days"][0]["date"] == "2026-11-16"  # the week's Monday to today
    assert len(data["days"]) == 7
    by_date = {d["date"]: d for d in data["days"]}
    assert by_date["2026-11-19"] == {
        "date": "2026-11-19",
        "sessions": 4,
        "within_rule": 2,
        "value": 0.5,
        "state": "missed",
    }
    assert by_date["2026-11-21"]["state"] == "skipped" and by_date["2026-11-21"]["value"] is None
    assert len(run_json("habit")["days"]) == 7 * 51 + 7  # 52 weeks by default, to Sunday


def test_weeks_outside_1_to_520_exit_2_and_change_nothing(
    home: Path, run: Callable[..., Result]
) -> None:
    seed(run)
    before = digest(home)
    for bad in ("0", "521", "x"):
        result = run("habit", "--weeks", bad)
        assert result.exit_code == 2
        assert "--weeks must be" in result.stderr and "1 to 520" in result.stderr
        assert result.stderr.count("\n") == 1
    assert digest(home) == before


def test_the_terminal_heatmap_reads_without_colour(run: Callable[..., Result]) -> None:
    seed(run)
    result = run("habit", "--weeks", "2")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "Same-day habit: streak 1 working day · best 1 · strength 10 · check-ins on 3 working "
        "days in a row"
    )
    rows = dict(line.split(" ", 1) for line in lines[3:10])
    assert rows["Wed"] == "·█" and rows["Thu"] == "·▒" and rows["Fri"] == "·█"
    assert lines[-1].startswith("█ all within 24 hours")
    assert "\x1b[" not in result.stdout
    assert "Loop Habit Tracker" in run("habit", "--help").stdout


def test_coloured_heatmap_is_the_same_text_and_long_windows_fold_to_the_width(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    seed(run)
    from tracker import habit
    from tracker.workspace import Workspace

    ws = Workspace()
    figures = habit.current(ws.store, ws.settings, ws.now(), 520)
    ws.close()
    plain = habit_cli.lines(figures, 80, colour=False)
    coloured = habit_cli.lines(figures, 80, colour=True)
    assert "\x1b[32m" in "".join(coloured)  # kept days in green
    assert [click.unstyle(line) for line in coloured] == plain
    assert max(len(line) for line in plain) <= 80
    assert sum(line.startswith("Mon ") for line in plain) == 8  # 520 weeks: 8 blocks of up to 73


def test_status_short_shows_the_streak_when_asked(run: Callable[..., Result]) -> None:
    seed(run)
    plain = run("status", "--short").stdout.strip()
    assert "streak" not in plain
    run("config", "status.show_streak", "true")
    assert run("status", "--short").stdout.strip() == plain + " · streak 1"


def test_status_short_streak_through_the_fast_path(home: Path, run: Callable[..., Result]) -> None:
    seed(run)
    run("config", "status.show_streak", "true")
    env = {**os.environ, "CAUGHTUP_HOME": str(home)}
    out = subprocess.run(
        [sys.executable, "-m", "tracker", "status", "--short"],
        env=env, check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    assert out.strip().endswith(" · streak 1")


def test_trends_json_carries_weekly_strength(
    run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    seed(run)
    weeks = run_json("trends", "--weeks", "3")["weeks"]
    assert [w["strength"] for w in weeks] == [None, None, run_json("habit")["strength"]]
    assert json.dumps(weeks)  # plain JSON


def test_the_short_streak_reads_back_until_a_miss_and_agrees_with_the_whole(home: Path) -> None:
    from datetime import UTC, datetime, time, timedelta

    from tracker import habit
    from tracker.models import Item
    from tracker.settings import Settings
    from tracker.store import Store

    now = datetime(2026, 11, 22, 18, 0, tzinfo=UTC)
    settings = Settings()
    with Store.open(home, UTC) as store:
        # 300 kept days after one miss (beyond the first look back, 64 days); then 121 kept
        # days and no miss at all (the look back reaches the first day).
        for run_length, miss in ((300, True), (120, False)):
            store.conn.execute("DELETE FROM items")
            days = [now.date() - timedelta(days=n) for n in range(1, run_length + 2)]
            items = [
                Item(None, d, written_at=datetime.combine(d, time(19), tzinfo=UTC)
                     + (timedelta(days=3) if miss and d == days[-1] else timedelta(0)))
                for d in days
            ]  # fmt: skip
            store.add_items(items, now)
            whole = habit.current(store, settings, now).current_streak
            expected = run_length if miss else run_length + 1
            assert habit.current_streak(store, settings, now) == whole == expected
