"""The Today screen, driven by real key presses through Textual's pilot."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from textual.app import App, ComposeResult
from textual.widgets import Button, Input, Static

from screens.app import make_app
from screens.glance import Glance
from screens.today import SaveButton
from tests.conftest import Notices, settled, until


async def test_log_a_day_with_keys(home: Path, run_json: Callable[..., Any]) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(
            *"6", "enter", *"4", "enter", "enter", *"30", "enter", "2", "enter", "1", "enter"
        )
        await app.workers.wait_for_complete()
        await pilot.pause()
        glance = str(app.screen.query_one(Glance).render())
        assert "2 outstanding, threshold 5" in glance
    day = json.loads(json.dumps(run_json("status")))
    assert day["outstanding"] == 2


async def test_relog_shows_saved_values_and_corrects(
    home: Path, run: Callable[..., Result], run_json: Callable[..., Any]
) -> None:
    run("log", "--sessions", "5", "--written", "1", "--dread", "3")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.screen.query_one("#sessions", Input).value == "5"
        assert app.screen.query_one("#dread", Input).value == "3"
        app.screen.query_one("#written", Input).value = "5"
        await pilot.press("ctrl+s")
        await app.workers.wait_for_complete()
        await pilot.pause()
    assert run_json("status")["outstanding"] == 0


async def test_bad_value_shows_error_and_saves_nothing(
    home: Path, run_json: Callable[..., Any]
) -> None:
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3", "enter", "5", "ctrl+s")
        await pilot.pause()
        error = str(app.screen.query_one("#checkin-error").render())
        assert error == (
            "Notes written same day 5 is more than Sessions held 3; same-day notes are for "
            "today's sessions (count older notes with Backlog notes cleared)"
        )
        await pilot.press("backspace", "2")  # fixed: the old error goes
        await pilot.pause()
        assert str(app.screen.query_one("#checkin-error").render()).strip() == ""
    assert run_json("status")["outstanding"] == 0


def test_today_snapshot(home: Path, run: Callable[..., Result], snap_compare: Any) -> None:
    run("log", "--date", "2026-11-19", "--sessions", "4", "--written", "1")
    run("log", "--sessions", "5", "--written", "4", "--after-hours", "45", "--dread", "2")

    async def steady_cursor(pilot: Any) -> None:
        # A blinking cursor makes the picture depend on timing (it flips on a loaded machine).
        for field in pilot.app.screen.query(Input):
            field.cursor_blink = False
        await pilot.pause()

    assert snap_compare(make_app(home), terminal_size=(80, 24), run_before=steady_cursor)


class OneButton(App[None]):
    """A button alone, to compare how it looks."""

    def __init__(self, button: type[Button], theme: str) -> None:
        super().__init__()
        self.button, self.wanted = button, theme

    def compose(self) -> ComposeResult:
        yield self.button("Save check-in", id="save", variant="primary", compact=True)

    def on_mount(self) -> None:
        self.theme = self.wanted


@pytest.mark.parametrize("theme", ["textual-dark", "textual-light"])
async def test_the_save_button_looks_like_textuals_primary_button(theme: str) -> None:
    """SaveButton carries a copy of Button's CSS for its one look (see its docstring): a new
    Textual must not leave it looking unlike the app's other buttons."""
    pictures: dict[type[Button], list[str]] = {}
    for button in (Button, SaveButton):
        app = OneButton(button, theme)
        async with app.run_test(size=(30, 3)) as pilot:
            await pilot.pause()
            shots = [app.export_screenshot(title="button")]
            app.query_one(button).focus()
            await pilot.pause()
            shots.append(app.export_screenshot(title="button"))
            await pilot.hover(button)
            await pilot.pause()
            shots.append(app.export_screenshot(title="button"))
        pictures[button] = shots
    assert pictures[SaveButton] == pictures[Button]  # resting, focused, under the mouse


async def test_yesterday_a_working_day_not_logged_is_offered(
    home: Path, run_json: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from screens.app import make_app
    from screens.glance import Glance
    from tests.conftest import until

    monkeypatch.setenv("CAUGHTUP_NOW", "2026-11-20T18:00")  # a Friday: Thursday was working
    run_json("config", "onboarded", "true")
    app = make_app(home)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        glance = str(app.screen.query_one(Glance).render())
        assert "yesterday, a working day, is not logged" in glance
        assert "no sessions yesterday" not in glance
        await pilot.press("escape", "l", *"4", "enter", *"3", "ctrl+s")
        await app.workers.wait_for_complete()
        await until(
            pilot,
            lambda: "Thu 19 Nov" not in str(app.screen.query_one("#checkin").border_title),
            "back to today",
        )
    assert run_json("trends", "--weeks", "1")["weeks"][0]["sessions"] == 4
    day = run_json("status")
    assert day["outstanding"] == 1


async def test_the_habit_line_and_the_acknowledgement_after_a_kept_day(
    home: Path, run: Callable[..., Result]
) -> None:
    # Thursday kept, Friday missed (one of three notes left open), then today (Sunday) kept.
    assert run("log", "--date", "2026-11-19", "--sessions", "2", "--written", "2").exit_code == 0
    assert run("log", "--date", "2026-11-20", "--sessions", "3", "--written", "2").exit_code == 0
    notices = Notices()
    app = make_app(home)
    async with app.run_test(size=(80, 24), message_hook=notices.hook) as pilot:
        line = app.screen.query_one("#habit", Static)
        await until(pilot, lambda: "streak" in str(line.render()), "the habit line")
        assert str(line.render()) == ("Same-day habit: streak 0 working days · best 1 · strength 5")
        await pilot.press(*"2", "enter", *"2", "ctrl+s")
        await until(pilot, lambda: any("Kept" in n for n in notices), "the acknowledgement")
        await settled(pilot)
        assert "Kept today: streak 1 working day, strength 10." in notices[-1]
        assert "streak 1 working day · best 1" in str(line.render())
