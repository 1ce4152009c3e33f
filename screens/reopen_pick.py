"""Choose a note marked written lately, to reopen it (the Backlog lists open notes only)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tracker.backlog import session_text
from tracker.models import Item


def label(item: Item, hide_refs: bool) -> str:
    """A written note as the list shows it: id, type, session, when written, its reference."""
    assert item.written_at is not None
    text = (
        f"#{item.id} {item.note_type.replace('_', ' ')}, session {session_text(item)}"
        f" · written {item.written_at:%a %d %b %H:%M}"
    )
    return f"{text} ({item.client_ref})" if item.client_ref and not hide_refs else text


class ReopenPick(ModalScreen[Item | None]):
    """Returns the written note chosen (newest written first), or None."""

    DEFAULT_CSS = """
    ReopenPick { align: center middle; }
    ReopenPick > Vertical {
        width: 76; height: auto; max-height: 80%; border: round $primary; padding: 0 1;
        background: $surface;
    }
    ReopenPick OptionList { height: auto; max-height: 16; margin-top: 1; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, written: Sequence[Item], hide_refs: bool) -> None:
        super().__init__()
        self.written = {str(i.id): i for i in written}
        self.hide_refs = hide_refs

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = "Reopen a note marked written"
            if not self.written:
                yield Static("No note was marked written in the last two weeks. Esc closes.")
                return
            yield Static("Enter reopens the highlighted note (you confirm next); Esc closes.")
            yield OptionList(
                *(Option(label(i, self.hide_refs), id=k) for k, i in self.written.items())
            )

    @on(OptionList.OptionSelected)
    def chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.written[event.option.id or ""])

    def action_cancel(self) -> None:
        self.dismiss(None)
