"""The Settings screen: the common settings and the notification URLs, each change saved at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.markup import escape
from textual.screen import Screen
from textual.widgets import Button, Checkbox, Header, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from screens.footer import Footer
from screens.messages import CalendarSynced, NotificationsSent, OutsideChange, WorkFailed
from screens.tick import Tick
from screens.work import Workplace, store_work
from screens.workspace import workspace
from tracker import notifier
from tracker import settings as settings_mod
from tracker.errors import InputError
from tracker.records import Delivery
from tracker.settings import Settings
from tracker.words import plural
from tracker.workspace import Workspace

# (dotted key, label) for the fields typed as text; lists are comma-separated.
RULE_FIELDS: list[tuple[str, str]] = [
    ("rules.threshold", "Threshold (notes)"),
    ("rules.rule_hours", "Rule hours"),
    ("rules.late_entry_hours", "Late entry, hours"),
    ("sprint.days", "Catch-up days"),
    ("sprint.start", "Catch-up start"),
    ("sprint.block_minutes", "Catch-up minutes"),
    ("locale", "Crisis country"),
    ("timezone", "Time zone"),
    ("night_until", "Night ends at"),
]
NOTIFY_FIELDS: list[tuple[str, str]] = [("notify.quiet_hours", "Quiet hours")]
CHECKIN_FIELDS: list[tuple[str, str]] = [("notify.checkin_at", "Reminder time")]
REVIEW_FIELDS: list[tuple[str, str]] = [("notify.weekly_review_day", "Review day")]
SUMMARY_FIELDS: list[tuple[str, str]] = [
    ("workload.session_minutes", "Session minutes"),
    ("workload.weeks", "Summary weeks"),
    ("page_size", "Paper size"),
]
CALENDAR_FIELDS: list[tuple[str, str]] = [
    ("calendar.source", "Calendar source"),
    ("sprint.work_hours", "Working hours"),
    ("sprint.days_off", "Days off"),
]
LABELS = dict(
    RULE_FIELDS + NOTIFY_FIELDS + CHECKIN_FIELDS + REVIEW_FIELDS + SUMMARY_FIELDS + CALENDAR_FIELDS
)
PLACEHOLDERS = {
    "timezone": "empty: system",
    "notify.quiet_hours": "empty: any hour",
    "calendar.source": ".ics file or feed",  # fits its half of 80 columns
}
# The on/off settings, as ticks: (dotted key, name, the tick's words when off and when on). A
# box's look alone says little, so its words say on or off.
TICKS: list[tuple[str, str, tuple[str, str]]] = [
    ("notify.weekends", "Weekends", ("Weekends: off (held to Monday)", "Weekends: on")),
    (
        "notify.checkin_reminder",
        "Check-in reminder",
        ("Check-in reminder: off", "Check-in reminder: on"),
    ),
    ("notify.weekly_review", "Weekly review", ("Weekly review: off", "Weekly review: on")),
    ("privacy.hide_refs", "Hide client refs", ("Client refs: shown", "Client refs: hidden")),
    (
        "status.show_streak",
        "Streak in status",
        ("Streak in status: off", "Streak in status: on"),
    ),
]
TICK_WORDS = {key: words for key, _, words in TICKS}
NAMES = {**LABELS, **{key: name for key, name, _ in TICKS}, "notify.urls": "URLs"}


def _with_urls(settings: Settings, add: list[str], remove: list[str]) -> Settings:
    """`settings` with URLs added and removed, the others (maybe added elsewhere) kept."""
    urls = [u for u in settings.notify.urls if u not in remove]
    urls += [u for u in add if u not in urls]
    return settings_mod.set_value(settings, "notify.urls", urls)


def _fid(key: str) -> str:
    return "set-" + key.replace(".", "-")


def _text(value: Any) -> str:
    return ",".join(map(str, value)) if isinstance(value, list) else str(value)


class SettingsScreen(Workplace, Screen[None]):
    """Type a value and press Enter (or move on) to save it; a bad value is named, not saved."""

    CSS_PATH = "settings.tcss"
    HELP = """\
## Settings

