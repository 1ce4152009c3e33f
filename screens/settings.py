"""The Settings screen: the common settings and the notification URLs, each change saved at once."""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
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
]
NOTIFY_FIELDS: list[tuple[str, str]] = [("notify.quiet_hours", "Quiet hours")]
CALENDAR_FIELDS: list[tuple[str, str]] = [
    ("calendar.source", "Calendar source"),
    ("sprint.work_hours", "Working hours"),
    ("sprint.days_off", "Days off"),
]
LABELS = dict(RULE_FIELDS + NOTIFY_FIELDS + CALENDAR_FIELDS)
PLACEHOLDERS = {
    "timezone": "empty: system",
    "notify.quiet_hours": "empty: any hour",
    "calendar.source": "file path or https:// feed",
}
WEEKENDS = {True: "Weekends: on", False: "Weekends: off (held to Monday)"}


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
in red and nothing is saved. Lists are comma-separated (`tue,thu`). An empty time zone follows your
computer; empty quiet hours means reminders at any hour.

**Notifications.** Type an apprise URL (ntfy://your-topic, mailto://..., a Slack or Pushover URL)
in *Add URL* and press Enter. URLs often hold tokens, so they are shown masked. In the list, x or
Delete removes the highlighted one. F8 (or *Send test*) sends a test message to each URL and
says whether each one worked. The last line shows the last message sent and whether it arrived;
`caughtup remind --schedule` sets up the reminders themselves.

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
        with Horizontal(id="settings"):
            with Vertical(id="rules", classes="panel"):
                for key, label in RULE_FIELDS:
                    yield from self._field(key, label)
            with Vertical(id="notify", classes="panel"):
                for key, label in NOTIFY_FIELDS:
                    yield from self._field(key, label)
                yield Tick(WEEKENDS[False], id="set-notify-weekends", compact=True)
                yield Label("URLs (x removes)", classes="label")
                yield OptionList(id="urls", compact=True)
                with Horizontal(classes="row"):
                    yield Label("Add URL", classes="label")
                    yield Input(
                        id="new-url", password=True, compact=True, placeholder="ntfy://topic"
                    )
                yield Button("Send test", id="send-test", compact=True)
                yield Static("", id="last-delivery")
        with Vertical(id="calendar", classes="panel"):
            for key, label in CALENDAR_FIELDS:
                yield from self._field(key, label)
            with Horizontal(classes="row"):
                yield Button("Sync now", id="sync-calendar", compact=True)
                yield Static("", id="calendar-status")
        yield Static("", id="settings-error", classes="error")
        yield Static("Enter or Tab saves a field.", id="settings-status", classes="hint")
        yield Footer()

    def _field(self, key: str, label: str) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label(label, classes="label")
            yield Input(
                id=_fid(key),
                compact=True,
                placeholder=PLACEHOLDERS.get(key, ""),
                password=settings_mod.is_secret(key),  # a private feed's address is its token
            )

    def on_mount(self) -> None:
        self.query_one("#rules").border_title = "Rules and days"
        self.query_one("#notify").border_title = "Notifications"
        self.query_one("#calendar").border_title = "Calendar"
        # What this screen shows and edits; saves apply each change onto the newest file.
        self.current: Settings = workspace(self).settings
        current = self.current
        for key in LABELS:
            self.query_one(f"#{_fid(key)}", Input).value = _text(
                settings_mod.get_value(current, key)
            )
        weekends = self.query_one(Checkbox)
        weekends.value = current.notify.weekends
        weekends.label = WEEKENDS[current.notify.weekends]
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
    def weekends_changed(self, event: Checkbox.Changed) -> None:
        # The box's look alone says little: its label says on or off in words.
        event.checkbox.label = WEEKENDS[event.value]
        if event.value != self.current.notify.weekends:
            self.change("notify.weekends", "true" if event.value else "false")

    def change(
        self, key: str, raw: Any, apply: Callable[[Settings], Settings] | None = None
    ) -> bool:
        """Check a new value now (one line naming the field if bad) and save it in a worker.

        What is saved is `apply` (by default: set this key) on the settings file as it is then,
        so a key changed elsewhere meanwhile (`caughtup config`) is kept, never written back.
        """
        label = LABELS.get(key, "URLs")
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
            self.query_one(Checkbox).value = self.current.notify.weekends
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
