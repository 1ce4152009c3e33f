"""The Sprint screen, driven by real key presses through Textual's pilot."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Static

from screens.app import CaughtupApp, make_app
from screens.late_entry import LateEntry
from tests.conftest import settled
from tests.test_calendar_planning import practice_week


@pytest.fixture
def forty(run: Callable[..., Result]) -> None:
    for day in (9, 10, 11, 12, 13, 16, 17, 18):
        run("log", "--date", f"2026-11-{day:02d}", "--sessions", "5", "--written", "0")


async def open_sprint(app: CaughtupApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    app.screen.set_focus(None)  # the Today form holds focus; keys then reach the app
    await pilot.press("s")
    await settle(app, pilot)


async def settle(app: CaughtupApp, pilot: Pilot[None]) -> None:
    await pilot.pause()
    await settled(pilot)
    await pilot.pause()


def rows(app: CaughtupApp) -> list[list[str]]:
    table: DataTable[str] = app.screen.query_one("#blocks", DataTable)
    return [[str(c) for c in table.get_row_at(n)] for n in range(table.row_count)]


def shown(app: CaughtupApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def test_mark_block_done_and_replan_with_keys(
    forty: None, home: Path, run_json: Callable[..., Any]
) -> None:
    run_json("plan", "--notes-per-block", "4")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sprint(app, pilot)
        table = rows(app)
        assert len(table) == 10
        assert table[0][1:] == ["Tue 24 Nov", "4 progress notes", "next"]
        assert "Finish Thu 24 Dec · 10 blocks, 5 weeks · 40 left" in shown(app, "#summary")
        await pilot.press("d")
        await settle(app, pilot)
        # The four notes were late: their notations come up to copy, kept with each note.
        assert isinstance(app.screen, LateEntry) and len(app.screen.notations) == 4
        assert all("LATE ENTRY" in text for _, text in app.screen.notations)
        await pilot.press("escape")
        await pilot.pause()
        table = rows(app)
        assert table[0][3] == "✓ 4 done" and table[1][3] == "next"
        assert "36 left" in shown(app, "#summary")
        # Change a parameter and press Enter: the rest is re-planned and saved.
        notes = app.screen.query_one("#p-notes", Input)
        notes.focus()
        notes.value = "6"
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(rows(app)) == 1 + 6  # 36 notes, 6 a block
    assert run_json("status")["outstanding"] == 36
    saved = run_json("plan", "--preview")
    assert saved["parameters"]["notes_per_block"] == 6
    assert saved["sprint"]["blocks_done"] == 1


async def test_bad_parameter_shows_an_error_and_saves_nothing(
    forty: None, home: Path, run_json: Callable[..., Any]
) -> None:
    run_json("plan", "--notes-per-block", "4")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sprint(app, pilot)
        minutes = app.screen.query_one("#p-minutes", Input)
        minutes.focus()
        minutes.value = "5"
        await pilot.press("enter")
        await settle(app, pilot)
        assert "Minutes must be 15 to 480, got 5" in shown(app, "#sprint-error")
    assert run_json("plan", "--preview")["parameters"]["block_minutes"] == 90


@pytest.mark.parametrize(
    ("ident", "typed", "said"),
    [
        ("#p-days", "tue,xyz", "Days must be weekdays from mon,tue,wed,thu,fri,sat,sun"),
        ("#p-target", "2026-11-01", "Target 2026-11-01 is before the start (2026-11-22)"),
        ("#p-inflow", "-1", "New notes a week must be a number of notes a week from 0 to"),
    ],
)
async def test_the_core_s_check_says_the_field_s_label(
    forty: None, home: Path, ident: str, typed: str, said: str
) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sprint(app, pilot)
        field = app.screen.query_one(ident, Input)
        field.focus()
        field.value = typed
        await pilot.press("enter")
        await settle(app, pilot)
        error = shown(app, "#sprint-error")
        assert error.startswith(said) and "--" not in error


async def test_without_a_sprint_the_screen_previews_until_r_saves(
    forty: None, home: Path, run_json: Callable[..., Any]
) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sprint(app, pilot)
        assert "A preview: press r to save it" in shown(app, "#summary")
        await pilot.press("d")
        assert "No sprint yet" in shown(app, "#sprint-error")
        await pilot.press("r")
        await settle(app, pilot)
        assert "A preview" not in shown(app, "#summary")
        assert rows(app)[0][3] == "next"
    assert run_json("plan", "--preview")["sprint"]["start_outstanding"] == 40


def test_sprint_snapshot(
    forty: None, home: Path, run: Callable[..., Result], snap_compare: Any
) -> None:
    run("add", "--date", "2026-11-12", "--type", "treatment_plan", "--billed")
    run("plan", "--notes-per-block", "4", "--target", "2026-12-18")
    run("block", "done", "--notes", "3", "--minutes", "40")

    async def to_sprint(pilot: Pilot[None]) -> None:
        await open_sprint(pilot.app, pilot)  # type: ignore[arg-type]

    app = make_app(home)
    assert snap_compare(app, terminal_size=(80, 24), run_before=to_sprint)
    assert app.current_mode == "sprint"


async def test_the_screen_plans_in_the_calendars_free_time_as_the_command_does(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    """Opening the screen re-plans the sprint and saves it: with a calendar, in its free time
    (Thanksgiving's block on the Friday, Thu 3 Dec's after the morning session), never back on
    top of them."""
    practice_week(run, run_json)
    run_json("plan", "--notes-per-block", "2")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_sprint(app, pilot)
        assert [row[1] for row in rows(app)[:2]] == ["Fri 27 Nov", "Thu 03 Dec"]
    saved = [(b["date"], b["start"]) for b in run_json("block", "show")["blocks"]]
    assert saved[:2] == [("2026-11-27", "09:00"), ("2026-12-03", "10:00")]
