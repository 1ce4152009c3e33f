"""After midnight, which day a check-in is for: the evening just ended, or the new day."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from tracker import words


class WhichDay(ModalScreen[date | None]):
    """Returns the day chosen for the check-in, or None (Escape: nothing is saved)."""

    DEFAULT_CSS = """
    WhichDay { align: center middle; }
    WhichDay > Vertical {
        width: 60; height: auto; border: round $primary; padding: 0 1; background: $surface;
    }
    WhichDay #day-buttons { height: 1; margin-top: 1; }
    WhichDay #day-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, today: date, evening: date, clock: str) -> None:
        super().__init__()
        self.today, self.evening, self.clock = today, evening, clock

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Which day?"
            yield Static(
                f"It is {self.clock}, after midnight. Is this check-in for the day just ended?"
            )
            with Horizontal(id="day-buttons"):
                yield Button(
                    words.day(self.evening, year=False),
                    id="day-evening",
                    variant="primary",
                    compact=True,
                )
                yield Button(words.day(self.today, year=False), id="day-today", compact=True)

    @on(Button.Pressed, "#day-evening")
    def evening_chosen(self) -> None:
        self.dismiss(self.evening)

    @on(Button.Pressed, "#day-today")
    def today_chosen(self) -> None:
        self.dismiss(self.today)

    def action_cancel(self) -> None:
        self.dismiss(None)
