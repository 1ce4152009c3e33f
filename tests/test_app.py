"""The app frame: keys that work everywhere, help, the palette, themes, going back."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from textual.app import App
from textual.command import CommandList, CommandPalette
from textual.widgets import Header, Input, Markdown, Static

from screens import app as app_module
from screens.app import DARK, LIGHT, make_app
from screens.footer import Footer
from screens.help import HelpScreen
from screens.today import TodayScreen
from tests.conftest import Notices, until
from tracker import settings


def shown_keys(app: App[Any]) -> dict[str, str]:
    """The Footer's bindings right now: key -> description."""
    active = app.screen.active_bindings
    return {k: a.binding.description for k, a in active.items() if a.binding.show}


async def test_screen_keys_work_inside_a_field_and_letters_after_escape(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen.focused, Input)
        keys = shown_keys(app)
        assert keys["f2"] == "Today" and keys["f1"] == "Help"
        assert "t" not in keys and "question_mark" not in keys  # letters are text here
        await pilot.press("escape")
        assert app.screen.focused is None
        keys = shown_keys(app)
        assert keys["t"] == "Today" and keys["question_mark"] == "Help"
        await pilot.press("tab")
        assert isinstance(app.screen.focused, Input)


async def test_f1_opens_help_from_the_form_with_the_users_numbers(
    home: Path, run: Callable[..., Result]
) -> None:
    run("config", "rules.threshold", "7")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("f1")
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.query_one(Markdown).source
        assert "## Today" in text
        assert "The 7-note threshold" in text and "24-hour rule" in text
        assert "P1 court-involved" in text and "over 3 weeks" in text
        await pilot.press("escape")
        assert isinstance(app.screen, TodayScreen)
        assert isinstance(app.screen.focused, Input)  # focus comes back where it was
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)


async def test_escape_returns_to_the_screen_you_came_from(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        app.add_mode("other", TodayScreen)
        app.screen.query_one("#sessions", Input).value = "4"
        app.action_go("other")
        await pilot.pause()
        assert app.current_mode == "other"
        await pilot.press("escape", "escape")  # leave the field, then go back
        assert app.current_mode == "today"
        assert app.screen.query_one("#sessions", Input).value == "4"  # nothing lost


async def test_palette_lists_screens_and_actions(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"help for")
        found = app.screen.query_one(CommandList)
        await until(  # the palette searches in a worker
            pilot,
            lambda: bool(found.option_count) and "Help" in str(found.get_option_at_index(0).prompt),
            "the palette's first hit is the help",
        )
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


async def test_theme_switch_is_remembered(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.theme == DARK
        await pilot.press("ctrl+t")
        assert app.theme == LIGHT
        await app.workers.wait_for_complete()
    assert settings.load(home).theme == LIGHT
    again = make_app(home)
    async with again.run_test(size=(80, 24)):
        assert again.theme == LIGHT


async def test_unknown_theme_falls_back_gently(home: Path, run: Callable[..., Result]) -> None:
    run("config", "theme", "no-such-theme")
    notices = Notices()
    app = make_app(home)
    async with app.run_test(size=(80, 24), message_hook=notices.hook) as pilot:
        await until(pilot, lambda: bool(notices), "a notice")
        assert app.theme == DARK
        assert any("not installed" in notice for notice in notices), notices
        await app.workers.wait_for_complete()
    assert settings.load(home).theme == "no-such-theme"  # the choice stays the user's


async def test_after_escape_the_letters_keep_working_when_you_come_back(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("escape", "question_mark")
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, TodayScreen)
        assert app.screen.focused is None
        await pilot.press("question_mark")  # still a screen key, not text
        assert isinstance(app.screen, HelpScreen)


async def test_header_shows_the_work_goes_tall_and_its_icon_opens_the_palette(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The word follows the screen's own worker, not the app's periodic look for outside changes.
    monkeypatch.setattr(app_module, "LOOK_SECONDS", 3600)
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        header = app.screen.query_one(Header)
        title = header.query_one("HeaderTitle", Static)

        def shown() -> str:
            return str(title.render())

        assert shown() == "caughtup"
        release = threading.Event()
        app.screen.run_worker(release.wait, name="save_checkin", thread=True)
        try:
            await until(pilot, lambda: "working" in shown(), "the busy word")
            assert shown() == "caughtup — working: save checkin …"
        finally:
            release.set()
        await until(pilot, lambda: "working" not in shown(), "the word gone")
        assert shown() == "caughtup"
        await pilot.click(Header, offset=(40, 0))
        assert header.size.height == 3
        await pilot.click(Header, offset=(40, 0))
        assert header.size.height == 1
        await pilot.click(Header, offset=(2, 0))
        await pilot.pause()
        assert isinstance(app.screen, CommandPalette)


async def test_footer_keys_run_when_clicked_and_fit_the_width(home: Path) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        footer = app.screen.query_one(Footer)
        assert footer.render().plain.splitlines() == [
            "^s Save",
            "F2 Today F3 Backlog F4 Sprint F5 Self-check F6 Trends F7 Settings F1 Help",
        ]  # compact, and no palette key below 110 columns
        await pilot.resize_terminal(120, 30)
        await pilot.pause()
        assert not footer.compact
        assert footer.render().plain.splitlines()[1].endswith("▏^p palette ")
        await pilot.click(Footer, offset=(len(" F2 Today "), 1))
        assert app.current_mode == "backlog"
