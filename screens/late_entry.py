"""The late-entry notation after a note is marked written late, ready to copy."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static


class LateEntry(ModalScreen[None]):
    """Shows the notations of notes just marked written late; `c` copies them (Textual's
    clipboard: OSC 52 in most terminals)."""

    DEFAULT_CSS = """
    LateEntry { align: center middle; }
    LateEntry > Vertical {
        width: 64; height: auto; max-height: 90%; border: round $warning; padding: 0 1;
        background: $surface;
    }
    LateEntry #late-notation { border: solid $primary; padding: 0 1; margin: 1 0; }
    LateEntry #late-buttons { height: 1; }
    LateEntry #late-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy notation"),
        Binding("escape", "close", "Close"),
    ]

    def __init__(self, notations: Sequence[tuple[int, str]]) -> None:
        super().__init__()
        self.notations = list(notations)
        # One note: its notation alone, to paste as it is; several: each after its note's id.
        self.notation = (
            self.notations[0][1]
            if len(self.notations) == 1
            else "\n".join(f"#{i}: {text}" for i, text in self.notations)
        )

    def compose(self) -> ComposeResult:
        with Vertical() as box:
            if len(self.notations) == 1:
                box.border_title = f"Late entry · note #{self.notations[0][0]}"
                intro = (
                    "Written. It is a late entry: paste this at the top of the note in the record."
                )
            else:
                box.border_title = f"Late entries · {len(self.notations)} notes"
                intro = "Written. These are late entries: paste each at the top of its note."
            yield Static(intro)
            yield Static(self.notation, id="late-notation", markup=False)
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
