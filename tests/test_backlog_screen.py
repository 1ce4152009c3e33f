"""The Backlog screen, driven by real key presses through Textual's pilot."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import closing
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from screens.app import CaughtupApp, make_app
from screens.backlog import BacklogScreen
from screens.glance import Glance
from screens.item_form import ItemForm
from screens.late_entry import LateEntry
from screens.note_table import NoteTable
from tests.conftest import NOW


async def open_backlog(app: CaughtupApp, pilot: Pilot[Any]) -> BacklogScreen:
    # Today starts with the cursor in a form field, where `b` is text: Escape leaves it.
    await pilot.pause()
    await pilot.press("escape", "b")
    await pilot.pause()
    assert isinstance(app.screen, BacklogScreen)
    return app.screen


def row_keys(screen: BacklogScreen) -> list[str]:
    return screen.query_one(NoteTable).keys


def summary(screen: BacklogScreen) -> str:
    return str(screen.query_one("#backlog-summary").render()).rstrip()


async def settle(app: CaughtupApp, pilot: Pilot[Any]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def test_add_an_item_mark_it_done_and_copy_the_notation(
    home: Path, run_json: Callable[..., Any]
) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        assert row_keys(screen) == []
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        assert app.screen.query_one("#date", Input).value == "2026-11-22"
        await pilot.press("home", "ctrl+k", *"2026-11-17", "tab", *"14:00", "tab", "tab")
        await pilot.press(*"C7", "tab", "space", "ctrl+s")  # client C7, billed
        await settle(app, pilot)
        assert app.screen is screen
        assert row_keys(screen) == ["1"]
        summary = str(screen.query_one("#backlog-summary").render())
        assert "1 outstanding" in summary and "P2 1" in summary
        checklist = screen.query_one("#backlog-checklist")
        assert "progress #1" in str(checklist.border_title)
        assert "Symptoms or functional status" in str(checklist.render())

        await pilot.press("d")
        await pilot.pause()
        await pilot.press("enter")  # "Mark written now" has the focus
        await settle(app, pilot)
        assert isinstance(app.screen, LateEntry)
        notation = app.screen.notation
        assert notation == (
            "LATE ENTRY: this note was written on 2026-11-22 18:00 for the session of 2026-11-17."
            " Reason: Documentation delayed due to caseload volume."
        )
        assert app.screen.query_one("#late-notation", TextArea).text == notation
        await pilot.press("c")
        assert app.clipboard == notation
        # No terminal confirms OSC 52: never "copied"; `s` saves it, owner-only, path said.
        await pilot.press("s")
        await settle(app, pilot)
        saved = list((home / "reports").glob("late-entry-1-*.txt"))
        assert len(saved) == 1 and saved[0].read_text() == notation + "\n"
        assert saved[0].stat().st_mode & 0o777 == 0o600
        words = [n.message for n in app._notifications]
        assert any("Sent to the terminal's clipboard" in w for w in words)
        assert any(str(saved[0]) in w for w in words)
        assert not any("copied" in w.lower() for w in words)
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen and row_keys(screen) == []
    assert run_json("backlog")["items"] == []
    assert run_json("status")["outstanding"] == 0


async def test_form_error_keeps_the_form_open(home: Path, run_json: Callable[..., Any]) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backlog(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("home", "ctrl+k", *"2026-11-30", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        error = str(app.screen.query_one("#form-error").render())
        assert error.startswith("Session date 2026-11-30 is in the future")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, BacklogScreen)
    assert run_json("backlog")["items"] == []


async def test_edit_with_keys_and_on_time_done(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run("add", "--date", "2026-11-22", "--time", "09:00")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)
        await pilot.press(*["tab"] * 5, "space", "ctrl+s")  # the Court checkbox
        await settle(app, pilot)
        assert "P1 1" in str(screen.query_one("#backlog-summary").render())
        await pilot.press("d", "enter")
        await settle(app, pilot)
        assert app.screen is screen  # on time: no notation to paste
    assert run_json("status")["outstanding"] == 0


async def test_blocked_notes_are_apart_and_unblock_from_the_form(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run("add", "--date", "2026-11-20", "--blocked-on", "result")  # 1
    run("add", "--date", "2026-11-21")  # 2
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        assert row_keys(screen) == ["2", "heading:", "1"]
        await pilot.press("down")
        assert "any note" in str(screen.query_one("#backlog-checklist").border_title)
        await pilot.press("e")  # a heading is not a note
        assert isinstance(app.screen, BacklogScreen)
        await pilot.press("down", "e")
        await pilot.pause()
        assert isinstance(app.screen, ItemForm) and app.screen.item is not None
        assert app.screen.item.id == 1
        await pilot.press(*["tab"] * 8, "enter")  # open "Waiting on"
        await pilot.pause()
        await pilot.press("home", "enter", "ctrl+s")  # "nobody"
        await settle(app, pilot)
        assert row_keys(screen) == ["2", "1"]
    assert run_json("status")["outstanding"] == 2


async def test_editing_a_stale_row_keeps_a_note_written_elsewhere(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run("add", "--date", "2026-11-21")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_backlog(app, pilot)
        run("done", "1")  # meanwhile, from a shell
        await pilot.press("e")
        await pilot.pause()
        await pilot.press(*["tab"] * 4, "space", "ctrl+s")  # billed
        await settle(app, pilot)
    assert run_json("status")["outstanding"] == 0
    assert run_json("backlog")["items"] == []


async def test_filters_and_grouping(home: Path, run: Callable[..., Result]) -> None:
    run("add", "--date", "2026-11-20", "--court", "--type", "court_report")  # 1
    run("add", "--date", "2026-11-21")  # 2
    run("add", "--date", "2026-11-19", "--type", "intake")  # 3
    run("add", "--date", "2026-11-18")  # 4
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        assert row_keys(screen) == ["1", "2", "3", "4"]
        await pilot.press("g")
        assert row_keys(screen) == [
            "heading:court_report",
            "1",
            "heading:progress",
            "2",
            "4",
            "heading:intake",
            "3",
        ]
        assert "Showing grouped by type" in summary(screen)
        await pilot.press("g", "f")
        assert row_keys(screen) == ["1"] and "Showing P1 only\n" not in summary(screen)
        assert summary(screen).endswith("Showing P1 only")
        await pilot.press("f", "f", "f")  # P4
        assert row_keys(screen) == ["2", "3", "4"]
        await pilot.press("y")  # P4 and progress
        assert row_keys(screen) == ["2", "4"]
        await pilot.press("f")  # P5, progress: nothing
        assert row_keys(screen) == []
        assert summary(screen).endswith(
            "Showing P5 only, progress only: none match (f and y change the filters)"
        )
        await pilot.press("f")  # all tiers, still progress
        assert row_keys(screen) == ["2", "4"]


async def test_today_shows_blocked_apart_and_refreshes_after_backlog(
    home: Path, run: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-04T09:00")
    run("add", "--date", "2026-11-02", "--blocked-on", "result")
    monkeypatch.setenv("CAUGHTUP_NOW", NOW)
    run("add", "--date", "2026-11-20", "--blocked-on", "referral")
    run("add", "--date", "2026-11-21")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        glance = str(app.screen.query_one(Glance).render())
        assert "Blocked      2 waiting on others, 1 to chase" in glance
        assert "#1 result, waiting 18d · chase it" in glance
        assert "#2 referral, waiting 0d\n" in glance
        assert "under 1 week" in glance
        await open_backlog(app, pilot)
        await pilot.press("d", "enter")
        await settle(app, pilot)
        await pilot.press("t")
        await pilot.pause()
        assert "nothing outstanding" in str(app.screen.query_one(Glance).render())


def test_backlog_snapshot(
    home: Path, run: Callable[..., Result], snap_compare: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    run("config", "rules.payer_window_days", "30")
    run("add", "--date", "2026-11-19", "--type", "court_report", "--court")
    run("add", "--date", "2026-10-05", "--billed")
    run("add", "--date", "2026-11-17", "--time", "14:00", "--billed", "--client", "C7")
    run("add", "--date", "2026-11-21", "--time", "10:00", "--high-risk")
    run("add", "--date", "2026-11-22", "--time", "09:00", "--type", "intake")
    run("add", "--date", "2026-11-10", "--type", "case_note")
    run("add", "--date", "2026-11-22", "--type", "admin", "--admin")
    run("log", "--date", "2026-11-20", "--sessions", "2", "--written", "1")
    run("add", "--date", "2026-11-20", "--blocked-on", "referral")
    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-05T09:00")
    run("add", "--date", "2026-11-03", "--blocked-on", "result")
    monkeypatch.setenv("CAUGHTUP_NOW", NOW)

    async def show_backlog(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, CaughtupApp)
        await open_backlog(app, pilot)

    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=show_backlog)


async def test_client_refs_find_hide_delete_reopen_and_undo(
    home: Path, run_json: Callable[..., Any]
) -> None:
    from screens.confirm import Confirm
    from screens.mark_done import MarkDone
    from screens.reopen_pick import ReopenPick
    from tests.conftest import Notices, until

    a = run_json("add", "--date", "2026-11-17", "--client", "JD")["id"]
    b = run_json("add", "--date", "2026-11-18", "--client", "C7")["id"]
    notices = Notices()
    app = make_app(home)
    async with app.run_test(size=(80, 24), message_hook=notices.hook) as pilot:
        screen = await open_backlog(app, pilot)
        table = screen.query_one(NoteTable)
        assert "Client" in [label for label, _ in table.columns]  # at 80 columns
        assert "JD" in [str(cell) for cell in table.row_cells(row_keys(screen).index(str(a)))]

        await pilot.press("slash", *"c7", "enter")  # find by reference, any case
        assert row_keys(screen) == [str(b)]
        assert "client references holding 'c7'" in summary(screen)
        await pilot.press("slash", "ctrl+u", "enter")
        assert sorted(row_keys(screen)) == sorted([str(a), str(b)])

        await pilot.press("h")  # hidden for the session
        assert "Client" not in [label for label, _ in table.columns]
        assert "client references hidden" in summary(screen)
        await pilot.press("h")

        table.move_cursor(row=row_keys(screen).index(str(a)))
        await pilot.press("x")
        assert isinstance(app.screen, Confirm)
        await pilot.press("enter")  # the cursor starts on "keep it": nothing deleted
        assert str(a) in row_keys(screen)
        await pilot.press("x", "y")
        await settle(app, pilot)
        assert str(a) not in row_keys(screen)
        await pilot.press("ctrl+z")
        await until(pilot, lambda: str(a) in row_keys(screen), "the delete undone")
        assert any(f"Undone: deleted note #{a}" in n for n in notices)

        # Marked written at a time typed in the dialog; a time in the future is refused.
        table.move_cursor(row=row_keys(screen).index(str(a)))
        await pilot.press("d")
        assert isinstance(app.screen, MarkDone)
        field = app.screen.query_one("#done-at", Input)
        field.value = "2026-11-23 09:00"
        await pilot.press("enter")
        assert "Written at 2026-11-23 09:00 is in the future" in str(
            app.screen.query_one("#done-error").render()
        )
        field.value = "2026-11-19 08:30"
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(a) not in row_keys(screen)
        assert run_json("backlog")["items"][0]["id"] == b
        from tracker.workspace import Workspace

        ws = Workspace(home)
        written = ws.store.item(a).written_at
        assert written is not None and f"{written:%Y-%m-%d %H:%M}" == "2026-11-19 08:30"

        # Reopened from the list of notes written lately, then undone.
        await pilot.press("r")
        assert isinstance(app.screen, ReopenPick)
        await pilot.press("enter")
        assert isinstance(app.screen, Confirm)
        await pilot.press("y")
        await settle(app, pilot)
        assert str(a) in row_keys(screen)
        assert ws.store.item(a).written_at is None

        # The CLI changes the note meanwhile: the undo says so and changes nothing.
        run_json("done", str(a))
        await pilot.press("ctrl+z")
        await until(pilot, lambda: any("changed since" in n for n in notices), "refused")
        assert ws.store.item(a).written_at is not None
        ws.close()


async def test_a_long_backlog_makes_cells_only_for_the_rows_in_view(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """2,000 open notes: the table makes the cells of the rows it draws, not of every row, and a
    cursor move draws the two rows it changes, not the whole table (issue 21)."""
    from datetime import date, timedelta

    from screens import backlog_table
    from tracker.models import Item
    from tracker.workspace import Workspace

    ws = Workspace(home)
    start = date(2026, 6, 1)
    notes = [Item(None, start + timedelta(days=n % 170), client_ref=f"C{n}") for n in range(2000)]
    ws.store.add_notes(notes, ws.now())
    ws.close()
    made: list[int] = []
    real = backlog_table.cells

    def counted(r: Any, keys: Any) -> Any:
        made.append(r.item.id)
        return real(r, keys)

    monkeypatch.setattr(backlog_table, "cells", counted)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        await pilot.pause()
        table = screen.query_one(NoteTable)
        assert table.row_count == 2000
        in_view = table.scrollable_content_region.height - 1  # below the header
        assert 0 < len(made) <= in_view  # each row drawn once, and only those in view
        drawn: list[tuple[int, int]] = []
        draw = table.render_line
        monkeypatch.setattr(table, "render_line", lambda y: drawn.append(y) or draw(y))
        await pilot.press("down")
        await pilot.pause()
        assert table.cursor_row == 1 and len(drawn) == 2  # the rows it left and came to
        await pilot.press("end")
        await pilot.pause()
        assert table.current_key == screen.query_one(NoteTable).keys[-1]
        assert len(made) <= 2 * in_view + 1  # the last page's rows, not the 2,000 between


async def test_a_click_moves_the_cursor_and_a_second_click_opens_the_note(
    home: Path, run_json: Callable[..., Any]
) -> None:
    a = run_json("add", "--date", "2026-11-17")["id"]
    b = run_json("add", "--date", "2026-11-18", "--court")["id"]  # P1: first
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        assert row_keys(screen) == [str(b), str(a)]
        table = screen.query_one(NoteTable)
        await pilot.click(NoteTable, offset=(2, 2))  # line 0 is the header
        assert table.current_key == str(a)
        assert "#" + str(a) in str(screen.query_one("#backlog-checklist").border_title)
        await pilot.click(NoteTable, offset=(2, 2))
        await pilot.pause()
        assert isinstance(app.screen, ItemForm)


async def test_undoing_an_add_takes_back_the_session_it_added_to_the_check_in(
    home: Path, run_json: Callable[..., Any]
) -> None:
    """The day's check-in listed one session, already itemized: a note added for that day is a
    session more, so the check-in counts it; ctrl+z takes both back."""
    from tests.conftest import until
    from tracker.workspace import Workspace

    run_json("log", "--date", "2026-11-17", "--sessions", "1", "--written", "0")
    run_json("add", "--date", "2026-11-17", "--client", "JD")  # takes the anonymous one's place
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_backlog(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press("home", "ctrl+k", *"2026-11-17", "tab", *"15:00", "tab", "tab")
        await pilot.press(*"C7", "ctrl+s")
        await settle(app, pilot)
        assert len(row_keys(screen)) == 2
        with closing(Workspace(home)) as ws:
            assert ws.store.day_totals([date(2026, 11, 17)]) == {date(2026, 11, 17): (2, 0)}
        await pilot.press("ctrl+z")
        await until(pilot, lambda: len(row_keys(screen)) == 1, "the add undone")
        with closing(Workspace(home)) as ws:
            assert ws.store.day_totals([date(2026, 11, 17)]) == {date(2026, 11, 17): (1, 0)}
