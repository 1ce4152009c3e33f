"""The calendar in the app: Settings takes a source and syncs it; Today offers "sync" and fills
the sessions held from the calendar, so typing the notes written is enough."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from textual.widgets import Input

from screens.app import make_app
from tests.conftest import Notices, paste, until
from tracker import settings
from tracker.paths import DB_NAME

# Today (Sun 22 Nov 2026, 18:00 UTC in the tests): three sessions over, one still to come.
TODAY = (
    b"""BEGIN:VCALENDAR
VERSION:2.0
PRODID:-//test//EN
"""
    + b"".join(
        b"BEGIN:VEVENT\nUID:s%d@test\nDTSTART:20261122T%02d0000Z\nDTEND:20261122T%02d5000Z\n"
        b"SUMMARY:Session with Client Name %d\nEND:VEVENT\n" % (n, hour, hour, n)
        for n, hour in enumerate((9, 11, 14, 19))
    )
    + b"END:VCALENDAR\n"
)


def day_rows(home: Path) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    conn = sqlite3.connect(home / DB_NAME)
    try:
        items = conn.execute(
            "SELECT source, written_at IS NOT NULL FROM items ORDER BY id"
        ).fetchall()
        return items, conn.execute("SELECT sessions, written FROM days").fetchall()
    finally:
        conn.close()


async def test_settings_sync_then_today_fills_sessions_from_the_calendar(
    home: Path, tmp_path: Path
) -> None:
    ics = tmp_path / "today.ics"
    ics.write_bytes(TODAY)
    toasts = Notices()
    app = make_app(home)
    async with app.run_test(size=(80, 24), message_hook=toasts.hook) as pilot:
        await pilot.press("f7")  # Settings
        field = app.screen.query_one("#set-calendar-source", Input)
        field.focus()
        await paste(pilot, str(ics))
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        assert settings.load(home).calendar.source == str(ics)
        app.screen.query_one("#sync-calendar").focus()
        await pilot.press("enter")
        await until(pilot, lambda: any("Added 3 notes" in t for t in toasts), "synced")
        assert day_rows(home)[0] == [("calendar", 0)] * 3
    # The app again: Today's form holds the calendar's 3 sessions, and it offers a sync.
    toasts.clear()
    app = make_app(home)
    async with app.run_test(size=(80, 24), message_hook=toasts.hook) as pilot:
        assert app.screen.query_one("#sessions", Input).value == "3"
        app.screen.query_one("#sync-calendar").focus()
        await pilot.press("enter")
        await until(pilot, lambda: any("Nothing to change" in t for t in toasts), "synced again")
        written = app.screen.query_one("#written", Input)
        written.focus()
        written.value = "2"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: any("Check-in saved" in t for t in toasts), "saved")
    items, days = day_rows(home)
    assert sorted(items) == [("calendar", 0), ("calendar", 1), ("calendar", 1)]
    assert days == [(3, 2)]
    assert not any(b"Client Name" in p.read_bytes() for p in home.iterdir() if p.is_file())
