"""The Today screen: the daily check-in form beside the at-a-glance status."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Header, Input, Static

from screens.footer import Footer
from screens.glance import Glance
from screens.messages import DataChanged, HabitRead, OutsideChange, WorkFailed
from screens.which_day import WhichDay
from screens.work import Workplace, said, store_work
from screens.workspace import workspace
from tracker import checkin, habit, words
from tracker.errors import InputError
from tracker.models import DayLog
from tracker.rules import Status
from tracker.summary import current_status, not_logged
from tracker.workspace import Workspace

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


def _texts(log: DayLog | None) -> dict[str, str]:
    """A stored day's values as the form shows them ("" for none)."""
    values = {name: None if log is None else getattr(log, name) for name, _, _ in FIELDS}
    return {name: "" if value is None else str(value) for name, value in values.items()}


class SaveButton(Button, inherit_css=False):
    """A compact primary Button carrying only that look's CSS (test_today checks it looks the
    same as Textual's, resting, focused and under the mouse).

    Button's own CSS has rules for every variant, style and theme: 57 of the first screen's 145
    rules, which Textual parses at start and walks each time it styles any widget. A plain
    Button costs the first screen 39 M instructions more (3% of it, about 9 ms).
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


class TodayScreen(Workplace, Screen[None]):
    """Log the day in a few keystrokes: type, Enter to the next field, Enter to save."""

    # today.tcss is read with the app's stylesheet (CaughtupApp.CSS_PATH).
    # The form takes the cursor on mount; after Escape leaves it, coming back (from help or
    # another screen) must not put the cursor back, or the letter keys would stop working.
    AUTO_FOCUS = ""
    _shown = False
    backfill = False
    """The form holds yesterday's check-in (offered when yesterday is not logged)."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save", tooltip="Save the check-in", priority=True),
        Binding("l", "log_yesterday", "Log yesterday", show=False),
    ]

    def compose(self) -> ComposeResult:
        # The day's values and the glance are read here, so the widgets start with them: set
        # after mounting, each value and the glance's state class would restyle its widget.
        ws = workspace(self)
        today = ws.now().date()
        self.day = today
        # What each field shows of the stored day, and the fields typed in since: a save writes
        # only those.
        self.shown = _texts(ws.store.day(today))
        self.edited: set[str] = set()
        calendar = bool(ws.settings.calendar.source)
        held = ws.store.calendar_sessions_on(today) if calendar else 0
        # Sessions held, filled from the calendar's (saved with the check-in like typed ones)
        self.from_calendar = str(held) if held and not self.shown["sessions"] else ""
        yield Header()
        with Horizontal(id="today"):
            with Vertical(id="checkin", classes="panel") as checkin:
                checkin.border_title = f"Check-in · {words.day(today, year=False)}"
                with Grid(id="fields"):  # the labels beside their fields, a row each
                    # One Static down the first column for all the labels (the same look, cell
                    # for cell): a Label per row costs the first screen 28 M instructions more.
                    yield Static("\n\n".join(label for _, label, _ in FIELDS), id="labels")
                    for name, _, optional in FIELDS:
                        yield Input(
                            (name == "sessions" and self.from_calendar) or self.shown[name],
                            id=name,
                            type="integer",
                            compact=True,
                            placeholder="optional" if optional else "0",
                        )
                yield Static("", id="checkin-error", classes="error")
                yield SaveButton("Save check-in", id="save", variant="primary", compact=True)
                if calendar:  # sessions held come from the calendar: offer to sync it
                    yield SaveButton("Sync calendar", id="sync-calendar", compact=True)
                yield Static(
                    "Enter moves on; Enter on the last field saves. Esc leaves the form.",
                    classes="hint",
                )
            glance = Glance(id="glance", classes="panel")
            glance.border_title = "At a glance"
            self._show_status(glance)
            yield glance
        yield Static("", id="habit")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sessions", Input).focus()
        # After the first paint: the worker would take the GIL from it for some 30 ms.
        self.call_after_refresh(self.read_habit)

    @store_work("habit")
    def read_habit(self, ws: Workspace) -> HabitRead:
        # Every item ever logged (~30 ms for ten years): in a worker, after the first paint.
        return HabitRead(habit.current(ws.store, ws.settings, ws.now()))

    @on(HabitRead)
    def show_habit(self, message: HabitRead) -> None:
        self.query_one("#habit", Static).update(habit.summary_line(message.habit, checkins=False))

    def arrive(self) -> None:
        """Arriving from another screen (its key): the cursor in the first empty field, so a
        number typed lands there (the first field when all are filled). Help closing, or a
        dialog, leaves the cursor where Escape left it."""
        fields = [self.query_one(f"#{name}", Input) for name, _, _ in FIELDS]
        next((f for f in fields if not f.value.strip()), fields[0]).focus()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if not self._shown:
            # The first resume comes right after compose, whose widgets were just styled and
            # data just read: Textual's restyle of every widget would cost the first paint ~8 ms.
            self._shown = True
            event.refresh_styles = False
            return
        # Another screen may have changed the data (a note marked written, a setting).
        self.outside()

    @on(OutsideChange)
    def outside(self) -> None:
        """Show the day and the glance as stored now (another process may have logged them)."""
        self.refresh_glance()
        self._refresh_form()
        self.read_habit()
        self._offer_sync()

    def refresh_glance(self) -> None:
        self._show_status(self.query_one(Glance))

    def _refresh_form(self) -> None:
        """Fields the user has not typed in take the stored values; the others keep their text."""
        stored = _texts(workspace(self).store.day(self.day))
        edited = self._edited()
        with self.prevent(Input.Changed):  # not the user's typing
            for name, _, _ in FIELDS:
                if name not in edited:
                    self.query_one(f"#{name}", Input).value = self.shown[name] = stored[name]
            self._fill_sessions()

    def _fill_sessions(self) -> None:
        """A day not logged yet takes its sessions held from the calendar (synced since by the
        app or `remind`), unless typed over."""
        ws = workspace(self)
        field = self.query_one("#sessions", Input)
        if self.shown["sessions"] or field.value not in ("", self.from_calendar):
            return
        if ws.settings.calendar.source:
            held = ws.store.calendar_sessions_on(self.day)
            field.value = self.from_calendar = str(held) if held else ""

    def _offer_sync(self) -> None:
        """The "Sync calendar" button while a calendar source is set (set or cleared since)."""
        offered = self.query("#sync-calendar")
        if workspace(self).settings.calendar.source:
            if not offered:
                button = SaveButton("Sync calendar", id="sync-calendar", compact=True)
                self.query_one("#checkin").mount(button, after="#save")
        else:
            offered.remove()

    def _edited(self) -> list[str]:
        """The fields typed in, or showing other than the stored day (a Changed still queued)."""
        return [
            name
            for name, _, _ in FIELDS
            if name in self.edited or self.query_one(f"#{name}", Input).value != self.shown[name]
        ]

    @on(Input.Changed)
    def typed(self, event: Input.Changed) -> None:
        # An Input announces its first value too: that one is not typed.
        name = event.input.id or ""
        if event.value != self.shown.get(name):
            self.edited.add(name)
        error = self.query_one("#checkin-error", Static)
        if str(error.render()).strip():  # an error shown goes once the form is right again
            try:
                entry = self._read_form(self.day)
                checkin.validate(entry, entry.day)
            except InputError:
                return
            error.update("")

    def _show_status(self, glance: Glance) -> None:
        ws = workspace(self)
        st = current_status(ws)
        glance.show(st, ws.settings.rules, self._unlogged(st))

    def _unlogged(self, st: Status) -> bool:
        """Yesterday was a working day, and has no check-in and no note."""
        ws = workspace(self)
        if st.yesterday != "no_sessions":  # the day's read only where it can matter
            return False
        yesterday = ws.now().date() - timedelta(days=1)
        logged = ws.store.day(yesterday) is not None
        return not_logged(st, ws.settings.working_days, yesterday, logged)

    def action_log_yesterday(self) -> None:
        """The form takes yesterday's check-in (saved, it goes back to today)."""
        ws = workspace(self)
        yesterday = ws.now().date() - timedelta(days=1)
        self.day, self.backfill = yesterday, True
        self.shown = _texts(ws.store.day(yesterday))
        self.edited.clear()
        with self.prevent(Input.Changed):
            for name, _, _ in FIELDS:
                self.query_one(f"#{name}", Input).value = self.shown[name]
        self.query_one(
            "#checkin"
        ).border_title = f"Check-in · {words.day(yesterday, year=False)} (yesterday)"
        self.query_one("#sessions", Input).focus()

    @on(Input.Submitted)
    def next_field(self, event: Input.Submitted) -> None:
        if event.input.id == FIELDS[-1][0]:
            self.action_save()
        else:
            self.focus_next(Input)

    @on(Button.Pressed, "#save")
    def action_save(self) -> None:
        ws = workspace(self)
        error = self.query_one("#checkin-error", Static)
        # Fields not typed in show the day as stored now, so what is checked is what is saved
        # (the app's look for outside changes may not have come round yet).
        self._refresh_form()
        try:
            entry = self._read_form(self.day if self.backfill else ws.now().date())
            checkin.validate(entry, entry.day)
        except InputError as exc:
            error.update(said(exc, FIELD_LABELS))
            return
        error.update("")
        now = ws.now()
        evening = checkin.night_other_day(now, ws.settings.night_until)
        if evening is None:
            self._save_for(entry, entry.day)
        else:  # after midnight: the evening just ended, or the new day?
            ask = WhichDay(entry.day, evening, f"{now:%H:%M}")
            self.app.push_screen(ask, lambda day: self._save_for(entry, day))

    def _save_for(self, entry: DayLog, day: date | None) -> None:
        if day is None:
            return
        # Only what the user edited: the rest may have been logged elsewhere since it was shown
        # (for a day other than the form's, all of it is that day's).
        names = self._edited() if day == self.day else [name for name, _, _ in FIELDS]
        self.save_checkin(day, {name: getattr(entry, name) for name in names})

    def _read_form(self, today: date) -> DayLog:
        values: dict[str, int | None] = {}
        for name, label, optional in FIELDS:
            raw = self.query_one(f"#{name}", Input).value.strip()
            if not raw:
                if not optional and name == "sessions":
                    raise InputError(f"{label}: type how many sessions you held today (0 is fine)")
                values[name] = None
                continue
            try:
                values[name] = int(raw)
            except ValueError:
                raise InputError(f"{label} must be a whole number, got {raw!r}") from None

        def count(name: str) -> int:  # an empty count is none; an empty rating is no rating
            return values[name] or 0

        return DayLog(
            today,
            count("sessions"),
            count("written"),
            count("cleared"),
            count("after_hours"),
            values["dread"],
            values["drained"],
        )

    @store_work("checkin", labels=FIELD_LABELS)
    def save_checkin(self, ws: Workspace, day: date, changes: dict[str, int | None]) -> DataChanged:
        result = checkin.save_changes(ws.store, day, changes, ws.now(), ws.settings.rules)
        saved = {name: "" if value is None else str(value) for name, value in changes.items()}
        figures = habit.current(ws.store, ws.settings, ws.now())
        return DataChanged("checkin", {**result, "saved": saved, "habit": figures})

    @on(DataChanged)
    def saved(self, message: DataChanged) -> None:
        # A saved field shows the stored value now: unless typed in again since, it follows
        # outside changes like the others (else a later refresh would take it for typed).
        for name, text in message.detail.get("saved", {}).items():
            if self.query_one(f"#{name}", Input).value == text:
                self.shown[name] = text
                self.edited.discard(name)
        if self.backfill:  # yesterday saved: the form is today's again
            self.backfill, self.day = False, workspace(self).now().date()
            self.shown = _texts(workspace(self).store.day(self.day))
            self.edited.clear()
            with self.prevent(Input.Changed):
                for name, _, _ in FIELDS:
                    self.query_one(f"#{name}", Input).value = self.shown[name]
            self.query_one(
                "#checkin"
            ).border_title = f"Check-in · {words.day(self.day, year=False)}"
        self.outside()
        if message.what == "checkin":
            result = message.detail
            said = checkin.result_lines(result, result["written_at"].date())
            # The notations go in their own window, to copy; the rest is said in the notice.
            rest = " ".join(line for line in said if not line.startswith(("Late", "  #")))
            ack = habit.acknowledgement(result["habit"])
            self.notify(
                f"Check-in saved. Logging it is already a step. {rest} {ack}".strip(),
                title="Saved",
            )
            notations = [(row["id"], row["notation"]) for row in result["notations"]]
            if notations:
                # Here, not at the top: its TextArea costs the first paint about 10 ms to import.
                from screens.late_entry import LateEntry

                self.app.push_screen(LateEntry(notations))

    @on(Button.Pressed, "#sync-calendar")
    def action_sync_calendar(self) -> None:
        self.sync_calendar()

    @store_work("calendar", name="syncing the calendar")
    def sync_calendar(self, ws: Workspace) -> DataChanged:
        from tracker.calendar import apply

        cal = ws.settings.calendar
        outcome = apply.run(ws.store, cal, cal.source, ws.now(), ws.tz)
        return DataChanged("calendar", {"lines": outcome.lines()[1:]})

    @on(DataChanged)
    def synced(self, message: DataChanged) -> None:
        if message.what != "calendar":
            return
        self.notify(" ".join(message.detail["lines"]), title="Calendar synced")

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        if message.what == "calendar":
            self.notify(message.error, title="Calendar not synced", severity="error")
            return
        self.query_one("#checkin-error", Static).update(message.error)
        self.notify(message.error, title="Not saved", severity="error")