Each field is saved when you press Enter or move on from it; a value that does not fit is named
in red and nothing is saved. Space or Enter ticks or unticks a box, saved at once. Lists are
comma-separated (`tue,thu`). An empty time zone follows your computer; empty quiet hours means
reminders at any hour. Until *Night ends at*, a check-in after midnight asks which day it is for.

**Notifications.** Type an apprise URL (ntfy://your-topic, mailto://..., a Slack or Pushover URL)
in *Add URL* and press Enter. URLs often hold tokens, so they are shown masked. In the list, x or
Delete removes the highlighted one. F8 (or *Send test*) sends a test message to each URL and
says whether each one worked. The last line shows the last message sent and whether it arrived;
`caughtup remind --schedule` sets up the reminders themselves. *Check-in reminder* reminds you
on a working day with no check-in logged by *Reminder time*; *Weekly review* sends your week's
same-day habit (counts only) on *Review day* at that time.

**Summary and privacy.** *Session minutes* (a typical session, taken as patient time where no
calendar says) and *Summary weeks* shape the workload summary; *Paper size* is for printouts
(auto: Letter in the US and Canada, A4 elsewhere). *Client refs: hidden* keeps client references
off the screen, for a shared office or screen sharing; *Streak in status* adds your same-day
streak to `caughtup status --short`.

**Calendar.** An .ics file or a private https/webcal feed address: *Sync now* (and `remind`)
makes a note item for each past session; no title is ever stored. Working hours and days off
decide where catch-up blocks go in the calendar's free time."""
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f8", "send_test", "Send test"),
        Binding("x,delete", "remove_url", "Remove URL", show=False),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._save_lock = threading.Lock()

    def compose(self) -> ComposeResult:
        yield Header()
        # The panels scroll as one, above the status lines: at 80x24 they are taller than the
        # screen, and Tab brings each focused field into view.
        with VerticalScroll(id="settings-body"):
            with Horizontal(classes="panels"):
                with Vertical(id="rules", classes="panel"):
                    yield from self._fields(RULE_FIELDS)
                with Vertical(id="notify", classes="panel"):
                    yield from self._fields(NOTIFY_FIELDS)
                    yield self._tick("notify.weekends")
                    yield Label("URLs (x removes)", classes="label")
                    yield OptionList(id="urls", compact=True)
                    with Horizontal(classes="row"):
                        yield Label("Add URL", classes="label")
                        yield Input(
                            id="new-url", password=True, compact=True, placeholder="ntfy://topic"
                        )
                    yield Button("Send test", id="send-test", compact=True)
                    # Whether the last message arrived stays in view at 80x24; the reminders'
                    # own settings come after.
                    yield Static("", id="last-delivery")
                    yield self._tick("notify.checkin_reminder")
                    yield from self._fields(CHECKIN_FIELDS)
                    yield self._tick("notify.weekly_review")
                    yield from self._fields(REVIEW_FIELDS)
            with Horizontal(classes="panels"):
                with Vertical(id="summary", classes="panel"):
                    yield from self._fields(SUMMARY_FIELDS)
                    yield self._tick("privacy.hide_refs")
                    yield self._tick("status.show_streak")
                with Vertical(id="calendar", classes="panel"):
                    yield from self._fields(CALENDAR_FIELDS)
                    with Horizontal(classes="row"):
                        yield Button("Sync now", id="sync-calendar", compact=True)
                        yield Static("", id="calendar-status")
        yield Static("", id="settings-error", classes="error")
        yield Static("Enter or Tab saves a field.", id="settings-status", classes="hint")
        yield Footer()

    def _fields(self, fields: list[tuple[str, str]]) -> ComposeResult:
        for key, label in fields:
            with Horizontal(classes="row"):
                yield Label(label, classes="label")
                yield Input(
                    id=_fid(key),
                    compact=True,
                    placeholder=PLACEHOLDERS.get(key, ""),
                    password=settings_mod.is_secret(key),  # a private feed's address is its token
                )

    @staticmethod
    def _tick(key: str) -> Tick:
        return Tick(TICK_WORDS[key][False], id=_fid(key), classes="tick", compact=True)

    def show_ticks(self) -> None:
        for key, words in TICK_WORDS.items():
            ticked = bool(settings_mod.get_value(self.current, key))
            tick = self.query_one(f"#{_fid(key)}", Tick)
            tick.value, tick.label = ticked, words[ticked]

    def on_mount(self) -> None:
        self.query_one("#rules").border_title = "Rules and days"
        self.query_one("#notify").border_title = "Notifications"
        self.query_one("#summary").border_title = "Summary and privacy"
        self.query_one("#calendar").border_title = "Calendar"
        # What this screen shows and edits; saves apply each change onto the newest file.
        self.current: Settings = workspace(self).settings
        current = self.current
        for key in LABELS:
            self.query_one(f"#{_fid(key)}", Input).value = _text(
                settings_mod.get_value(current, key)
            )
        self.show_ticks()
        self.show_urls()
        self.show_last_delivery()
        self.query_one(f"#{_fid(RULE_FIELDS[0][0])}", Input).focus()

    def on_screen_resume(self) -> None:
        # Back from another screen: a setting may have changed meanwhile (`caughtup config`).
        self.outside(OutsideChange(data=True, settings=True))

    # -- showing --------------------------------------------------------------------------------

    def show_urls(self, urls: Sequence[str] | None = None) -> None:
        urls = self.current.notify.urls if urls is None else urls
        listing = self.query_one("#urls", OptionList)
        highlighted = listing.highlighted
        listing.clear_options()
        if urls:
            listing.add_options(Option(settings_mod.mask(u)) for u in urls)
            listing.highlighted = min(highlighted or 0, len(urls) - 1)
        else:
            listing.add_option(Option("none yet: add one below", disabled=True))

    def show_last_delivery(self, results: list[Delivery] | None = None) -> None:
        ws = workspace(self)
        now = ws.now()
        if results:
            lines = [
                f"{d.target}: {'worked' if d.ok else 'FAILED, ' + (d.error or 'no reason given')}"
                for d in results
            ]
            text = "Test: " + "; ".join(lines)
        else:
            recent = ws.store.deliveries(1)
            text = notifier.describe(recent[0] if recent else None, now)
            failed = notifier.remind_failure(ws.home)
            if failed:
                text += f"\nThe last reminder run failed: {failed}."
        self.query_one("#last-delivery", Static).update(escape(text))

    def say(self, error: str = "", status: str = "") -> None:
        self.query_one("#settings-error", Static).update(escape(error))
        if status:
            self.query_one("#settings-status", Static).update(escape(status))

    # -- saving ---------------------------------------------------------------------------------

    @on(Input.Submitted)
    @on(Input.Blurred)
    def field_done(self, event: Input.Submitted | Input.Blurred) -> None:
        input_id = event.input.id or ""
        if input_id == "new-url":
            if isinstance(event, Input.Submitted):
                self.add_url(event.value.strip())
            return
        key = next((k for k in LABELS if _fid(k) == input_id), None)
        if key is None:
            return
        current = settings_mod.get_value(self.current, key)
        if event.value.strip() == _text(current):
            return
        if self.change(key, event.value) and isinstance(event, Input.Submitted):
            self.focus_next(Input)

    @on(Checkbox.Changed)
    def tick_changed(self, event: Checkbox.Changed) -> None:
        key = next(k for k in TICK_WORDS if _fid(k) == event.checkbox.id)
        event.checkbox.label = TICK_WORDS[key][event.value]
        if event.value != settings_mod.get_value(self.current, key):
            self.change(key, "true" if event.value else "false")

    def change(
        self, key: str, raw: Any, apply: Callable[[Settings], Settings] | None = None
    ) -> bool:
        """Check a new value now (one line naming the field if bad) and save it in a worker.

        What is saved is `apply` (by default: set this key) on the settings file as it is then,
        so a key changed elsewhere meanwhile (`caughtup config`) is kept, never written back.
        """
        label = NAMES[key]
        try:
            updated = settings_mod.set_value(self.current, key, raw)
        except InputError as exc:
            self.say(str(exc).replace(key, label, 1))
            return False
        self.current = updated
        value = settings_mod.get_value(updated, key)
        self.say(status=f"Saved: {label} = {self._shown(key, value)}.")
        self.save(apply or (lambda now: settings_mod.set_value(now, key, value)))
        return True

    @staticmethod
    def _shown(key: str, value: Any) -> str:
        if key == "notify.urls":
            return plural(len(value), "URL")
        if isinstance(value, bool):
            return "on" if value else "off"
        if settings_mod.is_secret(key) and "://" in str(value):
            return settings_mod.mask(str(value))
        return _text(value) or "empty"

    @store_work("settings", group="settings-save", exclusive=False, failed="Not saved: ")
    def save(self, ws: Workspace, apply: Callable[[Settings], Settings]) -> OutsideChange:
        # Under a lock, so quick successive edits land in the file in the order they were made.
        with self._save_lock:
            ws.change_settings(apply)
        # The file may hold more than this screen changed: show it all.
        return OutsideChange(data=False, settings=True)

    @on(OutsideChange)
    def outside(self, message: OutsideChange) -> None:
        """Show settings changed elsewhere; a field being typed in, or not yet saved, stays."""
        if message.settings:
            before, self.current = self.current, workspace(self).settings
            for key in LABELS:
                field = self.query_one(f"#{_fid(key)}", Input)
                if not field.has_focus and field.value == _text(
                    settings_mod.get_value(before, key)
                ):
                    field.value = _text(settings_mod.get_value(self.current, key))
            self.show_ticks()
            self.show_urls()
        self.show_last_delivery()

    # -- notification URLs ----------------------------------------------------------------------

    def add_url(self, url: str) -> None:
        if not url:
            return
        urls = self.current.notify.urls
        if url in urls:
            self.say("That URL is already in the list.")
            return
        if self.change("notify.urls", [*urls, url], lambda now: _with_urls(now, [url], [])):
            self.query_one("#new-url", Input).value = ""
            self.show_urls([*urls, url])

    def action_remove_url(self) -> None:
        listing = self.query_one("#urls", OptionList)
        urls = self.current.notify.urls
        if self.focused is not listing or not urls or listing.highlighted is None:
            return
        gone = urls[listing.highlighted]
        rest = [u for u in urls if u != gone]
        if self.change("notify.urls", rest, lambda now: _with_urls(now, [], [gone])):
            self.say(status=f"Removed {settings_mod.mask(gone)}.")
            self.show_urls(rest)

    @on(Button.Pressed, "#send-test")
    def action_send_test(self) -> None:
        urls = self.current.notify.urls
        if not urls:
            self.say("Add a URL first: type it in Add URL and press Enter.")
            return
        self.query_one("#last-delivery", Static).update("Sending a test message…")
        self.send_test(list(urls))

    @store_work("notify-test", failed="Test not sent: ")
    def send_test(self, ws: Workspace, urls: list[str]) -> NotificationsSent:
        # Network and SQLite off the event loop.
        return NotificationsSent(notifier.send_test(ws.store, urls, ws.now()))

    @on(NotificationsSent)
    def test_done(self, message: NotificationsSent) -> None:
        self.show_last_delivery(message.results)
        worked = sum(d.ok for d in message.results)
        total = len(message.results)
        if worked == total:
            self.notify(f"Test message delivered to {total} of {total}.", title="Notifications")
        else:
            self.notify(
                f"Test message delivered to {worked} of {total}; see Settings for why.",
                title="Notifications",
                severity="warning",
            )

    # -- the calendar -----------------------------------------------------------------------------

    @on(Button.Pressed, "#sync-calendar")
    def action_sync_calendar(self) -> None:
        if not self.current.calendar.source:
            self.say("Type a calendar file or feed address in Calendar first.")
            return
        self.query_one("#calendar-status", Static).update("Syncing…")
        self.sync_calendar()

    @store_work("calendar", failed="Calendar not synced: ", name="syncing the calendar")
    def sync_calendar(self, ws: Workspace) -> CalendarSynced:
        from tracker.calendar import apply

        cal = ws.settings.calendar
        return CalendarSynced(apply.run(ws.store, cal, cal.source, ws.now(), ws.tz).lines())

    @on(CalendarSynced)
    def synced(self, message: CalendarSynced) -> None:
        self.query_one("#calendar-status", Static).update(escape(" ".join(message.lines[1:])))
        self.notify(" ".join(message.lines), title="Calendar synced")

    @on(WorkFailed)
    def failed(self, message: WorkFailed) -> None:
        if message.what == "calendar":
            self.query_one("#calendar-status", Static).update("")
        self.say(message.error)
        self.notify(message.error, title="Settings", severity="error")
