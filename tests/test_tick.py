"""Checkbox marks read without colour: an empty box unticked, a tick when ticked."""

from __future__ import annotations

from textual.app import App, ComposeResult

from screens.tick import Tick


class Boxes(App[None]):
    def compose(self) -> ComposeResult:
        yield Tick("off", id="off")
        yield Tick("on", True, id="on")


async def test_marks_differ_without_colour() -> None:
    app = Boxes()
    async with app.run_test() as pilot:
        off, on = (str(app.query_one(f"#{n}", Tick).render()) for n in ("off", "on"))
        assert "X" not in off and "✓" not in off and "✓" in on
        await pilot.click("#off")
        assert "✓" in str(app.query_one("#off", Tick).render())
