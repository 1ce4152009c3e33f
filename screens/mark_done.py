"""Confirm marking one note written (a stray key should not finish a note)."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class MarkDone(ModalScreen[bool]):
    """Returns True to mark the note written now."""

    DEFAULT_CSS = """
    MarkDone { align: center middle; }
    MarkDone > Vertical {
        width: 60; height: auto; border: round $primary; padding: 0 1; background: $surface;
    }
    MarkDone #done-buttons { height: 1; margin-top: 1; }
    MarkDone #done-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, summary: str, late: bool) -> None:
        super().__init__()
        self.summary, self.late = summary, late

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Mark written"
            yield Static(self.summary)
            if self.late:
                yield Static("It is past the late-entry limit: you will get the notation to paste.")
            with Horizontal(id="done-buttons"):
                yield Button("Mark written now", id="done-yes", variant="primary", compact=True)
                yield Button("Not yet", id="done-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#done-yes", Button).focus()

    @on(Button.Pressed, "#done-yes")
    def confirm(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#done-no")
    def action_cancel(self) -> None:
        self.dismiss(False)
