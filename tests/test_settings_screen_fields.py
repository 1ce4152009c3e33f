"""The Settings screen's later fields (reminders, summary, privacy, print) and its scrolling body."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.widgets import Input

from screens.app import make_app
from screens.note_table import NoteTable
from screens.tick import Tick
from tests.conftest import until
from tests.test_settings_screen import open_settings, text_of
from tracker import settings

TYPED = {
    "notify.checkin_at": "18:15",
    "notify.weekly_review_day": "Mon",
    "workload.session_minutes": "45",
    "workload.weeks": "8",
    "page_size": "a4",
    "night_until": "03:00",
}
# Each tick, pressed once from its default: the words it then shows.
TICKED = {
    "notify.checkin_reminder": "Check-in reminder: off",
    "notify.weekly_review": "Weekly review: on",
    "privacy.hide_refs": "Client refs: hidden",
    "status.show_streak": "Streak in status: on",
}


def fid(key: str) -> str:
    return "#set-" + key.replace(".", "-")


async def type_into(app: Any, pilot: Any, key: str, value: str) -> None:
    field = app.screen.query_one(fid(key), Input)
    field.focus()
    field.value = value  # as a paste puts it: typed, a key takes two waits in the pilot
    await pilot.press("enter")


async def test_later_fields_save_and_ticks_toggle_with_keys(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        for key, value in TYPED.items():
            await type_into(app, pilot, key, value)
        for key, words in TICKED.items():
            tick = app.screen.query_one(fid(key), Tick)
            tick.focus()
            await pilot.press("space")
            assert str(tick.label) == words
        await pilot.press("enter")  # Enter ticks too: the streak back off
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(app, "#settings-error") == ""
        assert "Saved: Streak in status = off" in text_of(app, "#settings-status")
    saved = settings.load(home)
    assert saved.notify.checkin_at == "18:15" and saved.notify.weekly_review_day == "mon"
    assert saved.workload == settings.Workload(session_minutes=45, weeks=8)
    assert saved.page_size == "a4" and saved.night_until == "03:00"
    assert not saved.notify.checkin_reminder and saved.notify.weekly_review
    assert saved.privacy.hide_refs and not saved.status.show_streak


BAD = [
    ("notify.checkin_at", "25:00", "Reminder time must be a time as HH:MM, e.g. 16:00"),
    ("workload.session_minutes", "5", "Session minutes must be a whole number from 10 to 240"),
    ("page_size", "a5", "Paper size must be one of auto, letter, a4"),
]


async def test_a_bad_value_is_named_and_not_saved(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        for key, value, said in BAD:
            await type_into(app, pilot, key, value)
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert said in text_of(app, "#settings-error")
            assert app.screen.focused is app.screen.query_one(fid(key), Input)
    assert not (home / "settings.toml").exists()


async def test_tab_reaches_every_field_in_view(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        body = app.screen.query_one("#settings-body")
        seen = []
        while (focused := app.screen.focused) is not None and focused.id not in seen:
            seen.append(focused.id)
            assert body.region.contains_region(focused.region), (focused.id, focused.region)
            await pilot.press("tab")
            await pilot.pause()  # the scroll to it comes after a refresh
        # the Calendar panel's last field, and every setting with a field or a tick
        assert "set-sprint-days_off" in seen
        fields = {w.id for w in app.screen.query("Input, Tick")}
        assert fields <= set(seen), fields - set(seen)
        assert body.max_scroll_y > 0
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert body.max_scroll_y == 0  # every field in view at once


async def test_hiding_refs_here_hides_them_on_the_backlog(
    home: Path, run: Callable[..., Any]
) -> None:
    run("add", "--date", "2026-11-18", "--client", "ZQ9")

    def refs_shown() -> bool:
        return "Client" in [label for label, _ in app.screen.query_one(NoteTable).columns]

    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f3")
        await until(pilot, refs_shown, "the Backlog shows client refs")
        await open_settings(app, pilot)
        app.screen.query_one(fid("privacy.hide_refs"), Tick).focus()
        await pilot.press("space")
        await app.workers.wait_for_complete()
        await pilot.press("f3")
        await until(pilot, lambda: not refs_shown(), "the Backlog hides client refs")
        assert "ZQ9" not in app.export_screenshot()
    # Quitting closes the Settings screen after the Backlog's; laid out again then, its Footer
    # asked the app for keys with no screen in view (ScreenStackError) until footer.py said none.


async def test_a_failed_reminder_run_shows_under_the_last_delivery(
    home: Path, run: Callable[..., Any]
) -> None:
    """The printed cron line leaves a failing run's reason in the data folder; the screen
    says it, so reminders that stopped do not stay silent."""
    run("log", "--sessions", "1", "--written", "1")
    (home / "remind-errors.log").write_text(
        "caughtup: notify.quiet_hours must look like 19:00-08:00, got '7pm'\n"
    )
    app = make_app(home)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_settings(app, pilot)
        shown = text_of(app, "#last-delivery")
        assert "No notification sent yet." in shown
        assert "The last reminder run failed: notify.quiet_hours must look like" in shown
