"""The late-entry notation after a note is marked written late: selectable on screen, sent to
the terminal's clipboard with `c`, saved to a file with `s`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from screens.messages import FileSaved, WorkFailed
from screens.work import Workplace, store_work
from tracker.paths import REPORTS_DIR, ensure_dir, write_private
from tracker.workspace import Workspace

SENT = (
    "Sent to the terminal's clipboard. Terminals (and tmux) do not say whether it arrived: if "
    "pasting gives nothing, select the text above, or press s to save it to a file."
)


class LateEntry(Workplace, ModalScreen[None]):
    """Shows the notations of notes just marked written late, selectable; `c` sends them to the
    terminal's clipboard (OSC 52, which no terminal confirms), `s` saves them to a file."""

    DEFAULT_CSS = """
    LateEntry { align: center middle; }
    LateEntry > Vertical {
        width: 64; height: auto; max-height: 90%; border: round $warning; padding: 0 1;
        background: $surface;
    }
    LateEntry #late-notation { border: solid $primary; margin: 1 0; height: auto; max-height: 10; }
    LateEntry #late-buttons { height: 1; }
    LateEntry #late-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("c", "copy", "Copy notation"),
        Binding("s", "save", "Save to a file"),
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
            # Read-only text to select by hand where the clipboard does not reach.
            yield TextArea(self.notation, id="late-notation", read_only=True, soft_wrap=True)
            with Horizontal(id="late-buttons"):
                yield Button("Copy (c)", id="late-copy", variant="primary", compact=True)
                yield Button("Save (s)", id="late-save", compact=True)
                yield Button("Close (esc)", id="late-close", compact=True)

    @on(Button.Pressed, "#late-copy")
    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.notation)
        self.notify(SENT, title="Late-entry notation", timeout=8)

    @on(Button.Pressed, "#late-save")
    def action_save(self) -> None:
        self.save_notation(self.notation, self.notations[0][0])

    @store_work("save", name="saving")
    def save_notation(self, ws: Workspace, text: str, item_id: int) -> FileSaved:
        folder = ws.home / REPORTS_DIR
        ensure_dir(folder)
        path = folder / f"late-entry-{item_id}-{ws.now():%Y%m%d-%H%M%S}.txt"
        write_private(path, (text + "\n").encode())
        return FileSaved("notation", str(path))

    @on(FileSaved)
    def saved(self, message: FileSaved) -> None:
        self.notify(f"Saved to {message.path} (only you can read it).", title="Notation saved")

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.notify(message.error, title="Not saved", severity="error")

    @on(Button.Pressed, "#late-close")
    def action_close(self) -> None:
        self.dismiss(None)
