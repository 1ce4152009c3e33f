"""First run: every step has a default, Enter moves on, Escape goes back, nothing half-saved."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Input, OptionList

from screens.app import OPEN_DEMO, make_app
from screens.onboarding import OnboardingScreen
from screens.today import TodayScreen
from tests.conftest import paste
from tracker import settings


async def test_enter_through_every_step_keeps_the_defaults(home: Path) -> None:
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        assert isinstance(app.screen, OnboardingScreen)
        await pilot.press(*["enter"] * 10)  # welcome, tz, days, threshold, 3 block fields, ...
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    saved = settings.load(home)
    assert saved.onboarded
    assert saved.rules.threshold == 5 and saved.sprint.days == ["tue", "thu"]
    assert saved.locale == "other" and saved.notify.urls == []  # UTC and no locale: no guess


async def test_answers_are_saved_and_a_bad_one_is_named(home: Path) -> None:
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter")  # set up now
        await paste(pilot, "Europe/Dublin")
        await pilot.press("enter", "ctrl+u")
        await paste(pilot, "mon,tue,thu")
        await pilot.press("enter")
        await pilot.press("ctrl+u", *"0", "enter")
        error = str(app.screen.query_one("#onboarding-error").render())
        assert "Open notes must be a whole number from 1 to 100" in error
        assert app.screen.step == 3  # still on the threshold
        await pilot.press("escape")
        assert app.screen.step == 2  # back a step
        await pilot.press("enter", "ctrl+u", *"6", "enter")
        await pilot.press("enter", "ctrl+u", *"14:00", "enter", "enter")  # blocks
        await pilot.press("enter")  # the locale guessed from the zone: Ireland
        await paste(pilot, "json://127.0.0.1:9/")
        await pilot.press("enter")
        summary = str(app.screen.query_one("#summary").render())
        assert "Threshold      6 open notes" in summary and "Ireland" in summary
        assert not settings.settings_path(home).exists()  # nothing saved before the end
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert isinstance(app.screen.focused, Input)
    saved = settings.load(home)
    assert saved.timezone == "Europe/Dublin" and saved.working_days == ["mon", "tue", "thu"]
    assert saved.rules.threshold == 6 and saved.sprint.start == "14:00"
    assert saved.locale == "IE" and saved.notify.urls == ["json://127.0.0.1:9/"]


async def test_skip_everything_with_ctrl_n(home: Path) -> None:
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
    assert settings.load(home).onboarded


async def test_demo_first_saves_nothing(home: Path) -> None:
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("down", "enter")
        await pilot.pause()
    assert app.return_value == OPEN_DEMO
    assert not settings.settings_path(home).exists()


async def test_no_questions_once_onboarded(home: Path) -> None:
    settings.save(home, settings.Settings(onboarded=True))
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)):
        assert isinstance(app.screen, TodayScreen)


async def test_the_country_is_asked_and_preselected_from_the_system_locale(
    home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(*["enter"] * 7)  # welcome, tz, days, threshold, 3 block fields
        screen = app.screen
        assert isinstance(screen, OnboardingScreen) and screen.step == 5
        options = screen.query_one("#locale OptionList", OptionList)
        highlighted = options.get_option_at_index(options.highlighted or 0)
        assert highlighted.id == "DE" and "Germany" in str(highlighted.prompt)
        assert options.get_option_at_index(options.option_count - 1).id == "other"
        await pilot.press("up", "enter")  # the country above Germany in the list
        await pilot.press("enter")
        assert "Crisis info    France" in str(screen.query_one("#summary").render())


async def test_an_error_puts_the_cursor_on_the_field_it_names(home: Path) -> None:
    app = make_app(home, welcome=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("enter", "enter", "enter", "enter")  # to the catch-up blocks
        await pilot.press("ctrl+u", *"mon,xyz", "enter", "enter", "enter")
        error = str(app.screen.query_one("#onboarding-error").render())
        assert "Days" in error and "--" not in error
        assert app.screen.focused is not None and app.screen.focused.id == "field-sprint-days"
        await pilot.press("ctrl+u", *"mon", "enter")  # fixed: the error goes
        assert str(app.screen.query_one("#onboarding-error").render()).strip() == ""
