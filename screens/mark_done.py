"""Confirm marking one note written (a stray key should not finish a note), and when it was
written; for a late one, the reason its notation gives and, for a high-risk session, whether it
was written from memory."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import ClassVar, NamedTuple

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Static

from screens.tick import Tick
from tracker.errors import InputError
from tracker.settings import check_reason

WRITTEN_AT = "Written at"
"""The time field's label, which its errors name."""


class Marked(NamedTuple):
    """The answer: mark it written at `at`, with this reason ("" for none) and memory flag."""

    reason: str
    from_memory: bool
    at: datetime | None = None
    """When it was written; None for now."""


class MarkDone(ModalScreen[Marked | None]):
    """Returns what the notation should say when the note is to be marked written now, or None."""

    DEFAULT_CSS = """
    MarkDone { align: center middle; }
    MarkDone > Vertical {
        width: 64; height: auto; border: round $primary; padding: 0 1; background: $surface;
    }
    MarkDone #done-reason { margin-top: 1; }
    MarkDone #done-when { height: 1; margin-top: 1; }
    MarkDone #done-when Static { width: auto; margin-right: 1; }
    MarkDone #done-at { width: 20; }
    MarkDone #done-error { color: $error; height: auto; }
    MarkDone #done-buttons { height: 1; margin-top: 1; }
    MarkDone #done-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        summary: str,
        late: bool,
        reason: str = "",
        high_risk: bool = False,
        *,
        now: datetime,
        moment: Callable[[str], datetime],
    ) -> None:
        """`moment` reads the typed time, raising InputError when the note cannot have been
        written then; `late` is whether it is a late entry if written `now`."""
        super().__init__()
        self.summary, self.late, self.reason, self.high_risk = summary, late, reason, high_risk
        self.now, self.moment = now, moment

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Mark written"
            yield Static(self.summary, markup=False)
            with Horizontal(id="done-when"):
                yield Static(WRITTEN_AT)
                yield Input(f"{self.now:%Y-%m-%d %H:%M}", id="done-at", compact=True)
            if self.late:
                yield Static(
                    "It is past the late-entry limit: you will get the notation to paste. "
                    "Its reason (empty for none):"
                )
                yield Input(self.reason, id="done-reason", compact=True, placeholder="no reason")
                if self.high_risk:
                    yield Tick("Reconstructed from memory", id="done-memory", compact=True)
            yield Static("", id="done-error")
            with Horizontal(id="done-buttons"):
                yield Button("Mark written", id="done-yes", variant="primary", compact=True)
                yield Button("Not yet", id="done-no", compact=True)

    def on_mount(self) -> None:
        self.query_one("#done-yes", Button).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#done-yes")
    def confirm(self) -> None:
        error = self.query_one("#done-error", Static)
        field = self.query_one("#done-at", Input)
        typed = field.value.strip()
        try:
            at = None if typed == f"{self.now:%Y-%m-%d %H:%M}" else self.moment(typed)
        except InputError as exc:
            error.update(exc.words(lambda _: WRITTEN_AT))
            field.focus()
            return
        if not self.late:
            self.dismiss(Marked("", False, at))
            return
        reason = self.query_one("#done-reason", Input).value.strip()
        problem = check_reason(reason)
        if problem:
            error.update(f"The reason must be {problem}.")
            self.query_one("#done-reason", Input).focus()
            return
        memory = self.high_risk and self.query_one("#done-memory", Checkbox).value
        self.dismiss(Marked(reason, memory, at))

    @on(Input.Changed)
    def typed(self) -> None:
        # An error is about what was typed: once typing again, it no longer holds.
        self.query_one("#done-error", Static).update("")

    @on(Button.Pressed, "#done-no")
    def action_cancel(self) -> None:
        self.dismiss(None)
