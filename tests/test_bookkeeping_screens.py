"""The app keeps the same account as the CLI (issues 16 and 19): the Today screen's cleared notes
get their notations, the Backlog screen's mark-written asks the reason (and, for a high-risk
note, whether it was written from memory), its add form takes an anonymous note's place, and the
Sprint screen names a block as the CLI does. Driven by real keys through Textual's pilot."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from textual.widgets import Checkbox, DataTable, Input, TextArea

from screens.app import make_app
from screens.late_entry import LateEntry
from screens.mark_done import MarkDone
from tests.conftest import settled
from tests.test_backlog_screen import open_backlog, settle


def notations(home: Path) -> list[tuple[int, str]]:
    conn = sqlite3.connect(home / "caughtup.db")
    try:
        return conn.execute(
            "SELECT id, notation FROM items WHERE notation IS NOT NULL ORDER BY id"
        ).fetchall()
    finally:
        conn.close()


async def test_a_late_note_cleared_on_the_today_screen_gets_its_notation(
    home: Path, run_json: Callable[..., Any]
) -> None:
    run_json("log", "--date", "2026-11-10", "--sessions", "2", "--written", "0")
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.press(*"0", "enter", *"0", "enter", *"1", "ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, LateEntry)
        ((item_id, text),) = app.screen.notations
        assert text.startswith(
            "LATE ENTRY: this note was written on 2026-11-22 18:00 for the session of 2026-11-10."
        )
        assert text in app.screen.query_one("#late-notation", TextArea).text
        await pilot.press("c")
        assert app.clipboard == text
    assert notations(home) == [(item_id, text)]
    assert run_json("status")["outstanding"] == 1


async def test_mark_written_asks_the_reason_and_from_memory_for_a_high_risk_note(
    home: Path, run_json: Callable[..., Any]
) -> None:
    item_id = run_json("add", "--date", "2026-11-10", "--high-risk")["id"]
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_backlog(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MarkDone)
        reason = dialog.query_one("#done-reason", Input)
        assert reason.value == "Documentation delayed due to caseload volume"
        reason.value = "Clinician on leave"
        dialog.query_one("#done-memory", Checkbox).value = True
        await pilot.press("enter")  # "Mark written now" has the focus
        await settle(app, pilot)
        assert isinstance(app.screen, LateEntry)
        expected = (
            "LATE ENTRY: this note was written on 2026-11-22 18:00 for the session of "
            "2026-11-10. Reason: Clinician on leave. Reconstructed from memory of the session."
        )
        assert app.screen.notations == [(item_id, expected)]
    assert notations(home) == [(item_id, expected)]


async def test_a_bad_reason_keeps_the_dialog_open(home: Path, run_json: Callable[..., Any]) -> None:
    run_json("add", "--date", "2026-11-10")
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_backlog(app, pilot)
        await pilot.press("d")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, MarkDone)
        assert not dialog.query(Checkbox)  # from memory is for high-risk notes only
        dialog.query_one("#done-reason", Input).value = "x" * 201
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is dialog
        assert "one line of up to 200" in str(dialog.query_one("#done-error").render())
    assert run_json("status")["outstanding"] == 1


async def test_the_add_form_takes_the_place_of_an_anonymous_note_and_says_so(
    home: Path, run_json: Callable[..., Any]
) -> None:
    run_json("log", "--sessions", "6", "--written", "3")
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_backlog(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("tab", *"09:00", "tab", "tab", *"C7", "ctrl+s")
        await settle(app, pilot)
        said = " ".join(str(n.message) for n in app._notifications)
        assert "takes the place of one of that day's open notes without details" in said
    assert run_json("status")["outstanding"] == 3


@pytest.fixture
def tuesday_logged_on_thursday(
    run: Callable[..., Result], run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-30T12:00")
    run_json("log", "--date", "2026-11-27", "--sessions", "30", "--written", "0")
    run_json("plan", "--notes-per-block", "4")
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-12-03T09:00")
    done = run("block", "done", "--date", "2026-12-01")
    assert done.stdout.startswith("Block Tue 01 Dec 16:00 done")


async def test_the_sprint_screen_names_a_block_as_the_cli_does(
    tuesday_logged_on_thursday: None, home: Path
) -> None:
    app = make_app(home)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        app.screen.set_focus(None)
        await pilot.press("s")
        await pilot.pause()
        await settled(pilot)
        await pilot.pause()
        table: DataTable[str] = app.screen.query_one("#blocks", DataTable)
        first = [str(c) for c in table.get_row_at(0)]
        assert first[1:] == ["Tue 01 Dec", "4 progress notes", "✓ 4 done"]
        assert [str(c) for c in table.get_row_at(1)][1::2] == ["Thu 03 Dec", "next"]
