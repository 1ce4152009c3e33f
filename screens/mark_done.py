"""Confirm marking one note written (a stray key should not finish a note); for a late one, the
reason its notation gives and, for a high-risk session, whether it was written from memory."""

from __future__ import annotations

from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from tracker.settings import check_reason


class Marked(NamedTuple):
    """The answer: mark it written now, with this reason ("" for none) and memory flag."""

    reason: str
    from_memory: bool


class MarkDone(ModalScreen[Marked | None]):
    """Returns what the notation should say when the note is to be marked written now, or None."""

    DEFAULT_CSS = """
    MarkDone { align: center middle; }
    MarkDone > Vertical {
        width: 64; height: auto; border: round $primary; padding: 0 1; background: $surface;
    }
    MarkDone #done-reason { margin-top: 1; }
    MarkDone #done-error { color: $error; height: auto; }
    MarkDone #done-buttons { height: 1; margin-top: 1; }
    MarkDone #done-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, summary: str, late: bool, reason: str = "", high_risk: bool = False) -> None:
        super().__init__()
        self.summary, self.late, self.reason, self.high_risk = summary, late, reason, high_risk

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Mark written"
            yield Static(self.summary)
            if self.late:
                yield Static(
                    "It is past the late-entry limit: you will get the notation to paste. "
                    "Its reason (empty for none):"
                )
                yield Input(self.reason, id="done-reason", compact=True, placeholder="no reason")
                if self.high_risk:
                    yield Checkbox("Reconstructed from memory", id="done-memory", compact=True)
                yield Static("", id="done-error")
            with Horizontal(id="done-buttons"):
                yield Button("Mark written now", id="done-yes", variant="primary", compact=True)
                yield Button("Not yet", id="done-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#done-yes", Button).focus()

    @on(Input.Submitted, "#done-reason")
    @on(Button.Pressed, "#done-yes")
    def confirm(self) -> None:
        if not self.late:
            self.dismiss(Marked("", False))
            return
        reason = self.query_one("#done-reason", Input).value.strip()
        problem = check_reason(reason)
        if problem:
            self.query_one("#done-error", Static).update(f"The reason must be {problem}.")
            return
        memory = self.high_risk and self.query_one("#done-memory", Checkbox).value
        self.dismiss(Marked(reason, memory))

    @on(Button.Pressed, "#done-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
