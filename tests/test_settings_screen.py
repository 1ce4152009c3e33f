"""The Settings screen, driven by real keys: fields saved at once, URLs masked, a test sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from click.testing import Result
from textual.widgets import Checkbox, Input, OptionList, Static

from screens.app import make_app
from screens.settings import SettingsScreen
from tests.conftest import Notices, paste, until
from tests.http_sink import free_port, serve
from tracker import settings
from tracker.clock import resolve_tz
from tracker.records import Delivery
from tracker.store import Store


def text_of(app: Any, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_settings(app: Any, pilot: Any) -> None:
    await pilot.press("f7")
    await pilot.pause()
    assert isinstance(app.screen, SettingsScreen)


async def test_edit_fields_with_keys(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        assert app.screen.focused is app.screen.query_one("#set-rules-threshold", Input)
        await pilot.press("backspace", "7", "enter")  # saved; the cursor moves to rule hours
        await pilot.press("ctrl+a", "ctrl+k", "0", "enter")  # out of range: named, not saved
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Rule hours must be a whole number from 1 to 336" in text_of(app, "#settings-error")
        assert app.screen.focused is app.screen.query_one("#set-rules-rule_hours", Input)
        await pilot.press("ctrl+a", "ctrl+k", *"48", "tab")  # leaving a field saves it too
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert text_of(app, "#settings-error") == ""
    saved = settings.load(home)
    assert saved.rules.threshold == 7 and saved.rules.rule_hours == 48


async def test_quiet_hours_weekends_and_time_zone(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_settings(app, pilot)
        app.screen.query_one("#set-notify-quiet_hours", Input).focus()
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, "20:00-07:30")
        await pilot.press("enter")
        box = app.screen.query_one("#set-notify-weekends", Checkbox)
        box.focus()
        await pilot.press("space")
        assert "on" in str(box.label)
        app.screen.query_one("#set-timezone", Input).focus()
        await paste(pilot, "Mars/Base")
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert "Time zone must be an IANA time zone" in text_of(app, "#settings-error")
    saved = settings.load(home)
    assert saved.notify.quiet_hours == "20:00-07:30" and saved.notify.weekends is True
    assert saved.timezone == ""


async def test_add_url_send_test_and_remove(home: Path) -> None:
    refused = f"json://127.0.0.1:{free_port()}/tok-DOWN42"
    with serve() as sink:
        secret = sink.url("tok-SECRET77")
        app = make_app(home)
        async with app.run_test(size=(80, 24)) as pilot:
            await open_settings(app, pilot)
            app.screen.query_one("#new-url", Input).focus()
            for url in (secret, refused):
                await paste(pilot, url)
                await pilot.press("enter")
            await app.workers.wait_for_complete()
            await pilot.press("f8")
            await app.workers.wait_for_complete()
            await pilot.pause()
            result = text_of(app, "#last-delivery")
            assert "worked" in result and "FAILED" in result
            shown = app.export_screenshot()
            assert "SECRET77" not in shown and "DOWN42" not in shown
            listing = app.screen.query_one("#urls", OptionList)
            assert listing.option_count == 2
            listing.focus()
            listing.highlighted = 1
            await pilot.press("x")
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert listing.option_count == 1
        assert [m["title"] for m in sink.messages] == ["caughtup test"]
    assert settings.load(home).notify.urls == [secret]
    assert (home / "settings.toml").stat().st_mode & 0o777 == 0o600


async def test_a_failed_reminder_shows_as_a_quiet_toast(home: Path) -> None:
    record_failure(home)
    toasts = Notices()
    app = make_app(home)
    async with app.run_test(size=(80, 24), message_hook=toasts.hook) as pilot:
        await until(pilot, lambda: bool(toasts), "a toast")
        assert any("was not delivered" in t and "json://••••••" in t for t in toasts), toasts


def record_failure(home: Path) -> None:
    with Store.open(home, resolve_tz("UTC")) as store:
        store.record_deliveries(
            [
                Delivery(
                    at=datetime(2026, 11, 22, 17, 30, tzinfo=UTC),
                    kind="threshold",
                    channel="0123456789abcdef",
                    target="json://••••••ook",
                    ok=False,
                    error="A Connection error occurred sending JSON notification to •••.",
                )
            ]
        )


def test_settings_snapshot(home: Path, run: Callable[..., Result], snap_compare: Any) -> None:
    run("config", "notify.urls", "ntfy://my-topic-abc,json://127.0.0.1:9/hook")
    run("config", "rules.threshold", "6")
    record_failure(home)

    async def run_before(pilot: Any) -> None:
        await pilot.press("f7", "escape")  # out of the field: no blinking cursor in the picture
        await pilot.pause()
        pilot.app.clear_notifications()

    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=run_before)
