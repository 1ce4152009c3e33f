"""The Today screen: the daily check-in form beside the at-a-glance status."""

from __future__ import annotations

import sqlite3
from typing import Any, ClassVar

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Input, Static

from screens.footer import Footer
from screens.glance import Glance
from screens.header import Header
from screens.late_entry import LateEntry
from screens.messages import DataChanged, WorkFailed
from tracker import checkin
from tracker.errors import FieldError, InputError
from tracker.models import DayLog
from tracker.store import Store
from tracker.summary import current_status

# (field, label, optional)
FIELDS: list[tuple[str, str, bool]] = [
    ("sessions", "Sessions held", False),
    ("written", "Notes written same day", False),
    ("cleared", "Backlog notes cleared", True),
    ("after_hours", "After-hours minutes", True),
    ("dread", "Dread about notes 0-4", True),
    ("drained", "Drained/detached 0-4", True),
]
FIELD_LABELS = {name: label for name, label, _ in FIELDS}
FLAG = {"sessions": "--sessions", "written": "--written", "cleared": "--cleared",
        "after_hours": "--after-hours", "dread": "--dread", "drained": "--drained"}  # fmt: skip


class SaveButton(Button, inherit_css=False):
    """A compact primary Button carrying only that look's CSS.

    Button's own CSS has rules for every variant, style and theme: 57 of the first screen's 145
    rules, which Textual parses at start and walks each time it styles any widget (~8 ms).
    """

    DEFAULT_CSS = """
    SaveButton {
        width: auto;
        min-width: 16;
        height: 1;
        line-pad: 1;
        text-align: center;
        content-align: center middle;
        text-style: bold;
        color: $button-color-foreground;
        background: $primary;
        pointer: pointer;
        &:focus {
            text-style: $button-focus-text-style;
            background-tint: $foreground 5%;
        }
        &:hover { background: $primary-darken-2; }
        &.-active { tint: $background 30%; }
    }
    """


class TodayScreen(Screen[None]):
    """Log the day in a few keystrokes: type, Enter to the next field, Enter to save."""

    # today.tcss is read with the app's stylesheet (CaughtupApp.CSS_PATH).
    # The form takes the cursor on mount; after Escape leaves it, coming back (from help or
    # another screen) must not put the cursor back, or the letter keys would stop working.
    AUTO_FOCUS = ""
    _shown = False
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the check-in", priority=True),
    ]

    def compose(self) -> ComposeResult:
        # The day's values and the glance are read here, so the widgets start with them: set
        # after mounting, each value and the glance's state class would restyle its widget.
        ws = self.app.workspace  # type: ignore[attr-defined]
        today = ws.now().date()
        existing = ws.store.day(today)
        yield Header()
        with Horizontal(id="today"):
            with Vertical(id="checkin", classes="panel") as checkin:
                checkin.border_title = f"Check-in · {today:%a %d %b}"
                with Grid(id="fields"):  # the labels beside their fields, a row each
                    # One Static down the first column for all the labels: a Label per row
                    # cost the first screen ~1 ms each (the same look, cell for cell).
                    yield Static("\n\n".join(label for _, label, _ in FIELDS), id="labels")
                    for name, _, optional in FIELDS:
                        value = None if existing is None else getattr(existing, name)
                        yield Input(
                            "" if value is None else str(value),
                            id=name,
                            type="integer",
                            compact=True,
                            placeholder="optional" if optional else "0",
                        )
                yield Static("", id="checkin-error", classes="error")
                yield SaveButton("Save check-in", id="save", variant="primary", compact=True)
                yield Static(
                    "Enter moves on; Enter on the last field saves. Esc leaves the form.",
                    classes="hint",
                )
            glance = Glance(id="glance", classes="panel")
            glance.border_title = "At a glance"
            self._show_status(glance)
            yield glance
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sessions", Input).focus()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown:
            # The first resume comes right after compose, whose widgets were just styled and
            # data just read: Textual's restyle of every widget would cost the first paint ~8 ms.
            self._shown = True
            event.refresh_styles = False
            return
        # Another screen may have changed the data (a note marked written, a setting).
        self.refresh_glance()

    def refresh_glance(self) -> None:
        self._show_status(self.query_one(Glance))

    def _show_status(self, glance: Glance) -> None:
        ws = self.app.workspace  # type: ignore[attr-defined]
        glance.show(current_status(ws), ws.settings.rules.rule_hours)

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == FIELDS[-1][0]:
            self.action_save()
        else:
            self.focus_next(Input)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        ws = self.app.workspace  # type: ignore[attr-defined]
        error = self.query_one("#checkin-error", Static)
        try:
            entry = self._read_form(ws.now().date())
            checkin.validate(entry, entry.day)
        except InputError as exc:
            error.update(str(exc))
            return
        error.update("")
        self.save_checkin(entry)

    def _read_form(self, today: Any) -> DayLog:
        values: dict[str, int | None] = {}
        for name, label, optional in FIELDS:
            raw = self.query_one(f"#{name}", Input).value.strip()
            if not raw:
                if not optional and name == "sessions":
                    raise InputError(f"{label}: type how many sessions you held today (0 is fine)")
                values[name] = None if name in ("dread", "drained") else 0
                continue
            try:
                values[name] = int(raw)
            except ValueError:
                raise InputError(f"{label} must be a whole number, got {raw!r}") from None
        try:
            return DayLog(day=today, **values)  # type: ignore[arg-type]
        except TypeError as exc:  # pragma: no cover - fields and FIELDS always match
            raise InputError(str(exc)) from None

    @work(thread=True, exclusive=True, group="checkin")
    def save_checkin(self, entry: DayLog) -> None:
        # SQLite connections belong to one thread: the worker opens its own.
        ws = self.app.workspace  # type: ignore[attr-defined]
        try:
            with Store.open(ws.home, ws.tz) as store:
                result = store.log_day(entry, ws.now(), ws.settings.rules)
        except FieldError as exc:
            self.post_message(WorkFailed("checkin", f"{FIELD_LABELS[exc.field]}: {exc.problem}"))
            return
        except (InputError, OSError, sqlite3.Error) as exc:
            self.post_message(WorkFailed("checkin", str(exc)))
            return
        self.post_message(DataChanged("checkin", result))

    @on(DataChanged)
    def saved(self, message: DataChanged) -> None:
        self.refresh_glance()
        if message.what == "checkin":
            result = message.detail
            said = checkin.result_lines(result, result["written_at"].date())
            # The notations go in their own window, to copy; the rest is said in the notice.
            words = " ".join(line for line in said if not line.startswith(("Late", "  #")))
            self.notify(
                f"Check-in saved. Logging it is already a step. {words}".strip(), title="Saved"
            )
            notations = [(row["id"], row["notation"]) for row in result["notations"]]
            if notations:
                self.app.push_screen(LateEntry(notations))

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        self.query_one("#checkin-error", Static).update(message.error)
        self.notify(message.error, title="Not saved", severity="error")
