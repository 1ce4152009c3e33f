"""The Trends screen, driven by real key presses, and its snapshot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from click.testing import Result
from textual.pilot import Pilot
from textual.widgets import Static

from screens.app import make_app
from screens.trends import TrendsScreen
from tests.conftest import settled

LOGS = [
    # (day, sessions, written same day, backlog cleared, after-hours minutes, dread, drained)
    ("2026-10-06", 6, 2, 0, 90, 3, 2),
    ("2026-10-08", 5, 2, 0, 80, 3, 2),
    ("2026-10-13", 6, 3, 0, 60, 3, 2),
    # the week of 19 October: nothing logged (a gap)
    ("2026-10-27", 5, 4, 4, 40, 2, 2),
    ("2026-11-03", 6, 5, 3, 30, 2, 1),
    ("2026-11-05", 4, 4, 2, 20, 1, 1),
    ("2026-11-10", 6, 5, 2, 15, 1, 1),
    ("2026-11-17", 5, 5, 1, 10, 1, 1),
]


def seed(run: Callable[..., Result]) -> None:
    for day, sessions, written, cleared, after, dread, drained in LOGS:
        result = run("log", "--date", day, "--sessions", str(sessions), "--written", str(written),
                     "--cleared", str(cleared), "--after-hours", str(after), "--dread", str(dread),
                     "--drained", str(drained))  # fmt: skip
        assert result.exit_code == 0, result.output


async def open_trends(pilot: Pilot[Any]) -> None:
    await pilot.press("f6")
    await settled(pilot)
    await pilot.pause()


def text_of(screen: TrendsScreen, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


async def test_keys_switch_chart_and_span(home: Path, run: Callable[..., Result]) -> None:
    seed(run)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_trends(pilot)
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        assert "[Backlog]" in text_of(screen, "#choices") and "[12w]" in text_of(screen, "#choices")
        assert text_of(screen, "#words") == (
            "outstanding notes down from 7 to 2 over 5 weeks; 1 now, under the threshold of 5"
        )
        plot_text = screen.query_one("#chart").render()
        assert "Outstanding notes at each week's end" in str(plot_text)

        await pilot.press("right")
        assert "[Within 24 h]" in text_of(screen, "#choices")
        assert text_of(screen, "#words") == "within-24h share up from 36% to 83% over 5 weeks"

        await pilot.press("left_square_bracket")
        assert "[4w]" in text_of(screen, "#choices")
        assert text_of(screen, "#words") == "within-24h share up from 80% to 83% over 2 weeks"
        await pilot.press("left_square_bracket")  # already the shortest
        assert "[4w]" in text_of(screen, "#choices")
        for _ in range(4):
            await pilot.press("right_square_bracket")
        assert "[52w]" in text_of(screen, "#choices")

        await pilot.press("left", "left")  # wraps round to the last chart
        assert "[Dread & drained]" in text_of(screen, "#choices")
        assert "Sprint" not in text_of(screen, "#choices")  # no sprint running


async def test_burndown_joins_while_a_sprint_runs(home: Path, run: Callable[..., Result]) -> None:
    seed(run)
    assert run("plan", "--days", "mon,wed").exit_code == 0
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_trends(pilot)
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        await pilot.press("left")
        assert "[Sprint]" in text_of(screen, "#choices")
        assert text_of(screen, "#words").startswith("sprint: 1 of 1 notes left after 0 days")


def test_trends_snapshot(home: Path, run: Callable[..., Result], snap_compare: Any) -> None:
    seed(run)
    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=open_trends)


async def open_habit(pilot: Pilot[Any]) -> None:
    await open_trends(pilot)
    await pilot.press("h")
    await pilot.pause()


async def test_the_habit_heatmap_and_back(home: Path, run: Callable[..., Result]) -> None:
    seed(run)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_habit(pilot)
        screen = app.screen
        assert isinstance(screen, TrendsScreen)
        heatmap = text_of(screen, "#heatmap").splitlines()
        assert [line[:4] for line in heatmap[1:8]] == ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ",
                                                      "Sat ", "Sun "]  # fmt: skip
        assert heatmap[-1].startswith("█ all within 24 hours")
        assert text_of(screen, "#words").startswith("Same-day habit: streak 1 working day ·")
        assert not screen.query_one("#chart").display
        await pilot.press("right")  # back to the charts, the same one
        assert "[Backlog]" in text_of(screen, "#choices") and screen.query_one("#chart").display


def test_habit_snapshot(home: Path, run: Callable[..., Result], snap_compare: Any) -> None:
    seed(run)
    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=open_habit)
