"""The late-entry notation after a note is marked written late, ready to copy."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class LateEntry(ModalScreen[None]):
    """Shows the notation; `c` copies it (Textual's clipboard: OSC 52 in most terminals)."""

    DEFAULT_CSS = """
    LateEntry { align: center middle; }
    LateEntry > Vertical {
        width: 64; height: auto; border: round $warning; padding: 0 1; background: $surface;
    }
    LateEntry #late-notation { border: solid $primary; padding: 0 1; margin: 1 0; }
    LateEntry #late-buttons { height: 1; }
    LateEntry #late-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy notation"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, item_id: int, notation: str) -> None:
        super().__init__()
        self.item_id, self.notation = item_id, notation

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            box.border_title = f"Late entry · note #{self.item_id}"
            yield Static(
                "Written. It is a late entry: paste this at the top of the note in the record."
            )
            yield Static(self.notation, id="late-notation")
            with Horizontal(id="late-buttons"):
                yield Button("Copy (c)", id="late-copy", variant="primary", compact=True)
                yield Button("Close (esc)", id="late-close", compact=True)

    @on(Button.Pressed, "#late-copy")
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.notation)
        self.notify("Late-entry notation copied.", title="Copied")

    @on(Button.Pressed, "#late-close")
    def action_close(self) -> None:
        self.dismiss(None)
