"""The add/edit form for one note item, as a modal over the Backlog screen."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select, Static

from screens.tick import Tick
from tracker import entries
from tracker.errors import InputError, spoken
from tracker.models import Item
from tracker.settings import BLOCKERS, Settings

# The shared checks name a field; the form says it with its label.
FIELD_LABELS = {
    "session_date": "Session date",
    "session_time": "Start time",
    "note_type": "Note type",
    "client_ref": "Client ref",
    "blocked_on": "Waiting on",
}
FLAGS = [("billed", "Billed"), ("court", "Court"), ("high_risk", "High-risk"), ("admin", "Admin")]


class ItemForm(ModalScreen[tuple[Item, list[str], str | None] | None]):
    """Returns (checked item, fields changed, warning), or None when cancelled.

    Everything is checked here with the same rules as `caughtup add`/`edit`, so an error keeps
    the form open beside the values to fix.
    """

    DEFAULT_CSS = """
    ItemForm { align: center middle; }
    ItemForm > Vertical {
        width: 64; height: auto; border: round $primary; padding: 0 1; background: $surface;
    }
    ItemForm .row { height: 1; margin-bottom: 1; }
    ItemForm .row Label { width: 14; }
    ItemForm .row Input, ItemForm .row Select { width: 1fr; }
    ItemForm #flags { height: 1; margin-bottom: 1; }
    ItemForm #flags Checkbox { width: auto; margin-right: 2; }
    ItemForm #form-error { color: $error; text-style: bold; height: auto; }
    ItemForm #form-buttons { height: 1; margin-top: 1; }
    ItemForm #form-buttons Button { margin-right: 2; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "save", "Save", priority=True),
    ]

    def __init__(self, settings: Settings, now: datetime, item: Item | None = None) -> None:
        super().__init__()
        self.settings, self.now, self.item = settings, now, item

    def compose(self) -> ComposeResult:
        item = self.item
        types = self.settings.rules.note_types
        with Vertical() as box:
            box.border_title = f"Edit note #{item.id}" if item else "Add a note you owe"
            with Horizontal(classes="row"):
                yield Label("Session date")
                day = item.session_date if item else self.now.date()
                yield Input(day.isoformat(), id="date", compact=True, placeholder="YYYY-MM-DD")
            with Horizontal(classes="row"):
                yield Label("Start time")
                at = item.session_time.strftime("%H:%M") if item and item.session_time else ""
                yield Input(at, id="time", compact=True, placeholder="HH:MM, or empty")
            with Horizontal(classes="row"):
                yield Label("Note type")
                current = item.note_type if item else "progress"
                options = [(t.replace("_", " "), t) for t in types]
                if current not in types:
                    options.append((current, current))
                yield Select(options, value=current, id="type", compact=True, allow_blank=False)
            with Horizontal(classes="row"):
                yield Label("Client ref")
                ref = item.client_ref or "" if item else ""
                yield Input(ref, id="client", compact=True, placeholder="a pseudonym like C7")
            with Horizontal(id="flags"):
                for name, label in FLAGS:
                    checked = bool(getattr(item, name)) if item else False
                    yield Tick(label, checked, id=name, compact=True)
            with Horizontal(classes="row"):
                yield Label("Waiting on")
                blockers = [("nobody", ""), *((b.replace("_", " "), b) for b in BLOCKERS)]
                value = item.blocked_on or "" if item else ""
                yield Select(blockers, value=value, id="blocked", compact=True, allow_blank=False)
            yield Static("", id="form-error")
            with Horizontal(id="form-buttons"):
                yield Button("Save", id="form-save", variant="primary", compact=True)
                yield Button("Cancel", id="form-cancel", compact=True)
            yield Static("ctrl+s saves · esc cancels", classes="hint")

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()

    def _fields(self) -> dict[str, Any]:
        raw_day = self.query_one("#date", Input).value.strip()
        try:
            day = date.fromisoformat(raw_day)
        except ValueError:
            raise InputError(f"Session date must be YYYY-MM-DD, got {raw_day!r}") from None
        raw_time = self.query_one("#time", Input).value.strip()
        at: time | None = None
        if raw_time:
            try:
                if len(raw_time) != 5 or raw_time[2] != ":":
                    raise ValueError
                at = time.fromisoformat(raw_time)
            except ValueError:
                raise InputError(
                    f"Start time must be HH:MM (24-hour) or empty, got {raw_time!r}"
                ) from None
        client = self.query_one("#client", Input).value.strip() or None
        blocked = self.query_one("#blocked", Select).value
        fields: dict[str, Any] = {
            "session_date": day,
            "session_time": at,
            "note_type": str(self.query_one("#type", Select).value),
            "client_ref": client,
            "blocked_on": str(blocked) if blocked else None,
        }
        for name, _ in FLAGS:
            fields[name] = self.query_one(f"#{name}", Checkbox).value
        return fields

    @on(Input.Submitted)
    @on(Button.Pressed, "#form-save")
    def action_save(self) -> None:
        error = self.query_one("#form-error", Static)
        try:
            fields = self._fields()
            if self.item is None:
                item, warning = entries.new_item(self.settings, self.now, **fields)
                changed = list(entries.EDITABLE)
            else:
                item, changed, warning = entries.edit(self.item, fields, self.settings, self.now)
        except InputError as exc:
            error.update(exc.words(lambda field: FIELD_LABELS.get(field, spoken(field))))
            return
        self.dismiss((item, changed, warning))

    @on(Button.Pressed, "#form-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
